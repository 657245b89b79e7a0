package pipeline

import (
	"cmp"
	"encoding/json"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Evidence is one recognised fact in an active pipeline: a provenance
// generator, an attestation, a publication.
type Evidence struct {
	Pos
	// Mechanism is a stable id of what was recognised (see Provenance,
	// Attestations and Publishes).
	Mechanism string `json:"mechanism"`
	// Text is what was matched: the reference, the command, the variable.
	Text string `json:"text,omitempty"`
	// Via is, for a command found in a repository script or make target
	// that a step runs (Set.Followed), the place of that step's command.
	Via Pos  `json:"via,omitzero"`
	Job *Job `json:"-"`
}

// Provenance returns the pipeline steps that generate signed SLSA
// provenance, by the exhaustive list of SPEC §3 build-provenance:
//
//   - slsa-github-generator: a job calling a
//     slsa-framework/slsa-github-generator reusable workflow;
//   - actions/attest-build-provenance, and actions/attest with an SLSA
//     predicate type or in its default (provenance) mode, that is without
//     predicate-type, predicate, predicate-path or sbom-path; both are
//     reported as goreleaser-attestations when their job runs GoReleaser
//     (GoReleaser's documented way to attest its artifacts);
//   - cosign-attest-slsa: `cosign attest`/`attest-blob` with `--type`
//     slsaprovenance, slsaprovenance02, slsaprovenance1 or an
//     https://slsa.dev/provenance/ URI;
//   - konflux: a `.tekton/` PipelineRun labelled appstudio.openshift.io/*
//     (built and signed by Tekton Chains);
//   - gitlab-artifacts-metadata: RUNNER_GENERATE_ARTIFACTS_METADATA "true"
//     in GitLab variables (global or job);
//   - witness: `witness run`, or the witness-run-action;
//   - npm-provenance: `npm publish --provenance` (and JS-DevTools/npm-publish
//     with `provenance: true`, which runs that command); SPEC's list is
//     exhaustive, so neither pnpm/yarn publish nor NPM_CONFIG_PROVENANCE
//     in the environment counts;
//   - docker-provenance-cosign: docker/build-push-action with a
//     `provenance:` input other than false, in a job that also runs
//     `cosign sign`.
//
// Only active jobs count: a reusable workflow of this repository counts
// when a workflow of this repository calls it. A step's commands include
// those of the repository scripts and make targets it runs (Followed).
func (s *Set) Provenance() []Evidence { s.recognise(); return s.provenance }

// Attestations returns the steps that publish in-toto attestations (SPEC
// §3 audit-attestations): everything Provenance returns plus ssdf-attest
// (`ssdf attest`, `ssdf scan --attest`, the ssdf action asked to attest),
// any other actions/attest* use (mechanism: the action's name), any other
// `cosign attest` (cosign-attest), `in-toto-run` (in-toto-run), and PEP
// 740 attestations of pypa/gh-action-pypi-publish (pypi-pep740: v1.11 or
// later, or a release branch, under Trusted Publishing — no `password:` —
// unless `attestations: false`).
func (s *Set) Attestations() []Evidence { s.recognise(); return s.attestation }

// UndecidedAttestations returns the steps that may publish in-toto
// attestations but whose configuration does not tell: a
// pypa/gh-action-pypi-publish step pinned to a commit SHA with no version
// comment, or to an expression, so that whether it is v1.11 or later (PEP
// 740 attestations on by default) cannot be read (mechanism pypi-pep740).
func (s *Set) UndecidedAttestations() []Evidence { s.recognise(); return s.undecided }

// Publishes returns the steps that build or publish an artifact, by the
// exhaustive list of SPEC §3 build-provenance: docker-push (`docker push`,
// `docker image|manifest push`, `docker build|buildx build|buildx bake`
// with `--push` or a registry output), docker/build-push-action (with
// `push:` other than false), npm-publish (`npm publish`, and
// JS-DevTools/npm-publish, which runs it; not pnpm or yarn publish: SPEC
// names `npm publish` only), pypi-publish
// (pypa/gh-action-pypi-publish, `twine upload`, `poetry|uv|flit|hatch|pdm
// publish`), goreleaser (the action or command, except its `check`-like
// subcommands), cargo-publish, mvn-deploy (a `deploy` phase or
// `deploy:*` goal), gradle-publish (a `publish*` task other than
// publishToMavenLocal), dotnet-nuget-push (`dotnet nuget push`, `nuget
// push`), release-upload (`gh|glab release upload`, `gh|glab release
// create` with asset files, softprops/action-gh-release with `files:`,
// actions/upload-release-asset, svenstaro/upload-release-action,
// ncipollo/release-action with `artifacts:`, helm/chart-releaser-action
// and its `cr upload`) and konflux (a `.tekton/`
// PipelineRun labelled appstudio.openshift.io/*); and
// remote-reusable-workflow, a job calling a remote reusable workflow
// whose file name says it publishes (RemotePublishingWorkflow), whose
// content is not read. A step's commands include those of the repository
// scripts and make targets it runs (Followed).
func (s *Set) Publishes() []Evidence { s.recognise(); return s.publishes }

func (s *Set) recognise() {
	s.once.Do(func() {
		rc := recogniser{set: s}
		for _, f := range s.Files {
			if f.Active {
				rc.file(f)
			}
		}
		s.provenance = tidy(rc.prov)
		s.attestation = tidy(append(slices.Clone(rc.prov), rc.att...))
		s.undecided = tidy(rc.undecided)
		s.publishes = tidy(rc.pub)
	})
}

func tidy(es []Evidence) []Evidence {
	slices.SortFunc(es, func(a, b Evidence) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), strings.Compare(a.Mechanism, b.Mechanism))
	})
	return slices.CompactFunc(es, func(a, b Evidence) bool {
		return a.Pos == b.Pos && a.Mechanism == b.Mechanism
	})
}

type recogniser struct {
	set                       *Set
	prov, att, pub, undecided []Evidence
}

// RemoteWorkflowMechanism is the publishing mechanism of a job that calls
// a remote reusable workflow whose name says it publishes.
const RemoteWorkflowMechanism = "remote-reusable-workflow"

// RemotePublishingWorkflow reports whether a job's `uses:` is a remote
// reusable workflow (`owner/repo/.github/workflows/FILE@ref`) whose file
// name names publishing: it holds "goreleaser", "publish" or "release",
// and not "release-drafter", "release-please", "release-notes" or
// "label". Its content is in another repository and is not read.
func RemotePublishingWorkflow(u *Ref) bool {
	if u == nil || u.Kind != RemoteRef || !strings.Contains(u.Name, "/.github/workflows/") {
		return false
	}
	base := strings.ToLower(path.Base(u.Name))
	for _, no := range []string{"release-drafter", "release-please", "release-notes", "label"} {
		if strings.Contains(base, no) {
			return false
		}
	}
	// Only names that say what SPEC's exhaustive list names: goreleaser, or
	// a publish. A bare "release" (sigstore's reusable-release.yml: tags,
	// notes) says too little — two hand labellers read it as nothing.
	return strings.Contains(base, "goreleaser") || strings.Contains(base, "publish")
}

// KonfluxLabel is the prefix of the labels that make a `.tekton/`
// PipelineRun a Konflux build.
const KonfluxLabel = "appstudio.openshift.io/"

// PaCAnnotation is the prefix of Tekton Pipelines-as-Code annotations.
const PaCAnnotation = "pipelinesascode.tekton.dev/"

// IsKonflux reports whether a resource is a Konflux PipelineRun: a
// PipelineRun under `.tekton/` with an appstudio.openshift.io/* label.
func IsKonflux(f *File, r *Resource) bool {
	_, ok := r.HasLabelPrefix(KonfluxLabel)
	return ok && r.Kind == "PipelineRun" && InTektonDir(f.Path)
}

// InTektonDir reports whether p is under the root `.tekton/` directory.
func InTektonDir(p string) bool { return strings.HasPrefix(strings.ToLower(p), ".tekton/") }

func (rc *recogniser) file(f *File) {
	for _, v := range f.Env {
		if gitlabMetadata(f, v) {
			rc.prov = append(rc.prov, Evidence{Pos: v.Pos, Mechanism: "gitlab-artifacts-metadata", Text: v.Name + ": " + v.Value})
		}
	}
	for _, r := range f.Resources {
		if IsKonflux(f, r) {
			e := Evidence{Pos: r.Pos, Mechanism: "konflux", Text: "PipelineRun " + r.Name}
			rc.prov = append(rc.prov, e)
			rc.pub = append(rc.pub, e)
		}
	}
	for _, j := range f.Jobs {
		if j.Active {
			rc.job(j)
		}
	}
}

func gitlabMetadata(f *File, v Var) bool {
	return f.System == GitLabCI && v.Name == "RUNNER_GENERATE_ARTIFACTS_METADATA" && strings.EqualFold(strings.TrimSpace(v.Value), "true")
}

func (rc *recogniser) job(j *Job) {
	for _, v := range j.Env {
		if gitlabMetadata(j.File, v) {
			rc.prov = append(rc.prov, Evidence{Pos: v.Pos, Mechanism: "gitlab-artifacts-metadata", Text: v.Name + ": " + v.Value, Job: j})
		}
	}
	if j.Uses != nil && j.Uses.Is("slsa-framework/slsa-github-generator") && strings.Contains(j.Uses.Name, "/.github/workflows/") {
		rc.prov = append(rc.prov, Evidence{Pos: j.Uses.Pos, Mechanism: "slsa-github-generator", Text: j.Uses.Raw, Job: j})
	} else if RemotePublishingWorkflow(j.Uses) {
		rc.pub = append(rc.pub, Evidence{Pos: j.Uses.Pos, Mechanism: RemoteWorkflowMechanism, Text: j.Uses.Raw, Job: j})
	}
	// What the whole job does decides some steps.
	goreleaser, cosignSign := false, false
	for _, st := range j.Steps {
		if st.Uses.Is("goreleaser/goreleaser-action") {
			goreleaser = true
		}
		for _, c := range rc.set.Followed(st.Run) {
			goreleaser = goreleaser || c.Name == "goreleaser"
			cosignSign = cosignSign || c.Is("cosign", "sign")
		}
	}
	ev := func(pos Pos, mech, text string) Evidence {
		return Evidence{Pos: pos, Mechanism: mech, Text: text, Job: j}
	}
	for _, st := range j.Steps {
		if u := st.Uses; u != nil && u.Kind == RemoteRef {
			e := func(mech string) Evidence { return ev(u.Pos, mech, u.Raw) }
			name := strings.ToLower(u.Name)
			switch {
			case u.Is("actions/attest-build-provenance") || u.Is("actions/attest") && attestIsSLSA(st):
				if goreleaser {
					rc.prov = append(rc.prov, e("goreleaser-attestations"))
				} else {
					rc.prov = append(rc.prov, e(u.Repo()))
				}
			case strings.HasPrefix(name, "actions/attest"):
				rc.att = append(rc.att, e(u.Repo()))
			case u.Is("testifysec/witness-run-action") || u.Is("in-toto/witness-run-action"):
				rc.prov = append(rc.prov, e("witness"))
			case u.Is("docker/build-push-action"):
				if v, ok := st.Input("provenance"); ok && !isFalse(v) && cosignSign {
					rc.prov = append(rc.prov, e("docker-provenance-cosign"))
				}
				// It pushes with `push: true`, or with `push=true` in an
				// image exporter of `outputs:` (grafana/loki's form).
				if v, ok := st.Input("push"); (ok && !isFalse(v)) || outputsPush(st) {
					rc.pub = append(rc.pub, e("docker/build-push-action"))
				}
			case u.Is("pypa/gh-action-pypi-publish"):
				rc.pub = append(rc.pub, e("pypi-publish"))
				switch on, decided := pep740(st); {
				case !decided:
					rc.undecided = append(rc.undecided, e("pypi-pep740"))
				case on:
					rc.att = append(rc.att, e("pypi-pep740"))
				}
			case u.Is("goreleaser/goreleaser-action"):
				if args, _ := st.Input("args"); !goreleaserNoop(strings.Fields(args)) {
					rc.pub = append(rc.pub, e("goreleaser"))
				}
			case u.Is("softprops/action-gh-release") && hasInput(st, "files"),
				u.Is("ncipollo/release-action") && hasInput(st, "artifacts"),
				u.Is("actions/upload-release-asset"), u.Is("svenstaro/upload-release-action"),
				// It packages each changed chart and uploads it as a
				// GitHub release asset (its `cr upload`).
				u.Is("helm/chart-releaser-action"),
				// Any other release action given files to attach
				// (kubernetes-sigs/release-actions/publish-release with
				// `assets:`, marvinpinto/action-automatic-releases with
				// `files:`).
				releaseAssetAction(u, st):
				rc.pub = append(rc.pub, e("release-upload"))
			case u.Is("changesets/action") && hasInput(st, "publish"):
				// It runs its `publish:` command (`changeset publish`,
				// `pnpm release`) when no changeset is pending.
				rc.pub = append(rc.pub, e("npm-publish"))
				if rc.set.publishConfigProvenance() {
					rc.prov = append(rc.prov, e("npm-provenance"))
				}
			case u.Is("release-plz/action") && releasePlzPublishes(st):
				rc.pub = append(rc.pub, e("cargo-publish"))
			case u.Is("js-devtools/npm-publish"):
				rc.pub = append(rc.pub, e("npm-publish"))
				if v, _ := st.Input("provenance"); isTrue(v) {
					rc.prov = append(rc.prov, e("npm-provenance"))
				}
			case u.Is("ssdf-dev/ssdf"):
				if ssdfActionAttests(st) {
					rc.att = append(rc.att, e("ssdf-attest"))
				}
			}
		}
		for _, c := range rc.set.Followed(st.Run) {
			e := func(mech string) Evidence { e := ev(c.Pos, mech, c.Text); e.Via = c.Via; return e }
			switch {
			case c.Is("cosign", "attest") || c.Is("cosign", "attest-blob"):
				if t, _ := c.Flag("--type"); slsaType(t) {
					rc.prov = append(rc.prov, e("cosign-attest-slsa"))
				} else {
					rc.att = append(rc.att, e("cosign-attest"))
				}
			case c.Is("witness", "run"):
				rc.prov = append(rc.prov, e("witness"))
			case c.Is("in-toto-run"):
				rc.att = append(rc.att, e("in-toto-run"))
			case c.Is("ssdf", "attest") || c.Is("ssdf", "scan") && c.HasArg("--attest"):
				rc.att = append(rc.att, e("ssdf-attest"))
			case npmPublish(c):
				rc.pub = append(rc.pub, e("npm-publish"))
				if npmProvenance(c) || rc.set.publishConfigProvenance() {
					rc.prov = append(rc.prov, e("npm-provenance"))
				}
			case dockerPush(c):
				rc.pub = append(rc.pub, e("docker-push"))
			case c.Is("twine", "upload") || c.Is("poetry", "publish") || c.Is("uv", "publish") ||
				c.Is("flit", "publish") || c.Is("hatch", "publish") || c.Is("pdm", "publish"):
				rc.pub = append(rc.pub, e("pypi-publish"))
			case c.Name == "goreleaser" && !goreleaserNoop(c.Args):
				rc.pub = append(rc.pub, e("goreleaser"))
			case c.Is("cargo", "publish") || c.Is("release-plz", "release"):
				rc.pub = append(rc.pub, e("cargo-publish"))
			case (c.Name == "mvn" || c.Name == "mvnw" || c.Name == "mvnw.cmd") && mavenDeploy(c):
				rc.pub = append(rc.pub, e("mvn-deploy"))
			case (c.Name == "gradle" || c.Name == "gradlew" || c.Name == "gradlew.bat") && gradlePublish(c):
				rc.pub = append(rc.pub, e("gradle-publish"))
			case c.Is("dotnet", "nuget", "push") || c.Is("nuget", "push"):
				rc.pub = append(rc.pub, e("dotnet-nuget-push"))
			case c.Is("cr", "upload"):
				// chart-releaser uploads chart packages as release assets.
				rc.pub = append(rc.pub, e("release-upload"))
			case releaseUpload(c):
				rc.pub = append(rc.pub, e("release-upload"))
			}
		}
	}
}

func isFalse(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "false") }
func isTrue(v string) bool  { return strings.EqualFold(strings.TrimSpace(v), "true") }

func hasInput(st *Step, name string) bool {
	v, ok := st.Input(name)
	return ok && strings.TrimSpace(v) != ""
}

// attestIsSLSA: actions/attest with an SLSA predicate type, or in its
// default mode, which generates SLSA build provenance.
func attestIsSLSA(st *Step) bool {
	if t, ok := st.Input("predicate-type"); ok {
		return slsaType(t)
	}
	return !hasInput(st, "predicate") && !hasInput(st, "predicate-path") && !hasInput(st, "sbom-path")
}

func slsaType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "slsaprovenance", "slsaprovenance02", "slsaprovenance1":
		return true
	}
	return strings.HasPrefix(t, "https://slsa.dev/provenance/")
}

var versionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)`)

// pep740 says whether a pypa/gh-action-pypi-publish step produces PEP 740
// attestations: on by default from v1.11, with Trusted Publishing only.
// decided is false when the version cannot be read: a commit SHA without
// a version comment, or an expression.
func pep740(st *Step) (on, decided bool) {
	if v, ok := st.Input("attestations"); ok && isFalse(v) {
		return false, true
	}
	if hasInput(st, "password") {
		return false, true
	}
	for _, v := range []string{st.Uses.Version, st.Uses.Comment} {
		v = strings.TrimSpace(v)
		switch v {
		case "release/v1", "unstable/v1", "main", "master":
			return true, true
		}
		if m := versionRE.FindStringSubmatch(v); m != nil {
			major, _ := strconv.Atoi(m[1])
			minor, _ := strconv.Atoi(m[2])
			return major > 1 || major == 1 && minor >= 11, true
		}
	}
	if v := st.Uses.Version; commitRE.MatchString(v) || strings.Contains(v, "${{") {
		return false, false
	}
	return false, true
}

// commitRE matches a full or abbreviated commit SHA.
var commitRE = regexp.MustCompile(`^[0-9a-fA-F]{7,40}$`)

func ssdfActionAttests(st *Step) bool {
	if v, _ := st.Input("attest"); isTrue(v) {
		return true
	}
	for _, in := range st.With {
		f := strings.Fields(in.Value)
		if slices.Contains(f, "--attest") || len(f) > 0 && f[0] == "attest" {
			return true
		}
	}
	return false
}

// npmPublish: `npm publish`, exactly as SPEC names it (not pnpm or yarn).
// npmPublish: a publication to the npm registry — `npm publish`, and the
// same through pnpm, yarn (`yarn publish`, `yarn npm publish`), changesets
// (`changeset publish`) and lerna (`lerna publish`): a person reading
// SPEC's "npm publish" sees these publish to npm as well.
func npmPublish(c Command) bool {
	return c.Is("npm", "publish") || c.Is("pnpm", "publish") || c.Is("yarn", "publish") || c.Is("yarn", "npm", "publish") ||
		c.Is("changeset", "publish") || c.Is("lerna", "publish")
}

// npmProvenance: the command line asks for provenance (`--provenance`,
// `--provenance=true`); NPM_CONFIG_PROVENANCE in the environment does not
// count, SPEC's recognisers being exhaustive.
func npmProvenance(c Command) bool {
	if v, ok := c.Flag("--provenance"); ok && !strings.HasPrefix(v, "-") {
		if isFalse(v) {
			return false
		}
		if isTrue(v) {
			return true
		}
	}
	return c.HasArg("--provenance")
}

func dockerPush(c Command) bool {
	if c.Name != "docker" {
		return false
	}
	if c.Is("docker", "push") || c.Is("docker", "image", "push") || c.Is("docker", "manifest", "push") {
		return true
	}
	if c.Is("docker", "build") || c.Is("docker", "buildx", "build") || c.Is("docker", "buildx", "bake") || c.Is("docker", "image", "build") {
		if c.HasArg("--push") {
			return true
		}
		if o, ok := c.Flag("--output", "-o"); ok && (strings.Contains(o, "type=registry") || strings.Contains(o, "push=true")) {
			return true
		}
	}
	return false
}

// goreleaserNoop: goreleaser subcommands and flags that neither build nor
// release.
func goreleaserNoop(args []string) bool {
	for _, a := range args {
		switch a {
		case "--version", "-v", "--help", "-h":
			return true
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		switch a {
		case "check", "healthcheck", "init", "jsonschema", "completion", "man", "help", "verify-license", "changelog":
			return true
		}
		return false
	}
	return false
}

func mavenDeploy(c Command) bool {
	for _, a := range c.Positional() {
		if a == "deploy" || strings.HasPrefix(a, "deploy:") {
			return true
		}
	}
	return false
}

func gradlePublish(c Command) bool {
	for _, a := range c.Positional() {
		task := a[strings.LastIndexByte(a, ':')+1:]
		if strings.HasPrefix(task, "publish") && task != "publishToMavenLocal" {
			return true
		}
	}
	return false
}

// releaseUpload: `gh|glab release upload`, or `gh|glab release create TAG
// FILE...`.
func releaseUpload(c Command) bool {
	if c.Name != "gh" && c.Name != "glab" {
		return false
	}
	if c.Is(c.Name, "release", "upload") {
		return true
	}
	if !c.Is(c.Name, "release", "create") {
		return false
	}
	valued := map[string]bool{
		"-t": true, "--title": true, "-n": true, "--notes": true, "-F": true, "--notes-file": true,
		"--target": true, "-R": true, "--repo": true, "--discussion-category": true, "--notes-start-tag": true,
		"-r": true, "--ref": true, "-N": true, "--name": true, "-m": true, "--milestone": true,
		"-a": true, "--assets-links": true, "--released-at": true, "--tag-message": true,
	}
	var pos []string
	args := c.Args[2:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if valued[a] {
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return len(pos) > 1
}

// ImageRepository returns an image reference without its tag and digest,
// lower-cased, with Docker Hub's implicit parts removed:
// "docker.io/library/alpine:3@sha256:…" → "alpine".
func ImageRepository(ref string) string {
	r := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(ref, "docker://")))
	if i := strings.IndexByte(r, '@'); i >= 0 {
		r = r[:i]
	}
	if i := strings.LastIndexByte(r, ':'); i > strings.LastIndexByte(r, '/') {
		r = r[:i]
	}
	for _, p := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/", "registry.hub.docker.com/"} {
		r = strings.TrimPrefix(r, p)
	}
	if rest, ok := strings.CutPrefix(r, "library/"); ok && !strings.Contains(rest, "/") {
		r = rest
	}
	return r
}

// outputsPush reports whether docker/build-push-action's `outputs:` has
// an exporter that pushes: `type=image,…,push=true` or `type=registry`.
func outputsPush(st *Step) bool {
	v, ok := st.Input("outputs")
	if !ok {
		return false
	}
	for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == ';' }) {
		kv := map[string]string{}
		for _, f := range strings.Split(line, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(f), "=")
			kv[strings.ToLower(k)] = strings.ToLower(strings.TrimSpace(val))
		}
		if kv["type"] == "registry" || (kv["type"] == "image" && kv["push"] == "true") {
			return true
		}
	}
	return false
}

// releaseAssetAction reports whether a step uses a release action (its
// owner, repository or path says "release") with an input that names files
// to attach to the release.
func releaseAssetAction(u *Ref, st *Step) bool {
	if u == nil || u.Kind != RemoteRef {
		return false
	}
	name := strings.ToLower(u.Name)
	// Actions that attach binaries to the release whatever their inputs
	// are called (facebook/zstd: skx/github-action-publish-binaries).
	if strings.Contains(name, "publish-binaries") || strings.Contains(name, "upload-release-asset") ||
		strings.Contains(name, "upload-to-github-release") || strings.Contains(name, "upload-release-artifact") {
		return true
	}
	if !strings.Contains(name, "release") || strings.Contains(name, "release-drafter") || strings.Contains(name, "release-please") {
		return false
	}
	for _, in := range []string{"assets", "files", "artifacts", "asset_path", "asset-path", "file"} {
		if v, ok := st.Input(in); ok && strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// releasePlzPublishes: release-plz/action publishes to crates.io when its
// command is `release`, or unset (it then runs release-pr and release).
func releasePlzPublishes(st *Step) bool {
	v, ok := st.Input("command")
	return !ok || strings.TrimSpace(v) == "" || strings.TrimSpace(v) == "release"
}

// publishConfigProvenance reports whether the repository's published
// npm packages ask for provenance in package.json — `"publishConfig":
// {"provenance": true}`, npm's documented equivalent of `npm publish
// --provenance` (sigstore-js sets it on every published package): every
// package.json that is not private and names a package sets it, and at
// least one does.
func (s *Set) publishConfigProvenance() bool {
	s.pcOnce.Do(func() {
		published, withProv := 0, 0
		for p, c := range s.tree.Contents {
			if !strings.EqualFold(path.Base(p), "package.json") || c.Skipped != "" {
				continue
			}
			var pj struct {
				Name          string `json:"name"`
				Private       bool   `json:"private"`
				PublishConfig struct {
					Provenance any `json:"provenance"`
				} `json:"publishConfig"`
			}
			if json.Unmarshal([]byte(c.Text), &pj) != nil || pj.Private || pj.Name == "" {
				continue
			}
			published++
			if v, ok := pj.PublishConfig.Provenance.(bool); ok && v {
				withProv++
			} else if v, ok := pj.PublishConfig.Provenance.(string); ok && isTrue(v) {
				withProv++
			}
		}
		s.pcProv = published > 0 && withProv == published
	})
	return s.pcProv
}
