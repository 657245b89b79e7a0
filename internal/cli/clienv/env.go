// Package clienv is what every command receives: the streams, the
// environment, the clock, the check list and the version. Only the command
// line reads the real process state; tests build an Env by hand.
package clienv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ssdf-dev/ssdf/check"
)

// Env is passed whole to every command.
type Env struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Getenv reads the environment (tokens, NO_COLOR).
	Getenv func(string) string
	// Environ is the whole environment, for child processes (git).
	Environ []string
	Now     func() time.Time
	// OutIsTerminal is set when Out is a terminal: text output and colour.
	OutIsTerminal bool
	// ErrIsTerminal is set when Err is a terminal: progress bars.
	ErrIsTerminal bool
	// Dir is the working directory.
	Dir     string
	Checks  []*check.Check
	Version string
}

// Color reports whether output may use colour: a terminal, NO_COLOR unset
// (https://no-color.org) and TERM not "dumb".
func (e *Env) Color() bool {
	return e.OutIsTerminal && e.Getenv("NO_COLOR") == "" && e.Getenv("TERM") != "dumb"
}

// Exit codes (SPEC §2).
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
	ExitTarget = 3
)

// ExitError carries a process exit code out of a command.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usage returns a usage error (exit 2).
func Usage(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// Code returns the exit code an error stands for.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitUsage
}

// WriteOutput writes to the file named by path (atomically: a temporary
// file in the same directory, renamed into place, so that a failed run
// never leaves half a report) or, for "" and "-", to Out.
func (e *Env) WriteOutput(path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(e.Out)
	}
	if !filepath.IsAbs(path) && e.Dir != "" {
		path = filepath.Join(e.Dir, path)
	}
	// A device, pipe or socket (/dev/null, /dev/stdout, a named pipe) is
	// written in place: renaming a file over it would replace the device.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("write output: %s is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600; a report is for sharing.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write output: %w", err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}
