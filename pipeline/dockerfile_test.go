package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// corpusDockerfiles parses every file of the corpus's dockerfile kind,
// by its corpus file name.
func corpusDockerfiles(t *testing.T) map[string]*Dockerfile {
	t.Helper()
	dir := filepath.Join(corpusDir(t), "dockerfile")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Dockerfile{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = ParseDockerfile(e.Name(), string(b))
	}
	if len(out) < 20 {
		t.Fatalf("only %d Dockerfiles in the corpus", len(out))
	}
	return out
}

func stageNames(d *Dockerfile) []string {
	var out []string
	for _, s := range d.Stages {
		out = append(out, s.Name)
	}
	return out
}

func stageAt(t *testing.T, d *Dockerfile, line int) *Stage {
	t.Helper()
	for _, s := range d.Stages {
		if s.Line == line {
			return s
		}
	}
	t.Fatalf("%s: no FROM at line %d", d.Path, line)
	return nil
}

// runCommands lists "line name args" of every RUN of a Dockerfile.
func runCommands(d *Dockerfile) []string {
	var out []string
	for _, in := range d.Instructions {
		out = append(out, cmdLines(in.Run.Commands())...)
	}
	return out
}

// TestCorpusDockerfiles parses every Dockerfile of the corpus without a
// problem and checks concrete facts of several.
func TestCorpusDockerfiles(t *testing.T) {
	all := corpusDockerfiles(t)
	for name, d := range all {
		if d.Problem != "" {
			t.Errorf("%s: %s", name, d.Problem)
		}
		if len(d.Stages) == 0 {
			t.Errorf("%s: no stage", name)
		}
		for _, in := range d.Instructions {
			if in.Line < 1 || in.EndLine < in.Line {
				t.Errorf("%s: instruction %s at %d-%d", name, in.Keyword, in.Line, in.EndLine)
			}
		}
	}

	// Stage names, FROM through a global ARG, stage references.
	k := all["Kitware__CMake__.gitlab__ci__docker__fedora44__Dockerfile"]
	if d := cmp.Diff([]string{"dnf-cache", "rust-build-env", "rust-build", "rvm-build-env", "rvm-build", "rbenv", "rbenv-build",
		"iwyu-build-env", "iwyu-build", "p4-dl", ""}, stageNames(k)); d != "" {
		t.Errorf("CMake stages (-want +got):\n%s", d)
	}
	if s := stageAt(t, k, 5); s.Base != "${BASE_IMAGE}" || s.Image != "fedora:44" || s.From != nil || k.Syntax != "docker/dockerfile:1" {
		t.Errorf("CMake line 5: %+v", s)
	}
	if s := stageAt(t, k, 29); s.From == nil || s.From.Name != "rust-build-env" {
		t.Errorf("CMake line 29 is not built from the stage rust-build-env: %+v", s)
	}
	var mounts []string
	for _, im := range k.Images() {
		if im.Role == "mount-from" && im.Stage != nil {
			mounts = append(mounts, im.Loc()+" "+im.Stage.Name)
		}
	}
	if len(mounts) != 9 || mounts[0] != k.Path+":21 dnf-cache" {
		t.Errorf("CMake mounts from stages = %q", mounts)
	}

	// A digest-pinned base through an ARG, a digest-pinned FROM, a
	// --platform flag, FROM an earlier stage.
	a := all["argoproj__argo-cd__Dockerfile"]
	if s := stageAt(t, a, 38); s.Name != "argocd-base" || s.Base != "$BASE_IMAGE" ||
		s.Image != "docker.io/library/ubuntu:26.04@sha256:f3d28607ddd78734bb7f71f117f3c6706c666b8b76cbff7c9ff6e5718d46ff64" {
		t.Errorf("argo-cd line 38: %+v", s)
	}
	if s := stageAt(t, a, 102); s.Platform != "$BUILDPLATFORM" || s.Name != "argocd-ui" ||
		!strings.HasSuffix(s.Image, "@sha256:032e78d7e54e352129831743737e3a83171d9cc5b5896f411649c597ce0b11ea") {
		t.Errorf("argo-cd line 102: %+v", s)
	}
	if s := stageAt(t, a, 152); s.From == nil || s.From.Line != 38 {
		t.Errorf("argo-cd line 152: %+v", s)
	}
	if cmds := runCommands(a); !slices.Contains(cmds, "107 pnpm install --frozen-lockfile") || !slices.Contains(cmds, "14 apt-get update") {
		t.Errorf("argo-cd RUN commands: %q", cmds)
	}

	// A digest-pinned final base with no tag.
	sc := all["ossf__scorecard__Dockerfile"]
	if s := stageAt(t, sc, 27); s.Image != "cgr.dev/chainguard/static@sha256:5e9c88174a28c259c349f308dd661a6ec61ed5f8c72ecfaefb46cceb811b55a1" || s.Name != "" {
		t.Errorf("scorecard line 27: %+v", s)
	}
	if d := cmp.Diff([]string{"base", "build", ""}, stageNames(sc)); d != "" {
		t.Errorf("scorecard stages (-want +got):\n%s", d)
	}

	// FROM scratch, COPY --from a stage.
	l := all["Legit-Labs__legitify__Dockerfile"]
	if s := stageAt(t, l, 4); !s.Scratch {
		t.Errorf("legitify line 4 is not scratch: %+v", s)
	}
	if ims := l.Images(); len(ims) != 3 || ims[2].Role != "copy-from" || ims[2].Stage == nil || ims[2].Stage.Name != "certs" {
		t.Errorf("legitify images: %+v", ims)
	}

	// ${VAR:-default} naming an earlier stage.
	is := all["istio__istio__pilot__docker__Dockerfile.pilot"]
	if s := stageAt(t, is, 16); s.Image != "debug" || s.From == nil || s.From.Line != 9 {
		t.Errorf("istio line 16: %+v", s)
	}
	if s := stageAt(t, is, 9); s.Image != "registry.istio.io/release/base:latest" {
		t.Errorf("istio line 9: %+v", s)
	}

	// A FROM through a global ARG that is not pinned; the stage's own
	// bare ARG inherits the global default.
	o := all["gitlabhq__omnibus-gitlab__docker__Dockerfile"]
	if s := stageAt(t, o, 2); s.Image != "docker.io/ubuntu:24.04" || len(s.Args) == 0 || s.Args[0].Name != "BASE_IMAGE" || s.Args[0].HasValue {
		t.Errorf("omnibus line 2: %+v", s)
	}

	// The escape directive, quotes in FROM, SHELL powershell.
	w := all["jenkinsci__docker__windows__windowsservercore__hotspot__Dockerfile"]
	if s := stageAt(t, w, 6); w.Escape != '`' || s.Image != "mcr.microsoft.com/windows/servercore:ltsc2022" || s.Name != "jre-and-war" {
		t.Errorf("jenkins windows line 6: escape %q, %+v", w.Escape, s)
	}
	for _, in := range w.Instructions {
		if in.Line == 15 {
			if in.Run == nil || in.Run.Shell != "powershell -Command $ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';" {
				t.Errorf("jenkins windows line 15 run: %+v", in.Run)
			}
			if c := in.Run.Commands(); len(c) == 0 || c[0].Name != "new-item" || c[0].Dialect != DialectTokens {
				t.Errorf("jenkins windows line 15 commands: %+v", c)
			}
		}
	}

	// ARGs substituted inside an image name; COPY --from an image.
	py := all["dependabot__dependabot-core__python__Dockerfile"]
	if s := stageAt(t, py, 46); s.Image != "docker.io/library/python:3.10.20-bookworm" || s.Name != "upstream-python-3.10" {
		t.Errorf("dependabot python line 46: %+v", s)
	}
	for _, im := range py.Images() {
		if im.Line == 180 && (im.Role != "copy-from" || im.Stage != nil || im.Ref != "rust") {
			t.Errorf("dependabot python line 180: %+v", im)
		}
	}

	// RUN <<EOF: the here-document is the script.
	h := all["dependabot__dependabot-core__helm__Dockerfile"]
	if cmds := runCommands(h); !slices.ContainsFunc(cmds, func(c string) bool { return strings.HasPrefix(c, "33 cosign verify --certificate-oidc-issuer") }) ||
		!slices.Contains(cmds, "32 regctl version --format {{.VCSTag}}") {
		t.Errorf("helm RUN commands: %q", cmds)
	}

	// A stage chosen by a build variable; RUN --mount ... <<EOT.
	c := all["docker__compose__Dockerfile"]
	if s := stageAt(t, c, 200); s.From != nil || len(s.Candidates) != 4 || s.Unresolved[0] != "TARGETOS" {
		t.Errorf("compose line 200: %+v", s)
	}
	if s := stageAt(t, c, 28); s.Image != "tonistiigi/xx:1.9.0" || s.Platform != "${BUILDPLATFORM}" {
		t.Errorf("compose line 28: %+v", s)
	}
	if cmds := runCommands(c); !slices.Contains(cmds, "69 git status --porcelain -- go.mod go.sum") || !slices.Contains(cmds, "38 apk add --no-cache clang docker file findutils git make protoc protobuf-dev") {
		t.Errorf("compose RUN commands: %q", cmds)
	}
}

func TestDockerfileSyntax(t *testing.T) {
	const src = `# syntax=docker/dockerfile:1.7
# escape=\

ARG GO=1.22
ARG REG
ARG ALT=x
from --platform=$BUILDPLATFORM golang:${GO}-alpine as Build
ARG GO
ARG LOCAL=v-${GO}
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,from=ghcr.io/acme/tools:1,source=/bin,target=/tools \
    go build \
    # a comment inside the continuation
    -o /out/app ./...

RUN ["sh", "-c", "npm ci && npm test"]
RUN <<EOF
set -e
pip install -r requirements.txt
EOF
RUN <<'PY'
#!/usr/bin/env python3
import os
PY
RUN cat <<-EOT > /etc/conf && apk add curl
	key=value
	EOT
COPY <<EOF /etc/motd
rm -rf / # data, not a command
EOF
FROM ${REG}/app:${ALT:+tag}
FROM build AS test
ONBUILD RUN make
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL x | bash
`
	d := ParseDockerfile("Dockerfile", strings.ReplaceAll(src, "\n", "\r\n"))
	if d.Problem != "" || d.Syntax != "docker/dockerfile:1.7" {
		t.Fatalf("problem %q, syntax %q", d.Problem, d.Syntax)
	}
	if len(d.Args) != 3 || d.Args[0].Value != "1.22" || d.Args[1].HasValue {
		t.Errorf("global args = %+v", d.Args)
	}
	b := d.Stages[0]
	if b.Name != "build" || b.Image != "golang:1.22-alpine" || b.Platform != "$BUILDPLATFORM" || b.Line != 7 {
		t.Errorf("stage 0 = %+v", b)
	}
	if len(b.Args) != 2 || b.Args[1].Value != "v-1.22" {
		t.Errorf("stage args = %+v", b.Args)
	}
	s1 := d.Stages[1]
	if s1.Image != "${REG}/app:tag" || !slices.Equal(s1.Unresolved, []string{"REG"}) || s1.OnlyVariables {
		t.Errorf("stage 1 = %+v", s1)
	}
	if s2 := d.Stages[2]; s2.From != b || s2.Name != "test" {
		t.Errorf("stage 2 = %+v", s2)
	}
	var got []string
	for _, in := range d.Instructions {
		got = append(got, cmdLines(in.Run.Commands())...)
	}
	want := []string{
		"12 go build -o /out/app ./...",
		"16 npm ci", "16 npm test",
		"18 set -e", "19 pip install -r requirements.txt",
		"25 cat", "25 apk add curl",
		"35 curl -fsSL x", "35 bash",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RUN commands (-want +got):\n%s", diff)
	}
	var run *Instruction
	for _, in := range d.Instructions {
		if in.Line == 10 {
			run = in
		}
	}
	if run == nil || run.Keyword != "RUN" || run.EndLine != 14 || len(run.Flags) != 2 || run.Value != "go build     -o /out/app ./..." {
		t.Fatalf("RUN at 10 = %+v", run)
	}
	if v, _ := run.Flag("mount"); v != "type=cache,target=/root/.cache/go-build" {
		t.Errorf("first mount = %q", v)
	}
	var roles []string
	for _, im := range d.Images() {
		roles = append(roles, im.Loc()+" "+im.Role+" "+im.Ref)
	}
	if diff := cmp.Diff([]string{
		"Dockerfile:7 from golang:1.22-alpine",
		"Dockerfile:10 mount-from ghcr.io/acme/tools:1",
		"Dockerfile:31 from ${REG}/app:tag",
		"Dockerfile:32 from build",
	}, roles); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	for _, in := range d.Instructions {
		switch in.Line {
		case 21:
			if in.Run != nil || len(in.Heredocs) != 1 || in.Heredocs[0].Name != "PY" {
				t.Errorf("python heredoc RUN = %+v", in)
			}
		case 25:
			if len(in.Heredocs) != 1 || !in.Heredocs[0].Strip || in.Heredocs[0].Body != "key=value\n" || in.Heredocs[0].Line != 26 || in.EndLine != 27 {
				t.Errorf("<<- heredoc = %+v", in.Heredocs)
			}
		case 28:
			if in.Keyword != "COPY" || len(in.Heredocs) != 1 || in.Heredocs[0].Body != "rm -rf / # data, not a command\n" {
				t.Errorf("COPY heredoc = %+v", in)
			}
		case 16:
			if !in.JSON || !slices.Equal(in.Args, []string{"sh", "-c", "npm ci && npm test"}) {
				t.Errorf("exec form = %+v", in)
			}
		case 34:
			if in.Keyword != "SHELL" {
				t.Errorf("line 34 = %+v", in)
			}
		}
	}
}

func TestDockerfileVariables(t *testing.T) {
	for _, tc := range []struct {
		src, image string
		unresolved []string
		only       bool
	}{
		{"ARG A=x\nFROM $A", "x", nil, false},
		{"ARG A=x\nFROM ${A}:1", "x:1", nil, false},
		{"FROM ${A:-alpine}", "alpine", nil, false},
		{"ARG A=\nFROM ${A:-alpine}", "alpine", nil, false},
		{"ARG A=\nFROM x${A-y}", "x", nil, false},
		{"ARG A=v\nFROM x:${A:+set}", "x:set", nil, false},
		{"FROM x:${A:+set}1", "x:${A:+set}1", []string{"A"}, false},
		{"ARG A\nFROM $A", "$A", []string{"A"}, true},
		{"ARG A\nARG B=$A\nFROM ${B}", "$A", []string{"A"}, true},
		{"ARG A\nARG B=reg/$A\nFROM ${B}", "reg/$A", []string{"A"}, false},
		{"ARG A=1\nFROM \"img:${A}\"", "img:1", nil, false},
		{"ARG A=1\nFROM 'img:${A}'", "img:${A}", nil, false},
		{"ARG A=1\nFROM img:\\$A", "img:$A", nil, false},
		{"# escape=`\nARG A=1\nFROM img:`$A", "img:$A", nil, false},
		{"FROM ${A#x}", "${A#x}", []string{"A"}, true},
		{"FROM ${TARGETOS}/${TARGETARCH}", "${TARGETOS}/${TARGETARCH}", []string{"TARGETOS", "TARGETARCH"}, false},
		{"FROM img:$", "img:$", nil, false},
		{"FROM ${unclosed", "${unclosed", nil, false},
	} {
		d := ParseDockerfile("Dockerfile", tc.src)
		s := d.Stages[len(d.Stages)-1]
		if s.Image != tc.image || !slices.Equal(s.Unresolved, tc.unresolved) || s.OnlyVariables != tc.only {
			t.Errorf("%q: image %q unresolved %v only %v; want %q %v %v", tc.src, s.Image, s.Unresolved, s.OnlyVariables, tc.image, tc.unresolved, tc.only)
		}
	}
}

func TestDockerfileProblems(t *testing.T) {
	d := ParseDockerfile("Dockerfile", "FROM alpine\nRUN <<EOF\napk add curl\n")
	if !strings.Contains(d.Problem, `here-document "EOF" is not terminated`) || len(d.Stages) != 1 {
		t.Errorf("unterminated: %+v", d)
	}
	if c := runCommands(d); !slices.Equal(c, []string{"3 apk add curl"}) {
		t.Errorf("unterminated heredoc commands = %q", c)
	}
	// Continuation to the end of the file, an empty file, a lone comment.
	for _, src := range []string{"FROM alpine\nRUN a \\", "", "# just a comment", "\\", "RUN <<", "FROM"} {
		d := ParseDockerfile("Dockerfile", src)
		if strings.HasPrefix(d.Problem, "internal error") {
			t.Errorf("%q: %s", src, d.Problem)
		}
	}
}

// TestDockerfileHostile: doubling ARGs, many stages and ARGs, deep
// defaults — bounded, and quick.
func TestDockerfileHostile(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("ARG A0=lol\n")
	for i := 1; i < 64; i++ {
		fmt.Fprintf(&laughs, "ARG A%d=${A%d}${A%d}\n", i, i-1, i-1)
	}
	laughs.WriteString("FROM $A63\n")
	var many strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&many, "ARG V%d=${V%d}x\nFROM img:$V%d AS s%d\nCOPY --from=s%d / /\n", i, i/2, i, i, i/3)
	}
	deep := "FROM " + strings.Repeat("${A:-", 10_000) + "x" + strings.Repeat("}", 10_000) + "\n"
	for name, src := range map[string]string{"laughs": laughs.String(), "many": many.String(), "deep": deep} {
		start := time.Now()
		d := ParseDockerfile("Dockerfile", src)
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("%s: took %v", name, el)
		}
		if strings.HasPrefix(d.Problem, "internal error") {
			t.Errorf("%s: %s", name, d.Problem)
		}
		for _, s := range d.Stages {
			if len(s.Image) > maxExpand {
				t.Errorf("%s: image of %d bytes", name, len(s.Image))
			}
		}
	}
	d := ParseDockerfile("Dockerfile", laughs.String())
	if s := d.Stages[0]; !slices.Contains(s.Unresolved, "(over 8192 bytes)") {
		t.Errorf("laughs: unresolved %v", s.Unresolved)
	}
	if d := ParseDockerfile("Dockerfile", many.String()); !strings.Contains(d.Problem, "over 1000 build stages") {
		t.Errorf("many: problem %q", d.Problem)
	}
}

func TestDockerfilesInSet(t *testing.T) {
	tree := treeOf(map[string]string{
		"Dockerfile":                  "FROM alpine:3.20\n",
		"build/Containerfile":         "FROM fedora:40\n",
		"deploy/api.Dockerfile":       "FROM scratch\n",
		"deploy/Dockerfile.prod":      "FROM nginx\n",
		"Dockerfile.dockerignore":     "node_modules\n",
		"docs/dockerfile.md":          "FROM nothing\n",
		".github/workflows/ci.yml":    "on: push\njobs: {}\n",
		"tools/containerfile.builder": "FROM golang\n",
	})
	tree.Contents["big/Dockerfile"] = snapshot.Content{Skipped: "over the 4 MiB size cap", Size: 5 << 20}
	s := Parse(tree)
	var got []string
	for _, d := range s.Dockerfiles {
		got = append(got, d.Path+" "+d.Problem)
	}
	want := []string{
		"Dockerfile ", "big/Dockerfile not read: over the 4 MiB size cap", "build/Containerfile ",
		"deploy/Dockerfile.prod ", "deploy/api.Dockerfile ", "tools/containerfile.builder ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Dockerfiles (-want +got):\n%s", diff)
	}
	if d := s.Dockerfile("deploy/api.Dockerfile"); d == nil || !d.Stages[0].Scratch {
		t.Errorf("api.Dockerfile = %+v", d)
	}
	if s.Dockerfile("nope") != nil {
		t.Error("found a Dockerfile that is not there")
	}
}

func FuzzDockerfile(f *testing.F) {
	for _, s := range []string{
		"FROM alpine AS a\nRUN apk add x\nFROM a\n",
		"# escape=`\nARG A=1\nFROM img:\"${A}\"\nRUN a `\n  b\n",
		"ARG B=${A:-x}\nFROM $B\nCOPY --from=x / /\nRUN --mount=from=y,target=/t make\n",
		"FROM x\nRUN <<EOF bash\ncurl x | sh\nEOF\nRUN <<-A <<B\n\ta\n\tA\nb\nB\n",
		"FROM x\nRUN [\"sh\", \"-c\", \"npm ci\"]\nRUN [broken\n",
		"RUN a \\\n# c\n\n b\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		d := ParseDockerfile("Dockerfile", src)
		if strings.HasPrefix(d.Problem, "internal error") {
			t.Fatal(d.Problem)
		}
		lines := strings.Count(src, "\n") + 1
		for _, in := range d.Instructions {
			if in.Line < 1 || in.Line > lines {
				t.Fatalf("instruction at line %d of %d", in.Line, lines)
			}
			for _, c := range in.Run.Commands() {
				if c.Line < 1 || c.Line > lines {
					t.Fatalf("command at line %d of %d", c.Line, lines)
				}
			}
		}
		_ = d.Images()
	})
}

// TestIsDockerfile: the names that are Dockerfiles, and those that only
// look like one (programs, documents, templates that generate one).
func TestIsDockerfile(t *testing.T) {
	for p, want := range map[string]bool{
		"Dockerfile": true, "build/Dockerfile.alpine": true, "app.dockerfile": true, "Containerfile": true,
		"Dockerfile-alpine": true, "integration/dockerfiles/Dockerfile_test_arg_from_quotes": true, "Containerfile_dev": true,
		"Dockerfile.md": false, "dockerfile.go": false, "Dockerfile-linux.template": false, "Dockerfile.j2": false,
		".dockerignore": false, "Dockerfiles/README": false, "dockerfile_parser.go": false,
	} {
		if got := IsDockerfile(p); got != want {
			t.Errorf("IsDockerfile(%q) = %v, want %v", p, got, want)
		}
	}
}
