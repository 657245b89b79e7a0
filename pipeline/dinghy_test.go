package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func modules(f *File) []string {
	var out []string
	for _, m := range f.Dinghy.Modules {
		out = append(out, m.Loc()+" "+string(m.Kind)+" "+m.Name)
	}
	return out
}

func stages(f *File) []string {
	var out []string
	for _, s := range f.Dinghy.Stages {
		out = append(out, s.Loc()+" "+s.Type+" "+s.Name+" @"+s.Pipeline)
	}
	return out
}

func TestDinghy(t *testing.T) {
	const p = "deploy/dinghyfile"
	s := Parse(treeOf(map[string]string{p: `{
  "application": "shop",
  "pipelines": [
    {
      "name": "deploy {{ var "env" ?: "dev" }}",
      "triggers": [{"type": "git", "branch": "main"}],
      "stages": [
        {{ module "wait.stage.module" "waitTime" 30 }},
        {
          "name": "Deploy",
          "type": "deployManifest",
          "refId": "2",
          "requisiteStageRefIds": ["1"],
        },
        {{- local_module "/deploy/modules/smoke.stage" -}}
      ]
    },
    {{ appModule "shared.pipeline.module" }}
  ]
}
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != SpinnakerDinghy || f.Kind != DinghyFile || f.Dinghy == nil {
		t.Fatalf("file = %+v", f)
	}
	if f.Dinghy.Application != "shop" {
		t.Errorf("application = %q", f.Dinghy.Application)
	}
	want := []string{p + ":8 module wait.stage.module", p + ":15 local /deploy/modules/smoke.stage", p + ":18 module shared.pipeline.module"}
	if diff := cmp.Diff(want, modules(f)); diff != "" {
		t.Errorf("modules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{p + `:9 deployManifest Deploy @deploy {{ var "env" ?: "dev" }}`}, stages(f)); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if len(f.Jobs) != 1 || f.Jobs[0].Line != 4 || len(f.Jobs[0].Steps) != 1 || f.Jobs[0].Steps[0].Name != "Deploy" {
		t.Errorf("jobs = %+v", f.Jobs)
	}
	// A .module file whose top object is a stage; a Drupal .module is not
	// a Dinghy module.
	s = Parse(treeOf(map[string]string{
		"dinghy/wait.stage.module": "{\n  \"name\": \"wait\",\n  \"refId\": \"{{ var \"refId\" ?: \"1\" }}\",\n  \"type\": \"wait\",\n  \"waitTime\": {{ var \"waitTime\" ?: 10 }}\n}\n",
		"web/modules/shop.module":  "<?php\nfunction shop_help() { return '{{ module }}'; }\n",
	}))
	m := s.File("dinghy/wait.stage.module")
	if m == nil || m.Kind != DinghyModule || m.Problem != "" {
		t.Fatalf("module = %+v", m)
	}
	if diff := cmp.Diff([]string{"dinghy/wait.stage.module:1 wait wait @"}, stages(m)); diff != "" {
		t.Errorf("module stages (-want +got):\n%s", diff)
	}
	if s.File("web/modules/shop.module") != nil {
		t.Error("a PHP .module file is read as a Dinghy module")
	}
}

func TestDinghyTolerant(t *testing.T) {
	for name, text := range map[string]string{
		"unbalanced":      "{\"stages\": [ ] ] } } {{ module \"x\" }}",
		"newline string":  "{\"name\": \"a\n\"type\": \"wait\"}",
		"deep":            strings.Repeat("[", 100000),
		"escape at end":   "{\"a\": \"\\",
		"empty":           "",
		"template braces": "{{ if eq (var \"x\") \"y\" }}{\"a\": 1}{{ end }}",
	} {
		s := Parse(treeOf(map[string]string{"dinghyfile": text}))
		f := s.File("dinghyfile")
		if f == nil || strings.Contains(f.Problem, "internal error") {
			t.Errorf("%s: %+v", name, f)
		}
	}
	s := Parse(treeOf(map[string]string{"dinghyfile": strings.Repeat("[", 100000)}))
	if p := s.File("dinghyfile").Problem; !strings.Contains(p, "nested deeper") {
		t.Errorf("deep: problem %q", p)
	}
	s = Parse(treeOf(map[string]string{"dinghyfile": "{\"a\": {{ module \"x\" \n"}))
	if p := s.File("dinghyfile").Problem; !strings.Contains(p, "unterminated template action at line 1") {
		t.Errorf("unterminated: problem %q", p)
	}
}

func TestCorpusDinghy(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "dinghyfile")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	s := Parse(treeOf(map[string]string{
		"example/dinghyfile":        read("armory__dinghy__example__dinghyfile"),
		"example/wait.stage.module": read("armory__dinghy__example__wait.stage.module"),
		"deploy/dinghyfile":         read("armory-io__sandwich-facts__deploy__dinghyfile"),
	}))
	ex := s.File("example/dinghyfile")
	if diff := cmp.Diff([]string{"example/dinghyfile:10 module wait.stage.module", "example/dinghyfile:14 module simple.pipeline.module"}, modules(ex)); diff != "" {
		t.Errorf("armory/dinghy modules (-want +got):\n%s", diff)
	}
	if len(ex.Jobs) != 1 || ex.Jobs[0].ID != "test" || ex.Dinghy.Application != "test-dinghy" {
		t.Errorf("armory/dinghy jobs = %+v", ex.Jobs)
	}
	if diff := cmp.Diff([]string{"example/wait.stage.module:1 wait {{ var \"name\" ?: \"defaultname\" }} @"}, stages(s.File("example/wait.stage.module"))); diff != "" {
		t.Errorf("wait module stages (-want +got):\n%s", diff)
	}
	sf := s.File("deploy/dinghyfile")
	// Three local modules (deploy-to-env.stage) and one inline stage.
	want := []string{
		"deploy/dinghyfile:90 local deploy/pac/deploy-to-env.stage",
		"deploy/dinghyfile:111 local deploy/pac/deploy-to-env.stage",
		"deploy/dinghyfile:118 local deploy/pac/deploy-to-env.stage",
	}
	if diff := cmp.Diff(want, modules(sf)); diff != "" {
		t.Errorf("sandwich-facts modules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"deploy/dinghyfile:96 runJobManifest Run Functional Tests @GitOps + Multi-Region"}, stages(sf)); diff != "" {
		t.Errorf("sandwich-facts stages (-want +got):\n%s", diff)
	}
	for _, f := range s.Files {
		if f.Problem != "" || f.System != SpinnakerDinghy {
			t.Errorf("%s: %s %s", f.Path, f.System, f.Problem)
		}
	}
}
