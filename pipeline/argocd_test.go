package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sources(r *ArgoResource) []string {
	var out []string
	for _, s := range r.Sources {
		out = append(out, fmt.Sprintf("%d %s repo=%s@%d rev=%s@%d chart=%s@%d", s.Line, s.From,
			s.RepoURL.Value, s.RepoURL.Line, s.TargetRevision.Value, s.TargetRevision.Line, s.Chart.Value, s.Chart.Line))
	}
	return out
}

func TestArgo(t *testing.T) {
	const p = "clusters/prod/apps.yaml"
	s := Parse(treeOf(map[string]string{p: `# several documents
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://charts.example.com
    chart: shop
    targetRevision: 1.4.2
  destination: {server: https://kubernetes.default.svc, namespace: shop}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: per-cluster}
spec:
  generators:
    - matrix:
        generators:
          - git:
              repoURL: https://github.com/acme/gitops.git
              revision: 0123456789abcdef0123456789abcdef01234567
              directories: [{path: apps/*}]
          - clusters: {}
  template:
    metadata: {name: '{{path.basename}}-{{name}}'}
    spec:
      project: apps
      sources:
        - repoURL: https://github.com/acme/gitops.git
          targetRevision: main
          path: '{{path}}'
---
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: apps}
spec:
  sourceRepos: ['https://github.com/acme/*']
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: not-a-pipeline}
`}))
	f := s.File(p)
	if f == nil || f.Problem != "" || f.System != ArgoCD || f.Kind != ArgoFile || !f.Active {
		t.Fatalf("file = %+v", f)
	}
	var kinds []string
	for _, r := range f.Argo {
		kinds = append(kinds, fmt.Sprintf("%d %s %s", r.Line, r.Kind, r.Name))
	}
	if diff := cmp.Diff([]string{"6 Application shop", "19 ApplicationSet per-cluster", "40 AppProject apps"}, kinds); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"14 source repo=https://charts.example.com@14 rev=1.4.2@16 chart=shop@15"}, sources(f.Argo[0])); diff != "" {
		t.Errorf("application sources (-want +got):\n%s", diff)
	}
	if f.Argo[0].Project.Value != "default" || f.Argo[0].Project.Line != 12 || f.Argo[0].Namespace != "argocd" {
		t.Errorf("application = %+v", f.Argo[0])
	}
	want := []string{
		"36 template repo=https://github.com/acme/gitops.git@36 rev=main@37 chart=@0",
		"27 generator repo=https://github.com/acme/gitops.git@27 rev=0123456789abcdef0123456789abcdef01234567@28 chart=@0",
	}
	if diff := cmp.Diff(want, sources(f.Argo[1])); diff != "" {
		t.Errorf("applicationset sources (-want +got):\n%s", diff)
	}
	if sr := f.Argo[2].SourceRepos; len(sr) != 1 || sr[0].Value != "https://github.com/acme/*" || sr[0].Line != 44 {
		t.Errorf("sourceRepos = %+v", sr)
	}
}

func TestArgoSkipped(t *testing.T) {
	s := Parse(treeOf(map[string]string{
		// Helm: not YAML until rendered.
		"charts/apps/templates/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .Values.name }}\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\n",
		// Jinja.
		"ansible/app.yml": "{% if argo %}\napiVersion: \"argoproj.io/v1alpha1\"\nkind: ApplicationSet\n{% endif %}\n",
		// Not YAML and not an Argo CD manifest by its lines.
		"docs/notes.yaml": "see argoproj.io/v1alpha1: [\n",
		// A valid Application after an invalid document: the file does not parse.
		"deploy/mixed.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n---\nkey: [unclosed\n",
		// Not a YAML file.
		"deploy/app.json": `{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"}`,
	}))
	if len(s.Files) != 0 {
		t.Errorf("files = %v", s.Files)
	}
	var got []string
	for _, p := range s.ArgoSkipped {
		got = append(got, p.Path)
		if !strings.HasPrefix(p.Reason, "does not parse as YAML: ") {
			t.Errorf("%s: reason %q", p.Path, p.Reason)
		}
	}
	if diff := cmp.Diff([]string{"ansible/app.yml", "charts/apps/templates/app.yaml", "deploy/mixed.yaml"}, got); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

// Every corpus Argo CD file: its documents, and the sources with lines.
func TestCorpusArgo(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "argocd")
	cases := []struct {
		file  string
		kinds []string
		first string
	}{
		{"argoproj__argo-cd__docs__operator-manual__application.yaml", []string{"Application"},
			"22 source repo=https://github.com/argoproj/argocd-example-apps.git@22 rev=HEAD@23 chart=chart-name@27"},
		{"argoproj__argo-cd__docs__operator-manual__applicationset.yaml", []string{"ApplicationSet"},
			"261 template repo=https://github.com/argoproj/argo-cd.git@263 rev=HEAD@264 chart={{.chart}}@261"},
		{"argoproj__argo-cd__docs__operator-manual__project.yaml", []string{"AppProject"}, ""},
		{"argoproj__argo-cd__applicationset__examples__list-generator__list-example.yaml", []string{"ApplicationSet"},
			"21 template repo=https://github.com/argoproj/argo-cd.git@21 rev=HEAD@22 chart=@0"},
		{"istio__istio__samples__ambient-argo__meta-application.yaml", []string{"Application"},
			"13 sources repo={repo-placeholder}@14 rev=HEAD@15 chart=@0"},
		// Backstage skeletons with ${{ }} placeholders are still YAML.
		{"redhat-developer__red-hat-developer-hub-software-templates__skeletons__manifests__manifests__argocd__app.yaml", []string{"Application"},
			"11 source repo=https://${{ values.sourceControl }}/${{ values.orgName }}/${{ values.repoName }}@12 rev=main@13 chart=@0"},
		// Go-template placeholders {{.Name}} parse as YAML flow mappings.
		{"argoproj__argo-cd__test__e2e__testdata__declarative-apps__app.yaml", []string{"Application"},
			"9 source repo=@0 rev=HEAD@10 chart=@0"},
	}
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		const p = "apps/app.yaml"
		s := Parse(treeOf(map[string]string{p: string(b)}))
		f := s.File(p)
		if f == nil {
			t.Errorf("%s: not recognised (%v)", c.file, s.ArgoSkipped)
			continue
		}
		var kinds []string
		for _, r := range f.Argo {
			kinds = append(kinds, r.Kind)
		}
		if diff := cmp.Diff(c.kinds, kinds); diff != "" {
			t.Errorf("%s kinds (-want +got):\n%s", c.file, diff)
		}
		if src := sources(f.Argo[0]); c.first != "" && (len(src) == 0 || src[0] != c.first) {
			t.Errorf("%s: sources %q, want first %q", c.file, src, c.first)
		}
	}
}
