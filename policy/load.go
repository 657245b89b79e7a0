package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest policy file Load accepts, in bytes (1 MiB).
const MaxSize = 1 << 20

// Limits on what a policy file may ask for. A policy may come from the
// repository being scanned, so every number that sizes later work is
// bounded.
const (
	maxDays    = 36500   // reviewPeriodDays, signedCommits.days: 100 years
	maxWindow  = 100000  // signedCommits.window, in commits
	maxOwners  = 10000   // owners.min, owners.max
	maxReviews = 100     // reviews.min
	maxVisits  = 2 << 20 // nodes the walk may visit, aliases followed
	maxErrors  = 20      // errors reported before giving up
	maxShown   = 60      // characters of a value quoted in a message
)

// Error is a policy error. Line is 1-based; Key is the full key path of the
// offending value ("checks.codeowners-coverage.threshold",
// "exceptions[0].expires"), empty for errors about the file as a whole.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

// Error formats the error as "FILE:LINE: KEY: MSG", leaving out the line
// when it is unknown and the key when there is none.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Digest returns "sha256:<hex>" of the file bytes.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Load parses a policy file. name is the file name used in messages. known
// lists the check IDs the policy may name (pass ssdf.CheckIDs from package
// github.com/ssdf-dev/ssdf/ssdf).
//
// The result starts from Default and takes what the file says. An empty
// file, or one with only comments, gives the defaults. Every problem is an
// *Error naming the file, the line and the key; when there are several,
// they are joined (errors.Join) in line order, and errors.As finds the
// first.
func Load(name string, data []byte, known []string) (*Policy, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("the policy file is %d bytes, more than the limit of 1 MiB (%d bytes)", len(data), MaxSize)}
	}
	if line, msg := checkText(data); msg != "" {
		return nil, &Error{File: name, Line: line, Msg: msg}
	}
	root, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	p := Default()
	if root == nil {
		return p, nil
	}
	l := &loader{file: name, known: known, active: map[*yaml.Node]bool{}}
	l.run(func() { l.policy(root, p) })
	if err := l.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkText reports the first byte that is not UTF-8 or not allowed in
// YAML, with its line. The YAML reader finds these too, but without a line.
func checkText(data []byte) (line int, msg string) {
	line = 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line, fmt.Sprintf("invalid UTF-8 (byte 0x%02x at offset %d): a policy file must be UTF-8 text", data[i], i)
		}
		switch {
		case r == '\r':
			if i+1 == len(data) || data[i+1] != '\n' {
				line++
			}
		case r == '\n', r == 0x85, r == 0x2028, r == 0x2029:
			line++
		case r == '\t',
			r >= 0x20 && r <= 0x7e,
			r >= 0xa0 && r <= 0xd7ff,
			r >= 0xe000 && r <= 0xfffd,
			r >= 0x10000 && r <= 0x10ffff:
		default:
			return line, fmt.Sprintf("control character U+%04X (offset %d) is not allowed in YAML", r, i)
		}
		i += size
	}
	return line, ""
}

// parse returns the content of the file's one YAML document, or nil when
// there is none.
func parse(name string, data []byte) (root *yaml.Node, err error) {
	defer func() {
		// The YAML package turns its own failures into errors; anything
		// else is a bug in it, which a hostile file must not turn into a
		// crash.
		if r := recover(); r != nil {
			root, err = nil, &Error{File: name, Line: 1, Msg: fmt.Sprintf("invalid YAML: the parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, yamlError(name, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		return nil, yamlError(name, data, err)
	default:
		return nil, &Error{File: name, Line: next.Line, Msg: "a second YAML document: a policy file holds exactly one"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root = doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, nil // "---" alone, or only comments
	}
	return root, nil
}

var (
	yamlLineRE   = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`(?s)^yaml: unknown anchor '(.*)' referenced$`)
)

// parserProblems are the messages of the YAML parser (as opposed to its
// scanner). For these the YAML package reports a 0-based line: the start of
// the construct being parsed, or else where the problem is.
var parserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
	"found undefined tag handle",
}

// yamlError turns a YAML syntax error into an *Error with a line.
func yamlError(name string, data []byte, err error) *Error {
	msg := err.Error()
	line := 1 // the YAML package leaves the line out when it is the first
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			line = n
		}
		msg = m[2]
		if slices.Contains(parserProblems, msg) {
			line++
		}
	} else {
		if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
			line = aliasLine(data, m[1])
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	// An unexpected end of file is reported on the line after the last.
	last := 1 + bytes.Count(data, []byte("\n"))
	if bytes.HasSuffix(data, []byte("\n")) {
		last--
	}
	return &Error{File: name, Line: max(1, min(line, last)), Msg: "invalid YAML: " + msg}
}

// aliasLine finds the line of the first use of alias *anchor, or 1.
func aliasLine(data []byte, anchor string) int {
	tok := []byte("*" + anchor)
	for off := 0; ; {
		i := bytes.Index(data[off:], tok)
		if i < 0 {
			return 1
		}
		end := off + i + len(tok)
		if end == len(data) || bytes.IndexByte([]byte(" \t\r\n,]}"), data[end]) >= 0 {
			return 1 + bytes.Count(data[:off+i], []byte("\n"))
		}
		off = end
	}
}

// loader walks the YAML tree, filling a Policy and collecting errors.
type loader struct {
	file   string
	known  []string
	errs   []*Error
	visits int
	active map[*yaml.Node]bool // mappings whose entries are being listed, against merge cycles
}

// abort stops the walk: too many errors, or too many nodes.
type abort struct{}

func (l *loader) run(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(abort); !ok {
				panic(r)
			}
		}
	}()
	f()
}

func (l *loader) errorf(n *yaml.Node, key, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.errs = append(l.errs, &Error{File: l.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
	if len(l.errs) == maxErrors {
		l.errs = append(l.errs, &Error{File: l.file, Line: line, Msg: "too many errors; stopping"})
		panic(abort{})
	}
}

// err returns the collected errors, one or joined, in line order.
func (l *loader) err() error {
	var errs []error
	seen := map[Error]bool{}
	slices.SortStableFunc(l.errs, func(a, b *Error) int { return a.Line - b.Line })
	for _, e := range l.errs {
		if !seen[*e] {
			seen[*e] = true
			errs = append(errs, e)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// node follows an alias and counts the visit; an alias bomb runs out of
// visits long before it runs out of memory.
func (l *loader) node(n *yaml.Node, key string) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode; i++ {
		if n.Alias == nil || i == 100 {
			l.errorf(n, key, "alias *%s refers to nothing", n.Value)
			panic(abort{})
		}
		n = n.Alias
	}
	l.visits++
	if l.visits > maxVisits {
		l.errorf(n, key, "the document expands to more than %d nodes through aliases", maxVisits)
		panic(abort{})
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a value for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		if tag := n.ShortTag(); tag != "!!map" {
			return "a mapping tagged " + clip(tag)
		}
		return "a mapping"
	case yaml.SequenceNode:
		if tag := n.ShortTag(); tag != "!!seq" {
			return "a list tagged " + clip(tag)
		}
		return "a list"
	case yaml.ScalarNode:
		switch tag := n.ShortTag(); tag {
		case "!!null":
			return "null"
		case "!!str":
			return strconv.Quote(clip(n.Value))
		case "!!int", "!!float", "!!bool", "!!timestamp":
			return clip(n.Value)
		default:
			return clip(tag) + " " + strconv.Quote(clip(n.Value))
		}
	}
	return "an unexpected YAML node"
}

func clip(s string) string {
	if len(s) <= maxShown {
		return s
	}
	i := maxShown
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// join appends a mapping key to a key path.
func join(key, name string) string {
	name = clip(name)
	if key == "" {
		return name
	}
	return key + "." + name
}

type entry struct{ key, val *yaml.Node }

// entries lists a mapping's entries, merges (<<) resolved: explicit keys
// win over merged ones, earlier merges over later ones. A duplicate
// explicit key is an error.
func (l *loader) entries(m *yaml.Node, key string) []entry {
	l.active[m] = true
	defer delete(l.active, m)
	var out []entry
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := l.node(m.Content[i], key), m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			l.errorf(k, key, "a key must be a string, got %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.errorf(k, join(key, k.Value), "duplicate key (first on line %d)", first.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, entry{k, v})
	}
	for _, v := range merges {
		v = l.node(v, key)
		srcs := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			srcs = nil
			for _, s := range v.Content {
				srcs = append(srcs, l.node(s, key))
			}
		}
		for _, s := range srcs {
			if s.Kind != yaml.MappingNode {
				l.errorf(s, key, "a merge (<<) takes a mapping or a list of mappings, got %s", describe(s))
				continue
			}
			if l.active[s] {
				l.errorf(s, key, "a mapping is merged (<<) into itself")
				continue
			}
			for _, e := range l.entries(s, key) {
				if _, ok := seen[e.key.Value]; !ok {
					seen[e.key.Value] = e.key
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// fields walks a mapping with the given keys, calling f for each entry and
// reporting unknown keys. It reports whether n was a mapping (or null).
func (l *loader) fields(n *yaml.Node, key string, names []string, f func(name string, k, v *yaml.Node)) bool {
	r := l.node(n, key)
	if isNull(r) {
		return true
	}
	if r.Kind != yaml.MappingNode || r.ShortTag() != "!!map" {
		l.errorf(n, key, "must be a mapping with keys %s, got %s", strings.Join(names, ", "), describe(r))
		return false
	}
	for _, e := range l.entries(r, key) {
		name := e.key.Value
		if !slices.Contains(names, name) {
			l.errorf(e.key, join(key, name), "unknown key%s", suggest(name, names, "; known keys are "+strings.Join(names, ", ")))
			continue
		}
		f(name, e.key, e.val)
	}
	return true
}

// list walks a sequence, calling f for each item with its key path. Null
// is an empty list.
func (l *loader) list(n *yaml.Node, key, what string, f func(key string, v *yaml.Node)) {
	r := l.node(n, key)
	if isNull(r) {
		return
	}
	if r.Kind != yaml.SequenceNode || r.ShortTag() != "!!seq" {
		l.errorf(n, key, "must be a list of %s, got %s", what, describe(r))
		return
	}
	for i, v := range r.Content {
		f(key+"["+strconv.Itoa(i)+"]", v)
	}
}

// str reads a string. Any plain scalar is taken as its text (ticket: 4711
// is the ticket "4711"); null is "" when nullOK.
func (l *loader) str(n *yaml.Node, key, what string, nullOK bool) (string, bool) {
	r := l.node(n, key)
	if r.Kind == yaml.ScalarNode {
		switch r.ShortTag() {
		case "!!null":
			if nullOK {
				return "", true
			}
		case "!!str", "!!int", "!!float", "!!bool", "!!timestamp":
			return r.Value, true
		}
	}
	l.errorf(n, key, "must be %s, got %s", what, describe(r))
	return "", false
}

func (l *loader) integer(n *yaml.Node, key string, lo, hi int) (int, bool) {
	r := l.node(n, key)
	var v int64
	if r.Kind == yaml.ScalarNode && r.ShortTag() == "!!int" && r.Decode(&v) == nil && v >= int64(lo) && v <= int64(hi) {
		return int(v), true
	}
	l.errorf(n, key, "must be a whole number from %d to %d, got %s", lo, hi, describe(r))
	return 0, false
}

func (l *loader) percent(n *yaml.Node, key string) (float64, bool) {
	r := l.node(n, key)
	var v float64
	if r.Kind == yaml.ScalarNode && (r.ShortTag() == "!!int" || r.ShortTag() == "!!float") && r.Decode(&v) == nil && v >= 0 && v <= 100 {
		return v, true
	}
	l.errorf(n, key, "must be a number from 0 to 100 (a percentage), got %s", describe(r))
	return 0, false
}

func (l *loader) boolean(n *yaml.Node, key string) (bool, bool) {
	r := l.node(n, key)
	var v bool
	if r.Kind == yaml.ScalarNode && r.ShortTag() == "!!bool" && r.Decode(&v) == nil {
		return v, true
	}
	l.errorf(n, key, "must be true or false, got %s", describe(r))
	return false, false
}

// date reads a YYYY-MM-DD date, given as a YAML timestamp or a string.
// Null is the zero time.
func (l *loader) date(n *yaml.Node, key string) (time.Time, bool) {
	r := l.node(n, key)
	if isNull(r) {
		return time.Time{}, true
	}
	if r.Kind == yaml.ScalarNode && (r.ShortTag() == "!!timestamp" || r.ShortTag() == "!!str") {
		if t, err := time.Parse(time.DateOnly, r.Value); err == nil {
			return t, true
		}
	}
	l.errorf(n, key, "must be a date YYYY-MM-DD, got %s", describe(r))
	return time.Time{}, false
}

// names reads a list of non-blank names (of bypass actors, deploy keys).
func (l *loader) names(n *yaml.Node, key, what, one string) []string {
	var out []string
	l.list(n, key, what, func(key string, v *yaml.Node) {
		s, ok := l.str(v, key, one, false)
		switch {
		case !ok:
		case strings.TrimSpace(s) == "":
			l.errorf(v, key, "%s must not be blank", one)
		default:
			out = append(out, s)
		}
	})
	return out
}

// globs reads a list of glob patterns (see package glob).
func (l *loader) globs(n *yaml.Node, key string) []string {
	var out []string
	l.list(n, key, "glob patterns", func(key string, v *yaml.Node) {
		s, ok := l.str(v, key, "a glob pattern", false)
		if !ok {
			return
		}
		if msg := globProblem(s); msg != "" {
			l.errorf(v, key, "%s", msg)
			return
		}
		out = append(out, s)
	})
	return out
}

// globProblem says what is wrong with a glob pattern: each segment is a
// path.Match pattern, or "**".
func globProblem(pattern string) string {
	if pattern == "" {
		return "empty glob pattern"
	}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Sprintf("malformed glob pattern %q: bad segment %q (unclosed [ or trailing \\)", clip(pattern), clip(seg))
		}
	}
	return ""
}

// checkID reads a check ID and checks that it is known.
func (l *loader) checkID(id string, n *yaml.Node, key string) bool {
	if slices.Contains(l.known, id) {
		return true
	}
	l.errorf(n, key, "unknown check ID %q%s", clip(id), suggest(id, l.known, ""))
	return false
}

var topKeys = []string{"version", "reviewPeriodDays", "exclude", "checks", "requiredTools", "securityKeywords", "owners", "reviews", "signedCommits", "deployKeys", "tracker", "auditLog", "approvers", "exceptions"}

func (l *loader) policy(root *yaml.Node, p *Policy) {
	root = l.node(root, "")
	if root.Kind != yaml.MappingNode {
		l.errorf(root, "", "the policy must be a mapping (key: value) at the top level, got %s", describe(root))
		return
	}
	l.fields(root, "", topKeys, func(name string, k, v *yaml.Node) {
		switch name {
		case "version":
			r := l.node(v, name)
			var ver int64
			if r.Kind != yaml.ScalarNode || r.ShortTag() != "!!int" || r.Decode(&ver) != nil || ver != 1 {
				l.errorf(v, name, "unsupported version %s: this ssdf reads version 1", describe(r))
			}
		case "reviewPeriodDays":
			if d, ok := l.integer(v, name, 1, maxDays); ok {
				p.ReviewPeriodDays = d
			}
		case "exclude":
			p.Exclude = l.globs(v, name)
		case "checks":
			l.checks(v, p)
		case "requiredTools":
			p.RequiredTools = nil
			l.list(v, name, "tool types", func(key string, v *yaml.Node) {
				s, ok := l.str(v, key, "a tool type", false)
				if !ok {
					return
				}
				if !slices.Contains(ToolTypes, s) {
					l.errorf(v, key, "unknown tool type %q%s", clip(s), suggest(s, ToolTypes, "; known types are "+strings.Join(ToolTypes, ", ")))
					return
				}
				p.RequiredTools = append(p.RequiredTools, s)
			})
		case "securityKeywords":
			var kws []string
			bad := false
			l.list(v, name, "keywords", func(key string, v *yaml.Node) {
				s, ok := l.str(v, key, "a keyword", false)
				switch {
				case !ok:
					bad = true
				case strings.TrimSpace(s) == "":
					l.errorf(v, key, "a keyword must not be blank")
					bad = true
				default:
					kws = append(kws, s)
				}
			})
			if len(kws) == 0 && !bad {
				l.errorf(v, name, "must not be empty: list at least one keyword, or leave the key out for the defaults")
			}
			p.SecurityKeywords = kws
		case "owners":
			l.owners(v, p)
		case "reviews":
			l.fields(v, name, []string{"min", "bypassAllowed"}, func(name string, _, v *yaml.Node) {
				switch name {
				case "min":
					if n, ok := l.integer(v, "reviews.min", 0, maxReviews); ok {
						p.Reviews.Min = n
					}
				case "bypassAllowed":
					p.Reviews.BypassAllowed = l.names(v, "reviews.bypassAllowed", "bypass actor names", "a bypass actor name")
				}
			})
		case "deployKeys":
			l.fields(v, name, []string{"allowWrite"}, func(_ string, _, v *yaml.Node) {
				p.DeployKeys.AllowWrite = l.names(v, "deployKeys.allowWrite", "deploy key titles", "a deploy key title")
			})
		case "signedCommits":
			l.signedCommits(v, p)
		case "tracker":
			l.tracker(k, v, p)
		case "auditLog":
			l.fields(v, name, []string{"freshnessHours"}, func(_ string, _, v *yaml.Node) {
				if n, ok := l.integer(v, "auditLog.freshnessHours", 1, maxDays*24); ok {
					p.AuditLog.FreshnessHours = n
				}
			})
		case "approvers":
			p.Approvers = l.names(v, "approvers", "approver names", "an approver name")
		case "exceptions":
			l.exceptions(v, p)
		}
	})
}

func (l *loader) checks(v *yaml.Node, p *Policy) {
	n := l.node(v, "checks")
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode || n.ShortTag() != "!!map" {
		l.errorf(v, "checks", "must be a mapping from check ID to settings, got %s", describe(n))
		return
	}
	for _, e := range l.entries(n, "checks") {
		id := e.key.Value
		key := join("checks", id)
		if !l.checkID(id, e.key, key) {
			continue
		}
		c := CheckConfig{Line: e.key.Line}
		l.fields(e.val, key, []string{"required", "threshold"}, func(name string, _, v *yaml.Node) {
			switch name {
			case "required":
				if b, ok := l.boolean(v, key+".required"); ok {
					c.Required = &b
				}
			case "threshold":
				if t, ok := l.percent(v, key+".threshold"); ok {
					c.Threshold = &t
				}
			}
		})
		p.Checks[id] = c
	}
}

func (l *loader) owners(v *yaml.Node, p *Policy) {
	var minNode, maxNode *yaml.Node
	l.fields(v, "owners", []string{"min", "max"}, func(name string, _, v *yaml.Node) {
		switch name {
		case "min":
			if n, ok := l.integer(v, "owners.min", 0, maxOwners); ok {
				p.Owners.Min, minNode = n, v
			}
		case "max":
			if n, ok := l.integer(v, "owners.max", 1, maxOwners); ok {
				p.Owners.Max, maxNode = n, v
			}
		}
	})
	if p.Owners.Min <= p.Owners.Max {
		return
	}
	switch {
	case minNode != nil && maxNode != nil:
		l.errorf(minNode, "owners.min", "is %d, more than owners.max (%d)", p.Owners.Min, p.Owners.Max)
	case minNode != nil:
		l.errorf(minNode, "owners.min", "is %d, more than owners.max (%d, the default)", p.Owners.Min, p.Owners.Max)
	case maxNode != nil:
		l.errorf(maxNode, "owners.max", "is %d, less than owners.min (%d, the default)", p.Owners.Max, p.Owners.Min)
	}
}

func (l *loader) signedCommits(v *yaml.Node, p *Policy) {
	s := &p.SignedCommits
	l.fields(v, "signedCommits", []string{"window", "days", "threshold", "allowedSigners"}, func(name string, _, v *yaml.Node) {
		key := "signedCommits." + name
		switch name {
		case "window":
			if n, ok := l.integer(v, key, 1, maxWindow); ok {
				s.Window = n
			}
		case "days":
			if n, ok := l.integer(v, key, 1, maxDays); ok {
				s.Days = n
			}
		case "threshold":
			if t, ok := l.percent(v, key); ok {
				s.Threshold = t
			}
		case "allowedSigners":
			if f, ok := l.str(v, key, "a file path", true); ok {
				s.AllowedSigners = f
			}
		}
	})
}

func (l *loader) tracker(k, v *yaml.Node, p *Policy) {
	n := l.node(v, "tracker")
	if isNull(n) {
		p.Tracker = nil
		return
	}
	t := &Tracker{Line: k.Line}
	hasKind := false
	ok := l.fields(v, "tracker", []string{"kind", "url", "project"}, func(name string, _, v *yaml.Node) {
		key := "tracker." + name
		switch name {
		case "kind":
			hasKind = true
			s, ok := l.str(v, key, "a tracker kind", false)
			if !ok {
				return
			}
			if !slices.Contains(TrackerKinds, s) {
				l.errorf(v, key, "unknown tracker kind %q; known kinds are %s", clip(s), strings.Join(TrackerKinds, ", "))
				return
			}
			t.Kind = s
		case "url":
			s, ok := l.str(v, key, "a URL", true)
			if !ok || s == "" {
				return
			}
			if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				l.errorf(v, key, "must be an http or https URL, got %q", clip(s))
				return
			}
			t.URL = s
		case "project":
			if s, ok := l.str(v, key, "a project name", true); ok {
				t.Project = s
			}
		}
	})
	if ok && !hasKind {
		l.errorf(n, "tracker", "missing key kind (one of %s)", strings.Join(TrackerKinds, ", "))
	}
	p.Tracker = t
}

func (l *loader) exceptions(v *yaml.Node, p *Policy) {
	p.Exceptions = nil
	l.list(v, "exceptions", "exceptions", func(key string, item *yaml.Node) {
		e := Exception{Line: item.Line}
		if isNull(l.node(item, key)) {
			l.errorf(item, key, "must be a mapping with keys check, paths, reason, ticket, approvedBy, expires, got null")
			return
		}
		hasCheck := false
		ok := l.fields(item, key, []string{"check", "paths", "reason", "ticket", "approvedBy", "expires"}, func(name string, _, v *yaml.Node) {
			key := key + "." + name
			switch name {
			case "check":
				hasCheck = true
				if s, ok := l.str(v, key, "a check ID", false); ok && l.checkID(s, v, key) {
					e.Check = s
				}
			case "paths":
				e.Paths = l.globs(v, key)
			case "reason":
				e.Reason, _ = l.str(v, key, "a string", true)
			case "ticket":
				e.Ticket, _ = l.str(v, key, "a ticket URL or ID", true)
			case "approvedBy":
				e.ApprovedBy, _ = l.str(v, key, "a string", true)
			case "expires":
				e.Expires, _ = l.date(v, key)
			}
		})
		if !ok {
			return
		}
		if !hasCheck {
			l.errorf(item, key, "missing key check (the ID of the check it waives)")
		}
		p.Exceptions = append(p.Exceptions, e)
	})
}

// suggest returns " (did you mean X?)" for the candidates closest to name,
// or otherwise.
func suggest(name string, candidates []string, otherwise string) string {
	if len(name) > 100 {
		return otherwise
	}
	best, bestD := []string(nil), 1+max(2, len(name)/3)
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		switch {
		case d < bestD:
			best, bestD = []string{c}, d
		case d == bestD:
			best = append(best, c)
		}
	}
	if len(best) == 0 || len(best) > 3 {
		return otherwise
	}
	return " (did you mean " + strings.Join(best, " or ") + "?)"
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
