// Package tools recognises security tools in pipelines: a data-driven
// catalogue of GitHub actions, container images, shell commands, GitLab
// CI templates and components and Tekton tasks, each mapped to the tool
// types that the policy's `requiredTools` names (PO.3.1).
//
// The catalogue is the table Catalogue below; Find applies it to the
// active jobs of a pipeline.Set and returns every recognition with its
// file and line. To teach ssdf a tool, add rows; a test checks that every
// row is well formed and that every tool type is covered.
package tools

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/pipeline"
)

// The tool types (policy.ToolTypes).
const (
	SAST               = "sast"
	SecretScanning     = "secret-scanning"
	DependencyScanning = "dependency-scanning"
	SBOM               = "sbom"
	Signing            = "signing"
	Provenance         = "provenance"
	SSDF               = "ssdf"
	ContainerScanning  = "container-scanning"
	IaCScanning        = "iac-scanning"
	LicenseScanning    = "license-scanning"
	Fuzzing            = "fuzzing"
	DAST               = "dast"
)

// Kind says what a catalogue row matches.
type Kind string

// The kinds of row.
const (
	// Action matches a GitHub action or reusable workflow by
	// "owner/repo[/path]" at path-segment boundaries, case-insensitively.
	Action Kind = "action"
	// Image matches a container image by repository (tag and digest
	// ignored, Docker Hub's "docker.io/" and "library/" implied): job and
	// service containers, step images, `docker://` actions, `docker run`.
	Image Kind = "image"
	// Command matches a shell command: the program, then the leading
	// positional arguments ("cosign sign"). See pipeline.Command for how
	// programs are normalised ("npx semgrep", "python -m pip_audit", ...).
	Command Kind = "command"
	// Template matches a GitLab `include: template:` name, without
	// ".gitlab-ci.yml" and ".latest", case-insensitively ("jobs/sast").
	Template Kind = "gitlab-template"
	// Component matches a GitLab `include: component:` path without host
	// and version, at path-segment boundaries ("components/sast").
	Component Kind = "gitlab-component"
	// Task matches a Tekton task: a bare name matches the task's name
	// (taskRef name, resolver `name` param, bundle base name without
	// "task-"), with a trailing "-oci-ta" ignored; a name with a slash is
	// a prefix of the bundle repository.
	Task Kind = "tekton-task"
)

// Entry is one row of the catalogue.
type Entry struct {
	// Tool is the tool's name, as reported.
	Tool  string
	Types []string
	Kind  Kind
	Match string
	// Arg narrows a Command row: some argument must match this
	// path.Match pattern.
	Arg string
	// Input narrows an Action row: the step's input Input must have one
	// of Values ("" stands for the input being absent or empty).
	Input  string
	Values []string
}

func t(types ...string) []string { return types }

// Catalogue is the table of recognised tools. Installer actions (e.g.
// sigstore/cosign-installer, anchore/sbom-action/download-syft) count as
// the tool: release tools such as GoReleaser run them from their own
// configuration, where no pipeline command shows.
var Catalogue = []Entry{
	// SAST.
	{Tool: "codeql", Types: t(SAST), Kind: Action, Match: "github/codeql-action/init"},
	{Tool: "codeql", Types: t(SAST), Kind: Action, Match: "github/codeql-action/analyze"},
	{Tool: "codeql", Types: t(SAST), Kind: Command, Match: "codeql database create"},
	{Tool: "codeql", Types: t(SAST), Kind: Command, Match: "codeql database analyze"},
	{Tool: "semgrep", Types: t(SAST), Kind: Action, Match: "returntocorp/semgrep-action"},
	{Tool: "semgrep", Types: t(SAST), Kind: Action, Match: "semgrep/semgrep-action"},
	{Tool: "semgrep", Types: t(SAST), Kind: Image, Match: "semgrep/semgrep"},
	{Tool: "semgrep", Types: t(SAST), Kind: Image, Match: "returntocorp/semgrep"},
	{Tool: "semgrep", Types: t(SAST), Kind: Command, Match: "semgrep"},
	{Tool: "gosec", Types: t(SAST), Kind: Action, Match: "securego/gosec"},
	{Tool: "gosec", Types: t(SAST), Kind: Image, Match: "securego/gosec"},
	{Tool: "gosec", Types: t(SAST), Kind: Command, Match: "gosec"},
	{Tool: "bandit", Types: t(SAST), Kind: Action, Match: "pycqa/bandit-action"},
	{Tool: "bandit", Types: t(SAST), Kind: Command, Match: "bandit"},
	{Tool: "brakeman", Types: t(SAST), Kind: Command, Match: "brakeman"},
	{Tool: "sonarqube", Types: t(SAST), Kind: Action, Match: "sonarsource/sonarqube-scan-action"},
	{Tool: "sonarqube", Types: t(SAST), Kind: Action, Match: "sonarsource/sonarcloud-github-action"},
	{Tool: "sonarqube", Types: t(SAST), Kind: Image, Match: "sonarsource/sonar-scanner-cli"},
	{Tool: "sonarqube", Types: t(SAST), Kind: Command, Match: "sonar-scanner"},
	{Tool: "checkmarx", Types: t(SAST), Kind: Action, Match: "checkmarx/ast-github-action"},
	{Tool: "snyk", Types: t(SAST), Kind: Command, Match: "snyk code test"},
	{Tool: "zizmor", Types: t(SAST), Kind: Action, Match: "zizmorcore/zizmor-action"},
	{Tool: "zizmor", Types: t(SAST), Kind: Image, Match: "ghcr.io/zizmorcore/zizmor"},
	{Tool: "zizmor", Types: t(SAST), Kind: Command, Match: "zizmor"},
	{Tool: "poutine", Types: t(SAST), Kind: Action, Match: "boostsecurityio/poutine-action"},
	{Tool: "poutine", Types: t(SAST), Kind: Command, Match: "poutine"},
	{Tool: "gitlab-sast", Types: t(SAST), Kind: Template, Match: "security/sast"},
	{Tool: "gitlab-sast", Types: t(SAST), Kind: Template, Match: "jobs/sast"},
	{Tool: "gitlab-sast", Types: t(SAST), Kind: Component, Match: "components/sast"},
	{Tool: "konflux-sast-snyk-check", Types: t(SAST), Kind: Task, Match: "sast-snyk-check"},
	{Tool: "konflux-sast-coverity-check", Types: t(SAST), Kind: Task, Match: "sast-coverity-check"},
	{Tool: "konflux-sast-shell-check", Types: t(SAST), Kind: Task, Match: "sast-shell-check"},
	{Tool: "konflux-sast-unicode-check", Types: t(SAST), Kind: Task, Match: "sast-unicode-check"},

	// Secret scanning.
	{Tool: "gitleaks", Types: t(SecretScanning), Kind: Action, Match: "gitleaks/gitleaks-action"},
	{Tool: "gitleaks", Types: t(SecretScanning), Kind: Image, Match: "zricethezav/gitleaks"},
	{Tool: "gitleaks", Types: t(SecretScanning), Kind: Image, Match: "ghcr.io/gitleaks/gitleaks"},
	{Tool: "gitleaks", Types: t(SecretScanning), Kind: Image, Match: "ghcr.io/zricethezav/gitleaks"},
	{Tool: "gitleaks", Types: t(SecretScanning), Kind: Command, Match: "gitleaks"},
	{Tool: "trufflehog", Types: t(SecretScanning), Kind: Action, Match: "trufflesecurity/trufflehog"},
	{Tool: "trufflehog", Types: t(SecretScanning), Kind: Image, Match: "trufflesecurity/trufflehog"},
	{Tool: "trufflehog", Types: t(SecretScanning), Kind: Command, Match: "trufflehog"},
	{Tool: "detect-secrets", Types: t(SecretScanning), Kind: Command, Match: "detect-secrets"},
	{Tool: "detect-secrets", Types: t(SecretScanning), Kind: Command, Match: "detect-secrets-hook"},
	{Tool: "ggshield", Types: t(SecretScanning), Kind: Action, Match: "gitguardian/ggshield-action"},
	{Tool: "ggshield", Types: t(SecretScanning), Kind: Action, Match: "gitguardian/ggshield/actions/secret"},
	{Tool: "ggshield", Types: t(SecretScanning), Kind: Image, Match: "gitguardian/ggshield"},
	{Tool: "ggshield", Types: t(SecretScanning), Kind: Command, Match: "ggshield"},
	{Tool: "gitlab-secret-detection", Types: t(SecretScanning), Kind: Template, Match: "security/secret-detection"},
	{Tool: "gitlab-secret-detection", Types: t(SecretScanning), Kind: Template, Match: "jobs/secret-detection"},
	{Tool: "gitlab-secret-detection", Types: t(SecretScanning), Kind: Component, Match: "components/secret-detection"},

	// Dependency scanning (SCA).
	{Tool: "dependency-review", Types: t(DependencyScanning), Kind: Action, Match: "actions/dependency-review-action"},
	{Tool: "dependency-review", Types: t(LicenseScanning), Kind: Action, Match: "actions/dependency-review-action", Input: "allow-licenses", Values: nonEmpty},
	{Tool: "dependency-review", Types: t(LicenseScanning), Kind: Action, Match: "actions/dependency-review-action", Input: "deny-licenses", Values: nonEmpty},
	{Tool: "osv-scanner", Types: t(DependencyScanning), Kind: Action, Match: "google/osv-scanner-action"},
	{Tool: "osv-scanner", Types: t(DependencyScanning), Kind: Image, Match: "ghcr.io/google/osv-scanner"},
	{Tool: "osv-scanner", Types: t(DependencyScanning), Kind: Command, Match: "osv-scanner"},
	{Tool: "govulncheck", Types: t(DependencyScanning), Kind: Action, Match: "golang/govulncheck-action"},
	{Tool: "govulncheck", Types: t(DependencyScanning), Kind: Command, Match: "govulncheck"},
	{Tool: "npm-audit", Types: t(DependencyScanning), Kind: Command, Match: "npm audit"},
	{Tool: "yarn-audit", Types: t(DependencyScanning), Kind: Command, Match: "yarn audit"},
	{Tool: "yarn-audit", Types: t(DependencyScanning), Kind: Command, Match: "yarn npm audit"},
	{Tool: "pnpm-audit", Types: t(DependencyScanning), Kind: Command, Match: "pnpm audit"},
	{Tool: "pip-audit", Types: t(DependencyScanning), Kind: Action, Match: "pypa/gh-action-pip-audit"},
	{Tool: "pip-audit", Types: t(DependencyScanning), Kind: Command, Match: "pip-audit"},
	{Tool: "safety", Types: t(DependencyScanning), Kind: Command, Match: "safety check"},
	{Tool: "safety", Types: t(DependencyScanning), Kind: Command, Match: "safety scan"},
	{Tool: "cargo-audit", Types: t(DependencyScanning), Kind: Command, Match: "cargo audit"},
	{Tool: "cargo-audit", Types: t(DependencyScanning), Kind: Action, Match: "rustsec/audit-check"},
	{Tool: "cargo-audit", Types: t(DependencyScanning), Kind: Action, Match: "actions-rs/audit-check"},
	{Tool: "cargo-deny", Types: t(DependencyScanning, LicenseScanning), Kind: Command, Match: "cargo deny check"},
	{Tool: "cargo-deny", Types: t(DependencyScanning, LicenseScanning), Kind: Action, Match: "embarkstudios/cargo-deny-action"},
	{Tool: "bundler-audit", Types: t(DependencyScanning), Kind: Command, Match: "bundle audit"},
	{Tool: "bundler-audit", Types: t(DependencyScanning), Kind: Command, Match: "bundler-audit"},
	{Tool: "composer-audit", Types: t(DependencyScanning), Kind: Command, Match: "composer audit"},
	{Tool: "dotnet-vulnerable", Types: t(DependencyScanning), Kind: Command, Match: "dotnet list package", Arg: "--vulnerable"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Command, Match: "dependency-check"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Command, Match: "dependency-check.sh"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Command, Match: "mvn", Arg: "*dependency-check*:*"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Command, Match: "mvnw", Arg: "*dependency-check*:*"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Command, Match: "gradle", Arg: "*dependencyCheck*"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Command, Match: "gradlew", Arg: "*dependencyCheck*"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Action, Match: "dependency-check/dependency-check_action"},
	{Tool: "owasp-dependency-check", Types: t(DependencyScanning), Kind: Image, Match: "owasp/dependency-check"},
	{Tool: "retire.js", Types: t(DependencyScanning), Kind: Command, Match: "retire"},
	{Tool: "nancy", Types: t(DependencyScanning), Kind: Action, Match: "sonatype-nexus-community/nancy-github-action"},
	{Tool: "snyk", Types: t(DependencyScanning), Kind: Action, Match: "snyk/actions"},
	{Tool: "snyk", Types: t(DependencyScanning), Kind: Command, Match: "snyk test"},
	{Tool: "snyk", Types: t(DependencyScanning), Kind: Command, Match: "snyk monitor"},
	{Tool: "gitlab-dependency-scanning", Types: t(DependencyScanning), Kind: Template, Match: "security/dependency-scanning"},
	{Tool: "gitlab-dependency-scanning", Types: t(DependencyScanning), Kind: Template, Match: "jobs/dependency-scanning"},
	{Tool: "gitlab-dependency-scanning", Types: t(DependencyScanning), Kind: Component, Match: "components/dependency-scanning"},

	// Vulnerability scanners of images and file systems.
	{Tool: "trivy", Types: t(ContainerScanning), Kind: Action, Match: "aquasecurity/trivy-action", Input: "scan-type", Values: []string{"", "image"}},
	{Tool: "trivy", Types: t(DependencyScanning, SecretScanning), Kind: Action, Match: "aquasecurity/trivy-action", Input: "scan-type", Values: []string{"fs", "rootfs", "repo"}},
	{Tool: "trivy", Types: t(IaCScanning), Kind: Action, Match: "aquasecurity/trivy-action", Input: "scan-type", Values: []string{"config"}},
	{Tool: "trivy", Types: t(DependencyScanning), Kind: Action, Match: "aquasecurity/trivy-action", Input: "scan-type", Values: []string{"sbom"}},
	{Tool: "trivy", Types: t(SBOM), Kind: Action, Match: "aquasecurity/trivy-action", Input: "format", Values: []string{"cyclonedx", "spdx", "spdx-json", "github"}},
	{Tool: "trivy", Types: t(ContainerScanning), Kind: Command, Match: "trivy image"},
	{Tool: "trivy", Types: t(ContainerScanning), Kind: Command, Match: "trivy i"},
	{Tool: "trivy", Types: t(ContainerScanning, IaCScanning), Kind: Command, Match: "trivy k8s"},
	{Tool: "trivy", Types: t(ContainerScanning, IaCScanning), Kind: Command, Match: "trivy kubernetes"},
	{Tool: "trivy", Types: t(DependencyScanning, SecretScanning), Kind: Command, Match: "trivy fs"},
	{Tool: "trivy", Types: t(DependencyScanning, SecretScanning), Kind: Command, Match: "trivy filesystem"},
	{Tool: "trivy", Types: t(DependencyScanning, SecretScanning), Kind: Command, Match: "trivy rootfs"},
	{Tool: "trivy", Types: t(DependencyScanning, SecretScanning), Kind: Command, Match: "trivy repo"},
	{Tool: "trivy", Types: t(DependencyScanning, SecretScanning), Kind: Command, Match: "trivy repository"},
	{Tool: "trivy", Types: t(DependencyScanning), Kind: Command, Match: "trivy sbom"},
	{Tool: "trivy", Types: t(IaCScanning), Kind: Command, Match: "trivy config"},
	{Tool: "trivy", Types: t(IaCScanning), Kind: Command, Match: "trivy conf"},
	{Tool: "trivy", Types: t(SBOM), Kind: Command, Match: "trivy", Arg: "cyclonedx"},
	{Tool: "trivy", Types: t(SBOM), Kind: Command, Match: "trivy", Arg: "spdx*"},
	{Tool: "trivy", Types: t(SBOM), Kind: Command, Match: "trivy", Arg: "--format=cyclonedx"},
	{Tool: "trivy", Types: t(SBOM), Kind: Command, Match: "trivy", Arg: "--format=spdx*"},
	{Tool: "trivy", Types: t(ContainerScanning), Kind: Task, Match: "trivy-scanner"},
	{Tool: "grype", Types: t(ContainerScanning, DependencyScanning), Kind: Action, Match: "anchore/scan-action"},
	{Tool: "grype", Types: t(ContainerScanning, DependencyScanning), Kind: Image, Match: "anchore/grype"},
	{Tool: "grype", Types: t(ContainerScanning, DependencyScanning), Kind: Command, Match: "grype"},
	{Tool: "docker-scout", Types: t(ContainerScanning), Kind: Action, Match: "docker/scout-action"},
	{Tool: "docker-scout", Types: t(ContainerScanning), Kind: Command, Match: "docker scout cves"},
	{Tool: "snyk", Types: t(ContainerScanning), Kind: Command, Match: "snyk container test"},
	{Tool: "gitlab-container-scanning", Types: t(ContainerScanning), Kind: Template, Match: "security/container-scanning"},
	{Tool: "gitlab-container-scanning", Types: t(ContainerScanning), Kind: Template, Match: "jobs/container-scanning"},
	{Tool: "gitlab-container-scanning", Types: t(ContainerScanning), Kind: Component, Match: "components/container-scanning"},
	{Tool: "konflux-clair-scan", Types: t(ContainerScanning), Kind: Task, Match: "clair-scan"},
	{Tool: "konflux-roxctl-scan", Types: t(ContainerScanning), Kind: Task, Match: "roxctl-scan"},
	{Tool: "roxctl", Types: t(ContainerScanning), Kind: Command, Match: "roxctl image scan"},
	{Tool: "roxctl", Types: t(ContainerScanning), Kind: Command, Match: "roxctl image check"},

	// Infrastructure as code.
	{Tool: "checkov", Types: t(IaCScanning), Kind: Action, Match: "bridgecrewio/checkov-action"},
	{Tool: "checkov", Types: t(IaCScanning), Kind: Image, Match: "bridgecrew/checkov"},
	{Tool: "checkov", Types: t(IaCScanning), Kind: Command, Match: "checkov"},
	{Tool: "tfsec", Types: t(IaCScanning), Kind: Action, Match: "aquasecurity/tfsec-action"},
	{Tool: "tfsec", Types: t(IaCScanning), Kind: Action, Match: "aquasecurity/tfsec-sarif-action"},
	{Tool: "tfsec", Types: t(IaCScanning), Kind: Image, Match: "aquasec/tfsec"},
	{Tool: "tfsec", Types: t(IaCScanning), Kind: Command, Match: "tfsec"},
	{Tool: "kics", Types: t(IaCScanning), Kind: Action, Match: "checkmarx/kics-github-action"},
	{Tool: "kics", Types: t(IaCScanning), Kind: Image, Match: "checkmarx/kics"},
	{Tool: "kics", Types: t(IaCScanning), Kind: Command, Match: "kics scan"},
	{Tool: "terrascan", Types: t(IaCScanning), Kind: Action, Match: "tenable/terrascan-action"},
	{Tool: "terrascan", Types: t(IaCScanning), Kind: Image, Match: "tenable/terrascan"},
	{Tool: "terrascan", Types: t(IaCScanning), Kind: Command, Match: "terrascan scan"},
	{Tool: "kubescape", Types: t(IaCScanning), Kind: Action, Match: "kubescape/github-action"},
	{Tool: "kubescape", Types: t(IaCScanning), Kind: Command, Match: "kubescape scan"},
	{Tool: "conftest", Types: t(IaCScanning), Kind: Command, Match: "conftest test"},
	{Tool: "snyk", Types: t(IaCScanning), Kind: Command, Match: "snyk iac test"},
	{Tool: "gitlab-sast-iac", Types: t(IaCScanning), Kind: Template, Match: "security/sast-iac"},
	{Tool: "gitlab-sast-iac", Types: t(IaCScanning), Kind: Template, Match: "jobs/sast-iac"},

	// SBOM.
	{Tool: "syft", Types: t(SBOM), Kind: Action, Match: "anchore/sbom-action"},
	{Tool: "syft", Types: t(SBOM), Kind: Image, Match: "anchore/syft"},
	{Tool: "syft", Types: t(SBOM), Kind: Command, Match: "syft"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Action, Match: "cyclonedx"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "cyclonedx"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "cyclonedx-npm"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "cyclonedx-py"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "cyclonedx-gomod"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "cdxgen"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "mvn", Arg: "*cyclonedx*"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "mvnw", Arg: "*cyclonedx*"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "gradle", Arg: "cyclonedx*"},
	{Tool: "cyclonedx", Types: t(SBOM), Kind: Command, Match: "gradlew", Arg: "cyclonedx*"},
	{Tool: "spdx-sbom-generator", Types: t(SBOM), Kind: Command, Match: "spdx-sbom-generator"},
	{Tool: "microsoft-sbom-tool", Types: t(SBOM), Kind: Command, Match: "sbom-tool generate"},
	{Tool: "docker-sbom", Types: t(SBOM), Kind: Command, Match: "docker sbom"},
	{Tool: "actions/attest-sbom", Types: t(SBOM), Kind: Action, Match: "actions/attest-sbom"},
	{Tool: "actions/attest", Types: t(SBOM), Kind: Action, Match: "actions/attest", Input: "sbom-path", Values: nonEmpty},
	{Tool: "konflux-buildah", Types: t(SBOM), Kind: Task, Match: "quay.io/konflux-ci/tekton-catalog/task-buildah"},
	{Tool: "konflux-buildah", Types: t(SBOM), Kind: Task, Match: "quay.io/redhat-appstudio-tekton-catalog/task-buildah"},

	// Signing.
	{Tool: "cosign", Types: t(Signing), Kind: Action, Match: "sigstore/cosign-installer"},
	{Tool: "cosign", Types: t(Signing), Kind: Image, Match: "gcr.io/projectsigstore/cosign"},
	{Tool: "cosign", Types: t(Signing), Kind: Image, Match: "cgr.dev/chainguard/cosign"},
	{Tool: "cosign", Types: t(Signing), Kind: Image, Match: "ghcr.io/sigstore/cosign/cosign"},
	{Tool: "cosign", Types: t(Signing), Kind: Command, Match: "cosign sign"},
	{Tool: "cosign", Types: t(Signing), Kind: Command, Match: "cosign sign-blob"},
	{Tool: "cosign", Types: t(Signing), Kind: Command, Match: "cosign attest"},
	{Tool: "cosign", Types: t(Signing), Kind: Command, Match: "cosign attest-blob"},
	{Tool: "sigstore-python", Types: t(Signing), Kind: Action, Match: "sigstore/gh-action-sigstore-python"},
	{Tool: "sigstore-python", Types: t(Signing), Kind: Command, Match: "sigstore sign"},
	{Tool: "notation", Types: t(Signing), Kind: Action, Match: "notaryproject/notation-action/sign"},
	{Tool: "notation", Types: t(Signing), Kind: Command, Match: "notation sign"},
	{Tool: "gpg", Types: t(Signing), Kind: Command, Match: "gpg", Arg: "--detach-sign"},
	{Tool: "gpg", Types: t(Signing), Kind: Command, Match: "gpg", Arg: "--clearsign"},
	{Tool: "gpg", Types: t(Signing), Kind: Command, Match: "gpg", Arg: "--clear-sign"},
	{Tool: "gpg", Types: t(Signing), Kind: Command, Match: "gpg", Arg: "--sign"},
	{Tool: "gpg", Types: t(Signing), Kind: Command, Match: "gpg", Arg: "-[abs][abs]"},
	{Tool: "gpg", Types: t(Signing), Kind: Command, Match: "gpg", Arg: "-[bs]"},
	{Tool: "minisign", Types: t(Signing), Kind: Command, Match: "minisign", Arg: "-S"},
	{Tool: "signify", Types: t(Signing), Kind: Command, Match: "signify", Arg: "-S"},
	{Tool: "jarsigner", Types: t(Signing), Kind: Command, Match: "jarsigner"},
	{Tool: "signtool", Types: t(Signing), Kind: Command, Match: "signtool sign"},
	{Tool: "codesign", Types: t(Signing), Kind: Command, Match: "codesign"},
	{Tool: "rpmsign", Types: t(Signing), Kind: Command, Match: "rpmsign"},
	{Tool: "docker-trust", Types: t(Signing), Kind: Command, Match: "docker trust sign"},
	{Tool: "maven-gpg", Types: t(Signing), Kind: Command, Match: "mvn", Arg: "*gpg:sign*"},

	// Provenance. pipeline.Set.Provenance adds every recogniser of
	// signed SLSA provenance; these rows name the tools.
	{Tool: "slsa-github-generator", Types: t(Provenance), Kind: Action, Match: "slsa-framework/slsa-github-generator"},
	{Tool: "actions/attest-build-provenance", Types: t(Provenance), Kind: Action, Match: "actions/attest-build-provenance"},
	{Tool: "witness", Types: t(Provenance), Kind: Action, Match: "testifysec/witness-run-action"},
	{Tool: "witness", Types: t(Provenance), Kind: Action, Match: "in-toto/witness-run-action"},
	{Tool: "witness", Types: t(Provenance), Kind: Command, Match: "witness run"},
	{Tool: "in-toto", Types: t(Provenance), Kind: Command, Match: "in-toto-run"},

	// ssdf itself.
	{Tool: "ssdf", Types: t(SSDF), Kind: Action, Match: "ssdf-dev/ssdf"},
	{Tool: "ssdf", Types: t(SSDF), Kind: Image, Match: "ghcr.io/ssdf-dev/ssdf"},
	{Tool: "ssdf", Types: t(SSDF), Kind: Command, Match: "ssdf scan"},
	{Tool: "ssdf", Types: t(SSDF), Kind: Command, Match: "ssdf attest"},

	// License scanning.
	{Tool: "fossa", Types: t(LicenseScanning, DependencyScanning), Kind: Action, Match: "fossas/fossa-action"},
	{Tool: "fossa", Types: t(LicenseScanning, DependencyScanning), Kind: Command, Match: "fossa analyze"},
	{Tool: "scancode", Types: t(LicenseScanning), Kind: Command, Match: "scancode"},
	{Tool: "license-finder", Types: t(LicenseScanning), Kind: Command, Match: "license_finder"},
	{Tool: "go-licenses", Types: t(LicenseScanning), Kind: Command, Match: "go-licenses"},
	{Tool: "licensed", Types: t(LicenseScanning), Kind: Command, Match: "licensed status"},
	{Tool: "reuse", Types: t(LicenseScanning), Kind: Command, Match: "reuse lint"},
	{Tool: "reuse", Types: t(LicenseScanning), Kind: Action, Match: "fsfe/reuse-action"},
	{Tool: "gitlab-license-scanning", Types: t(LicenseScanning), Kind: Template, Match: "security/license-scanning"},
	{Tool: "gitlab-license-scanning", Types: t(LicenseScanning), Kind: Template, Match: "jobs/license-scanning"},

	// Fuzzing.
	{Tool: "cifuzz", Types: t(Fuzzing), Kind: Action, Match: "google/oss-fuzz/infra/cifuzz"},
	{Tool: "clusterfuzzlite", Types: t(Fuzzing), Kind: Action, Match: "google/clusterfuzzlite/actions"},
	{Tool: "go-fuzz", Types: t(Fuzzing), Kind: Command, Match: "go test", Arg: "-fuzz=*"},
	{Tool: "go-fuzz", Types: t(Fuzzing), Kind: Command, Match: "go test", Arg: "-fuzz"},
	{Tool: "cargo-fuzz", Types: t(Fuzzing), Kind: Command, Match: "cargo fuzz run"},
	{Tool: "jazzer", Types: t(Fuzzing), Kind: Command, Match: "jazzer"},
	{Tool: "ci-fuzz", Types: t(Fuzzing), Kind: Command, Match: "cifuzz run"},
	{Tool: "gitlab-fuzzing", Types: t(Fuzzing), Kind: Template, Match: "security/coverage-fuzzing"},
	{Tool: "gitlab-fuzzing", Types: t(Fuzzing), Kind: Template, Match: "coverage-fuzzing"},
	{Tool: "gitlab-fuzzing", Types: t(Fuzzing, DAST), Kind: Template, Match: "security/api-fuzzing"},
	{Tool: "gitlab-fuzzing", Types: t(Fuzzing, DAST), Kind: Template, Match: "api-fuzzing"},

	// DAST.
	{Tool: "zap", Types: t(DAST), Kind: Action, Match: "zaproxy/action-baseline"},
	{Tool: "zap", Types: t(DAST), Kind: Action, Match: "zaproxy/action-full-scan"},
	{Tool: "zap", Types: t(DAST), Kind: Action, Match: "zaproxy/action-api-scan"},
	{Tool: "zap", Types: t(DAST), Kind: Action, Match: "zaproxy/action-af"},
	{Tool: "zap", Types: t(DAST), Kind: Image, Match: "ghcr.io/zaproxy/zaproxy"},
	{Tool: "zap", Types: t(DAST), Kind: Image, Match: "zaproxy/zap-stable"},
	{Tool: "zap", Types: t(DAST), Kind: Image, Match: "softwaresecurityproject/zap-stable"},
	{Tool: "zap", Types: t(DAST), Kind: Image, Match: "owasp/zap2docker-stable"},
	{Tool: "zap", Types: t(DAST), Kind: Command, Match: "zap-baseline.py"},
	{Tool: "zap", Types: t(DAST), Kind: Command, Match: "zap-full-scan.py"},
	{Tool: "zap", Types: t(DAST), Kind: Command, Match: "zap-api-scan.py"},
	{Tool: "nuclei", Types: t(DAST), Kind: Action, Match: "projectdiscovery/nuclei-action"},
	{Tool: "nuclei", Types: t(DAST), Kind: Image, Match: "projectdiscovery/nuclei"},
	{Tool: "nuclei", Types: t(DAST), Kind: Command, Match: "nuclei"},
	{Tool: "stackhawk", Types: t(DAST), Kind: Action, Match: "stackhawk/hawkscan-action"},
	{Tool: "gitlab-dast", Types: t(DAST), Kind: Template, Match: "security/dast"},
	{Tool: "gitlab-dast", Types: t(DAST), Kind: Template, Match: "dast"},
	{Tool: "gitlab-dast", Types: t(DAST), Kind: Template, Match: "security/dast-api"},
	{Tool: "gitlab-dast", Types: t(DAST), Kind: Template, Match: "dast-api"},
	{Tool: "gitlab-dast", Types: t(DAST), Kind: Component, Match: "components/dast"},

	// GitLab Auto DevOps includes the security jobs of its tier.
	{Tool: "gitlab-auto-devops", Types: t(SAST, SecretScanning, DependencyScanning, ContainerScanning, IaCScanning, DAST), Kind: Template, Match: "auto-devops"},
}

// nonEmpty is the Values of an Input condition that any non-empty value
// satisfies.
var nonEmpty = []string{"*"}

// Hit is one recognition of a tool in a pipeline.
type Hit struct {
	pipeline.Pos
	Tool  string
	Types []string
	Via   Kind
	// Ref is what was matched: the action reference, image, command,
	// template or task.
	Ref string
	Job *pipeline.Job
}

// Find returns every catalogue recognition in the active pipelines of s,
// sorted by place, one per tool, place and type set.
func Find(s *pipeline.Set) []Hit {
	var hits []Hit
	add := func(pos pipeline.Pos, via Kind, ref string, j *pipeline.Job, match func(Entry) bool) {
		for _, e := range Catalogue {
			if e.Kind == via && match(e) {
				hits = append(hits, Hit{Pos: pos, Tool: e.Tool, Types: e.Types, Via: via, Ref: ref, Job: j})
			}
		}
	}
	action := func(r *pipeline.Ref, with func(string) (string, bool), j *pipeline.Job) {
		switch r.Kind {
		case pipeline.RemoteRef:
			add(r.Pos, Action, r.Raw, j, func(e Entry) bool { return r.Is(e.Match) && inputOK(e, with) })
		case pipeline.DockerRef:
			image(r.Pos, r.Name, j, add)
		}
	}
	for _, f := range s.Files {
		if !f.Active {
			continue
		}
		for _, inc := range f.Includes {
			switch inc.Kind {
			case "template":
				name := TemplateName(inc.Value)
				add(inc.Pos, Template, inc.Value, nil, func(e Entry) bool { return e.Match == name })
			case "component":
				name := ComponentPath(inc.Value)
				add(inc.Pos, Component, inc.Value, nil, func(e Entry) bool { return segPrefix(name, e.Match) })
			}
		}
		for _, j := range f.Jobs {
			if !j.Active {
				continue
			}
			if j.Uses != nil {
				action(j.Uses, j.Input, j)
			}
			for _, img := range j.Images {
				image(img.Pos, img.Ref, j, add)
			}
			if j.TaskRef != nil {
				task(j.TaskRef, j, add)
			}
			for _, st := range j.Steps {
				if st.Uses != nil {
					action(st.Uses, st.Input, j)
				} else if st.Image != nil {
					image(st.Image.Pos, st.Image.Ref, j, add)
				}
				if st.Ref != nil {
					task(st.Ref, j, add)
				}
				for _, c := range s.Followed(st.Run) {
					add(c.Pos, Command, c.Text, j, func(e Entry) bool { return commandMatches(e, c) })
					if c.Image != "" {
						image(c.Pos, c.Image, j, add)
					}
				}
			}
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), strings.Compare(a.Tool, b.Tool),
			slices.Compare(a.Types, b.Types))
	})
	return slices.CompactFunc(hits, func(a, b Hit) bool {
		return a.Pos == b.Pos && a.Tool == b.Tool && slices.Equal(a.Types, b.Types)
	})
}

func image(pos pipeline.Pos, ref string, j *pipeline.Job, add func(pipeline.Pos, Kind, string, *pipeline.Job, func(Entry) bool)) {
	repo := pipeline.ImageRepository(ref)
	add(pos, Image, ref, j, func(e Entry) bool { return repo == e.Match })
}

func task(t *pipeline.TaskRef, j *pipeline.Job, add func(pipeline.Pos, Kind, string, *pipeline.Job, func(Entry) bool)) {
	name := strings.TrimSuffix(t.TaskName(), "-oci-ta")
	bundle := pipeline.ImageRepository(t.BundleRef())
	ref := t.TaskName()
	if b := t.BundleRef(); b != "" {
		ref = b
	}
	add(t.Pos, Task, ref, j, func(e Entry) bool {
		if strings.Contains(e.Match, "/") {
			return bundle != "" && strings.HasPrefix(bundle, e.Match)
		}
		return name == e.Match
	})
}

func inputOK(e Entry, with func(string) (string, bool)) bool {
	if e.Input == "" {
		return true
	}
	v, _ := with(e.Input)
	v = strings.ToLower(strings.TrimSpace(v))
	for _, want := range e.Values {
		if want == v || want == "*" && v != "" {
			return true
		}
	}
	return false
}

func commandMatches(e Entry, c pipeline.Command) bool {
	words := strings.Fields(e.Match)
	if !c.Is(words[0], words[1:]...) {
		return false
	}
	if e.Arg == "" {
		return true
	}
	for _, a := range c.Args {
		if ok, _ := path.Match(e.Arg, a); ok {
			return true
		}
	}
	return false
}

func segPrefix(s, prefix string) bool { return s == prefix || strings.HasPrefix(s, prefix+"/") }

// TemplateName normalises a GitLab template include:
// "Jobs/SAST.latest.gitlab-ci.yml" → "jobs/sast".
func TemplateName(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.TrimSuffix(v, ".yml")
	v = strings.TrimSuffix(v, ".yaml")
	v = strings.TrimSuffix(v, ".gitlab-ci")
	return strings.TrimSuffix(v, ".latest")
}

// ComponentPath normalises a GitLab component include:
// "$CI_SERVER_FQDN/components/sast/sast@2.0" → "components/sast/sast".
func ComponentPath(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.LastIndexByte(v, '@'); i >= 0 {
		v = v[:i]
	}
	if _, rest, ok := strings.Cut(v, "/"); ok {
		return rest
	}
	return v
}
