package collect

import (
	"path"
	"strings"
)

// claim says whether the walk reads a file: not at all, to keep its text,
// or to keep its text only when it contains one of the sniff markers.
type claim int

const (
	none claim = iota
	keep
	sniff
	// script: kept like keep by a local walk; a remote walk (Limits.Lazy),
	// which pays one request per file, reads only the scripts a pipeline
	// runs, afterwards (ReadFiles).
	script
)

// sniffMarkers recognise the manifests that can sit in any YAML file of a
// repository: Backstage templates and catalog entries, Argo CD
// applications, Tekton resources, Kyverno and Gatekeeper policies.
var sniffMarkers = []string{"backstage.io", "argoproj.io/", "tekton.dev/", "kyverno.io/", "ConstraintTemplate"}

func sniffed(text string) bool {
	for _, m := range sniffMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// claimed says whether the walk must read the file at p (a slash-separated
// path relative to the root) for some check. It is called for every file,
// so it looks at the path only and is cheap. File names match
// case-insensitively (SPEC §3).
func claimed(p string) claim {
	lp := strings.ToLower(p)
	dir, base := path.Split(lp)
	dir = strings.TrimSuffix(dir, "/")
	ext := path.Ext(base)
	yaml := ext == ".yml" || ext == ".yaml"

	switch base {
	case "codeowners":
		// Both forges' locations (SPEC §3, codeowners-present).
		if dir == "" || dir == ".github" || dir == "docs" || dir == ".gitlab" {
			return keep
		}
		return none
	case "issue_template.md", "pull_request_template.md":
		if dir == "" || dir == ".github" || dir == "docs" {
			return keep
		}
		return none
	case "catalog-info.yaml", "catalog-info.yml", "package.json", "pyproject.toml", "cargo.toml", "composer.json",
		"jenkinsfile", "dinghyfile", "azure-pipelines.yml", "azure-pipelines.yaml",
		"action.yml", "action.yaml", "dockerfile", "containerfile", "template.yaml", "template.yml", "policy.yaml", "policy.yml":
		return keep
	case "go.mod", "go.work", "pnpm-workspace.yaml", "setup.cfg", "setup.py", "pipfile", "pom.xml",
		"directory.build.props", "directory.packages.props", "build.gradle", "build.gradle.kts",
		"vcpkg.json", "conanfile.txt", "conanfile.py", "module.bazel", "gemfile", "package.swift", "flake.nix":
		// Dependency manifests anywhere (package manifest, build-lockfile);
		// their locks are looked up by path only.
		return keep
	case "makefile", "gnumakefile":
		// Makefiles anywhere: their recipes' install commands
		// (build-locked-install).
		return keep
	case ".copier-answers.yml", ".copier-answers.yaml", ".cruft.json", ".gitlab-ci.yml", ".gitlab-ci.yaml",
		"bitbucket-pipelines.yml", ".drone.yml", ".woodpecker.yml", ".travis.yml", ".ssdf.yaml", ".ssdf.yml":
		if dir == "" {
			return keep
		}
		return none
	}
	switch {
	case strings.HasPrefix(base, "jenkinsfile.") || strings.HasSuffix(base, ".jenkinsfile"),
		strings.HasPrefix(base, "dockerfile.") || strings.HasSuffix(base, ".dockerfile"),
		strings.HasPrefix(base, "dockerfile-") || strings.HasPrefix(base, "dockerfile_"),
		strings.HasPrefix(base, "containerfile.") || strings.HasSuffix(base, ".containerfile"),
		strings.HasPrefix(base, "containerfile-") || strings.HasPrefix(base, "containerfile_"):
		return keep
	case ext == ".mk" && len(base) > 3:
		// Makefile fragments anywhere (build-locked-install).
		return keep
	case ScriptPath(p):
		// Shell and PowerShell scripts anywhere, and extensionless ones in
		// script directories: a pipeline step that runs one runs its
		// commands too (pipeline.Set.Followed).
		return script
	case ext == ".module":
		// Spinnaker Dinghy modules, anywhere (the dinghyfile is claimed above).
		return keep
	case ext == ".yml" && strings.HasSuffix(dir, "/.azure-pipelines"):
		// Azure Pipelines `.azure-pipelines/*.yml` anywhere (SPEC §3); the
		// root directory is claimed below.
		return keep
	case yaml && (dir == ".github/workflows" || dir == ".tekton" || dir == ".circleci" || dir == ".buildkite" ||
		dir == ".woodpecker" || dir == ".azure-pipelines" || dir == ".gitlab" || strings.HasPrefix(dir, ".gitlab/")):
		// Any YAML under .gitlab/: GitLab CI files included locally
		// (`include: local: .gitlab/rules.yml`) live there, not only in .gitlab/ci/.
		return keep
	case dir == ".github/issue_template" && (yaml || ext == ".md"):
		return keep
	case ext == ".md" && (dir == ".gitlab/issue_templates" || dir == ".gitlab/merge_request_templates" ||
		dir == "pull_request_template" || dir == ".github/pull_request_template" || dir == "docs/pull_request_template"):
		return keep
	case strings.HasSuffix(base, ".gitlab-ci.yml") || strings.HasSuffix(base, ".gitlab-ci.yaml"):
		return keep
	case (ext == ".tf" || ext == ".tofu" || strings.HasSuffix(base, ".tf.json") || strings.HasSuffix(base, ".tofu.json") ||
		base == ".terraform.lock.hcl") && !strings.Contains("/"+dir+"/", "/.terraform/") && !strings.Contains("/"+dir+"/", "/.terragrunt-cache/"):
		// OpenTofu/Terraform configurations and lock files anywhere (package
		// iac), except the copies that init downloads into .terraform/.
		return keep
	case ext == ".csproj" || ext == ".fsproj" || ext == ".vbproj",
		(ext == ".txt" || ext == ".in") && (strings.Contains(base, "requirements") || strings.Contains(base, "constraints") || strings.HasPrefix(dir, "requirements") || strings.Contains(dir, "/requirements")):
		// .NET projects and pip requirements files anywhere, with the files
		// kept under requirements*/ directories that `-r` includes (package
		// manifest).
		return keep
	case yaml && strings.Contains(base, "goreleaser"),
		base == ".bazelrc" || strings.HasSuffix(base, ".bazelrc") || strings.HasPrefix(base, ".bazelrc."),
		base == "gradle-wrapper.properties" || base == "maven-wrapper.properties",
		ext == ".gradle" || strings.HasSuffix(base, ".gradle.kts"),
		(base == "config.toml" || base == "config") && (dir == ".cargo" || strings.HasSuffix(dir, "/.cargo")):
		// Build settings anywhere (build-reproducible-settings,
		// build-hermetic): GoReleaser configurations (`.goreleaser.yaml`,
		// `goreleaser.yml`, `.goreleaser-nightly.yml`, …), Bazel rc files
		// and the rc files they import, Maven and Gradle wrapper
		// properties, every Gradle script (convention plugins and applied
		// scripts set the archive settings), Cargo configuration.
		return keep
	case yaml:
		// Kubernetes-style manifests anywhere: Backstage templates,
		// Argo CD applications, Kyverno and Gatekeeper policies. They are
		// recognised by content, which the checks parse.
		return sniff
	}
	return none
}

// scriptDirs are the directories whose extensionless files may be
// scripts (encode/httpx's scripts/publish, rails' bin/setup).
var scriptDirs = map[string]bool{"scripts": true, "script": true, "bin": true, "hack": true, "ci": true, ".ci": true, "tools": true}

// ScriptPath reports whether the file at p (slash-separated, relative to
// the root) may be a script a pipeline runs: `*.sh`, `*.bash`, `*.ps1`
// anywhere, or a file without an extension in a script directory (which
// then counts only when it starts with a `#!` line).
func ScriptPath(p string) bool {
	lp := strings.ToLower(p)
	dir, base := path.Split(lp)
	switch path.Ext(base) {
	case ".sh", ".bash", ".ps1":
		return true
	case "":
		return base != "" && !strings.HasPrefix(base, ".") && scriptDirs[path.Base(strings.TrimSuffix(dir, "/"))]
	}
	return false
}
