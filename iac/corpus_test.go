package iac

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

// The shared corpus holds real configuration files, named
// <owner>__<repo>__<path with "/" as "__">, with their origin in
// SOURCES.tsv. The test rebuilds each repository's tree from it, so that
// files keep their real directories.

// terraformCorpus returns the terraform entries of SOURCES.tsv, and fails
// when a file of corpus/terraform/ is not listed there.
func terraformCorpus(t testing.TB) []sharedtest.CorpusFile {
	t.Helper()
	out := sharedtest.Corpus(t, "terraform")
	listed := map[string]bool{}
	for _, c := range out {
		listed[filepath.Base(c.File)] = true
	}
	entries, err := os.ReadDir(filepath.Join(sharedtest.Dir(t, "corpus"), "terraform"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("corpus/terraform/%s is not in SOURCES.tsv", e.Name())
		}
	}
	if len(entries) == 0 {
		t.Fatal("corpus/terraform is empty")
	}
	return out
}

// corpusSets parses each repository of the corpus as one tree.
func corpusSets(t *testing.T) map[string]*Set {
	t.Helper()
	terraformCorpus(t)
	sets := map[string]*Set{}
	for repo, tr := range sharedtest.CorpusTrees(t, "terraform") {
		sets[repo] = Parse(tr)
	}
	return sets
}

// TestCorpus parses every file of corpus/terraform and checks facts taken
// from them by hand.
func TestCorpus(t *testing.T) {
	sets := corpusSets(t)
	files := 0
	for repo, s := range sets {
		for _, f := range s.Files {
			files++
			if f.Problem != "" {
				t.Errorf("%s: %s:%d: %s", repo, f.Path, f.ProblemLine, f.Problem)
			}
			if f.ShadowedBy != "" {
				t.Errorf("%s: %s is shadowed by %s, but has no .tofu twin", repo, f.Path, f.ShadowedBy)
			}
		}
		if len(s.Locks) != 0 {
			t.Errorf("%s: %d lock files, want none", repo, len(s.Locks))
		}
	}
	if want := len(terraformCorpus(t)); files != want {
		t.Errorf("parsed %d files, want %d", files, want)
	}

	// ministryofjustice/github-collaborators: one module call with a local
	// source; the called directory is not in the corpus.
	moj := sets["ministryofjustice/github-collaborators"]
	m := moj.Module("terraform")
	if m == nil {
		t.Fatal("ministryofjustice: no module in terraform/")
	}
	if len(m.ModuleCalls) != 1 {
		t.Fatalf("ministryofjustice: %d module calls, want 1", len(m.ModuleCalls))
	}
	c := m.ModuleCalls[0]
	if diff := cmp.Diff(
		[]string{"yjaf-ui", "terraform/yjaf-ui.tf:1", "./modules/repository-collaborators", "terraform/yjaf-ui.tf:2", "absent", string(LocalSource)},
		[]string{c.Name, c.Loc(), c.Source.String(), c.Source.Loc(), c.Version.String(), string(c.Src().Kind)}); diff != "" {
		t.Errorf("ministryofjustice module call (-want +got):\n%s", diff)
	}
	if !m.Root() || m.DeclaresProviders() {
		t.Errorf("ministryofjustice: root %v, declares providers %v; want a root module that declares none", m.Root(), m.DeclaresProviders())
	}

	// opentofu/opentofu: a .tf and a .tofu file in one directory, each a
	// `terraform { encryption { … } }` block and no provider.
	tofu := sets["opentofu/opentofu"].Module("website/docs/language/state/examples/encryption")
	if tofu == nil {
		t.Fatal("opentofu: no module in the encryption examples directory")
	}
	var got []string
	for _, f := range tofu.Files {
		got = append(got, f.Path+" tofu="+map[bool]string{false: "no", true: "yes"}[f.Tofu]+" format="+string(f.Format))
	}
	if diff := cmp.Diff([]string{
		"website/docs/language/state/examples/encryption/enforce.tf tofu=no format=hcl",
		"website/docs/language/state/examples/encryption/keyprovider-external.tofu tofu=yes format=hcl",
	}, got); diff != "" {
		t.Errorf("opentofu files (-want +got):\n%s", diff)
	}
	if !tofu.Tofu() || tofu.DeclaresProviders() || len(tofu.ModuleCalls) != 0 || len(tofu.Shadowed) != 0 {
		t.Errorf("opentofu: tofu %v, providers %v, calls %d, shadowed %d", tofu.Tofu(), tofu.DeclaresProviders(), len(tofu.ModuleCalls), len(tofu.Shadowed))
	}

	// integrations/terraform-provider-github: resource examples, each its
	// own directory; no provider is declared (the github provider is only
	// implied by the resource types).
	gh := sets["integrations/terraform-provider-github"]
	if len(gh.Modules) != 7 {
		t.Errorf("terraform-provider-github: %d modules, want 7", len(gh.Modules))
	}
	bp := gh.Module("examples/resources/branch_protection_v3")
	if bp == nil {
		t.Fatal("terraform-provider-github: no branch_protection_v3 module")
	}
	got = nil
	for _, r := range bp.Resources {
		got = append(got, r.Mode+" "+r.Type+"."+r.Name+" "+r.Loc())
	}
	p := "examples/resources/branch_protection_v3/example_2.tf"
	if diff := cmp.Diff([]string{
		"resource github_branch_protection_v3.example " + p + ":5",
		"resource github_repository.example " + p + ":37",
		"resource github_team.example " + p + ":41",
		"resource github_team_repository.example " + p + ":45",
	}, got); diff != "" {
		t.Errorf("branch_protection_v3 resources (-want +got):\n%s", diff)
	}
	dp := gh.Module("examples/resources/repository_environment_deployment_policy")
	if dp == nil || len(dp.Resources) != 4 || dp.Resources[0].Mode != "data" || dp.Resources[0].Type != "github_user" {
		t.Errorf("repository_environment_deployment_policy: want a data source github_user first among 4 blocks, got %+v", dp)
	}
	for _, m := range gh.Modules {
		if m.DeclaresProviders() || !m.Root() || m.LockPath != "" {
			t.Errorf("%s: declares providers %v, root %v, lock %q", m.Dir, m.DeclaresProviders(), m.Root(), m.LockPath)
		}
	}
}
