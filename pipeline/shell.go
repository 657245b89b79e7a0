package pipeline

import (
	"path"
	"strings"
)

// This is a deliberately small reading of shell, enough to name the
// programs a script runs and their arguments; a real parser is a later
// step. It knows quotes, `\` line continuations, comments, `$(...)`,
// `${{ ... }}` expressions, here-documents (skipped), the separators
// `;` `&&` `||` `|` `&` and newlines, and the words of compound commands
// (`if`, `then`, `do`, ...). It does not expand anything.

// Command is one simple command found in a script.
type Command struct {
	Pos
	// Name is the program, as a lower-case base name, after the
	// normalisation described at Normalise: "npx semgrep" → "semgrep",
	// "/usr/bin/cosign" → "cosign", "python -m pip_audit" → "pip-audit".
	Name string
	// Args are the words after Name.
	Args []string
	// Assign are the leading VAR=value words.
	Assign []string
	// Image is the image of `docker run` / `podman run` (Name is then
	// "docker" or "podman").
	Image string
	// Text is the command as written, capped at 300 bytes.
	Text string
}

// Positional returns the arguments that are not flags (do not start with
// "-").
func (c Command) Positional() []string {
	var out []string
	for _, a := range c.Args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// Is reports whether the command is name followed by the subcommands
// subs as its first positional arguments: Is("cosign", "sign").
func (c Command) Is(name string, subs ...string) bool {
	if c.Name != name {
		return false
	}
	pos := c.Positional()
	if len(pos) < len(subs) {
		return false
	}
	for i, s := range subs {
		if pos[i] != s {
			return false
		}
	}
	return true
}

// HasArg reports whether one of the arguments is a (or, for a flag "--x",
// "--x=value").
func (c Command) HasArg(a string) bool {
	for _, w := range c.Args {
		if w == a || strings.HasPrefix(a, "-") && strings.HasPrefix(w, a+"=") {
			return true
		}
	}
	return false
}

// Flag returns the value of a flag given as "--flag value" or
// "--flag=value".
func (c Command) Flag(names ...string) (string, bool) {
	for i, w := range c.Args {
		for _, n := range names {
			if w == n && i+1 < len(c.Args) {
				return c.Args[i+1], true
			}
			if strings.HasPrefix(w, n+"=") {
				return w[len(n)+1:], true
			}
		}
	}
	return "", false
}

// Commands returns the simple commands of every part of the script.
func (s *Script) Commands() []Command {
	if s == nil {
		return nil
	}
	var out []Command
	for _, p := range s.Parts {
		out = append(out, splitCommands(p, s.windows(), 0)...)
	}
	return out
}

const maxCommandText = 300

// shellSpecial are the characters whose meaning a backslash removes in sh.
const shellSpecial = " \t\\'\"$`;&|<>()*?#~{}[]!="

// windows reports whether the script is PowerShell or cmd, where a
// backslash is a path separator, not an escape.
func (s *Script) windows() bool {
	switch strings.ToLower(s.Shell) {
	case "pwsh", "powershell", "bat", "cmd":
		return true
	}
	return false
}

type rawCmd struct {
	words []string
	line  int
	start int
	end   int
}

// splitCommands splits one text into commands and normalises each.
func splitCommands(t Text, ps bool, depth int) []Command {
	var out []Command
	for _, rc := range splitWords(t.Value, ps) {
		c := Command{Pos: Pos{Path: t.Path, Line: t.Line + rc.line}}
		c.Text = strings.TrimSpace(t.Value[rc.start:rc.end])
		if len(c.Text) > maxCommandText {
			c.Text = c.Text[:maxCommandText]
		}
		inner, ok := normalise(&c, rc.words)
		if !ok {
			continue
		}
		if inner != "" && depth < 3 {
			// sh -c '...': the string is itself a script.
			sub := splitCommands(Text{Pos: c.Pos, Value: inner}, false, depth+1)
			for i := range sub {
				sub[i].Line = c.Line
			}
			out = append(out, sub...)
			continue
		}
		out = append(out, c)
	}
	return out
}

var shellKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true, "until": true,
	"!": true, "{": true, "}": true, "(": true, ")": true, "time": true,
}

var shellEnders = map[string]bool{"fi": true, "done": true, "esac": true, "}": true, ")": true, ";;": true}

// splitWords splits shell text into commands of unquoted words. line is
// the 0-based line of the command's first word within s.
func splitWords(s string, ps bool) []rawCmd {
	var cmds []rawCmd
	var cur rawCmd
	var word strings.Builder
	inWord := false
	line := 0
	var heredocs []string
	flushWord := func() {
		if inWord {
			cur.words = append(cur.words, word.String())
			word.Reset()
			inWord = false
		}
	}
	startWord := func(i int) {
		if !inWord {
			if len(cur.words) == 0 {
				cur.line = line
				cur.start = i
			}
			inWord = true
		}
	}
	flushCmd := func(i int) {
		flushWord()
		if len(cur.words) > 0 {
			cur.end = i
			cmds = append(cmds, cur)
			for k, w := range cur.words {
				if d, ok := heredocDelim(w, cur.words, k); ok {
					heredocs = append(heredocs, d)
				}
			}
		}
		cur = rawCmd{}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && !ps && i+1 < len(s):
			if s[i+1] == '\n' {
				line++
				i++
				continue
			}
			startWord(i)
			if !strings.ContainsRune(shellSpecial, rune(s[i+1])) {
				// Before an ordinary character the backslash changes
				// nothing in sh; keeping it keeps Windows paths whole.
				word.WriteByte(c)
			}
			word.WriteByte(s[i+1])
			i++
		case c == '\'':
			startWord(i)
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			word.WriteString(s[i+1 : i+1+j])
			line += strings.Count(s[i+1:i+1+j], "\n")
			i += j + 1
		case c == '"':
			startWord(i)
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("\"\\$`", s[j+1]) >= 0 {
					j++
				} else if s[j] == '\n' {
					line++
				}
				word.WriteByte(s[j])
				j++
			}
			i = j
		case c == '$' && strings.HasPrefix(s[i:], "${{"):
			startWord(i)
			j := strings.Index(s[i:], "}}")
			if j < 0 {
				j = len(s) - i - 2
			}
			word.WriteString(s[i : i+j+2])
			line += strings.Count(s[i:i+j+2], "\n")
			i += j + 1
		case c == '$' && strings.HasPrefix(s[i:], "$[["):
			// GitLab CI/CD inputs: $[[ inputs.x | expand_vars ]].
			startWord(i)
			end := len(s)
			if j := strings.Index(s[i:], "]]"); j >= 0 {
				end = i + j + 2
			}
			word.WriteString(s[i:end])
			line += strings.Count(s[i:end], "\n")
			i = end - 1
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			startWord(i)
			j := closeParen(s, i+1)
			word.WriteString(s[i:j])
			line += strings.Count(s[i:j], "\n")
			i = j - 1
		case c == '`' && !ps:
			startWord(i)
			end := len(s)
			if j := strings.IndexByte(s[i+1:], '`'); j >= 0 {
				end = i + j + 2
			}
			word.WriteString(s[i:end])
			line += strings.Count(s[i:end], "\n")
			i = end - 1
		case c == '`' && ps && i+1 < len(s):
			// PowerShell's escape character; before a newline, a continuation.
			if s[i+1] == '\n' {
				line++
				i++
				continue
			}
			startWord(i)
			word.WriteByte(s[i+1])
			i++
		case (c == '(' && !inWord) || c == ')':
			flushCmd(i)
		case c == '&' && (i > 0 && s[i-1] == '>' || i+1 < len(s) && s[i+1] == '>'):
			startWord(i)
			word.WriteByte(c)
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
			i--
		case c == '\n':
			flushCmd(i)
			line++
			if len(heredocs) > 0 {
				i, line = skipHeredocs(s, i+1, line, heredocs)
				heredocs = nil
				i--
			}
		case c == ';' || c == '&' || c == '|':
			flushCmd(i)
			if i+1 < len(s) && (s[i+1] == c) {
				i++
			}
		case c == ' ' || c == '\t' || c == '\r':
			flushWord()
		default:
			startWord(i)
			word.WriteByte(c)
		}
	}
	flushCmd(len(s))
	return cmds
}

// closeParen returns the index after the `)` matching the `(` at i.
func closeParen(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j + 1
			}
		case '\'':
			if k := strings.IndexByte(s[j+1:], '\''); k >= 0 {
				j += k + 1
			}
		}
	}
	return len(s)
}

// heredocDelim recognises `<<EOF`, `<<-EOF`, `<< 'EOF'` among a command's
// words (quotes are already removed).
func heredocDelim(w string, words []string, k int) (string, bool) {
	if !strings.HasPrefix(w, "<<") || strings.HasPrefix(w, "<<<") {
		return "", false
	}
	d := strings.TrimPrefix(strings.TrimPrefix(w, "<<"), "-")
	if d == "" && k+1 < len(words) {
		d = words[k+1]
	}
	if d == "" {
		return "", false
	}
	return d, true
}

// skipHeredocs skips the bodies of pending here-documents from i, and
// returns the index of the first line after them and the line count.
func skipHeredocs(s string, i, line int, delims []string) (int, int) {
	for _, d := range delims {
		for i < len(s) {
			end := strings.IndexByte(s[i:], '\n')
			var l string
			if end < 0 {
				l, end = s[i:], len(s)-i
			} else {
				l = s[i : i+end]
			}
			i += end + 1
			line++
			if strings.TrimSpace(l) == d {
				break
			}
		}
	}
	if i > len(s) {
		i = len(s)
	}
	return i, line
}

// Normalise turns a command's words into its program and arguments:
// leading VAR=value words are kept apart; `sudo`, `env`, `exec`, `time`,
// `nohup`, `command`, `nice`, `timeout` and the shell keywords of compound
// commands are dropped; the program becomes its lower-case base name
// without `.exe`; runners are looked through (`npx`, `bunx`, `pnpm dlx`,
// `yarn dlx`, `pipx run`, `uvx`, `uv run`, `uv tool run`, `poetry run`,
// `pipenv run`, `bundle exec`, `go tool`, `go run PKG[@v]`,
// `python -m MOD`); `docker run`/`podman run` keep their name and record
// the image. For `sh -c` / `bash -c`, inner is the script string.
func normalise(c *Command, words []string) (inner string, ok bool) {
	for len(words) > 0 && (shellKeywords[words[0]] || shellEnders[words[0]]) {
		words = words[1:]
	}
	if len(words) > 0 && (words[0] == "for" || words[0] == "case" || words[0] == "select" || words[0] == "function") {
		return "", false
	}
	for len(words) > 0 && isAssign(words[0]) {
		c.Assign = append(c.Assign, words[0])
		words = words[1:]
	}
	for range 8 {
		if len(words) == 0 {
			return "", false
		}
		name := progName(words[0])
		rest := words[1:]
		switch name {
		case "sudo", "env", "exec", "nohup", "command", "nice", "time", "stdbuf":
			rest = skipFlags(rest, map[string]bool{"-u": true, "-g": true, "-n": true, "-C": true})
			for len(rest) > 0 && isAssign(rest[0]) {
				c.Assign = append(c.Assign, rest[0])
				rest = rest[1:]
			}
			words = rest
			continue
		case "timeout":
			rest = skipFlags(rest, map[string]bool{"-s": true, "-k": true, "--signal": true, "--kill-after": true})
			if len(rest) > 0 {
				rest = rest[1:]
			}
			words = rest
			continue
		case "npx", "bunx", "uvx", "pnpx":
			words = stripPackageVersion(skipFlags(rest, map[string]bool{"-p": true, "--package": true, "--from": true}))
			continue
		case "pnpm", "yarn", "bun", "pipx", "uv", "poetry", "pipenv", "bundle", "dotnet":
			if len(rest) > 0 && (rest[0] == "dlx" || rest[0] == "exec" && name != "dotnet" || rest[0] == "x" && name == "bun" ||
				rest[0] == "run" && (name == "pipx" || name == "uv" || name == "poetry" || name == "pipenv")) {
				words = stripPackageVersion(skipFlags(rest[1:], map[string]bool{"--with": true, "--from": true, "--spec": true}))
				continue
			}
			if len(rest) > 1 && name == "uv" && rest[0] == "tool" && rest[1] == "run" {
				words = stripPackageVersion(skipFlags(rest[2:], map[string]bool{"--with": true, "--from": true}))
				continue
			}
			if len(rest) > 1 && name == "dotnet" && rest[0] == "tool" && rest[1] == "run" {
				words = rest[2:]
				continue
			}
		case "go":
			if len(rest) > 0 && rest[0] == "tool" && len(rest) > 1 {
				words = rest[1:]
				continue
			}
			if len(rest) > 1 && rest[0] == "run" {
				args := skipFlags(rest[1:], map[string]bool{"-C": true, "-tags": true, "-mod": true, "-ldflags": true, "-gcflags": true})
				if len(args) > 0 && strings.Contains(args[0], "/") && !strings.HasPrefix(args[0], ".") {
					pkg, _, _ := strings.Cut(args[0], "@")
					words = append([]string{path.Base(pkg)}, args[1:]...)
					continue
				}
			}
		case "sh", "bash", "zsh", "dash", "ash", "ksh":
			for i, w := range rest {
				if w == "-c" || (strings.HasPrefix(w, "-") && strings.HasSuffix(w, "c") && !strings.HasPrefix(w, "--")) {
					if i+1 < len(rest) {
						c.Name = name
						c.Args = rest
						return rest[i+1], true
					}
				}
				if !strings.HasPrefix(w, "-") {
					break
				}
			}
		}
		if strings.HasPrefix(name, "python") && len(rest) > 1 && rest[0] == "-m" {
			words = append([]string{strings.ReplaceAll(rest[1], "_", "-")}, rest[2:]...)
			continue
		}
		c.Name = name
		c.Args = rest
		if (name == "docker" || name == "podman" || name == "nerdctl") && len(rest) > 0 {
			args := rest
			if len(args) > 1 && args[0] == "container" {
				args = args[1:]
			}
			if args[0] == "run" {
				if img := runImage(args[1:]); img != "" {
					c.Image = img
				}
			}
		}
		return "", true
	}
	return "", false
}

func isAssign(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for k := 0; k < i; k++ {
		ch := w[k]
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || k > 0 && ch >= '0' && ch <= '9') {
			return false
		}
	}
	return true
}

// progName is the lower-case base name of a program path, without .exe.
func progName(w string) string {
	w = strings.ToLower(w)
	if i := strings.LastIndexAny(w, `/\`); i >= 0 {
		w = w[i+1:]
	}
	return strings.TrimSuffix(w, ".exe")
}

// skipFlags drops leading flags; those in withValue take the next word.
func skipFlags(words []string, withValue map[string]bool) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		if words[0] == "--" {
			return words[1:]
		}
		if withValue[words[0]] && len(words) > 1 {
			words = words[2:]
			continue
		}
		words = words[1:]
	}
	return words
}

// stripPackageVersion turns "@scope/pkg@1.2" or "pkg==1.2" into the
// program name "pkg".
func stripPackageVersion(words []string) []string {
	if len(words) == 0 {
		return words
	}
	w := words[0]
	if at := strings.LastIndexByte(w, '@'); at > 0 {
		w = w[:at]
	}
	if i := strings.IndexAny(w, "=<>~["); i > 0 {
		w = w[:i]
	}
	if strings.HasPrefix(w, "@") {
		if i := strings.IndexByte(w, '/'); i > 0 {
			w = w[i+1:]
		}
	}
	return append([]string{w}, words[1:]...)
}

// dockerRunValueFlags are the `docker run` flags that take a value.
var dockerRunValueFlags = map[string]bool{
	"-e": true, "--env": true, "-v": true, "--volume": true, "-w": true, "--workdir": true, "--name": true,
	"-u": true, "--user": true, "--entrypoint": true, "--network": true, "--net": true, "--platform": true,
	"-p": true, "--publish": true, "--mount": true, "--env-file": true, "-l": true, "--label": true,
	"--add-host": true, "--cap-add": true, "--cap-drop": true, "--device": true, "--dns": true,
	"--group-add": true, "-h": true, "--hostname": true, "--ipc": true, "-m": true, "--memory": true,
	"--pid": true, "--pull": true, "--restart": true, "--runtime": true, "--security-opt": true,
	"--shm-size": true, "--tmpfs": true, "--ulimit": true, "--cpus": true, "--gpus": true,
	"--log-driver": true, "--log-opt": true, "--expose": true, "--cidfile": true, "--link": true,
	"--stop-signal": true, "--stop-timeout": true, "--sysctl": true, "--userns": true, "--uts": true,
	"--volumes-from": true, "--label-file": true, "--isolation": true, "--cgroupns": true, "-a": true, "--attach": true,
}

// runImage returns the image of `docker run ARGS`: the first word that is
// neither a flag nor a flag's value.
func runImage(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		if strings.HasPrefix(a, "-") {
			if dockerRunValueFlags[a] {
				i++
			}
			continue
		}
		return a
	}
	return ""
}
