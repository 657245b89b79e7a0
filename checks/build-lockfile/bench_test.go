package buildlockfile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// monorepo returns the files of a synthetic monorepo with 2,000 manifests
// across every ecosystem: 500 package.json under npm workspaces, one
// 20,000-line hashed requirements file, a Cargo workspace, a Gradle build
// with verification metadata, and go, python, maven, dotnet, cpp, php, ruby,
// swift and nix projects, each with its lock (one in ten without).
func monorepo() map[string]string {
	files := map[string]string{
		"package.json":                     `{"private": true, "workspaces": ["packages/*"], "devDependencies": {"typescript": "^5.9.2"}}`,
		"package-lock.json":                `{"lockfileVersion": 3}`,
		"Cargo.toml":                       "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/c7\"]\n",
		"Cargo.lock":                       "version = 4\n",
		"settings.gradle":                  "include 'g0'\n",
		"gradle/verification-metadata.xml": "<verification-metadata/>",
	}
	n := 2 // the root package.json and Cargo.toml
	for i := range 499 {
		files[fmt.Sprintf("packages/p%d/package.json", i)] = fmt.Sprintf(`{
  "name": "@acme/p%d",
  "version": "1.0.0",
  "dependencies": {"react": "^19.1.1", "lodash": "^4.17.21"},
  "devDependencies": {"vitest": "^3.2.4"}
}`, i)
		n++
	}
	var req strings.Builder
	req.WriteString("-r requirements/base.txt\n")
	for i := range 10_000 {
		fmt.Fprintf(&req, "package-%d==1.%d.0 \\\n    --hash=sha256:%064x\n", i, i, i)
	}
	files["python/requirements.txt"] = req.String()
	files["python/requirements/base.txt"] = "idna==3.10 --hash=sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3\n"
	n++
	kinds := []func(i int, dir string, lock bool){
		func(i int, dir string, lock bool) {
			files[dir+"/go.mod"] = fmt.Sprintf("module example.com/m%d\n\ngo 1.24\n\nrequire (\n\tgolang.org/x/mod v0.41.0\n\tgithub.com/spf13/cobra v1.10.2\n)\n", i)
			if lock {
				files[dir+"/go.sum"] = "golang.org/x/mod v0.41.0 h1:AAAA=\n"
			}
		},
		func(i int, dir string, lock bool) {
			files[dir+"/pyproject.toml"] = fmt.Sprintf("[project]\nname = \"p%d\"\ndependencies = [\"requests>=2\", \"rich\"]\n\n[dependency-groups]\ndev = [\"pytest\"]\n", i)
			if lock {
				files[dir+"/uv.lock"] = "version = 1\n"
			}
		},
		func(i int, dir string, lock bool) {
			v := "2.0.17"
			if !lock {
				v = "[2.0,3.0)"
			}
			files[dir+"/pom.xml"] = fmt.Sprintf(`<project>
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>org.acme</groupId><artifactId>parent</artifactId><version>3</version></parent>
  <artifactId>m%d</artifactId>
  <version>1.0-SNAPSHOT</version>
  <properties><slf4j.version>%s</slf4j.version></properties>
  <dependencies>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${slf4j.version}</version></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.13.4</version><scope>test</scope></dependency>
  </dependencies>
  <build><plugins><plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin></plugins></build>
</project>`, i, v)
		},
		func(i int, dir string, lock bool) {
			files[dir+"/build.gradle.kts"] = "plugins { java }\n\ndependencies {\n    implementation(\"com.google.guava:guava:33.4.8-jre\")\n    testImplementation(\"org.junit.jupiter:junit-jupiter:5.13.4\")\n}\n"
			if !lock {
				files[dir+"/settings.gradle.kts"] = ""
			}
		},
		func(i int, dir string, lock bool) {
			files[fmt.Sprintf("%s/P%d.csproj", dir, i)] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><TargetFramework>net9.0</TargetFramework></PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"Newtonsoft.Json\" Version=\"13.0.3\" />\n  </ItemGroup>\n</Project>\n"
			if lock {
				files[dir+"/packages.lock.json"] = `{"version": 2}`
			}
		},
		func(i int, dir string, lock bool) {
			switch i % 3 {
			case 0:
				b := `, "builtin-baseline": "3508985146f1b1d248c67ead13f8f54be5b4f5da"`
				if !lock {
					b = ""
				}
				files[dir+"/vcpkg.json"] = `{"name": "v", "dependencies": ["fmt", "zlib"]` + b + `}`
			case 1:
				files[dir+"/conanfile.txt"] = "[requires]\nzlib/1.3.1\n\n[generators]\nCMakeDeps\n"
				if lock {
					files[dir+"/conan.lock"] = `{"version": "0.5"}`
				}
			default:
				files[dir+"/MODULE.bazel"] = "module(name = \"m\")\n\nbazel_dep(name = \"rules_cc\", version = \"0.1.1\")\n"
				if lock {
					files[dir+"/MODULE.bazel.lock"] = "{}"
				}
			}
		},
		func(i int, dir string, lock bool) {
			// Cargo workspace members under crates/.
			files[fmt.Sprintf("crates/c%d/Cargo.toml", i)] = fmt.Sprintf("[package]\nname = \"c%d\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n", i)
		},
		func(i int, dir string, lock bool) {
			files[dir+"/composer.json"] = `{"require": {"php": ">=8.2", "monolog/monolog": "^3.9"}}`
			if lock {
				files[dir+"/composer.lock"] = "{}"
			}
		},
		func(i int, dir string, lock bool) {
			files[dir+"/Gemfile"] = "source \"https://rubygems.org\"\n\ngem \"rails\", \"~> 8.0\"\ngem \"puma\"\n"
			if lock {
				files[dir+"/Gemfile.lock"] = "GEM\n"
			}
		},
		func(i int, dir string, lock bool) {
			files[dir+"/Package.swift"] = "// swift-tools-version:6.0\nimport PackageDescription\n\nlet package = Package(\n    name: \"W\",\n    dependencies: [\n        .package(url: \"https://github.com/apple/swift-log\", from: \"1.6.0\"),\n    ]\n)\n"
			if lock {
				files[dir+"/Package.resolved"] = "{}"
			}
		},
		func(i int, dir string, lock bool) {
			files[dir+"/flake.nix"] = "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-25.05\";\n  outputs = { self, nixpkgs }: { };\n}\n"
			if lock {
				files[dir+"/flake.lock"] = "{}"
			}
		},
	}
	for i := 0; n < 2000; i++ {
		k := i % len(kinds)
		dir := fmt.Sprintf("svc/k%d/m%d", k, i)
		if k == 3 {
			dir = fmt.Sprintf("g%d", i) // Gradle sub-projects of the root build
		}
		kinds[k](i, dir, i%10 != 9)
		n++
	}
	return files
}

func monorepoTree(files map[string]string) snapshot.Tree {
	t := snapshot.Tree{Contents: map[string]snapshot.Content{}}
	for p, s := range files {
		t.Files = append(t.Files, p)
		t.Contents[p] = snapshot.Content{Text: s, Size: int64(len(s))}
	}
	slices.Sort(t.Files)
	return t
}

// TestMonorepo checks the benchmark's repository: 2,000 manifests, all
// ecosystems, the expected failures.
func TestMonorepo(t *testing.T) {
	snap := &snapshot.Snapshot{Tree: monorepoTree(monorepo())}
	r := run1(t, snap)
	d := r.Details.(details)
	if len(d.Ecosystems) != 2000 {
		t.Errorf("%d manifests, want 2000", len(d.Ecosystems))
	}
	ecos := map[string]int{}
	status := map[string]int{}
	for _, e := range d.Ecosystems {
		ecos[e.Ecosystem]++
		status[e.Status]++
	}
	if len(ecos) != 12 || ecos["npm"] != 500 {
		t.Errorf("ecosystems %v, want all 12 and 500 npm", ecos)
	}
	if r.Status != check.Failed || status["unknown"] != 0 || status["fail"] == 0 {
		t.Errorf("status %s %v: %s", r.Status, status, r.Reason)
	}
	for _, e := range d.Ecosystems {
		if e.Manifest == "python/requirements.txt" && (e.Status != "pass" || e.Lock != e.Manifest) {
			t.Errorf("the hashed requirements file: %+v", e)
		}
	}
}

// BenchmarkBuildLockfile evaluates build-lockfile (parse and check) over the
// synthetic monorepo's snapshot.
func BenchmarkBuildLockfile(b *testing.B) {
	snap := &snapshot.Snapshot{Tree: monorepoTree(monorepo())}
	pol := policy.Default()
	b.ResetTimer()
	for b.Loop() {
		out := check.Run(context.Background(), []*check.Check{Check}, snap, pol, checktest.DefaultNow)
		if out[0].Result.Status != check.Failed {
			b.Fatal(out[0].Result.Reason)
		}
	}
}

// BenchmarkBuildLockfileWithWalk adds the collector's walk over an
// in-memory file system to the evaluation.
func BenchmarkBuildLockfileWithWalk(b *testing.B) {
	fsys := fstest.MapFS{}
	for p, s := range monorepo() {
		fsys[p] = &fstest.MapFile{Data: []byte(s), Mode: 0o644}
	}
	pol := policy.Default()
	b.ResetTimer()
	for b.Loop() {
		snap := collect.FS(context.Background(), fsys, collect.Options{Path: "."}, nil)
		out := check.Run(context.Background(), []*check.Check{Check}, snap, pol, checktest.DefaultNow)
		if len(out[0].Result.Details.(details).Ecosystems) != 2000 {
			b.Fatal("not every manifest was read")
		}
	}
}
