package manifest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// dig returns the value at keys in nested TOML tables, or nil.
func dig(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// list returns a TOML array value, or an error naming it when the value is
// present but not an array.
func list(v any, name string) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an array", name)
	}
	return l, nil
}

// table returns a TOML table value, or an error naming it when the value is
// present but not a table.
func table(v any, name string) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	t, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a table", name)
	}
	return t, nil
}

func stringList(v any, name string) ([]string, error) {
	l, err := list(v, name)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%s holds a value that is not a string", name)
		}
		out = append(out, s)
	}
	return out, nil
}

// Pyproject is what ssdf reads of a pyproject.toml.
type Pyproject struct {
	// Dependencies counts [project] dependencies.
	Dependencies int
	// Optional counts the entries of [project.optional-dependencies].
	Optional int
	// Groups counts the requirement entries of [dependency-groups]
	// (`{include-group = …}` entries are not requirements).
	Groups int
	// Poetry counts [tool.poetry.dependencies] beyond `python`.
	Poetry int
	// PoetryGroups, PDMDev and UVDev count dependency sections that SPEC
	// does not list as making the file count: [tool.poetry.group.*.dependencies],
	// [tool.pdm.dev-dependencies] and [tool.uv] dev-dependencies.
	PoetryGroups, PDMDev, UVDev int
	// Workspace is [tool.uv.workspace], when present.
	Workspace *UVWorkspace
	// Tool is the tool the project is managed with, by its [tool.*]
	// tables: "poetry", "pdm", "uv" or "".
	Tool string
}

// UVWorkspace is a uv workspace's membership globs.
type UVWorkspace struct {
	Members, Exclude []string
}

// Counted is the number of dependencies that make the file count (SPEC
// §3's column 2).
func (p Pyproject) Counted() int { return p.Dependencies + p.Optional + p.Groups + p.Poetry }

// ParsePyproject reads the dependency sections of a pyproject.toml: PEP 621
// [project], PEP 735 [dependency-groups], Poetry, PDM and uv.
func ParsePyproject(s string) (Pyproject, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte(s), &m); err != nil {
		return Pyproject{}, err
	}
	var p Pyproject
	deps, err := list(dig(m, "project", "dependencies"), "[project] dependencies")
	if err != nil {
		return p, err
	}
	p.Dependencies = len(deps)
	opt, err := table(dig(m, "project", "optional-dependencies"), "[project.optional-dependencies]")
	if err != nil {
		return p, err
	}
	for k, v := range opt {
		l, err := list(v, "[project.optional-dependencies] "+k)
		if err != nil {
			return p, err
		}
		p.Optional += len(l)
	}
	groups, err := table(m["dependency-groups"], "[dependency-groups]")
	if err != nil {
		return p, err
	}
	for k, v := range groups {
		l, err := list(v, "[dependency-groups] "+k)
		if err != nil {
			return p, err
		}
		for _, e := range l {
			if _, ok := e.(string); ok {
				p.Groups++
			}
		}
	}
	poetry, err := table(dig(m, "tool", "poetry", "dependencies"), "[tool.poetry.dependencies]")
	if err != nil {
		return p, err
	}
	for k := range poetry {
		if !strings.EqualFold(k, "python") {
			p.Poetry++
		}
	}
	if g, ok := dig(m, "tool", "poetry", "group").(map[string]any); ok {
		for _, v := range g {
			if d, ok := dig(map[string]any{"g": v}, "g", "dependencies").(map[string]any); ok {
				p.PoetryGroups += len(d)
			}
		}
	}
	if d, ok := dig(m, "tool", "pdm", "dev-dependencies").(map[string]any); ok {
		for _, v := range d {
			if l, ok := v.([]any); ok {
				p.PDMDev += len(l)
			}
		}
	}
	if l, ok := dig(m, "tool", "uv", "dev-dependencies").([]any); ok {
		p.UVDev = len(l)
	}
	if w := dig(m, "tool", "uv", "workspace"); w != nil {
		if _, ok := w.(map[string]any); !ok {
			return p, fmt.Errorf("[tool.uv.workspace] is not a table")
		}
		members, err := stringList(dig(m, "tool", "uv", "workspace", "members"), "[tool.uv.workspace] members")
		if err != nil {
			return p, err
		}
		exclude, err := stringList(dig(m, "tool", "uv", "workspace", "exclude"), "[tool.uv.workspace] exclude")
		if err != nil {
			return p, err
		}
		p.Workspace = &UVWorkspace{Members: members, Exclude: exclude}
	}
	for _, t := range []string{"poetry", "pdm", "uv"} {
		if dig(m, "tool", t) != nil {
			p.Tool = t
			break
		}
	}
	return p, nil
}

func parsePyproject(s string) (declared, *wsDef, error) {
	p, err := ParsePyproject(s)
	if err != nil {
		return declared{}, nil, err
	}
	d := declared{deps: p.Counted(), fix: "uv lock"}
	switch p.Tool {
	case "poetry":
		d.fix = "poetry lock"
	case "pdm":
		d.fix = "pdm lock"
	}
	if d.deps > 0 {
		type loc struct {
			n          int
			table, key string
		}
		for _, l := range []loc{
			{p.Dependencies, "project", "dependencies"},
			{p.Optional, "project.optional-dependencies", ""},
			{p.Groups, "dependency-groups", ""},
			{p.Poetry, "tool.poetry.dependencies", ""},
		} {
			if l.n == 0 {
				continue
			}
			ln := tomlLine(s, l.table, l.key)
			if ln == 0 && l.key == "" {
				// The same table written inline in its parent:
				// `optional-dependencies = {…}` under [project].
				if i := strings.LastIndexByte(l.table, '.'); i > 0 {
					ln = tomlLine(s, l.table[:i], l.table[i+1:])
				} else {
					ln = tomlLine(s, "", l.table)
				}
			}
			if ln > 0 && (d.line == 0 || ln < d.line) {
				d.line = ln
			}
		}
	}
	var ws *wsDef
	if p.Workspace != nil {
		ws = &wsDef{include: p.Workspace.Members, exclude: p.Workspace.Exclude}
	}
	return d, ws, nil
}

// tomlLine returns the line of key in the TOML table (dotted, unquoted
// name), or of the table's header when key is empty; 0 when not found. It
// reads headers only, which is enough to point a finding.
func tomlLine(s, tbl, key string) int {
	cur := ""
	for i, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "[[") {
			end := strings.IndexByte(t, ']')
			if end < 0 {
				continue
			}
			cur = normTable(t[1:end])
			if key == "" && cur == tbl {
				return i + 1
			}
			continue
		}
		if key != "" && cur == tbl {
			k, _, ok := strings.Cut(t, "=")
			if ok && strings.Trim(strings.TrimSpace(k), `"'`) == key {
				return i + 1
			}
		}
	}
	return 0
}

func normTable(h string) string {
	parts := strings.Split(h, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// parseSetupCfg reads `install_requires` of the [options] section of a
// setup.cfg (setuptools' declarative configuration).
func parseSetupCfg(s string) (declared, error) {
	lines := strings.Split(blank(s, iniLang, false), "\n")
	section := ""
	d := declared{fix: "pip lock . -o pylock.toml"}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "[") {
			end := strings.IndexByte(t, ']')
			if end < 0 {
				return declared{}, fmt.Errorf("line %d: malformed section header", i+1)
			}
			section = strings.ToLower(strings.TrimSpace(t[1:end]))
			continue
		}
		if section != "options" || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			k, v, ok = strings.Cut(t, ":")
		}
		if !ok || strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), "-", "_") != "install_requires" {
			continue
		}
		first := 0
		if strings.TrimSpace(v) != "" {
			d.deps++
			first = i + 1
		}
		// The value continues on the following indented lines.
		for i+1 < len(lines) && (strings.TrimSpace(lines[i+1]) == "" || lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			if strings.TrimSpace(lines[i]) != "" {
				d.deps++
				if first == 0 {
					first = i + 1
				}
			}
		}
		d.line = first
	}
	return d, nil
}

var (
	setupCallRE  = regexp.MustCompile(`(?:^|[^\w.])(?:setuptools\.)?setup\s*\(`)
	installReqRE = regexp.MustCompile(`\binstall_requires\s*=\s*`)
)

// parseSetupPy reads whether a setup.py calls `setup(` with a non-empty
// `install_requires`. Nothing is executed: a value that is not an empty
// literal list or tuple counts.
func parseSetupPy(s string) declared {
	code := blank(s, hashLang, false)
	d := declared{fix: "pip lock . -o pylock.toml"}
	if !setupCallRE.MatchString(code) {
		return d
	}
	for _, loc := range installReqRE.FindAllStringIndex(code, -1) {
		rest := code[loc[1]:]
		v := strings.Join(strings.Fields(rest[:min(len(rest), 64)]), "")
		if strings.HasPrefix(v, "[]") || strings.HasPrefix(v, "()") || strings.HasPrefix(v, "None") {
			continue
		}
		d.deps++
		if d.line == 0 {
			d.line = lineOf(s, loc[0])
		}
	}
	return d
}

// parsePipfile reads the [packages] and [dev-packages] of a Pipfile.
func parsePipfile(s string) (declared, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte(s), &m); err != nil {
		return declared{}, err
	}
	d := declared{fix: "pipenv lock"}
	for _, sec := range []string{"packages", "dev-packages"} {
		t, err := table(m[sec], "["+sec+"]")
		if err != nil {
			return declared{}, err
		}
		if len(t) == 0 {
			continue
		}
		d.deps += len(t)
		if ln := tomlLine(s, sec, ""); ln > 0 && (d.line == 0 || ln < d.line) {
			d.line = ln + 1
		}
	}
	return d, nil
}
