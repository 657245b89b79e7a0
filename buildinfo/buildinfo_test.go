package buildinfo

import (
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// A build information text as `go version -m` prints it.
const info = `go	go1.26.8
path	example.com/widget/cmd/widget
mod	example.com/widget	(devel)	
dep	golang.org/x/mod	v0.41.0	h1:AAAAmodsum=
dep	golang.org/x/sys	v0.50.0	h1:BBBBsyssum=
dep	golang.org/x/text	v0.31.0	h1:CCCCtextsum=
dep	example.com/fork	v1.0.0	
=>	example.com/fork2	v1.0.1	h1:DDDDforksum=
dep	example.com/local	v0.0.0-00010101000000-000000000000	
=>	../local		
build	-buildmode=exe
build	-compiler=gc
build	-trimpath=true
build	CGO_ENABLED=0
build	GOARCH=amd64
build	GOOS=linux
build	vcs=git
build	vcs.revision=0123456789abcdef0123456789abcdef01234567
build	vcs.time=2026-10-01T00:00:00Z
build	vcs.modified=false
`

func parse(t *testing.T, s string) *Info {
	t.Helper()
	bi, err := debug.ParseBuildInfo(s)
	if err != nil {
		t.Fatal(err)
	}
	return FromDebug(bi)
}

func TestFromDebug(t *testing.T) {
	in := parse(t, info)
	if in.Path != "example.com/widget/cmd/widget" || in.Main.Path != "example.com/widget" {
		t.Errorf("header: %+v", in)
	}
	if !in.Trimpath || in.CgoEnabled != "0" || in.BuildMode != "exe" || in.GOOS != "linux" || in.GOARCH != "amd64" {
		t.Errorf("settings: trimpath=%v cgo=%q mode=%q %s/%s", in.Trimpath, in.CgoEnabled, in.BuildMode, in.GOOS, in.GOARCH)
	}
	want := &VCS{System: "git", Revision: "0123456789abcdef0123456789abcdef01234567", Time: "2026-10-01T00:00:00Z"}
	if diff := cmp.Diff(want, in.VCS); diff != "" {
		t.Errorf("vcs (-want +got):\n%s", diff)
	}
	if len(in.Deps) != 5 || in.Deps[0].Path != "example.com/fork" || in.Deps[0].Replace == nil || in.Deps[0].Replace.Sum != "h1:DDDDforksum=" {
		t.Errorf("deps: %+v", in.Deps)
	}
}

func TestCompare(t *testing.T) {
	in := parse(t, info)
	co := ReadCheckout(fstest.MapFS{
		"go.mod": {Data: []byte("module example.com/widget\n\ngo 1.26\n")},
		"go.sum": {Data: []byte(strings.Join([]string{
			"golang.org/x/mod v0.41.0 h1:AAAAmodsum=",
			"golang.org/x/mod v0.41.0/go.mod h1:ignored=",
			"golang.org/x/sys v0.50.0 h1:XXXXother=",
			"example.com/fork2 v1.0.1 h1:DDDDforksum=",
		}, "\n") + "\n")},
	}, ".")
	co.Head = "0123456789abcdef0123456789abcdef01234567"
	r := Compare(in, co)
	if r.Match {
		t.Error("match, want a mismatch")
	}
	if r.MainModule.Status != Match || r.Revision.Status != Match {
		t.Errorf("main %s, revision %s", r.MainModule.Status, r.Revision.Status)
	}
	got := map[string]Status{}
	for _, m := range r.Modules {
		got[m.Path] = m.Status
	}
	want := map[string]Status{
		"example.com/fork":  Match,      // through its replacement's hash
		"example.com/local": Unverified, // a directory replacement
		"golang.org/x/mod":  Match,
		"golang.org/x/sys":  Mismatch,
		"golang.org/x/text": Missing,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
	if len(r.Problems) != 3 {
		t.Errorf("problems: %q", r.Problems)
	}

	// Another commit, then a modified tree.
	co.Head = strings.Repeat("f", 40)
	if r := Compare(in, co); r.Revision.Status != Mismatch {
		t.Errorf("other HEAD: %+v", r.Revision)
	}
	co.Head = in.VCS.Revision
	in.VCS.Modified = true
	if r := Compare(in, co); r.Revision.Status != Mismatch || !strings.Contains(r.Revision.Reason, "uncommitted") {
		t.Errorf("modified: %+v", r.Revision)
	}
	// No revision recorded; no HEAD.
	in.VCS = nil
	if r := Compare(in, co); r.Revision.Status != Unknown {
		t.Errorf("no vcs: %+v", r.Revision)
	}
}

// Everything matches: a clean build from HEAD whose every hash go.sum has.
func TestCompareMatch(t *testing.T) {
	in := parse(t, "go\tgo1.26.8\npath\texample.com/a\nmod\texample.com/a\t(devel)\t\ndep\tgolang.org/x/mod\tv0.41.0\th1:AAAA=\nbuild\tvcs=git\nbuild\tvcs.revision=abc\nbuild\tvcs.modified=false\n")
	co := Checkout{Module: "example.com/a", Head: "abc", Sums: map[string]string{"golang.org/x/mod v0.41.0": "h1:AAAA="}}
	if r := Compare(in, co); !r.Match || len(r.Problems) != 0 {
		t.Errorf("want a match: %+v", r)
	}
	// A vendored build records no hashes; vendor/modules.txt vouches for
	// the versions.
	in = parse(t, "go\tgo1.26.8\npath\texample.com/a\nmod\texample.com/a\t(devel)\t\ndep\tgolang.org/x/mod\tv0.41.0\t\nbuild\tvcs=git\nbuild\tvcs.revision=abc\nbuild\tvcs.modified=false\n")
	co.Vendored = ParseVendor([]byte("# golang.org/x/mod v0.41.0\n## explicit; go 1.22\ngolang.org/x/mod/semver\n"))
	if r := Compare(in, co); !r.Match || r.Modules[0].Status != Vendored {
		t.Errorf("vendored: %+v", r)
	}
	// Another module than the checkout's.
	co.Module = "example.com/b"
	if r := Compare(in, co); r.Match || r.MainModule.Status != Mismatch {
		t.Errorf("other module: %+v", r.MainModule)
	}
}

func TestReadCheckout(t *testing.T) {
	co := ReadCheckout(fstest.MapFS{
		"go.sum":      {Data: []byte("a v1.0.0 h1:one=\nbad line\n")},
		"go.work.sum": {Data: []byte("b v2.0.0 h1:two=\na v1.0.0 h1:other=\n")},
	}, "dir")
	if co.Module != "" || !strings.Contains(co.ModuleError, "no go.mod") {
		t.Errorf("module %q %q", co.Module, co.ModuleError)
	}
	want := map[string]string{"a v1.0.0": "h1:one=", "b v2.0.0": "h1:two="}
	if diff := cmp.Diff(want, co.Sums); diff != "" {
		t.Errorf("sums (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"go.sum", "go.work.sum"}, co.SumFiles); diff != "" {
		t.Errorf("sum files (-want +got):\n%s", diff)
	}
}

// The test binary itself is a Go binary; this source file is not.
func TestRead(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(in.GoVersion, "go") || in.Main.Path != "github.com/ssdf-dev/ssdf" {
		t.Errorf("test binary: go %q main %q", in.GoVersion, in.Main.Path)
	}
	src, err := os.Open("buildinfo.go")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := Read(src); !errors.Is(err, ErrNotGo) {
		t.Errorf("source file: err = %v, want ErrNotGo", err)
	}
}
