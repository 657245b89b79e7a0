// Package synth writes synthetic checkouts for benchmarks: many tracked
// files in a realistic layout, a large CODEOWNERS, pipelines and templates.
package synth

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Write creates a git repository at dir with n tracked files and a
// CODEOWNERS of rules rules. env is the environment for git (isolate it
// from the machine's configuration).
func Write(dir string, n, rules int, env []string) error {
	const perDir = 50
	var b strings.Builder
	b.WriteString("# synthetic CODEOWNERS\n* @acme/platform\n*.md @acme/docs\n/.github/ @acme/platform @acme/security\n")
	dirs := n / perDir
	for i := 0; i < rules-3; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "/svc%04d/ @acme/team%03d\n", i%max(dirs/10, 1), i%97)
		case 1:
			fmt.Fprintf(&b, "/svc%04d/pkg%d/*.go @dev%d @dev%d\n", i%max(dirs/10, 1), i%10, i, i+1)
		case 2:
			fmt.Fprintf(&b, "**/gen%d/** @acme/codegen\n", i)
		default:
			fmt.Fprintf(&b, "*.ext%d @acme/team%03d\n", i, i%97)
		}
	}
	files := map[string]string{
		".github/CODEOWNERS":               b.String(),
		".github/workflows/ci.yml":         "name: ci\non: [push]\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8\n      - run: go test ./...\n      - uses: github/codeql-action/analyze@4e94bd11f71e507f7f87df81788dff88d1dacbfa\n",
		".github/ISSUE_TEMPLATE/bug.yml":   "name: Bug\ndescription: report a bug\nbody:\n  - type: textarea\n    attributes: {label: What happened}\n",
		".github/pull_request_template.md": "## Checklist\n\n- [ ] Security impact considered\n",
		"catalog-info.yaml":                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: synth\n  annotations:\n    backstage.io/source-template: template:default/go-service\n",
		"package.json":                     `{"name":"synth","bugs":{"url":"https://github.com/acme/synth/issues"}}` + "\n",
		".ssdf.yaml":                       "version: 1\nrequiredTools: [sast]\n",
	}
	for name, text := range files {
		if err := writeFile(filepath.Join(dir, name), text); err != nil {
			return err
		}
	}
	for i := 0; i < n-len(files); i++ {
		d := i / perDir
		name := fmt.Sprintf("svc%04d/pkg%d/file%06d.go", d/10, d%10, i)
		if i%17 == 0 {
			name = fmt.Sprintf("svc%04d/pkg%d/doc%06d.md", d/10, d%10, i)
		}
		if err := writeFile(filepath.Join(dir, name), "package p\n"); err != nil {
			return err
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "synthetic"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", args[0], err, out)
		}
	}
	return nil
}

func writeFile(p, text string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(text), 0o644)
}

// GitEnv returns an environment in which git ignores the machine's
// configuration, with its files under home.
func GitEnv(home string) ([]string, error) {
	cfg := filepath.Join(home, "gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = Synth\n\temail = synth@example.org\n[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
		return nil, err
	}
	return []string{"HOME=" + home, "GIT_CONFIG_GLOBAL=" + cfg, "GIT_CONFIG_NOSYSTEM=1", "PATH=" + os.Getenv("PATH"),
		"GIT_AUTHOR_DATE=2026-10-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-10-01T00:00:00Z"}, nil
}
