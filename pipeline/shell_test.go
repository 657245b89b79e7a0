package pipeline

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cmdLines renders commands as "line name args", the place first.
func cmdLines(cs []Command) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%d %s %s", c.Line, c.Name, strings.Join(c.Args, " "))))
	}
	return out
}

func TestShellCommands(t *testing.T) {
	for _, tc := range []struct {
		name, shell, src string
		want             []string
	}{
		{name: "and-or chain", src: "make build && make test || echo failed",
			want: []string{"10 make build", "10 make test", "10 echo failed"}},
		{name: "pipeline and sudo", src: "curl -fsSL https://example.com/install.sh | sudo -E bash -s -- --yes",
			want: []string{"10 curl -fsSL https://example.com/install.sh", "10 bash -s -- --yes"}},
		{name: "subshell and block", src: "(cd web && npm ci)\n{ go vet ./...; }",
			want: []string{"10 cd web", "10 npm ci", "11 go vet ./..."}},
		{name: "command substitution first", src: `VERSION=$(git describe --tags)
echo "v=$(cat VERSION | tr -d '\n')" >> "$GITHUB_OUTPUT"`,
			want: []string{"10 git describe --tags", "11 cat VERSION", `11 tr -d \n`, `11 echo v=$(cat VERSION | tr -d '\n')`}},
		{name: "backquotes and process substitution", src: "diff <(sort a) `which b`",
			want: []string{"10 sort a", "10 which b", "10 diff <(sort a) `which b`"}},
		{name: "line continuations", src: "docker build \\\n  --tag app \\\n  .\nnpm ci",
			want: []string{"10 docker build --tag app .", "13 npm ci"}},
		{name: "heredoc is data", src: "cat <<EOF > .npmrc\nnpm install evil\n$(rm -rf /)\nEOF\nnpm ci",
			want: []string{"10 cat", "14 npm ci"}},
		{name: "heredoc fed to a shell", src: "ssh-keyscan github.com\nbash <<'EOF'\nset -e\npip install -r requirements.txt\nEOF\nmake",
			want: []string{"10 ssh-keyscan github.com", "12 set -e", "13 pip install -r requirements.txt", "15 make"}},
		{name: "here-string fed to a shell", src: `sh <<< "cargo build --locked"`,
			want: []string{"10 cargo build --locked"}},
		{name: "compound commands", src: `if [ -f go.mod ]; then
  go build ./...
elif test -f Cargo.toml; then cargo build
else
  for d in a b; do make -C "$d"; done
fi
while read -r l; do echo "$l"; done < list
case "$OS" in
  linux) apt-get install -y jq ;;
  *) brew install jq ;;
esac
until false; do break; done`,
			want: []string{"10 [ -f go.mod ]", "11 go build ./...", "12 test -f Cargo.toml", "12 cargo build",
				"14 make -C $d", "16 read -r l", "16 echo $l", "18 apt-get install -y jq", "19 brew install jq", "21 false", "21 break"}},
		{name: "function bodies", src: "build() {\n  go build -trimpath ./...\n}\nfunction lint { golangci-lint run; }\nbuild",
			want: []string{"11 go build -trimpath ./...", "13 golangci-lint run", "14 build"}},
		{name: "wrappers", src: `sudo -u ci env GOFLAGS=-mod=mod time go build
timeout 5m npx --yes semgrep@1.2 scan
find . -name '*.sh' | xargs -0 -n1 shellcheck -x
nohup stdbuf -oL cosign sign img &
time -p cargo test
grep _ tools.go | xargs -tI % go build -modfile=go.mod -o bin %
${PREFIX}twine upload dist/*
xx-go build -trimpath -o /out/manager .`,
			want: []string{"10 go build", "11 semgrep scan", "12 find . -name *.sh", "12 shellcheck -x", "13 cosign sign img", "14 cargo test",
				"15 grep _ tools.go", "15 go build -modfile=go.mod -o bin %", "16 twine upload dist/*", "17 go build -trimpath -o /out/manager ."}},
		{name: "sh -c and bash -c", src: `sh -c 'npm ci && npm test'
bash -c "pip install -r requirements.txt"
docker run --rm -v "$PWD:/src" golang:1.22 sh -c 'go test ./...'`,
			// The container's command is read too.
			want: []string{"10 npm ci", "10 npm test", "11 pip install -r requirements.txt", `12 docker run --rm -v $PWD:/src golang:1.22 sh -c go test ./...`, "12 go test ./..."}},
		{name: "github expressions", src: `echo "${{ github.event.issue.title }}"
${{ matrix.tool }} --version
gh release upload ${{ github.ref_name }} dist/*`,
			want: []string{"10 echo ${{ github.event.issue.title }}", "11 ${{ matrix.tool }} --version", "12 gh release upload ${{ github.ref_name }} dist/*"}},
		{name: "multi-line expression keeps lines", src: "echo ${{\n  format('{0}', github.sha)\n}} done\nmake",
			want: []string{"10 echo ${{\n  format('{0}', github.sha)\n}} done", "13 make"}},
		{name: "gitlab inputs", src: "cd $[[ inputs.dir ]] && make $[[inputs.target|expand_vars]]",
			want: []string{"10 cd $[[ inputs.dir ]]", "10 make $[[inputs.target|expand_vars]]"}},
		{name: "tekton params", src: "cd $(workspaces.source.path)\ngo test $(params.packages)",
			want: []string{"10 cd $(workspaces.source.path)", "11 go test $(params.packages)"}},
		{name: "groovy interpolation", src: "mvn -Drevision=${env.BUILD_NUMBER} deploy",
			want: []string{"10 mvn -Drevision=${env.BUILD_NUMBER} deploy"}},
		{name: "quotes and escapes", src: `echo "a\"b" 'c\d' e\ f C:\tools\x.exe`,
			want: []string{`10 echo a"b c\d e f C:\tools\x.exe`}},
		{name: "declarations", src: "export GOFLAGS=-trimpath PATH=\"$PATH:$(go env GOPATH)/bin\"\nlocal x",
			want: []string{"10 go env GOPATH", "10 export GOFLAGS=-trimpath PATH=$PATH:$(go env GOPATH)/bin", "11 local x"}},
		{name: "runners", src: "python3 -m pip_audit\npnpm dlx @cyclonedx/cyclonedx-npm@1\ngo run github.com/google/osv-scanner/cmd/osv-scanner@v1 -r .",
			want: []string{"10 pip-audit", "11 cyclonedx-npm", "12 osv-scanner -r ."}},
		{name: "powershell is read by the word splitter", shell: "pwsh", src: "$env:X = 1\n& .\\tools\\build.ps1 -Release",
			want: []string{"10 $env:x = 1", "11 build.ps1 -Release"}},
		{name: "posix fallback", src: "[[ a\nmake",
			want: []string{"10 [[ a", "11 make"}},
		{name: "mksh fallback", src: "print -r hi |&\nmake",
			want: []string{"10 print -r hi", "11 make"}},
		{name: "word splitter fallback", src: "echo \"unterminated\nmake all",
			want: []string{"10 echo unterminated\nmake all"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ShellCommands(Text{Pos: Pos{Path: "ci.sh", Line: 10}, Value: tc.src}, tc.shell)
			if diff := cmp.Diff(tc.want, cmdLines(got)); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
			for _, c := range got {
				if c.Path != "ci.sh" {
					t.Errorf("%s: path %q", c.Name, c.Path)
				}
			}
		})
	}
}

func TestShellCommandFields(t *testing.T) {
	src := "CGO_ENABLED=0 GOOS=linux go build -o out ./... 2>&1 | tee log\ndocker container run --rm -e X=1 --name t ghcr.io/a/b:1 --help"
	got := ShellCommands(Text{Pos: Pos{Path: "w.yml", Line: 3}, Value: src}, "bash")
	if len(got) != 3 {
		t.Fatalf("commands = %q", cmdLines(got))
	}
	b := got[0]
	if !cmp.Equal(b.Assign, []string{"CGO_ENABLED=0", "GOOS=linux"}) || b.Text != "CGO_ENABLED=0 GOOS=linux go build -o out ./... 2>&1" ||
		b.Dialect != DialectBash || !b.Is("go", "build") {
		t.Errorf("go build = %+v", b)
	}
	if d := got[2]; d.Name != "docker" || d.Image != "ghcr.io/a/b:1" || d.Line != 4 {
		t.Errorf("docker run = %+v", d)
	}
	// The dialects are recorded.
	for src, want := range map[string]string{"make": DialectBash, "[[ a": DialectPOSIX, "print x |&": DialectMksh, "echo 'x": DialectTokens} {
		if c := ShellCommands(Text{Value: src}, ""); len(c) == 0 || c[0].Dialect != want {
			t.Errorf("%q: dialect %v, want %s", src, c, want)
		}
	}
	// Text is capped.
	long := "echo " + strings.Repeat("x", 1000)
	if c := ShellCommands(Text{Value: long}, ""); len(c) != 1 || len(c[0].Text) != maxCommandText {
		t.Errorf("long text: %d commands", len(c))
	}
}

func TestScriptCommandsMemoised(t *testing.T) {
	s := &Script{Parts: []Text{{Pos: Pos{Path: "a", Line: 1}, Value: "npm ci"}, {Pos: Pos{Path: "a", Line: 5}, Value: "npm test"}}}
	first := s.Commands()
	first[0].Name = "changed"
	if got := cmdLines(s.Commands()); !cmp.Equal(got, []string{"1 npm ci", "5 npm test"}) {
		t.Errorf("second call = %q", got)
	}
	var none *Script
	if none.Commands() != nil {
		t.Error("nil script has commands")
	}
}

// TestShellBounds: hostile scripts are read by the word splitter or cut
// short, quickly and without blowing the stack.
func TestShellBounds(t *testing.T) {
	for name, src := range map[string]string{
		"nested substitutions": strings.Repeat("$(", 200_000) + "x" + strings.Repeat(")", 200_000),
		"nested ifs":           strings.Repeat("if true; then ", 50_000) + "x" + strings.Repeat("; fi", 50_000),
		"nested sh -c":         strings.Repeat(`sh -c "`, 100) + "make" + strings.Repeat(`"`, 100),
		"many lines":           strings.Repeat("\n", 300_000) + "make",
		"many commands":        strings.Repeat("a;", 400_000),
		"big":                  strings.Repeat("echo hello world && ", 100_000),
		"unclosed expression":  "echo ${{ " + strings.Repeat("x", 100_000),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			got := ShellCommands(Text{Pos: Pos{Path: "x", Line: 1}, Value: src}, "")
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if len(got) > maxShellCommands+maxShellDepth {
				t.Errorf("%d commands", len(got))
			}
		})
	}
	// Prose is not nesting: a script with many comments is still parsed.
	prose := strings.Repeat("# if the build fails, for example, retry\n", 200) + "make"
	if got := ShellCommands(Text{Value: prose}, ""); len(got) != 1 || got[0].Dialect != DialectBash {
		t.Errorf("prose: %+v", got)
	}
	// A long script is still read to its end by the word splitter.
	got := ShellCommands(Text{Pos: Pos{Path: "x", Line: 1}, Value: strings.Repeat("\n", 300_000) + "make"}, "")
	if len(got) != 1 || got[0].Line != 300_001 || got[0].Dialect != DialectTokens {
		t.Errorf("many lines: %+v", got)
	}
}

func TestMaskExpressions(t *testing.T) {
	src := "a ${{ x }} b $[[ inputs.y ]] ${env.Z} $(params.p) $(make) ${HOME} ${{ multi\nline }}"
	masked, exprs := maskExpressions(src)
	if strings.Count(masked, "\n") != strings.Count(src, "\n") {
		t.Errorf("masked %q changes the line count", masked)
	}
	want := []string{"${{ x }}", "$[[ inputs.y ]]", "${env.Z}", "$(params.p)", "${{ multi\nline }}"}
	if diff := cmp.Diff(want, exprs); diff != "" {
		t.Errorf("expressions (-want +got):\n%s", diff)
	}
	if got := unmask(masked, exprs); got != src {
		t.Errorf("unmask = %q", got)
	}
	// A script that holds the mark itself is left alone.
	if got := unmask("__SSDF_EXPR_9__ __SSDF_EXPR_x", exprs); got != "__SSDF_EXPR_9__ __SSDF_EXPR_x" {
		t.Errorf("unmask of stray marks = %q", got)
	}
}

// TestCorpusShellDialects: nearly every script of the corpus parses as
// bash; the word splitter is left for PowerShell.
func TestCorpusShellDialects(t *testing.T) {
	dialects := map[string]int{}
	for _, e := range corpus(t) {
		b, err := os.ReadFile(e.file)
		if err != nil {
			t.Fatal(err)
		}
		s := Parse(treeOf(map[string]string{e.path: string(b)}))
		for _, j := range s.Jobs() {
			for _, st := range j.Steps {
				for _, c := range st.Run.Commands() {
					dialects[c.Dialect]++
					if c.Dialect == DialectTokens && !windowsShell(st.Run.Shell) && !strings.Contains(c.Path, "gitlab") {
						t.Errorf("%s: %s read by the word splitter: %q", c.Loc(), c.Name, c.Text)
					}
				}
			}
		}
	}
	if dialects[DialectBash] < 1000 {
		t.Errorf("dialects = %v", dialects)
	}
}

// FuzzCommands: the shell-command extractor never panics, keeps every
// command in the text's file and at or after its first line.
func FuzzCommands(f *testing.F) {
	for _, s := range []string{
		"make && make test || echo fail",
		"curl -fsSL x | sudo bash -s",
		"(cd a && npm ci); { go vet; }",
		"V=$(git describe) `date` <(sort a)",
		"docker build \\\n -t x .",
		"cat <<EOF\nnot $(a command)\nEOF\nnext",
		"bash <<'EOF'\npip install x\nEOF",
		"if a; then b; elif c; then d; else e; fi",
		"for i in $(seq 3); do echo $i; done",
		"case $x in a) b;; *) c;; esac",
		"f() { g; }\nfunction h { i; }",
		"sudo env A=1 time xargs -n1 sh -c 'bash -c \"cosign sign x\"'",
		"echo ${{ github.event.issue.title }} $[[ inputs.x ]] ${env.X} $(params.y)",
		"echo ${{\nmulti }}",
		"export A=$(b) C",
		"[[ a",
		"print x |&",
		"echo 'unterminated",
		"$env:X = 1; & .\\a.ps1",
		"a=(1 2); ((x++)); let y=1; [[ -f z ]]",
		"coproc foo; time -p bar; ! baz",
		"<<EOF",
		"\\",
		"$(",
		"${{",
		"__SSDF_EXPR_0__",
	} {
		f.Add(s, "")
	}
	f.Add("Write-Host hi", "pwsh")
	f.Fuzz(func(t *testing.T, src, shell string) {
		if len(src) > 1<<16 {
			return
		}
		for _, c := range ShellCommands(Text{Pos: Pos{Path: "f.sh", Line: 7}, Value: src}, shell) {
			if c.Path != "f.sh" || c.Line < 7 || c.Line > 7+strings.Count(src, "\n") {
				t.Fatalf("command %+v outside the text (%d lines)", c, strings.Count(src, "\n")+1)
			}
			if len(c.Text) > maxCommandText {
				t.Fatalf("text of %d bytes", len(c.Text))
			}
			if c.Dialect == "" {
				t.Fatalf("no dialect: %+v", c)
			}
		}
	})
}

// BenchmarkCommands reads every script of the corpus pipelines, with the
// parser (the default) and with the word splitter alone, for comparison.
func BenchmarkCommands(b *testing.B) {
	var texts []Text
	var shells []string
	for _, e := range corpus(b) {
		src, err := os.ReadFile(e.file)
		if err != nil {
			b.Fatal(err)
		}
		for _, j := range Parse(treeOf(map[string]string{e.path: string(src)})).Jobs() {
			for _, st := range j.Steps {
				if st.Run != nil {
					for _, p := range st.Run.Parts {
						texts = append(texts, p)
						shells = append(shells, st.Run.Shell)
					}
				}
			}
		}
	}
	size := 0
	for _, t := range texts {
		size += len(t.Value)
	}
	b.Run("parser", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for i, t := range texts {
				_ = ShellCommands(t, shells[i])
			}
		}
	})
	b.Run("tokens", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for i, t := range texts {
				_ = tokenCommands(t, windowsShell(shells[i]), 0)
			}
		}
	})
}
