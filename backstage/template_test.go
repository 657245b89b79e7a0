// Package distribution_test checks the distribution files of the repository:
// the Backstage Software Template (backstage/template.yaml and its skeleton),
// and that ssdf's own scan of this repository stays clean under the pipeline
// checks with action.yml, templates/, tekton/ and the Dockerfile in it.
package distribution_test

import (
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ssdf-dev/ssdf/checks"
	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/scan"
)

// builtinActions are the scaffolder's built-in actions the template may use.
var builtinActions = []string{"fetch:template", "publish:github", "publish:gitlab", "catalog:register"}

type template struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Owner      string           `yaml:"owner"`
		Type       string           `yaml:"type"`
		Parameters []map[string]any `yaml:"parameters"`
		Steps      []struct {
			ID     string         `yaml:"id"`
			Name   string         `yaml:"name"`
			Action string         `yaml:"action"`
			If     string         `yaml:"if"`
			Input  map[string]any `yaml:"input"`
		} `yaml:"steps"`
	} `yaml:"spec"`
}

func loadTemplate(t *testing.T) *template {
	t.Helper()
	b, err := os.ReadFile("template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tpl template
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&tpl); err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	return &tpl
}

func TestTemplateShape(t *testing.T) {
	tpl := loadTemplate(t)
	if tpl.APIVersion != "scaffolder.backstage.io/v1beta3" || tpl.Kind != "Template" {
		t.Errorf("apiVersion/kind = %q/%q", tpl.APIVersion, tpl.Kind)
	}
	if tpl.Metadata.Name != "ssdf-service" || tpl.Spec.Owner == "" || tpl.Spec.Type == "" {
		t.Errorf("metadata.name %q, spec.owner %q, spec.type %q", tpl.Metadata.Name, tpl.Spec.Owner, tpl.Spec.Type)
	}

	// Parameters: a list of JSON-schema-like objects.
	if len(tpl.Spec.Parameters) == 0 {
		t.Fatal("no parameters")
	}
	props := map[string]map[string]any{}
	for i, p := range tpl.Spec.Parameters {
		if s, _ := p["title"].(string); s == "" {
			t.Errorf("parameters[%d]: no title", i)
		}
		pr, ok := p["properties"].(map[string]any)
		if !ok || len(pr) == 0 {
			t.Errorf("parameters[%d]: properties is not a non-empty object", i)
			continue
		}
		for name, v := range pr {
			m, ok := v.(map[string]any)
			if !ok {
				t.Errorf("parameters[%d].properties.%s is not an object", i, name)
				continue
			}
			switch m["type"] {
			case "string", "boolean", "number", "integer", "array", "object":
			default:
				t.Errorf("parameters[%d].properties.%s: type %v is not a JSON Schema type", i, name, m["type"])
			}
			props[name] = m
		}
		if req, ok := p["required"]; ok {
			list, ok := req.([]any)
			if !ok {
				t.Errorf("parameters[%d].required is not a list", i)
			}
			for _, r := range list {
				if _, ok := pr[r.(string)]; !ok {
					t.Errorf("parameters[%d].required names %v, which is not a property", i, r)
				}
			}
		}
	}
	for _, want := range []string{"name", "owner", "forge"} {
		if props[want] == nil {
			t.Errorf("no parameter %q", want)
		}
	}
	if enum, _ := props["forge"]["enum"].([]any); !slices.Equal(enum, []any{"github", "gitlab"}) {
		t.Errorf("forge enum = %v", props["forge"]["enum"])
	}

	// Steps: id, name, a known built-in action; every parameter reference
	// names a parameter; publishing is chosen by the forge parameter.
	ids := map[string]bool{}
	var actions []string
	paramRef := regexp.MustCompile(`parameters\.([A-Za-z0-9_]+)`)
	raw, _ := os.ReadFile("template.yaml")
	for _, m := range paramRef.FindAllStringSubmatch(string(raw), -1) {
		if props[m[1]] == nil {
			t.Errorf("reference to unknown parameter %q", m[1])
		}
	}
	for i, s := range tpl.Spec.Steps {
		if s.ID == "" || s.Name == "" || s.Action == "" {
			t.Errorf("steps[%d]: id %q, name %q, action %q: all are required", i, s.ID, s.Name, s.Action)
		}
		if ids[s.ID] {
			t.Errorf("steps[%d]: duplicate id %q", i, s.ID)
		}
		ids[s.ID] = true
		if !slices.Contains(builtinActions, s.Action) {
			t.Errorf("steps[%d]: action %q is not a built-in scaffolder action %v", i, s.Action, builtinActions)
		}
		actions = append(actions, s.Action)
		switch s.Action {
		case "fetch:template":
			u, _ := s.Input["url"].(string)
			fi, err := os.Stat(filepath.FromSlash(u))
			if u == "" || err != nil || !fi.IsDir() {
				t.Errorf("fetch:template url %q is not a directory next to the template: %v", u, err)
			}
		case "publish:github", "publish:gitlab":
			forge := strings.TrimPrefix(s.Action, "publish:")
			if want := "${{ parameters.forge === '" + forge + "' }}"; s.If != want {
				t.Errorf("%s: if = %q, want %q", s.Action, s.If, want)
			}
		}
	}
	if want := builtinActions; !slices.Equal(actions, want) {
		t.Errorf("actions = %v, want %v", actions, want)
	}
}

// sample holds the values the test renderer substitutes.
var sample = map[string]string{
	"name":        "widget",
	"description": "A widget service.",
	"owner":       "@acme/widget-team",
	"system":      "group:default/widget-team",
	"forge":       "github",
}

var valueRef = regexp.MustCompile(`\$\{\{\s*values\.([A-Za-z0-9_]+)\s*\}\}`)

// render copies the skeleton to a temporary directory, replacing
// `${{ values.x }}` with the sample values in every file that fetch:template
// templates (the copyWithoutTemplating globs are copied as they are).
func render(t *testing.T, tpl *template) string {
	t.Helper()
	var url string
	var verbatim []string
	for _, s := range tpl.Spec.Steps {
		if s.Action == "fetch:template" {
			url, _ = s.Input["url"].(string)
			if l, ok := s.Input["copyWithoutTemplating"].([]any); ok {
				for _, g := range l {
					verbatim = append(verbatim, g.(string))
				}
			}
		}
	}
	if url == "" {
		t.Fatal("no fetch:template step")
	}
	src := filepath.FromSlash(url)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := string(b)
		templated := true
		for _, g := range verbatim {
			if ok, _ := path.Match(g, rel); ok {
				templated = false
			}
		}
		if templated {
			text = valueRef.ReplaceAllStringFunc(text, func(m string) string {
				k := valueRef.FindStringSubmatch(m)[1]
				v, ok := sample[k]
				if !ok {
					t.Errorf("%s: unknown value %q", rel, k)
				}
				return v
			})
			if strings.Contains(text, "${{") {
				t.Errorf("%s: an expression is left after rendering", rel)
			}
		}
		out := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(text), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func scanDir(t *testing.T, dir string) (map[string]report.Result, *scanInfo) {
	t.Helper()
	ctx := context.Background()
	snap, pol, err := scan.Collect(ctx, dir, scan.Options{GitEnv: []string{"HOME=" + t.TempDir()}, Path: "."})
	if err != nil {
		t.Fatal(err)
	}
	r := scan.Evaluate(ctx, snap, pol, checks.List, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), "test")
	out := map[string]report.Result{}
	for _, res := range r.Results {
		out[res.Check] = res
	}
	return out, &scanInfo{files: snap.Tree.Files}
}

// distribution lists the distribution files at the root.
var distribution = []string{"action.yml", "Dockerfile", ".dockerignore", "backstage/template.yaml", "tekton/ssdf-task.yaml", "templates/ssdf.yml", "docs/distribution.md"}

type scanInfo struct{ files []string }

func TestSkeletonRendered(t *testing.T) {
	tpl := loadTemplate(t)
	dir := render(t, tpl)
	res, _ := scanDir(t, dir)

	tt := res["toolchain-template"]
	var d struct {
		Mechanism string `json:"mechanism"`
		Path      string `json:"path"`
		Source    string `json:"source"`
	}
	_ = json.Unmarshal(tt.Details, &d)
	if tt.Status != "pass" || d.Mechanism != "backstage-source-template" || d.Path != "catalog-info.yaml" || d.Source != "template:default/ssdf-service" {
		t.Errorf("toolchain-template = %s (%s), details %s", tt.Status, tt.Reason, tt.Details)
	}
	// The generated files meet the file checks they are there for.
	for _, id := range []string{
		"codeowners-present", "codeowners-valid", "criteria-security-dod", "criteria-policy-defined",
		"criteria-issue-templates", "pipeline-as-code",
		"pipeline-pinned-actions", "pipeline-token-permissions", "pipeline-dangerous-triggers",
	} {
		if r := res[id]; r.Status != "pass" {
			t.Errorf("%s = %s: %s", id, r.Status, r.Reason)
		}
	}
}

// TestRepositoryPipelinesClean scans this repository: the distribution
// files must keep the pipeline checks at pass or not-applicable, and the
// skeleton of the Backstage template must be excluded from the walk.
func TestRepositoryPipelinesClean(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	res, info := scanDir(t, root)
	for _, id := range []string{"pipeline-pinned-actions", "pipeline-pinned-images", "pipeline-token-permissions", "pipeline-dangerous-triggers"} {
		r := res[id]
		if r.Status == "pass" || r.Status == "not-applicable" {
			continue
		}
		// A result that is not clean must owe nothing to the distribution
		// files: every finding must be elsewhere (and is logged).
		ours := len(r.Findings) == 0
		for _, f := range r.Findings {
			if slices.Contains(distribution, f.Path) || strings.HasPrefix(f.Path, "backstage/") ||
				strings.HasPrefix(f.Path, "templates/") || strings.HasPrefix(f.Path, "tekton/") {
				ours = true
				t.Errorf("%s: %s:%d: %s", id, f.Path, f.Line, f.Message)
			} else {
				t.Logf("%s = %s because of a file outside the distribution files: %s:%d: %s", id, r.Status, f.Path, f.Line, f.Message)
			}
		}
		if ours {
			t.Errorf("%s = %s: %s", id, r.Status, r.Reason)
		}
	}
	// The action is judged as a pipeline file and passes on its own.
	if r := res["pipeline-pinned-actions"]; r.Status == "not-applicable" {
		t.Errorf("pipeline-pinned-actions did not see action.yml: %s", r.Reason)
	}
	for _, p := range distribution {
		if !slices.Contains(info.files, p) {
			t.Errorf("%s is not in the scanned tree", p)
		}
	}
	for _, p := range info.files {
		if strings.HasPrefix(p, "backstage/skeleton/") {
			t.Errorf("skeleton file %s was not excluded", p)
		}
	}
}
