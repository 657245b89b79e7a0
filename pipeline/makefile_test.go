package pipeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

func TestIsMakefile(t *testing.T) {
	for p, want := range map[string]bool{
		"Makefile": true, "makefile": true, "GNUmakefile": true, "sub/MAKEFILE": true,
		"build/rules.mk": true, "common.MK": true, ".mk": false, "Makefile.am": false,
		"Makefile.in": false, "mk": false, "docs/makefile.md": false,
	} {
		if got := IsMakefile(p); got != want {
			t.Errorf("IsMakefile(%q) = %v, want %v", p, got, want)
		}
	}
}

// recipe renders the recipes of a Makefile as "line: text" lines.
func recipes(m *Makefile) []string {
	var out []string
	for _, r := range m.Rules {
		for _, p := range r.Recipe.Parts {
			out = append(out, fmt.Sprintf("%s %d: %s", strings.Join(r.Targets, ","), p.Line, p.Value))
		}
	}
	return out
}

func TestParseMakefile(t *testing.T) {
	src := "" +
		"# A Makefile\n" + // 1
		"NPM ?= npm\n" + // 2
		"PIP := $(PYTHON) -m pip\n" + // 3
		"PYTHON = python3\n" + // 4
		"export BUNDLE_FROZEN = true\n" + // 5
		"FLAGS = --frozen-lockfile\n" + // 6
		"FLAGS += --prefer-offline\n" + // 7
		"\n" + // 8
		".PHONY: all deps\n" + // 9
		"all: deps ; @echo done # not a make comment\n" + // 10
		"\n" + // 11
		"deps: node_modules\n" + // 12
		"\t@$(NPM) ci\n" + // 13
		"# a make comment keeps the recipe open\n" + // 14
		"ifeq ($(CI),true)\n" + // 15
		"\t-$(PIP) install -r requirements.txt \\\n" + // 16
		"\t  --require-hashes\n" + // 17
		"else\n" + // 18
		"\t+cd web && pnpm install $(FLAGS)\n" + // 19
		"endif\n" + // 20
		"\t$(MAKE) -C sub $@ && echo $$HOME $(shell date) $(UNSET) $<\n" + // 21
		"target-specific: VAR = x\n" + // 22
		"\tnot a recipe\n" + // 23
		"define CANNED\n" + // 24
		"\tnpm install\n" + // 25
		"endef\n" + // 26
		"$(BIN): main.go \\\n" + // 27
		"    other.go\n" + // 28
		"\tgo build -o $@ .\n" + // 29
		"NOT_RULE = a:b\n" + // 30
		"\tnot a recipe either\n" // 31
	m := ParseMakefile("Makefile", src)
	if m.Problem != "" {
		t.Fatalf("problem: %s", m.Problem)
	}
	want := []string{
		"all 10: echo done # not a make comment",
		"deps 13: npm ci",
		"deps 16: python3 -m pip install -r requirements.txt \\\n  --require-hashes",
		"deps 19: cd web && pnpm install --frozen-lockfile --prefer-offline",
		"deps 21: make -C sub ${MAKE_EXPR} && echo $HOME ${MAKE_EXPR} ${UNSET} ${MAKE_EXPR}",
		"$(BIN) 29: go build -o ${MAKE_EXPR} .",
	}
	if diff := cmp.Diff(want, recipes(m)); diff != "" {
		t.Errorf("recipes (-want +got):\n%s", diff)
	}
	env := m.Env()
	if len(env) != 1 || env[0].Name != "BUNDLE_FROZEN" || env[0].Value != "true" || env[0].Line != 5 {
		t.Errorf("env = %+v", env)
	}
	// The shell reader finds the commands at their lines.
	var got []string
	for _, r := range m.Rules {
		for _, c := range r.Recipe.Commands() {
			got = append(got, fmt.Sprintf("%d %s %s", c.Line, c.Name, strings.Join(c.Args, " ")))
		}
	}
	wantCmds := []string{
		"10 echo done",
		"13 npm ci",
		"16 pip install -r requirements.txt --require-hashes",
		"19 cd web",
		"19 pnpm install --frozen-lockfile --prefer-offline",
		"21 make -C sub ${MAKE_EXPR}",
		"21 echo $HOME ${MAKE_EXPR} ${UNSET} ${MAKE_EXPR}",
		"29 go build -o ${MAKE_EXPR} .",
	}
	if diff := cmp.Diff(wantCmds, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestMakefileSpecials(t *testing.T) {
	src := ".ONESHELL:\n" +
		".RECIPEPREFIX = >\n" +
		"SHELL := /bin/bash\n" +
		"X = $(X) recursive\n" +
		"export\n" +
		"build:\n" +
		"> cd app\n" +
		"> $(X) npm install\n" +
		"\tnot a recipe\n"
	m := ParseMakefile("sub/rules.mk", src)
	if !m.OneShell || !m.ExportAll {
		t.Errorf("OneShell %v ExportAll %v", m.OneShell, m.ExportAll)
	}
	want := []string{"build 7: cd app", "build 8: ${X} recursive npm install"}
	if diff := cmp.Diff(want, recipes(m)); diff != "" {
		t.Errorf("recipes (-want +got):\n%s", diff)
	}
	if m.Rules[0].Recipe.Shell != "bash" {
		t.Errorf("shell = %q", m.Rules[0].Recipe.Shell)
	}
	if len(m.Env()) != 3 {
		t.Errorf("env = %+v", m.Env())
	}
}

func TestMakefileInSet(t *testing.T) {
	tree := snapshot.Tree{Contents: map[string]snapshot.Content{
		"Makefile":        {Text: "all:\n\tnpm ci\n"},
		"tools/build.mk":  {Text: "x:\n\tgo build\n"},
		"big/Makefile":    {Skipped: "5242880 bytes, over the 4194304-byte cap"},
		"bad/GNUmakefile": {Text: "all:\n\techo \xff\n"},
	}}
	s := Parse(tree)
	var got []string
	for _, m := range s.Makefiles {
		got = append(got, fmt.Sprintf("%s %d %q", m.Path, len(m.Rules), m.Problem))
	}
	want := []string{
		`Makefile 1 ""`,
		`bad/GNUmakefile 0 "not parsed: the file is not valid UTF-8"`,
		`big/Makefile 0 "not read: 5242880 bytes, over the 4194304-byte cap"`,
		`tools/build.mk 1 ""`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("makefiles (-want +got):\n%s", diff)
	}
	if s.Makefile("tools/build.mk") == nil || s.Makefile("nope") != nil {
		t.Error("Set.Makefile lookup")
	}
}

// Hostile input: deep references, self-reference, long lines and
// unterminated constructs neither panic nor blow up.
func TestMakefileHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("A0 = x\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "A%d = $(A%d)$(A%d)$(A%d)\n", i, i-1, i-1, i-1)
	}
	b.WriteString("all:\n\techo $(A39) $(unterminated\n\techo ${{\n")
	b.WriteString("define X\n\tnpm install\n") // unterminated define
	m := ParseMakefile("Makefile", b.String())
	if len(m.Rules) != 1 || len(m.Rules[0].Recipe.Parts) != 2 {
		t.Fatalf("rules = %+v", m.Rules)
	}
	if n := len(m.Rules[0].Recipe.Parts[0].Value); n > 2*maxMakeLine || n < 1000 {
		t.Errorf("expansion grew to %d bytes", n)
	}
	_ = m.Rules[0].Recipe.Commands()
}

// FuzzMakefile asserts that parsing never panics, that what it keeps stays
// proportional to the text, and that the recipes' commands can be read.
// Run with `go test ./pipeline -run '^$' -fuzz FuzzMakefile -fuzztime 60s`.
func FuzzMakefile(f *testing.F) {
	for _, s := range []string{
		"all:\n\tnpm ci\n",
		"X = a $(Y)\nY = $(X)\nt: ; @$(X) install\n\t-cd x && \\\n\tpip install -r r.txt\n",
		".ONESHELL:\n.RECIPEPREFIX = >\nt:\n> go build\ndefine A\n\tx\nendef\nifeq ($(A),)\nendif\n",
		"export A\nexport\n$(BIN): a b ; echo $$HOME ${Z} $(shell date)\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m := ParseMakefile("Makefile", src)
		if m.Problem != "" && m.Problem != "not parsed: the file is not valid UTF-8" && !strings.HasPrefix(m.Problem, "not fully parsed") {
			t.Fatalf("problem %q", m.Problem)
		}
		size := 0
		for _, r := range m.Rules {
			for _, p := range r.Recipe.Parts {
				size += len(p.Value)
			}
			_ = r.Recipe.Commands()
		}
		if size > len(src)+(len(src)+1)*maxMakeLine {
			t.Fatalf("recipes hold %d bytes for a %d-byte file", size, len(src))
		}
		_ = m.Env()
	})
}

// Many recipe lines that each expand a large value stay within the
// file-wide expansion budget.
func TestMakefileExpansionBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("V = " + strings.Repeat("x", 60<<10) + "\nall:\n")
	for range 1000 {
		b.WriteString("\techo $(V)\n")
	}
	m := ParseMakefile("Makefile", b.String())
	size := 0
	for _, p := range m.Rules[0].Recipe.Parts {
		size += len(p.Value)
	}
	if size > maxMakeExpansion+1000*64 {
		t.Errorf("recipes hold %d bytes", size)
	}
	if !strings.Contains(m.Rules[0].Recipe.Parts[999].Value, "${V}") {
		t.Errorf("the last line should be masked once the budget is spent")
	}
}

// Long chains of continuation lines are read in linear time.
func TestMakefileLongContinuations(t *testing.T) {
	n := 200_000
	src := "A = x \\\n" + strings.Repeat("y \\\n", n) + "z\nall:\n\techo a \\\n" + strings.Repeat("\tb \\\n", n) + "\tc\n"
	start := time.Now()
	m := ParseMakefile("Makefile", src)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("parse took %v", d)
	}
	if len(m.Rules) != 1 || len(m.Rules[0].Recipe.Parts) != 1 || m.Rules[0].Line != n+3 {
		t.Fatalf("rules = %d", len(m.Rules))
	}
	if v := m.Vars[0].Value; !strings.HasPrefix(v, "x y y") || !strings.HasSuffix(v, "y z") {
		t.Errorf("value = %.20q…", v)
	}
}
