package buildreproduciblesettings

import (
	"context"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

func run1(s *snapshot.Snapshot) check.Result {
	return check.Run(context.Background(), []*check.Check{Check}, s, policy.Default(), checktest.DefaultNow)[0].Result
}

// A walk cut short proves no switch absent: an ecosystem without one is
// unknown, and with no ecosystem seen the check is unknown, not
// not-applicable. A switch that was seen still passes.
func TestTruncated(t *testing.T) {
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:     []string{"pom.xml"},
		Contents:  map[string]snapshot.Content{"pom.xml": {Text: "<project><modelVersion>4.0.0</modelVersion></project>"}},
		Truncated: true, Error: "walk stopped at the cap of 10 entries",
	}}
	if r := run1(s); r.Status != check.Unknown || !strings.Contains(r.Reason, "cut short") {
		t.Errorf("got %s %q, want unknown (cut short)", r.Status, r.Reason)
	}
	s.Tree.Contents["pom.xml"] = snapshot.Content{Text: "<project><properties><project.build.outputTimestamp>1</project.build.outputTimestamp></properties></project>"}
	if r := run1(s); r.Status != check.Passed {
		t.Errorf("with the property: got %s %q, want pass", r.Status, r.Reason)
	}
	s.Tree.Files, s.Tree.Contents = nil, nil
	if r := run1(s); r.Status != check.Unknown {
		t.Errorf("empty truncated tree: got %s %q, want unknown", r.Status, r.Reason)
	}
}

// Files over the size cap never let an ecosystem pass or fail on what was
// not read: a GoReleaser configuration, a wrapper.
func TestSkipped(t *testing.T) {
	skipped := snapshot.Content{Skipped: "5242880 bytes, over the 4194304-byte cap", Size: 5 << 20}
	s := &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{".goreleaser.yaml"},
		Contents: map[string]snapshot.Content{".goreleaser.yaml": skipped},
	}}
	// A GoReleaser configuration that could not be read most likely builds
	// Go: unknown, naming it.
	if r := run1(s); r.Status != check.Unknown || len(r.Findings) != 1 || r.Findings[0].Path != ".goreleaser.yaml" {
		t.Errorf("skipped .goreleaser.yaml: got %s %q %+v, want unknown naming it", r.Status, r.Reason, r.Findings)
	}
	// With a go build that writes a binary too, still unknown: the
	// configuration may set GOFLAGS.
	s.Tree.Files = append(s.Tree.Files, "Dockerfile")
	s.Tree.Contents["Dockerfile"] = snapshot.Content{Text: "FROM golang:1.23\nRUN go build -o /app .\n"}
	if r := run1(s); r.Status != check.Unknown || len(r.Findings) != 1 || r.Findings[0].Path != ".goreleaser.yaml" {
		t.Errorf("go build with a skipped .goreleaser.yaml: got %s %q %+v, want unknown naming it", r.Status, r.Reason, r.Findings)
	}
	s = &snapshot.Snapshot{Tree: snapshot.Tree{
		Files:    []string{"gradle/wrapper/gradle-wrapper.properties"},
		Contents: map[string]snapshot.Content{"gradle/wrapper/gradle-wrapper.properties": skipped},
	}}
	if r := run1(s); r.Status != check.Unknown {
		t.Errorf("skipped wrapper: got %s %q, want unknown", r.Status, r.Reason)
	}
}

func TestDockerVars(t *testing.T) {
	for in, want := range map[string]string{
		`GOFLAGS=-trimpath`:                        "GOFLAGS=-trimpath",
		`CGO_ENABLED=0 GOFLAGS="-trimpath -v" X=1`: "CGO_ENABLED=0|GOFLAGS=-trimpath -v|X=1",
		`GOFLAGS -trimpath -mod=vendor`:            "GOFLAGS=-trimpath -mod=vendor",
		`A='x y' B`:                                "A=x y|B=",
	} {
		var got []string
		for _, v := range dockerVars(in) {
			got = append(got, v.Name+"="+v.Value)
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("dockerVars(%q) = %q, want %q", in, g, want)
		}
	}
}

func TestWritesBinary(t *testing.T) {
	for text, want := range map[string]bool{
		"go build ./...":                    false,
		"go build -v ./...":                 false,
		"go build -o bin/ ./...":            true,
		"go build":                          true,
		"go build -o widget .":              true,
		"go build -tags netgo ./cmd/widget": true,
		"go build ./cmd/... ./internal/...": false,
	} {
		cmds := pipeline.ShellCommands(pipeline.Text{Value: text}, "")
		if len(cmds) != 1 {
			t.Fatalf("%q: %d commands", text, len(cmds))
		}
		if got := writesBinary(cmds[0]); got != want {
			t.Errorf("writesBinary(%q) = %v, want %v", text, got, want)
		}
	}
}
