package codeownersownersexist

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/codeowners"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// TestCorpus puts every real-world CODEOWNERS of the corpus at its
// original path, on its forge, and asks the check twice: with a forge that
// resolves every owner (pass, or not-applicable where codeowners-present
// finds no effective file), and with a forge that rejects the first owner
// of the first rule naming one (fail, with the finding on that line).
func TestCorpus(t *testing.T) {
	counts := map[check.Status]int{}
	lines := map[string]int{}
	for _, c := range sharedtest.Corpus(t, "codeowners") {
		repo, p := c.Repo, c.Path
		b, err := os.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		forge := "github"
		if strings.HasPrefix(p, ".gitlab/") || strings.HasPrefix(repo, "gitlabhq/") || repo == "GNOME/glib" || repo == "Kitware/SMTK" {
			forge = "gitlab"
		}
		snap := collect.FS(context.Background(), fstest.MapFS{p: {Data: b}}, collect.Options{Path: ".", Forge: forge}, nil)
		eval := func(errs []snapshot.CodeOwnerError) check.Result {
			snap.Forge = snapshot.Forge{Consulted: true, Kind: forge, Repo: &snapshot.Repo{FullName: repo,
				CodeOwnerErrors: snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: errs}}}
			return check.Run(context.Background(), []*check.Check{Check}, snap, policy.Default(), checktest.DefaultNow)[0].Result
		}
		r := eval(nil)
		counts[r.Status]++
		if r.Status == check.NotApplicable {
			continue
		}
		if r.Status != check.Passed {
			t.Errorf("%s %s: %s (%s), want pass", repo, p, r.Status, r.Reason)
			continue
		}
		f := codeowners.Parse(codeowners.DialectOf(forge), string(b))
		var first codeowners.Rule
		for _, rule := range f.Rules {
			if len(rule.Owners) > 0 {
				first = rule
				break
			}
		}
		owner := first.Owners[0].Text
		r = eval([]snapshot.CodeOwnerError{{Line: first.Line, Owner: owner, Message: "Unknown owner: make sure " + owner + " exists and has write access"}})
		want := []check.Finding{{Path: p, Line: first.Line, Message: owner + ": Unknown owner: make sure " + owner + " exists and has write access"}}
		if r.Status != check.Failed || !cmp.Equal(want, r.Findings) {
			t.Errorf("%s %s: %s %v, want fail with %v", repo, p, r.Status, r.Findings, want)
		}
		lines[repo+" "+p] = first.Line
	}
	// 33 files at a location their forge reads; slsa-verifier's
	// actions/installer/CODEOWNERS is not one.
	if diff := cmp.Diff(map[check.Status]int{check.Passed: 33, check.NotApplicable: 1}, counts); diff != "" {
		t.Errorf("corpus outcomes (-want +got):\n%s", diff)
	}
	// Concrete facts: the first owned rule of a few files.
	for k, want := range map[string]int{
		"ossf/scorecard .github/CODEOWNERS": 7,
		"cli/cli .github/CODEOWNERS":        1,
	} {
		if got := lines[k]; got != want {
			t.Errorf("%s: first owned rule on line %d, want %d", k, got, want)
		}
	}
}
