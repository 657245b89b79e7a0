// Package buildinfo reads the build information that the Go toolchain
// embeds in every binary it links (debug/buildinfo) — the main module, the
// module versions with their go.sum hashes, the build settings (-trimpath,
// CGO_ENABLED, -buildmode) and the version-control state — and compares it
// with a checkout: was the binary built from the checkout's HEAD, from a
// clean tree, and from exactly the modules its go.sum pins?
//
// This is evidence beyond the files (PO.3.2): a lock file says what a build
// should use; the binary says what a build did use.
package buildinfo

import (
	"bufio"
	"bytes"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime/debug"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// Info is what a Go binary records of its build.
type Info struct {
	// GoVersion is the toolchain that built the binary ("go1.26.8").
	GoVersion string `json:"goVersion"`
	// Path is the main package's import path.
	Path string `json:"path"`
	Main Module `json:"main"`
	// Deps are the modules linked into the binary, sorted by path.
	Deps []Module `json:"deps"`
	// Trimpath is set when the binary was built with -trimpath (no file
	// system paths of the build machine in it).
	Trimpath bool `json:"trimpath"`
	// CgoEnabled is the CGO_ENABLED setting, "0" or "1" ("" when not
	// recorded).
	CgoEnabled string `json:"cgoEnabled,omitempty"`
	// BuildMode is -buildmode ("exe", "pie", ...).
	BuildMode string `json:"buildMode,omitempty"`
	GOOS      string `json:"goos,omitempty"`
	GOARCH    string `json:"goarch,omitempty"`
	// VCS is the version-control state of the main module's tree, nil when
	// the binary records none (-buildvcs=false, built outside a
	// repository, go run).
	VCS *VCS `json:"vcs,omitempty"`
	// Settings are every build setting as recorded, in order (-ldflags,
	// -tags, GOAMD64, ...).
	Settings []Setting `json:"settings"`
}

// Module is a module version.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"`
	// Sum is the module's go.sum hash ("h1:…"); empty for the main module,
	// local replacements and vendored builds.
	Sum     string  `json:"sum,omitempty"`
	Replace *Module `json:"replace,omitempty"`
}

// VCS is the version-control state recorded at build time.
type VCS struct {
	System   string `json:"system"`
	Revision string `json:"revision,omitempty"`
	// Time is the commit time as recorded (RFC 3339).
	Time string `json:"time,omitempty"`
	// Modified is set when the tree had uncommitted changes.
	Modified bool `json:"modified"`
}

// Setting is one build setting.
type Setting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ErrNotGo is returned for a file that is not a Go binary with build
// information (or not an executable at all).
var ErrNotGo = errors.New("not a Go binary with build information")

// Read reads the build information of the Go binary r.
func Read(r io.ReaderAt) (*Info, error) {
	bi, err := buildinfo.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotGo, err)
	}
	return FromDebug(bi), nil
}

// FromDebug turns the runtime's BuildInfo into an Info.
func FromDebug(bi *debug.BuildInfo) *Info {
	in := &Info{GoVersion: bi.GoVersion, Path: bi.Path, Main: module(&bi.Main), Deps: []Module{}, Settings: []Setting{}}
	for _, d := range bi.Deps {
		if d != nil {
			in.Deps = append(in.Deps, module(d))
		}
	}
	slices.SortFunc(in.Deps, func(a, b Module) int { return strings.Compare(a.Path, b.Path) })
	var vcs VCS
	for _, s := range bi.Settings {
		in.Settings = append(in.Settings, Setting{s.Key, s.Value})
		switch s.Key {
		case "-trimpath":
			in.Trimpath = s.Value == "true"
		case "CGO_ENABLED":
			in.CgoEnabled = s.Value
		case "-buildmode":
			in.BuildMode = s.Value
		case "GOOS":
			in.GOOS = s.Value
		case "GOARCH":
			in.GOARCH = s.Value
		case "vcs":
			vcs.System = s.Value
		case "vcs.revision":
			vcs.Revision = s.Value
		case "vcs.time":
			vcs.Time = s.Value
		case "vcs.modified":
			vcs.Modified = s.Value == "true"
		}
	}
	if vcs.System != "" || vcs.Revision != "" {
		in.VCS = &vcs
	}
	return in
}

func module(m *debug.Module) Module {
	out := Module{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		r := module(m.Replace)
		out.Replace = &r
	}
	return out
}

// Checkout is what a checkout says about the build it should produce.
type Checkout struct {
	// Dir is the checkout as the user named it.
	Dir string `json:"dir"`
	// Head is the commit HEAD names; HeadError says why it is unknown.
	Head      string `json:"head,omitempty"`
	HeadError string `json:"headError,omitempty"`
	// Module is the module path of the checkout's go.mod; ModuleError
	// says why it is unknown.
	Module      string `json:"module,omitempty"`
	ModuleError string `json:"moduleError,omitempty"`
	// SumFiles are the files the sums were read from (go.sum, go.work.sum).
	SumFiles []string `json:"sumFiles"`
	// SumError says why a sum file could not be read.
	SumError string `json:"sumError,omitempty"`
	// Sums maps "path version" to the module's h1: hash.
	Sums map[string]string `json:"-"`
	// Vendored maps a module path to the version vendor/modules.txt
	// records (nil without vendor/modules.txt).
	Vendored map[string]string `json:"-"`
}

// maxSumFile bounds what is read of one sum file.
const maxSumFile = 64 << 20

// ReadCheckout reads go.mod, go.sum, go.work.sum and vendor/modules.txt at
// the root of fsys (a checkout opened with os.OpenRoot). Head is not read
// here (see collect.Git.Head). Missing files are not errors: a checkout
// without go.sum simply pins nothing.
func ReadCheckout(fsys fs.FS, dir string) Checkout {
	co := Checkout{Dir: dir, SumFiles: []string{}, Sums: map[string]string{}}
	if b, err := readCapped(fsys, "go.mod"); err == nil {
		if p := modfile.ModulePath(b); p != "" {
			co.Module = p
		} else {
			co.ModuleError = "go.mod has no module directive"
		}
	} else {
		co.ModuleError = "no go.mod: " + cleanErr(err)
	}
	for _, name := range []string{"go.sum", "go.work.sum"} {
		b, err := readCapped(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			co.SumError = name + ": " + cleanErr(err)
			continue
		}
		co.SumFiles = append(co.SumFiles, name)
		for k, v := range ParseSum(b) {
			if _, ok := co.Sums[k]; !ok {
				co.Sums[k] = v
			}
		}
	}
	if b, err := readCapped(fsys, "vendor/modules.txt"); err == nil {
		co.Vendored = ParseVendor(b)
	}
	return co
}

func readCapped(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSumFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSumFile {
		return nil, fmt.Errorf("over %d bytes", maxSumFile)
	}
	return b, nil
}

func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ParseSum reads a go.sum (or go.work.sum): lines `path version hash`;
// the `/go.mod` lines, which hash only a module's go.mod, are skipped. The
// result maps "path version" to the hash.
func ParseSum(b []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || strings.HasSuffix(f[1], "/go.mod") {
			continue
		}
		out[f[0]+" "+f[1]] = f[2]
	}
	return out
}

// ParseVendor reads vendor/modules.txt: `# path version` lines (and
// `# path version => replacement [version]`); the result maps the module
// path to its version.
func ParseVendor(b []byte) map[string]string {
	out := map[string]string{}
	for l := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(l, "# ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) >= 2 {
			out[f[0]] = f[1]
		}
	}
	return out
}

// Status is the outcome of one comparison.
type Status string

// The statuses.
const (
	Match    Status = "match"
	Mismatch Status = "mismatch"
	// Missing: go.sum has no hash for the module version.
	Missing Status = "missing"
	// Vendored: the binary records no hash, and vendor/modules.txt has
	// the same version.
	Vendored Status = "vendored"
	// Unverified: nothing to compare (a local replacement, a workspace
	// module, a vendored build without vendor/modules.txt).
	Unverified Status = "unverified"
	// Unknown: the checkout's side could not be read.
	Unknown Status = "unknown"
)

// Finding is one comparison.
type Finding struct {
	Status Status `json:"status"`
	// Binary and Checkout are the two values compared.
	Binary   string `json:"binary,omitempty"`
	Checkout string `json:"checkout,omitempty"`
	Reason   string `json:"reason"`
}

// ModuleFinding is the comparison of one module with the checkout's sums.
type ModuleFinding struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	// Replaced is the replacement the binary was built with, as
	// "path version" (or the directory).
	Replaced string `json:"replaced,omitempty"`
	Finding
}

// Result is the comparison of a binary with a checkout.
type Result struct {
	// Match is set when everything matches: the main module, the revision
	// (HEAD, clean tree) and every module's hash.
	Match      bool            `json:"match"`
	MainModule Finding         `json:"mainModule"`
	Revision   Finding         `json:"revision"`
	Modules    []ModuleFinding `json:"modules"`
	// Problems are one sentence per thing that does not match.
	Problems []string `json:"problems"`
}

// Compare compares a binary's build information with a checkout.
func Compare(in *Info, co Checkout) Result {
	r := Result{Modules: []ModuleFinding{}, Problems: []string{}}
	problem := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }

	switch {
	case co.Module == "":
		r.MainModule = Finding{Status: Unknown, Binary: in.Main.Path, Reason: co.ModuleError}
		problem("main module: the checkout's module is unknown (%s)", co.ModuleError)
	case co.Module == in.Main.Path:
		r.MainModule = Finding{Status: Match, Binary: in.Main.Path, Checkout: co.Module, Reason: "the binary's main module is the checkout's module"}
	default:
		r.MainModule = Finding{Status: Mismatch, Binary: in.Main.Path, Checkout: co.Module, Reason: "the binary was built from another module"}
		problem("main module: the binary was built from %s, the checkout is %s", in.Main.Path, co.Module)
	}

	rev := ""
	if in.VCS != nil {
		rev = in.VCS.Revision
	}
	switch {
	case rev == "":
		r.Revision = Finding{Status: Unknown, Checkout: co.Head,
			Reason: "the binary records no VCS revision (built with -buildvcs=false, outside a repository, or by go run)"}
		problem("revision: %s", r.Revision.Reason)
	case in.VCS.System != "git":
		r.Revision = Finding{Status: Unknown, Binary: rev, Checkout: co.Head, Reason: fmt.Sprintf("the binary was built from a %s repository, not git", in.VCS.System)}
		problem("revision: %s", r.Revision.Reason)
	case co.Head == "":
		r.Revision = Finding{Status: Unknown, Binary: rev, Reason: "the checkout's HEAD is unknown: " + co.HeadError}
		problem("revision: %s", r.Revision.Reason)
	case rev != co.Head:
		r.Revision = Finding{Status: Mismatch, Binary: rev, Checkout: co.Head, Reason: "the binary was built from another commit than HEAD"}
		problem("revision: the binary was built from %s, HEAD is %s", rev, co.Head)
	case in.VCS.Modified:
		r.Revision = Finding{Status: Mismatch, Binary: rev + "+modified", Checkout: co.Head,
			Reason: "the binary was built from HEAD with uncommitted changes: HEAD alone does not reproduce it"}
		problem("revision: built from HEAD (%s) with uncommitted changes", rev)
	default:
		r.Revision = Finding{Status: Match, Binary: rev, Checkout: co.Head, Reason: "the binary was built from HEAD, with a clean tree"}
	}

	for _, d := range in.Deps {
		mf := ModuleFinding{Path: d.Path, Version: d.Version}
		m := d
		if d.Replace != nil {
			m = *d.Replace
			mf.Replaced = strings.TrimSpace(m.Path + " " + m.Version)
		}
		key := m.Path + " " + m.Version
		want, inSum := co.Sums[key]
		switch {
		case m.Version == "" || m.Version == "(devel)":
			mf.Finding = Finding{Status: Unverified, Reason: "a local replacement or workspace module: go.sum pins no hash for it"}
		case m.Sum == "":
			if v, ok := co.Vendored[m.Path]; ok && v == m.Version {
				mf.Finding = Finding{Status: Vendored, Binary: m.Version, Checkout: v, Reason: "built from vendor/, whose modules.txt has this version"}
			} else {
				mf.Finding = Finding{Status: Unverified, Reason: "the binary records no hash for it (a vendored build) and vendor/modules.txt does not list this version"}
			}
		case !inSum && co.SumError != "":
			mf.Finding = Finding{Status: Unknown, Binary: m.Sum, Reason: "the checkout's sums could not be read: " + co.SumError}
		case !inSum:
			mf.Finding = Finding{Status: Missing, Binary: m.Sum, Reason: "the checkout's go.sum has no hash for this version"}
		case want != m.Sum:
			mf.Finding = Finding{Status: Mismatch, Binary: m.Sum, Checkout: want, Reason: "the binary's hash differs from the checkout's go.sum"}
		default:
			mf.Finding = Finding{Status: Match, Binary: m.Sum, Checkout: want, Reason: "the hash matches go.sum"}
		}
		if mf.Status != Match && mf.Status != Vendored {
			problem("module %s %s: %s", key, mf.Status, mf.Reason)
		}
		r.Modules = append(r.Modules, mf)
	}
	r.Match = len(r.Problems) == 0
	return r
}
