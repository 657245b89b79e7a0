package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/forge/fake"
)

// TestRemoteScanReadsOnlyRunScripts: a remote scan pays one request per
// file, so it reads the scripts a pipeline runs (and those they run), not
// every script in the tree — and judges them as a local scan does.
func TestRemoteScanReadsOnlyRunScripts(t *testing.T) {
	files := map[string]string{
		".github/workflows/release.yml": "on: {push: {tags: ['v*']}}\npermissions: {contents: write}\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./scripts/release.sh\n",
		"scripts/release.sh":            "#!/bin/sh\nset -e\n. scripts/lib.sh\ngoreleaser release --clean\n",
		"scripts/lib.sh":                "#!/bin/sh\nexport GOFLAGS=-trimpath\n",
		"go.mod":                        "module example.com/w\n\ngo 1.26\n",
	}
	for i := range 12 {
		files["hack/unused-"+string(rune('a'+i))+".sh"] = "#!/bin/sh\necho unused\n"
	}
	org := fake.Acme()
	org.Repos = []*fake.GitHubRepo{{Name: "widget", Files: files}}
	gh := fake.GitHub(t, org, fake.Enterprise())
	vars := map[string]string{"GITHUB_TOKEN": secret}
	code, out, errOut := runIn(t, t.TempDir(), vars, "scan", gh.URL+"/acme/widget", "--forge", "github", "--forge-url", gh.URL, "--format", "json")
	if code != 0 && code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var read []string
	for _, r := range gh.Requests() {
		if strings.Contains(r.Path, "/repos/acme/widget/git/blobs/") || strings.Contains(r.Path, "/repos/acme/widget/contents/") {
			read = append(read, r.Path)
		}
	}
	// The workflow, go.mod, and the two scripts it runs: no hack/*.sh.
	if len(read) != 4 {
		t.Errorf("%d file requests, want 4 (workflow, go.mod, release.sh, lib.sh): %v", len(read), read)
	}
	remote := results(t, out)
	if r := remote["build-provenance"]; r.Status != "fail" || len(r.Findings) == 0 || r.Findings[0].Path != "scripts/release.sh" {
		t.Errorf("build-provenance = %s %s %v", r.Status, r.Reason, r.Findings)
	}

	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	_, localOut, _ := runIn(t, dir, nil, "scan", ".", "--forge", "github", "--format", "json")
	local := results(t, localOut)
	for _, id := range []string{"build-provenance", "audit-attestations", "build-reproducible-settings"} {
		l, r := local[id], remote[id]
		if diff := cmp.Diff(l.Status+" "+l.Reason, r.Status+" "+r.Reason); diff != "" {
			t.Errorf("%s differs between local and remote scans (-local +remote):\n%s", id, diff)
		}
	}
}
