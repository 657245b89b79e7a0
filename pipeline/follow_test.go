package pipeline

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// followSet parses a tree of the given files, with a workflow whose one
// step runs run.
func followSet(run, dir string, files map[string]string, extra ...func(*snapshot.Tree)) (*Set, *Script) {
	wf := "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: " + run + "\n"
	if dir != "" {
		wf += "        working-directory: " + dir + "\n"
	}
	t := snapshot.Tree{Contents: map[string]snapshot.Content{".github/workflows/ci.yml": {Text: wf}}}
	for p, text := range files {
		t.Contents[p] = snapshot.Content{Text: text}
	}
	for p := range t.Contents {
		t.Files = append(t.Files, p)
	}
	slices.Sort(t.Files)
	for _, fn := range extra {
		fn(&t)
	}
	s := Parse(t)
	return s, s.File(".github/workflows/ci.yml").Jobs[0].Steps[0].Run
}

// followed lists "path:line name" of the followed commands.
func followed(s *Set, sc *Script) []string {
	var out []string
	for _, c := range s.Followed(sc) {
		out = append(out, fmt.Sprintf("%s:%d %s", c.Path, c.Line, c.Name))
	}
	return out
}

func TestFollowScripts(t *testing.T) {
	s, sc := followSet("./build.sh && bash scripts/release.sh --fast", "", map[string]string{
		"build.sh":           "#!/bin/bash\ngo build -o bin/x .\n",
		"scripts/release.sh": "set -e\ngoreleaser release\n. scripts/env.sh\n",
		"scripts/env.sh":     "export X=1\ncosign version\n",
	})
	want := []string{
		".github/workflows/ci.yml:6 build.sh",
		"build.sh:2 go",
		".github/workflows/ci.yml:6 bash",
		"scripts/release.sh:1 set",
		"scripts/release.sh:2 goreleaser",
		"scripts/release.sh:3 .",
		"scripts/env.sh:1 export",
		"scripts/env.sh:2 cosign",
	}
	if diff := cmp.Diff(want, followed(s, sc)); diff != "" {
		t.Errorf("followed (-want +got):\n%s", diff)
	}
	for _, c := range s.Followed(sc) {
		if c.Path != ".github/workflows/ci.yml" && c.Via != (Pos{Path: ".github/workflows/ci.yml", Line: 6}) {
			t.Errorf("%s:%d %s: Via = %v, want the step's command", c.Path, c.Line, c.Name, c.Via)
		}
	}
	// The step's own commands are unchanged.
	if n := len(sc.Commands()); n != 2 {
		t.Errorf("Commands() = %d commands, want 2", n)
	}
}

func TestFollowBounds(t *testing.T) {
	// a.sh → b.sh → a.sh: every script once per step; and the depth
	// bound: c.sh, a third level, is not read.
	s, sc := followSet("./a.sh; ./a.sh", "", map[string]string{
		"a.sh": "echo a\n./b.sh\n",
		"b.sh": "echo b\n./a.sh\n./c.sh\n",
		"c.sh": "echo c\n",
	})
	want := []string{
		".github/workflows/ci.yml:6 a.sh",
		"a.sh:1 echo", "a.sh:2 b.sh",
		"b.sh:1 echo", "b.sh:2 a.sh", "b.sh:3 c.sh",
		".github/workflows/ci.yml:6 a.sh",
	}
	if diff := cmp.Diff(want, followed(s, sc)); diff != "" {
		t.Errorf("followed (-want +got):\n%s", diff)
	}
}

func TestFollowNotRead(t *testing.T) {
	for _, c := range []struct {
		name, run string
		files     map[string]string
		extra     func(*snapshot.Tree)
	}{
		{name: "missing", run: "./missing.sh"},
		{name: "absolute", run: "/opt/x.sh", files: map[string]string{"opt/x.sh": "gitleaks\n"}},
		{name: "outside the root", run: "../x.sh", files: map[string]string{"x.sh": "gitleaks\n"}},
		{name: "expansion", run: "$DIR/x.sh", files: map[string]string{"x.sh": "gitleaks\n"}},
		{name: "not a path", run: "x.sh", files: map[string]string{"x.sh": "gitleaks\n"}},
		{name: "node", run: "node scripts/x.sh", files: map[string]string{"scripts/x.sh": "gitleaks\n"}},
		{name: "python", run: "python scripts/x.sh", files: map[string]string{"scripts/x.sh": "gitleaks\n"}},
		{name: "not a shell shebang", run: "./x.sh", files: map[string]string{"x.sh": "#!/usr/bin/env python3\ngitleaks\n"}},
		{name: "bash -c", run: "bash -c x.sh", files: map[string]string{"x.sh": "gitleaks\n"}},
		{name: "not a script by name", run: "./setup.py", files: map[string]string{"setup.py": "gitleaks\n"}},
		{name: "skipped", run: "./x.sh", extra: func(t *snapshot.Tree) {
			t.Files = append(t.Files, "x.sh")
			t.Contents["x.sh"] = snapshot.Content{Skipped: "over the cap"}
		}},
		{name: "symlink", run: "./x.sh", extra: func(t *snapshot.Tree) {
			// The walk records a symlink as skipped and never reads it.
			t.Skipped = append(t.Skipped, snapshot.Skipped{Path: "x.sh", Reason: "symlink, not followed"})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var extra []func(*snapshot.Tree)
			if c.extra != nil {
				extra = append(extra, c.extra)
			}
			s, sc := followSet(c.run, "", c.files, extra...)
			for _, cmd := range s.Followed(sc) {
				if cmd.Path != ".github/workflows/ci.yml" {
					t.Errorf("followed %s:%d %s", cmd.Path, cmd.Line, cmd.Name)
				}
			}
		})
	}
}

func TestFollowPowerShell(t *testing.T) {
	s, sc := followSet("pwsh -NoProfile -File .\\Build.ps1", "", map[string]string{
		"Build.ps1": "Write-Output \"build\"\n& dotnet build /p:ContinuousIntegrationBuild=true\nif ($x) {\n  & dotnet nuget push -k $env:K \"$nupkg\"\n}\n",
	})
	var got []string
	for _, c := range s.Followed(sc) {
		if c.Path == "Build.ps1" && (c.Name == "dotnet" || c.Name == "write-output") {
			got = append(got, fmt.Sprintf("%d %s %s %s", c.Line, c.Dialect, c.Name, strings.Join(c.Args, " ")))
		}
	}
	want := []string{
		"1 tokens write-output build",
		"2 tokens dotnet build /p:ContinuousIntegrationBuild=true",
		"4 tokens dotnet nuget push -k $env:K $nupkg",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Build.ps1 (-want +got):\n%s", diff)
	}
}

func TestFollowWorkingDirectory(t *testing.T) {
	s, sc := followSet("./build.sh && make -C .. dist", "tools", map[string]string{
		"tools/build.sh": "syft dir:.\n",
		"build.sh":       "echo wrong\n",
		"Makefile":       "dist:\n\tgoreleaser release\n",
	})
	want := []string{
		".github/workflows/ci.yml:6 build.sh",
		"tools/build.sh:1 syft",
		".github/workflows/ci.yml:6 make",
		"Makefile:2 goreleaser",
	}
	if diff := cmp.Diff(want, followed(s, sc)); diff != "" {
		t.Errorf("followed (-want +got):\n%s", diff)
	}
}

func TestFollowMake(t *testing.T) {
	files := map[string]string{
		"Makefile": "VERSION := 1\n.PHONY: all\nall: build\n\nbuild: gen\n\tgo build -o bin/x .\n\ngen:\n\tgo generate ./...\n\n" +
			"include release/release.mk\n-include $(MISSING)/x.mk\n",
		"release/release.mk": "release: build\n\tgoreleaser release\n\n.DEFAULT_GOAL := ignored-in-includes\n",
		"sub/Makefile":       "loop: loop2\n\techo loop\nloop2: loop\n\t$(MAKE) loop\n",
	}
	for _, c := range []struct {
		run  string
		want []string
	}{
		// No target: the default goal, with its prerequisites first.
		{"make", []string{"Makefile:9 go", "Makefile:6 go"}},
		{"make -j4 VERSION=2 release", []string{"Makefile:9 go", "Makefile:6 go", "release/release.mk:2 goreleaser"}},
		{"MAKE gen", nil}, // another program
		{"make -C sub loop", []string{"sub/Makefile:4 make", "sub/Makefile:2 echo"}},
		{"make -f sub/Makefile loop2", []string{"sub/Makefile:2 echo", "sub/Makefile:4 make"}},
		{"make unknown", nil},
	} {
		t.Run(c.run, func(t *testing.T) {
			s, sc := followSet(c.run, "", files)
			var got []string
			for _, f := range followed(s, sc) {
				if !strings.HasPrefix(f, ".github/") {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("followed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMakefileGoalPrereqsIncludes(t *testing.T) {
	m := ParseMakefile("Makefile", "X = gen\n.PHONY: all\n%.o: %.c\n\tcc $<\nall: build $(X) | out\nbuild:\n\ttrue\ninclude a.mk $(NOPE) b.mk\n")
	if m.Goal != "all" {
		t.Errorf("Goal = %q, want all", m.Goal)
	}
	if diff := cmp.Diff([]string{"build", "gen", "out"}, m.Prereqs["all"]); diff != "" {
		t.Errorf("Prereqs[all] (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a.mk", "b.mk"}, m.Includes); diff != "" {
		t.Errorf("Includes (-want +got):\n%s", diff)
	}
	if m := ParseMakefile("Makefile", "a:\n\ttrue\nb:\n\ttrue\n.DEFAULT_GOAL := b\n"); m.Goal != "b" {
		t.Errorf(".DEFAULT_GOAL: Goal = %q, want b", m.Goal)
	}
}

func TestRemotePublishingWorkflow(t *testing.T) {
	for raw, want := range map[string]bool{
		"charmbracelet/meta/.github/workflows/goreleaser.yml@main":       true,
		"sigstore/community/.github/workflows/reusable-release.yml@main": false, // "release" alone says too little
		"acme/ci/.github/workflows/publish-npm.yaml@v1":                  true,
		"acme/ci/.github/workflows/release-drafter.yml@v1":               false,
		"acme/ci/.github/workflows/release-please.yml@v1":                false,
		"acme/ci/.github/workflows/release-notes.yml@v1":                 false,
		"acme/ci/.github/workflows/release-labels.yml@v1":                false,
		"acme/ci/.github/workflows/test.yml@v1":                          false,
		"./.github/workflows/release.yml":                                false,
		"goreleaser/goreleaser-action@v6":                                false,
	} {
		if got := RemotePublishingWorkflow(NewRef(raw)); got != want {
			t.Errorf("RemotePublishingWorkflow(%s) = %v, want %v", raw, got, want)
		}
	}
}
