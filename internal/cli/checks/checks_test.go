package checks

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	allchecks "github.com/ssdf-dev/ssdf/checks"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md")

const docsPath = "../../../docs/checks.md"

// TestDocsUpToDate fails when docs/checks.md differs from what the check
// list generates. Regenerate with `go test ./internal/cli/checks -update`
// or `go run ./cmd/ssdf checks --format markdown > docs/checks.md`.
func TestDocsUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, allchecks.List); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(docsPath, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatalf("%v (generate it with -update)", err)
	}
	if diff := cmp.Diff(b.String(), string(got)); diff != "" {
		t.Errorf("docs/checks.md is stale; run `go test ./internal/cli/checks -update` (-generated +file):\n%s", diff)
	}
}

func TestListIsValid(t *testing.T) {
	if err := check.Validate(allchecks.List); err != nil {
		t.Fatal(err)
	}
}
