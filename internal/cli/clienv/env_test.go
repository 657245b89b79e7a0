package clienv

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestColor(t *testing.T) {
	env := func(term bool, vars map[string]string) *Env {
		return &Env{OutIsTerminal: term, Getenv: func(k string) string { return vars[k] }}
	}
	if env(false, nil).Color() {
		t.Error("colour on a pipe")
	}
	if !env(true, nil).Color() {
		t.Error("no colour on a terminal")
	}
	if env(true, map[string]string{"NO_COLOR": "1"}).Color() {
		t.Error("NO_COLOR ignored")
	}
	if env(true, map[string]string{"TERM": "dumb"}).Color() {
		t.Error("TERM=dumb ignored")
	}
}

func TestWriteOutputIsAtomic(t *testing.T) {
	dir := t.TempDir()
	e := &Env{Dir: dir, Out: &bytes.Buffer{}}
	p := filepath.Join(dir, "report.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := e.WriteOutput("report.json", func(w io.Writer) error { w.Write([]byte("half")); return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := e.WriteOutput("report.json", func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("file = %q", b)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644 (a report is for sharing)", fi.Mode())
	}
}

func TestCode(t *testing.T) {
	if Code(nil) != 0 || Code(Usage("x")) != 2 || Code(&ExitError{Code: 3}) != 3 || Code(errors.New("other")) != 2 {
		t.Error("exit codes")
	}
}

// TestWriteOutputToDevice: --output /dev/null must write to the device,
// never rename a file over it.
func TestWriteOutputToDevice(t *testing.T) {
	fi, err := os.Stat(os.DevNull)
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is not a character device before the test: %v", os.DevNull, fi)
	}
	e := &Env{Out: &bytes.Buffer{}}
	if err := e.WriteOutput(os.DevNull, func(w io.Writer) error { _, err := w.Write([]byte("x")); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s was replaced: %v", os.DevNull, fi)
	}
	if err := e.WriteOutput(t.TempDir(), func(io.Writer) error { return nil }); err == nil {
		t.Error("a directory as output was accepted")
	}
}
