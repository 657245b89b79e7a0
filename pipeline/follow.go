package pipeline

import (
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/collect"
)

// Following what a step runs. A step's commands (Script.Commands) are
// what its own text says; Set.Followed adds, after each command, the
// commands of the repository scripts and make targets it invokes, so that
// a `./build.sh` whose script runs `goreleaser release` is seen to
// publish. It is bounded and reads only the snapshot:
//
//   - a script is a command whose program is a path with a "/" (`./build.sh`,
//     `scripts/release.sh`, `.\Build.ps1`), or the first operand of a shell
//     (`bash`, `sh`, `zsh`, `dash`, `ksh`, `source`, `.`; `pwsh`/`powershell`
//     with `-File` or a first operand) — never node, python or other
//     interpreters. `$GITHUB_WORKSPACE/`, `${{ github.workspace }}/`,
//     `$CI_PROJECT_DIR/` and `$WORKSPACE/` prefixes name the root; any
//     other expansion, glob, absolute path or path that leaves the root is
//     not followed. The path is resolved against the script's working
//     directory (Script.Dir, a GitHub step's `working-directory:`), then
//     against the root;
//   - the script is read from the snapshot only when it is a shell or
//     PowerShell script by its name (`*.sh`, `*.bash`, `*.ps1`, which the
//     walk collects), is not
//     skipped (size cap) and is not a symlink (the walk does not follow
//     them); a script whose `#!` line names something other than a shell
//     is not read. It is parsed as a whole file at its own lines: as
//     PowerShell (word splitter, token mode) when it ends in `.ps1`,
//     else as shell;
//   - `make [TARGET…]` (and `$(MAKE)` in recipes) runs the recipes of the
//     targets (the default goal when none is named) and, before each, of
//     their prerequisites, from the Makefile make would read (`-f FILE`,
//     else GNUmakefile, makefile, Makefile in the directory, `-C DIR`
//     applied) and the files it includes (Makefile.Includes, resolved the
//     same way); variables of the includer are not carried into the
//     included files;
//   - scripts and make invocations are followed to maxFollowDepth levels
//     (a step's script is level 1, a script it runs level 2); every script
//     and every make target is followed once per step (a.sh → b.sh → a.sh
//     ends), and at most maxFollowed of them per step, maxFollowCommands
//     commands in all.
//
// Followed commands keep their own place (the script's or Makefile's path
// and line) and record in Via the step command that led to them.

// Bounds on following.
const (
	maxFollowDepth    = 2
	maxFollowed       = 64
	maxFollowCommands = 20_000
)

// Followed returns the commands a script runs (Commands), each followed
// by those of the repository scripts and make targets it invokes (see
// above). The result is computed once per script; callers must not
// modify the elements' slices.
func (s *Set) Followed(sc *Script) []Command {
	if sc == nil {
		return nil
	}
	if v, ok := s.followed.Load(sc); ok {
		return slices.Clone(*v.(*[]Command))
	}
	f := &follower{set: s, seen: map[string]bool{}}
	out := f.commands(sc.Commands(), sc.Dir, 0, Pos{})
	s.followed.Store(sc, &out)
	return slices.Clone(out)
}

type follower struct {
	set  *Set
	seen map[string]bool
	n    int
}

func (f *follower) commands(cmds []Command, dir string, depth int, via Pos) []Command {
	var out []Command
	for _, c := range cmds {
		if f.n >= maxFollowCommands {
			break
		}
		f.n++
		if depth > 0 {
			c.Via = via
		}
		out = append(out, c)
		if depth >= maxFollowDepth {
			continue
		}
		at := via
		if depth == 0 {
			at = c.Pos
		}
		if p, ps, ok := f.script(c, dir); ok {
			out = append(out, f.readScript(p, ps, dir, depth+1, at)...)
		} else if isMake(c) {
			out = append(out, f.make(c, dir, depth+1, at)...)
		}
	}
	return out
}

// script returns the repository path of the script that c runs, and
// whether it is PowerShell.
func (f *follower) script(c Command, dir string) (string, bool, bool) {
	var word string
	switch {
	case isShell(c.Name):
		word = firstOperand(c.Args, map[string]bool{"-o": true, "+o": true, "-O": true, "+O": true, "--rcfile": true, "--init-file": true})
	case c.Name == "source" || c.Name == ".":
		if len(c.Args) > 0 {
			word = c.Args[0]
		}
	case c.Name == "pwsh" || c.Name == "powershell":
		if v, ok := psFlag(c.Args, "-file", "-f"); ok {
			word = v
		} else {
			word = firstOperand(c.Args, psValueFlags)
		}
	default:
		if !strings.ContainsAny(c.Program, `/\`) {
			return "", false, false
		}
		word = c.Program
	}
	p, ok := f.resolve(word, dir)
	if !ok {
		return "", false, false
	}
	return p, strings.HasSuffix(strings.ToLower(p), ".ps1"), true
}

// psValueFlags are the pwsh/powershell parameters that take a value.
var psValueFlags = map[string]bool{
	"-executionpolicy": true, "-ep": true, "-ex": true, "-workingdirectory": true, "-wd": true,
	"-configurationname": true, "-inputformat": true, "-outputformat": true, "-of": true, "-settingsfile": true,
	"-windowstyle": true, "-custompipename": true, "-version": true, "-psconsolefile": true,
}

// psFlag returns the value of a PowerShell parameter (case-insensitive).
func psFlag(args []string, names ...string) (string, bool) {
	for i, a := range args {
		if slices.Contains(names, strings.ToLower(a)) && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// firstOperand returns the first word that is neither a flag nor a
// flag's value; "" when a flag says the script comes from elsewhere
// (`-c`, `-s`, `-Command`).
func firstOperand(args []string, valued map[string]bool) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		la := strings.ToLower(a)
		switch {
		case a == "--":
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		case la == "-command" || la == "-c" || la == "-s" || la == "-encodedcommand" || la == "-e":
			return ""
		case strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+"):
			if valued[a] || valued[la] {
				i++
			}
		default:
			return a
		}
	}
	return ""
}

// rootPrefixes are the variables that name the repository root.
var rootPrefixes = []string{
	"${{ github.workspace }}/", "${{github.workspace}}/", "$GITHUB_WORKSPACE/", "${GITHUB_WORKSPACE}/",
	"$CI_PROJECT_DIR/", "${CI_PROJECT_DIR}/", "$WORKSPACE/", "${WORKSPACE}/", "$env:GITHUB_WORKSPACE/",
}

// resolve turns a path as written into the path of a file of the
// snapshot, against dir then the root.
func (f *follower) resolve(word, dir string) (string, bool) {
	w := strings.ReplaceAll(word, `\`, "/")
	for _, pre := range rootPrefixes {
		if rest, ok := strings.CutPrefix(w, pre); ok {
			w, dir = rest, ""
			break
		}
	}
	if w == "" || strings.HasPrefix(w, "/") || strings.ContainsAny(w, "$`*?[~{}\"'") {
		return "", false
	}
	var cands []string
	if d := strings.TrimSpace(dir); d != "" && !strings.ContainsAny(d, "$`*?[~{}") && !strings.HasPrefix(d, "/") {
		cands = append(cands, path.Join(d, w))
	}
	cands = append(cands, path.Clean(w))
	for _, p := range cands {
		if p == "." || p == ".." || strings.HasPrefix(p, "../") || !collect.ScriptPath(p) {
			continue
		}
		if _, ok := f.set.tree.Contents[p]; ok {
			return p, true
		}
		if _, listed := slices.BinarySearch(f.set.tree.Files, p); listed {
			f.set.wanted.Store(p, true)
		}
	}
	return "", false
}

// ScriptsWanted returns, sorted, the scripts that the pipelines' steps
// run (as Followed finds them) which the tree lists but whose text it
// does not hold: a remote scan reads those, then parses again, since a
// script read may run another.
func (s *Set) ScriptsWanted() []string {
	for _, f := range s.Files {
		for _, j := range f.Jobs {
			for _, st := range j.Steps {
				if st.Run != nil {
					s.Followed(st.Run)
				}
			}
		}
	}
	var out []string
	s.wanted.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	slices.Sort(out)
	return out
}

// readScript follows the script at p: read once per step, when the
// snapshot holds its text.
func (f *follower) readScript(p string, ps bool, dir string, depth int, via Pos) []Command {
	key := "script\x00" + p
	if f.seen[key] || len(f.seen) >= maxFollowed {
		return nil
	}
	f.seen[key] = true
	cmds, ok := f.set.scriptCommands(p, ps)
	if !ok {
		return nil
	}
	// The script runs in its caller's directory.
	return f.commands(cmds, dir, depth, via)
}

// scriptCommands parses the script at p once per set.
func (s *Set) scriptCommands(p string, ps bool) ([]Command, bool) {
	if v, ok := s.scripts.Load(p); ok {
		c := v.(*[]Command)
		return *c, c != nil && *c != nil
	}
	var cmds []Command
	text, problem := readable(s.tree, p)
	// A file without an extension is a script only by its #! line.
	if problem == "" && (path.Ext(p) != "" || strings.HasPrefix(text, "#!")) && shellScript(text, ps) {
		shell := ""
		if ps {
			shell = "pwsh"
		}
		cmds = shellCommands(Text{Pos: Pos{Path: p, Line: 1}, Value: text}, shell, 0, nil)
		if cmds == nil {
			cmds = []Command{}
		}
	}
	s.scripts.Store(p, &cmds)
	return cmds, cmds != nil
}

// shellScript reports whether a script's `#!` line, if any, names a
// shell.
func shellScript(text string, ps bool) bool {
	if !strings.HasPrefix(text, "#!") {
		return true
	}
	line, _, _ := strings.Cut(text[2:], "\n")
	f := strings.Fields(line)
	if len(f) == 0 {
		return true
	}
	prog := progName(f[0])
	if prog == "env" {
		rest := skipFlags(f[1:], map[string]bool{"-u": true})
		if len(rest) == 0 {
			return false
		}
		prog = progName(rest[0])
	}
	return isShell(prog) || prog == "pwsh" || prog == "powershell"
}

// isMake: the program is make, spelt as the shell finds it (`MAKE` is
// another program).
func isMake(c Command) bool {
	if c.Name != "make" && c.Name != "gmake" {
		return false
	}
	b := strings.TrimSuffix(path.Base(strings.ReplaceAll(c.Program, `\`, "/")), ".exe")
	return b == "make" || b == "gmake"
}

// make follows `make [TARGET…]`.
func (f *follower) make(c Command, dir string, depth int, via Pos) []Command {
	mdir, file, targets := makeArgs(c.Args)
	if strings.ContainsAny(mdir+file, "$`*?[~{}") || strings.HasPrefix(mdir, "/") || strings.HasPrefix(file, "/") {
		return nil
	}
	base := path.Clean(path.Join(strings.TrimSpace(dir), mdir))
	if base == ".." || strings.HasPrefix(base, "../") {
		return nil
	}
	var m *Makefile
	if file != "" {
		m = f.set.Makefile(relPath(base, file))
	} else {
		for _, n := range []string{"GNUmakefile", "makefile", "Makefile"} {
			if m = f.set.Makefile(relPath(base, n)); m != nil {
				break
			}
		}
	}
	if m == nil || m.Problem != "" && len(m.Rules) == 0 {
		return nil
	}
	files := []*Makefile{m}
	for i := 0; i < len(files) && len(files) < maxMakeIncludes; i++ {
		for _, inc := range files[i].Includes {
			if im := f.set.Makefile(relPath(base, inc)); im != nil && !slices.Contains(files, im) {
				files = append(files, im)
			}
		}
	}
	if len(targets) == 0 {
		for _, mf := range files {
			if mf.Goal != "" {
				targets = []string{mf.Goal}
				break
			}
		}
	}
	recipeDir := ""
	if base != "." {
		recipeDir = base
	}
	var out []Command
	for _, t := range targets {
		out = append(out, f.target(files, m.Path, t, recipeDir, depth, via, 0)...)
	}
	return out
}

// target follows one make target: its prerequisites, then its recipes.
func (f *follower) target(files []*Makefile, root, t, dir string, depth int, via Pos, nest int) []Command {
	key := "make\x00" + root + "\x00" + t
	if f.seen[key] || len(f.seen) >= maxFollowed || nest > maxMakeExpand*4 {
		return nil
	}
	f.seen[key] = true
	var out []Command
	for _, m := range files {
		for _, d := range m.Prereqs[t] {
			out = append(out, f.target(files, root, d, dir, depth, via, nest+1)...)
		}
	}
	for _, m := range files {
		for _, r := range m.Rules {
			if slices.Contains(r.names, t) {
				out = append(out, f.commands(r.Recipe.Commands(), dir, depth, via)...)
			}
		}
	}
	return out
}

// relPath joins a path as written to a base directory ("." for the root).
func relPath(base, p string) string {
	return path.Clean(path.Join(base, strings.ReplaceAll(p, `\`, "/")))
}

// makeArgs reads a make command line: its -C directory (joined when
// repeated), -f file and targets (the operands that are not variable
// assignments).
func makeArgs(args []string) (dir, file string, targets []string) {
	valued := map[string]bool{"-I": true, "-o": true, "-W": true, "-l": true, "--include-dir": true,
		"--old-file": true, "--what-if": true, "--new-file": true, "--assume-new": true, "--assume-old": true, "--load-average": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-C" || a == "--directory":
			if i+1 < len(args) {
				dir = path.Join(dir, args[i+1])
				i++
			}
		case strings.HasPrefix(a, "--directory="):
			dir = path.Join(dir, strings.TrimPrefix(a, "--directory="))
		case strings.HasPrefix(a, "-C") && len(a) > 2:
			dir = path.Join(dir, a[2:])
		case a == "-f" || a == "--file" || a == "--makefile":
			if i+1 < len(args) {
				file = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--file=") || strings.HasPrefix(a, "--makefile="):
			_, file, _ = strings.Cut(a, "=")
		case strings.HasPrefix(a, "-f") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			file = a[2:]
		case a == "-j" || a == "--jobs":
			if i+1 < len(args) && isDigits(args[i+1]) {
				i++
			}
		case valued[a]:
			i++
		case strings.HasPrefix(a, "-"):
		case isAssign(a):
		default:
			targets = append(targets, a)
		}
	}
	return dir, file, targets
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
