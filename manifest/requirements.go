package manifest

import (
	"fmt"
	"regexp"
	"strings"
)

// Requirements is a parsed pip requirements file.
type Requirements struct {
	Path string
	// Unread says why the file could not be read; the rest is then empty.
	Unread string
	// Lines are the requirements, in order (editable and URL ones too).
	Lines []Requirement
	// Includes are the `-r`/`--requirement` lines.
	Includes []Include
	// Hashed says whether every requirement, includes followed, is
	// `==`-pinned with at least one `--hash`: Pass, Fail, or Unknown when an
	// include could not be read. Set by Parse.
	Hashed Status
	// HashedWhy explains Hashed when it is not Pass.
	HashedWhy string
	// Total and HashCount count the requirements and their --hash options,
	// includes followed (each file once).
	Total, HashCount int

	bad []Problem
}

// Requirement is one requirement line (after line continuations are
// joined).
type Requirement struct {
	// Line is the first physical line.
	Line int
	// Text is the requirement without its options.
	Text string
	// Name is the project name, "" for a URL or path requirement.
	Name string
	// Pinned: exactly one `==` (or `===`) clause, without a wildcard.
	Pinned bool
	// Hashes counts its --hash options.
	Hashes int
	// Editable is a `-e`/`--editable` requirement; URL a direct reference
	// (`name @ url`, a URL or a path). Neither is pinned.
	Editable, URL bool
}

// Include is one `-r FILE` line.
type Include struct {
	Line int
	// Raw is the file as written.
	Raw string
	// Target is the included file's path in the repository, resolved
	// against the including file's directory as pip does; "" when it
	// leaves the repository.
	Target string
}

// firstLine is the line of the first requirement or include.
func (r *Requirements) firstLine() int {
	l := 0
	if len(r.Lines) > 0 {
		l = r.Lines[0].Line
	}
	if len(r.Includes) > 0 && (l == 0 || r.Includes[0].Line < l) {
		l = r.Includes[0].Line
	}
	return l
}

var (
	reqNameRE   = regexp.MustCompile(`^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$`)
	urlSchemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
)

// ParseRequirements parses a pip requirements file the way pip reads one:
// lines ending in `\` are joined, `#` comments (at the start or after
// whitespace) are dropped, option lines are read, and each requirement's
// `--hash` options are counted. An unreadable text (t.unread) is recorded.
func ParseRequirements(p string, t text) *Requirements {
	r := &Requirements{Path: p, Unread: t.unread}
	if t.unread != "" {
		return r
	}
	dir := dirOf(p)
	phys := strings.Split(strings.TrimPrefix(t.s, "\ufeff"), "\n")
	for i := 0; i < len(phys); i++ {
		start := i + 1
		line := strings.TrimRight(phys[i], "\r")
		// pip joins a line ending in a backslash with the next one; a
		// comment line never continues.
		for strings.HasSuffix(line, "\\") && !strings.HasPrefix(strings.TrimSpace(line), "#") && i+1 < len(phys) {
			i++
			line = strings.TrimSuffix(line, "\\") + " " + strings.TrimRight(phys[i], "\r")
		}
		line = strings.TrimSpace(stripComment(strings.TrimSuffix(line, "\\")))
		if line == "" {
			continue
		}
		r.parseLine(dir, start, line)
	}
	return r
}

func (r *Requirements) parseLine(dir string, n int, line string) {
	fields := strings.Fields(line)
	if strings.HasPrefix(fields[0], "-") {
		opt, val := fields[0], ""
		if k, v, ok := strings.Cut(opt, "="); ok && strings.HasPrefix(opt, "--") {
			opt, val = k, v
		} else if len(opt) > 2 && !strings.HasPrefix(opt, "--") {
			// -rfile, -efile
			opt, val = opt[:2], opt[2:]
		}
		rest := fields[1:]
		if val == "" && len(rest) > 0 {
			val, rest = rest[0], rest[1:]
		}
		switch opt {
		case "-r", "--requirement":
			inc := Include{Line: n, Raw: val}
			if t, ok := joinRel(dir, val); ok && !urlSchemeRE.MatchString(val) {
				inc.Target = t
			}
			r.Includes = append(r.Includes, inc)
		case "-e", "--editable":
			req := Requirement{Line: n, Text: "-e " + val, Editable: true}
			req.Hashes = countHashes(rest)
			r.Lines = append(r.Lines, req)
		}
		// Other options (-c, -i, --index-url, --hash alone, …) declare no
		// requirement.
		return
	}
	// The requirement is every token up to the first option.
	var spec []string
	opts := fields
	for len(opts) > 0 && !strings.HasPrefix(opts[0], "-") {
		spec, opts = append(spec, opts[0]), opts[1:]
	}
	text := strings.Join(spec, " ")
	req := Requirement{Line: n, Text: text, Hashes: countHashes(opts)}
	body := text
	if urlSchemeRE.MatchString(body) || strings.HasPrefix(body, ".") || strings.HasPrefix(body, "/") {
		req.URL = true
		r.Lines = append(r.Lines, req)
		return
	}
	if i := strings.IndexByte(body, ';'); i >= 0 {
		body = body[:i]
	}
	m := reqNameRE.FindStringSubmatch(strings.TrimSpace(body))
	if m == nil {
		req.URL = true
		r.Lines = append(r.Lines, req)
		return
	}
	req.Name = m[1]
	vs := strings.TrimSpace(m[3])
	if strings.HasPrefix(vs, "@") {
		req.URL = true
	} else {
		req.Pinned = exactPin(vs)
	}
	r.Lines = append(r.Lines, req)
}

// stripComment drops a `#` comment: one at the start of the line or after
// whitespace (a `#` inside a URL fragment is not a comment).
func stripComment(l string) string {
	for i := 0; i < len(l); i++ {
		if l[i] == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t') {
			return l[:i]
		}
	}
	return l
}

// exactPin says whether a version specifier set is one `==` or `===`
// clause without a wildcard.
func exactPin(vs string) bool {
	vs = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(vs), "("), ")"))
	if strings.Contains(vs, ",") {
		return false
	}
	v, ok := strings.CutPrefix(vs, "===")
	if !ok {
		v, ok = strings.CutPrefix(vs, "==")
	}
	v = strings.TrimSpace(v)
	return ok && v != "" && !strings.ContainsAny(v, "*<>=!~ ")
}

// countHashes counts the --hash options among tokens.
func countHashes(tokens []string) int {
	n := 0
	for i, t := range tokens {
		switch {
		case strings.HasPrefix(t, "--hash="):
			n++
		case t == "--hash" && i+1 < len(tokens):
			n++
		}
	}
	return n
}

// hashState is the result of following a requirements file's includes.
type hashState struct {
	status Status
	why    string
	// bad locates, in the file asked about, the first requirement that
	// is not pinned with a hash (or the -r line leading to it).
	bad                 []Problem
	first               string
	nbad, total, hashes int
}

// hashed decides whether every requirement of the file at f, includes
// followed, is ==-pinned with --hash. Called with a nil seen, it records
// the result on the file.
func (p *parser) hashed(f string, seen map[string]bool) hashState {
	r := p.set.Requirements[f]
	top := seen == nil
	if top {
		if r.Hashed != "" {
			return hashState{status: r.Hashed, why: r.HashedWhy, bad: r.bad, total: r.Total, hashes: r.HashCount}
		}
		seen = map[string]bool{}
	}
	seen[f] = true
	st := hashState{status: Pass}
	var unknown []string
	var first *Problem
	for _, q := range r.Lines {
		st.total++
		st.hashes += q.Hashes
		if q.Pinned && q.Hashes > 0 && !q.Editable && !q.URL {
			continue
		}
		st.nbad++
		if first == nil {
			first = &Problem{Path: f, Line: q.Line, Message: fmt.Sprintf("line %d, `%s`, %s", q.Line, q.Text, whyUnpinned(q))}
		}
	}
	for _, inc := range r.Includes {
		switch tgt := p.findPath(inc.Target); {
		case inc.Target == "":
			unknown = append(unknown, fmt.Sprintf("line %d includes %s, outside the repository", inc.Line, inc.Raw))
		case seen[tgt]:
			// A cycle (pip would refuse it) or a file already counted.
		case p.set.Requirements[tgt] != nil:
			sub := p.hashed(tgt, seen)
			st.total += sub.total
			st.hashes += sub.hashes
			st.nbad += sub.nbad
			switch sub.status {
			case Fail:
				if first == nil {
					first = &Problem{Path: f, Line: inc.Line, Message: fmt.Sprintf("line %d includes %s, where %s", inc.Line, tgt, sub.first)}
				}
			case Unknown:
				unknown = append(unknown, sub.why)
			}
		case p.inFiles(tgt):
			unknown = append(unknown, fmt.Sprintf("line %d includes %s, which ssdf does not read", inc.Line, tgt))
		default:
			unknown = append(unknown, fmt.Sprintf("line %d includes %s, which is not in the repository or is excluded", inc.Line, inc.Target))
		}
	}
	switch {
	case first != nil:
		st.status = Fail
		st.first = first.Message
		st.why = fmt.Sprintf("%d of %d requirements are not ==-pinned with --hash", st.nbad, st.total)
		first.Message = fmt.Sprintf("%s is not its own lock: %s; the first is at %s", f, st.why, first.Message)
		st.bad = []Problem{*first}
	case len(unknown) > 0:
		st.status = Unknown
		st.why = strings.Join(unknown, "; ")
	}
	if top {
		r.Hashed, r.HashedWhy, r.Total, r.HashCount, r.bad = st.status, st.why, st.total, st.hashes, st.bad
	}
	return st
}

func whyUnpinned(q Requirement) string {
	switch {
	case q.Editable:
		return "is editable, not pinned"
	case q.URL:
		return "is a direct URL or path, not a pinned version"
	case !q.Pinned:
		return "is not pinned with =="
	}
	return "has no --hash"
}

// findPath returns the path as it is spelled in the tree (exactly, else
// case-insensitively), or p.
func (p *parser) findPath(want string) string {
	if want == "" {
		return ""
	}
	if _, ok := p.set.Requirements[want]; ok {
		return want
	}
	return p.actual(want)
}

func (p *parser) inFiles(f string) bool {
	for _, g := range p.x.byDir[dirOf(f)] {
		if g == f {
			return true
		}
	}
	return false
}
