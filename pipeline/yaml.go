package pipeline

import (
	"errors"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits of the YAML walk. The decoder bounds nesting (10,000 levels) but
// not what a walk over aliases and merge keys costs: a few lines of
// anchors can stand for billions of nodes. Every node the walk touches is
// paid for from a per-file budget; when it runs out the file gets a
// Problem and the walk returns what it has.
const (
	// baseBudget plus one per two bytes of text is what a file may spend
	// on following aliases and merge keys: far more than real files use,
	// and a small multiple of the file's own size, so that what the walk
	// returns stays proportional to the file.
	baseBudget = 100_000
	maxDocs    = 1000
	// maxParts bounds the lines of one GitLab script after !reference
	// and nested lists are flattened.
	maxParts = 10_000
	// maxNest bounds nested sequences in scripts, !reference chains,
	// extends chains and merge-key chains.
	maxNest = 16
)

var errBudget = errors.New("over the YAML alias budget (aliases or merge keys expand too far)")

// yreader walks the nodes of one file within a budget, spent on every
// alias followed and every merged entry: without them a walk is bounded
// by the size of the document.
type yreader struct {
	f      *File
	budget int
}

func newReader(f *File, text string) *yreader {
	return &yreader{f: f, budget: baseBudget + len(text)/2}
}

func (r *yreader) spend() bool {
	if r.budget <= 0 {
		r.f.setProblem("not fully parsed: %v", errBudget)
		return false
	}
	r.budget--
	return true
}

// decodeAll decodes the YAML documents of text. A decode error ends the
// list and becomes the file's problem.
func decodeAll(f *File, text string) []*yaml.Node {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var docs []*yaml.Node
	for i := 0; ; i++ {
		if i >= maxDocs {
			f.setProblem("not fully parsed: more than %d YAML documents", maxDocs)
			break
		}
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.setProblem("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
			break
		}
		docs = append(docs, &n)
	}
	return docs
}

// deref follows a document node and aliases to the node they stand for.
func (r *yreader) deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < maxNest; i++ {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			if !r.spend() {
				return nil
			}
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

type pair struct{ k, v *yaml.Node }

// pairs returns a mapping's entries in order, merge keys (`<<`) expanded:
// the mapping's own keys first, then merged keys it does not define, the
// earlier merge source winning.
func (r *yreader) pairs(n *yaml.Node) []pair { return r.pairsDepth(n, 0) }

func (r *yreader) pairsDepth(n *yaml.Node, depth int) []pair {
	n = r.deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > maxNest {
		return nil
	}
	var own []pair
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if depth > 0 && !r.spend() {
			return own
		}
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
			merges = append(merges, v)
			continue
		}
		own = append(own, pair{k, v})
	}
	if len(merges) == 0 {
		return own
	}
	seen := make(map[string]bool, len(own))
	for _, p := range own {
		seen[p.k.Value] = true
	}
	for _, m := range merges {
		m = r.deref(m)
		if m == nil {
			continue
		}
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			for _, p := range r.pairsDepth(src, depth+1) {
				if !seen[p.k.Value] {
					seen[p.k.Value] = true
					own = append(own, p)
				}
			}
		}
	}
	return own
}

// get returns the value of key in a mapping, or nil.
func (r *yreader) get(n *yaml.Node, key string) *yaml.Node {
	for _, p := range r.pairs(n) {
		if p.k.Value == key {
			return p.v
		}
	}
	return nil
}

// items returns a sequence's items, aliases resolved.
func (r *yreader) items(n *yaml.Node) []*yaml.Node {
	n = r.deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, it := range n.Content {
		if it = r.deref(it); it != nil {
			out = append(out, it)
		}
	}
	return out
}

// str returns a scalar's value.
func (r *yreader) str(n *yaml.Node) (string, bool) {
	n = r.deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// getStr returns the scalar value of key in a mapping.
func (r *yreader) getStr(n *yaml.Node, key string) string {
	s, _ := r.str(r.get(n, key))
	return s
}

// strs returns a scalar as a one-item list, or a sequence's scalars.
func (r *yreader) strs(n *yaml.Node) []string {
	n = r.deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, it := range r.items(n) {
		if it.Kind == yaml.ScalarNode {
			out = append(out, it.Value)
		}
	}
	return out
}

// isMap reports whether n is (an alias of) a mapping.
func (r *yreader) isMap(n *yaml.Node) bool {
	n = r.deref(n)
	return n != nil && n.Kind == yaml.MappingNode
}

// pos returns the place of a node.
func (r *yreader) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{Path: r.f.Path}
	}
	return Pos{Path: r.f.Path, Line: n.Line}
}

// text returns a scalar as a Text placed at its first line of content.
func (r *yreader) text(n *yaml.Node) (Text, bool) {
	d := r.deref(n)
	if d == nil || d.Kind != yaml.ScalarNode {
		return Text{}, false
	}
	line := d.Line
	if d.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		line++
	}
	return Text{Pos: Pos{Path: r.f.Path, Line: line}, Value: d.Value}, true
}

// vars returns a mapping's scalar entries as variables. A value that is a
// mapping with `value:` (GitLab) gives that value; other non-scalars are
// rendered as flow YAML, capped.
func (r *yreader) vars(n *yaml.Node) []Var {
	var out []Var
	for _, p := range r.pairs(n) {
		v := Var{Pos: r.pos(p.k), Name: p.k.Value, Value: r.flat(p.v)}
		if t, ok := r.text(p.v); ok {
			v.ValueLine = t.Line
		}
		out = append(out, v)
	}
	return out
}

// flat renders a value as one string: a scalar as is, GitLab's
// `{value: x}` as x, a sequence of scalars joined by newlines.
func (r *yreader) flat(n *yaml.Node) string {
	n = r.deref(n)
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.MappingNode:
		if v := r.get(n, "value"); v != nil {
			s, _ := r.str(v)
			return s
		}
	case yaml.SequenceNode:
		return strings.Join(r.strs(n), "\n")
	}
	return ""
}

// lineComment returns a node's line comment without the "#".
func lineComment(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n.LineComment), "#"))
}
