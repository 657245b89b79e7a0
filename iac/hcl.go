package iac

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

const (
	// maxSize bounds the text of one file that is parsed, whatever the
	// snapshot says (a hand-made raw snapshot may hold more than the
	// walker's 4 MiB cap).
	maxSize = 4 << 20
	// maxNest bounds how deeply the parser may recurse: brackets, braces,
	// parentheses, quotes, heredocs and template sequences, plus operators
	// and template directives chained within one expression. Real
	// configurations stay far below it; the parsers recurse once per level
	// and a hostile file could otherwise exhaust the stack.
	maxNest = 1000
	// maxTokens bounds the tokens of one file. The HCL lexer and parsers
	// hold every token of a file at once (about 400 bytes each with the
	// syntax tree), so a file of a few MiB made of one-byte tokens would
	// take gigabytes. Real files of a MiB stay under it.
	maxTokens = 400_000
)

var rootSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
}}

var terraformSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "required_version"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "required_providers"}},
}

var providerSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "alias"}, {Name: "version"}}}

var moduleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "source"}, {Name: "version"}}}

var lockSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "provider", LabelNames: []string{"address"}}}}

var lockedProviderSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "version"}, {Name: "constraints"}, {Name: "hashes"},
}}

// parser reads one file; problem records the first error.
type parser struct {
	path        string
	json        bool
	problem     *string
	problemLine *int
}

func (p *parser) fail(line int, format string, args ...any) {
	if *p.problem == "" {
		*p.problem = fmt.Sprintf(format, args...)
		*p.problemLine = line
	}
}

func (p *parser) diags(ds hcl.Diagnostics) {
	for _, d := range ds {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		p.fail(line, "invalid %s: %s", map[bool]string{false: "HCL", true: "JSON"}[p.json], clip(msg))
		return
	}
}

// body parses src into a body, after the guards; nil when nothing could
// be parsed. A panic in the parser is turned into a problem.
func (p *parser) body(src string) (body hcl.Body) {
	defer func() {
		if v := recover(); v != nil {
			body = nil
			p.fail(0, "internal error while parsing: %v", v)
		}
	}()
	var file *hcl.File
	var ds hcl.Diagnostics
	if n := tokenBound(src); n > maxTokens {
		p.fail(0, "not parsed: up to %d tokens, over the %d-token cap", n, maxTokens)
		return nil
	}
	if p.json {
		if why := jsonGuard(src); why != "" {
			p.fail(0, "not parsed: %s", why)
			return nil
		}
		file, ds = hcljson.Parse([]byte(src), p.path)
	} else {
		if why := nativeGuard(src); why != "" {
			p.fail(0, "not parsed: %s", why)
			return nil
		}
		file, ds = hclsyntax.ParseConfig([]byte(src), p.path, hcl.InitialPos)
	}
	p.diags(ds)
	if file == nil || file.Body == nil {
		return nil
	}
	return file.Body
}

// parseFile parses a configuration file's text into f.
func parseFile(f *File, src string) {
	p := &parser{path: f.Path, json: f.Format == JSON, problem: &f.Problem, problemLine: &f.ProblemLine}
	body := p.body(src)
	if body == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			p.fail(0, "internal error while reading: %v", v)
		}
	}()
	content, _, ds := body.PartialContent(rootSchema)
	p.diags(ds)
	if content == nil {
		return
	}
	for _, b := range content.Blocks {
		pos := Pos{f.Path, b.DefRange.Start.Line}
		switch b.Type {
		case "terraform":
			p.terraform(f, b.Body)
		case "provider":
			c := &ProviderConfig{Pos: pos, Name: b.Labels[0]}
			attrs := p.attrs(b.Body, providerSchema)
			c.Alias, c.Version = attrs["alias"], attrs["version"]
			f.Providers = append(f.Providers, c)
		case "module":
			c := &ModuleCall{Pos: pos, Name: b.Labels[0]}
			attrs := p.attrs(b.Body, moduleSchema)
			c.Source, c.Version = attrs["source"], attrs["version"]
			f.ModuleCalls = append(f.ModuleCalls, c)
		case "resource", "data":
			f.Resources = append(f.Resources, &Resource{Pos: pos, Mode: b.Type, Type: b.Labels[0], Name: b.Labels[1]})
		}
	}
}

// attrs reads the schema's attributes of a block body as values.
func (p *parser) attrs(body hcl.Body, schema *hcl.BodySchema) map[string]Value {
	content, _, ds := body.PartialContent(schema)
	p.diags(ds)
	out := map[string]Value{}
	if content == nil {
		return out
	}
	for name, a := range content.Attributes {
		out[name] = p.value(a.Expr, a.Range.Start.Line)
	}
	return out
}

// terraform reads a `terraform` block: required_version and the entries of
// required_providers.
func (p *parser) terraform(f *File, body hcl.Body) {
	content, _, ds := body.PartialContent(terraformSchema)
	p.diags(ds)
	if content == nil {
		return
	}
	if a, ok := content.Attributes["required_version"]; ok {
		f.RequiredVersion = p.value(a.Expr, a.Range.Start.Line)
	}
	for _, b := range content.Blocks {
		attrs, ds := b.Body.JustAttributes()
		p.diags(ds)
		var reqs []*ProviderRequirement
		for name, a := range attrs {
			line := a.Range.Start.Line
			r := &ProviderRequirement{Pos: Pos{f.Path, line}, Name: name}
			if pairs, ds := hcl.ExprMap(a.Expr); !ds.HasErrors() {
				for _, kv := range pairs {
					switch p.key(kv.Key) {
					case "source":
						r.Source = p.value(kv.Value, kv.Key.Range().Start.Line)
					case "version":
						r.Version = p.value(kv.Value, kv.Key.Range().Start.Line)
					}
				}
			} else {
				// The legacy form: a version constraint string.
				r.Version = p.value(a.Expr, line)
			}
			reqs = append(reqs, r)
		}
		// JustAttributes returns a map: put the entries in source order.
		sortByLine(reqs)
		f.RequiredProviders = append(f.RequiredProviders, reqs...)
	}
}

func sortByLine(rs []*ProviderRequirement) {
	slices.SortFunc(rs, func(a, b *ProviderRequirement) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Name, b.Name))
	})
}

// key returns an object key written as a bare word or a literal string.
func (p *parser) key(e hcl.Expression) string {
	if k := hcl.ExprAsKeyword(e); k != "" {
		return k
	}
	if v := p.value(e, 0); v.Literal {
		return v.Text
	}
	return ""
}

// value reads an expression as a literal without evaluating anything:
// only an expression without variable references whose value, computed
// with no evaluation context, is a known string, number or bool.
func (p *parser) value(e hcl.Expression, line int) (v Value) {
	v = Value{Pos: Pos{p.path, line}, Set: true}
	defer func() {
		if r := recover(); r != nil {
			v.Literal, v.Text = false, ""
		}
	}()
	if !p.json && len(e.Variables()) > 0 {
		return v
	}
	val, ds := e.Value(nil)
	if ds.HasErrors() || !val.IsWhollyKnown() || val.IsNull() {
		return v
	}
	switch val.Type() {
	case cty.String:
	case cty.Number, cty.Bool:
		var err error
		if val, err = convert.Convert(val, cty.String); err != nil {
			return v
		}
	default:
		return v
	}
	s := val.AsString()
	if p.json {
		// JSON strings are templates; Value(nil) returns them verbatim.
		var ok bool
		if s, ok = jsonLiteral(s); !ok {
			return v
		}
	}
	v.Text, v.Literal = s, true
	return v
}

// jsonLiteral returns the text of a JSON string read as a template, or
// false when it holds an interpolation or directive. `$${` and `%%{` are
// escapes for literal `${` and `%{`.
func jsonLiteral(s string) (string, bool) {
	if !strings.Contains(s, "{") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '$' || c == '%') && i+1 < len(s) {
			switch {
			case s[i+1] == '{':
				return "", false
			case s[i+1] == c && i+2 < len(s) && s[i+2] == '{':
				b.WriteByte(c)
				b.WriteByte('{')
				i += 2
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// parseLock parses a .terraform.lock.hcl's text into l.
func parseLock(l *Lock, src string) {
	p := &parser{path: l.Path, problem: &l.Problem, problemLine: &l.ProblemLine}
	body := p.body(src)
	if body == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			p.fail(0, "internal error while reading: %v", v)
		}
	}()
	content, _, ds := body.PartialContent(lockSchema)
	p.diags(ds)
	if content == nil {
		return
	}
	for _, b := range content.Blocks {
		lp := &LockedProvider{Pos: Pos{l.Path, b.DefRange.Start.Line}, Address: b.Labels[0]}
		c, _, ds := b.Body.PartialContent(lockedProviderSchema)
		p.diags(ds)
		if c != nil {
			if a, ok := c.Attributes["version"]; ok {
				lp.Version = p.value(a.Expr, a.Range.Start.Line)
			}
			if a, ok := c.Attributes["constraints"]; ok {
				lp.Constraints = p.value(a.Expr, a.Range.Start.Line)
			}
			if a, ok := c.Attributes["hashes"]; ok {
				hs, ds := hcl.ExprList(a.Expr)
				p.diags(ds)
				lp.Hashes = len(hs)
			}
		}
		l.Providers = append(l.Providers, lp)
	}
}

// nativeGuard refuses native-syntax text that would make the parser
// recurse more than maxNest levels. It lexes the text (the lexer does not
// recurse) and follows the nesting of brackets, quotes, heredocs and
// template sequences; within each level, operators, `?`, indexes and
// splats add a level each until a comma (or a newline at body or object
// level, where newlines end an expression) ends the expression; template
// `if`/`for` directives add a level until their `endif`/`endfor`.
func nativeGuard(src string) string {
	toks, _ := hclsyntax.LexConfig([]byte(src), "", hcl.InitialPos)
	type level struct {
		open hclsyntax.TokenType
		ops  int
	}
	stack := []level{{open: hclsyntax.TokenOBrace}}
	ops, directives := 0, 0
	for i, t := range toks {
		top := &stack[len(stack)-1]
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if t.Type == hclsyntax.TokenOBrack && i > 0 && endsTerm(toks[i-1].Type) {
				// An index or a full splat `[*]` nests the expression it
				// applies to (the parser recurses once per splat of a
				// chain), so it counts at the enclosing level too.
				top.ops++
				ops++
			}
			stack = append(stack, level{open: t.Type})
			if t.Type == hclsyntax.TokenTemplateControl && i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenIdent {
				switch string(toks[i+1].Bytes) {
				case "if", "for":
					directives++
				case "endif", "endfor":
					if directives > 0 {
						directives--
					}
				}
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 1 {
				ops -= top.ops
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenComma:
			ops -= top.ops
			top.ops = 0
		case hclsyntax.TokenNewline:
			if top.open == hclsyntax.TokenOBrace {
				ops -= top.ops
				top.ops = 0
			}
		case hclsyntax.TokenQuestion, hclsyntax.TokenBang, hclsyntax.TokenMinus, hclsyntax.TokenPlus,
			hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPercent,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
			hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr:
			top.ops++
			ops++
		}
		if n := len(stack) - 1 + ops + directives; n > maxNest {
			return fmt.Sprintf("nested more than %d levels deep at line %d", maxNest, t.Range.Start.Line)
		}
	}
	return ""
}

// tokenBound returns an upper bound of the number of tokens in src, for
// both syntaxes, without allocating: every byte of punctuation and every
// newline may be a token, and so may every run of letters and digits.
func tokenBound(src string) int {
	n, word := 0, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c >= 0x80:
			if !word {
				n++
			}
			word = true
			continue
		case c == ' ' || c == '\t' || c == '\r':
		default:
			n++
		}
		word = false
	}
	return n
}

// endsTerm says a token can end an expression term, so that a `[` after it
// is an index or a splat rather than a tuple.
func endsTerm(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenStar:
		return true
	}
	return false
}

// jsonGuard refuses JSON text nested more than maxNest levels deep.
func jsonGuard(src string) string {
	depth, line := 0, 1
	inString, escaped := false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\n' {
			line++
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxNest {
				return fmt.Sprintf("nested more than %d levels deep at line %d", maxNest, line)
			}
		case c == '}' || c == ']':
			if depth > 0 {
				depth--
			}
		}
	}
	return ""
}

// clip shortens a parser message to one line of at most 200 bytes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= 200 {
		return s
	}
	n := 197
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "..."
}
