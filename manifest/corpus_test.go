package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/internal/sharedtest"
)

func corpusDir(t testing.TB) string { return sharedtest.Dir(t, "corpus") }

// originalBase is the file name a corpus file had in its repository (the
// corpus names files owner__repo__path with "/" replaced by "__").
func originalBase(name string) string {
	parts := strings.Split(name, "__")
	return parts[len(parts)-1]
}

// TestCorpusLockfiles parses every file of the corpus's lockfiles/ and
// checks concrete facts about each (counted independently with jq, grep and
// Python when the test was written).
func TestCorpusLockfiles(t *testing.T) {
	want := map[string]Lock{
		"AMWA-TV__nmos-sender-receiver-framework__conan.lock":      {Format: "conan", Version: "0.5", Packages: 25 + 21},
		"Electric-Coin-Company__kotlin-bip39__gradle.lockfile":     {Format: "gradle", Packages: 97},
		"GrapheneOS__Auditor__gradle__verification-metadata.xml":   {Format: "gradle-verification", Packages: 656},
		"Legit-Labs__legitify__node_modules__form-data__yarn.lock": {Format: "yarn-v1", Version: "1", Packages: 426},
		"Qowaiv__Qowaiv__src__Qowaiv__packages.lock.json":          {Format: "nuget", Version: "2", Packages: 14},
		"composer__composer__composer.lock":                        {Format: "composer", Packages: 30 + 6},
		"golang__mod__go.sum":                                      {Format: "go.sum", Packages: 2},
		"in-toto__attestation__package-lock.json":                  {Format: "package-lock", Version: "2", Packages: 74},
		"in-toto__attestation__rust__Cargo.lock":                   {Format: "cargo", Version: "4", Packages: 53},
		"octokit__fixtures__package-lock.json":                     {Format: "package-lock", Version: "3", Packages: 177},
		"prettier__prettier__scripts__release__yarn.lock":          {Format: "yarn-berry", Version: "10", Packages: 27},
		"pypa__pipenv__examples__Pipfile.lock":                     {Format: "pipfile.lock", Version: "6", Packages: 5 + 5},
		"python-poetry__poetry__poetry.lock":                       {Format: "poetry", Version: "2.1", Packages: 78},
		"sigstore__cosign__go.sum":                                 {Format: "go.sum", Packages: 969},
		"vuejs__core__pnpm-lock.yaml":                              {Format: "pnpm-lock", Version: "9.0", Packages: 620},
		"zizmorcore__zizmor__uv.lock":                              {Format: "uv", Version: "1", Packages: 23},
	}
	dir := filepath.Join(corpusDir(t), "lockfiles")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		name := e.Name()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		seen++
		switch base := originalBase(name); base {
		case "pom.xml":
			testApacheMavenPom(t, s)
		case "vcpkg.json":
			testPlotJugglerVcpkg(t, s)
		case "requirements.txt":
			testSigstoreRequirements(t, s)
		default:
			got, err := ParseLock(base, s)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			w, ok := want[name]
			if !ok {
				t.Errorf("%s: parsed as %+v, but the test states no facts about it", name, got)
				continue
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
	}
	if seen < len(want)+3 {
		t.Errorf("read %d corpus files, want at least %d", seen, len(want)+3)
	}
}

// apache/maven's root pom: parent maven-parent 49, the project at
// 4.1.0-SNAPSHOT, 91 dependencies (dependencyManagement and plugin
// dependencies) and 27 plugins; guava through ${guavaVersion}; its 32
// reactor modules managed at ${project.version} resolve to -SNAPSHOT.
func testApacheMavenPom(t *testing.T, s string) {
	p, err := ParsePom(s)
	if err != nil {
		t.Fatalf("apache/maven pom.xml: %v", err)
	}
	if p.Parent == nil || p.Parent.ID() != "org.apache.maven:maven-parent" || p.Parent.Version != "49" {
		t.Errorf("parent = %+v, want org.apache.maven:maven-parent:49", p.Parent)
	}
	if p.ArtifactID != "maven" || p.Version != "4.1.0-SNAPSHOT" {
		t.Errorf("project = %s %s, want maven 4.1.0-SNAPSHOT", p.ArtifactID, p.Version)
	}
	kinds := map[string]int{}
	snap := 0
	for _, c := range p.Coordinates {
		kinds[c.Kind]++
		if c.Problem != "" {
			if c.Version != "${project.version}" || c.Problem != "a -SNAPSHOT version" {
				t.Errorf("unexpected problem %+v", c)
			}
			snap++
		}
		if c.ArtifactID == "guava" && c.Kind == "dependency" && (c.Resolved != "33.7.0-jre" || c.Line != 363) {
			t.Errorf("guava = %+v, want 33.7.0-jre at line 363", c)
		}
	}
	if diff := cmp.Diff(map[string]int{"parent": 1, "dependency": 91, "plugin": 27}, kinds); diff != "" {
		t.Errorf("coordinates (-want +got):\n%s", diff)
	}
	if snap != 32 {
		t.Errorf("%d -SNAPSHOT versions, want 32", snap)
	}
	if got := p.Properties["project.build.outputTimestamp"]; got != "2025-06-24T20:18:00Z" {
		t.Errorf("project.build.outputTimestamp = %q", got)
	}
}

// PlotJuggler's vcpkg.json declares 8 dependencies (one an object with
// features) and no builtin-baseline: it is not locked.
func testPlotJugglerVcpkg(t *testing.T, s string) {
	v, err := ParseVcpkg(s)
	if err != nil {
		t.Fatalf("vcpkg.json: %v", err)
	}
	if diff := cmp.Diff(Vcpkg{Dependencies: 8}, v); diff != "" {
		t.Errorf("vcpkg.json (-want +got):\n%s", diff)
	}
}

// sigstore-python's install/requirements.txt (pip-compile
// --generate-hashes): 32 requirements, 426 hashes, every one pinned with a
// hash, from annotated-types==0.8.0 at line 7 to urllib3==2.7.0 at line 508.
func testSigstoreRequirements(t *testing.T, s string) {
	set := Parse(treeOf(map[string]string{"install/requirements.txt": s}))
	r := set.Requirements["install/requirements.txt"]
	if r.Total != 32 || r.HashCount != 426 || r.Hashed != Pass {
		t.Errorf("requirements = %d requirements, %d hashes, hashed %s; want 32, 426, pass", r.Total, r.HashCount, r.Hashed)
	}
	first, last := r.Lines[0], r.Lines[len(r.Lines)-1]
	if first.Text != "annotated-types==0.8.0" || first.Line != 7 || first.Hashes != 2 || last.Text != "urllib3==2.7.0" || last.Line != 508 {
		t.Errorf("first %+v, last %+v", first, last)
	}
	m := set.Get("install/requirements.txt")
	if m == nil || m.Status != Pass || m.Lock != "install/requirements.txt" {
		t.Errorf("manifest = %+v, want its own lock", m)
	}
}
