package pipeline

import (
	"strings"
)

// Spinnaker Dinghy files (`dinghyfile`, `*.module`) are JSON with Go
// template actions: `{{ module "wait.stage.module" "waitTime" 10 }}`,
// `{{ local_module "/deploy/stage" }}`, `{{ var "app" }}`, also inside
// strings. Until rendered they are not valid JSON, so they are read by a
// tolerant tokenizer that treats every `{{ … }}` as one opaque value and
// never requires the JSON to be well formed: it finds the module calls,
// the pipelines (`"pipelines": [{"name": …}]`, one job each) and the
// stages (objects of a `"stages"` array, or a module whose top object has
// a `refId`) with their `type`. Nothing is rendered or executed.

// ModuleRef is the kind of a Dinghy `module` or `appModule` reference: a
// file of the Dinghy template repository, which has no version.
const ModuleRef RefKind = "module"

// Dinghy is what a dinghyfile or .module file says.
type Dinghy struct {
	// Application is the top-level "application" value.
	Application string
	// Modules are the module calls: `module` and `appModule` (Kind
	// ModuleRef), `local_module` (Kind LocalRef). Name is the module;
	// Raw is the action as written, without the braces.
	Modules []*Ref
	// Stages are the stages written inline.
	Stages []*DinghyStage
}

// DinghyStage is one inline stage.
type DinghyStage struct {
	Pos
	Type string
	Name string
	// Pipeline is the name of the inline pipeline that holds the stage.
	Pipeline string
}

const maxDinghyDepth = 512

type jtok struct {
	kind byte // one of {}[]:, or 's' string, 'l' literal, 't' template
	val  string
	line int
}

func parseDinghy(f *File, text string) {
	d := &Dinghy{}
	f.Dinghy = d
	toks := dinghyTokens(f, d, text)

	type frame struct {
		obj       bool
		parentKey string
		key       string // the current key of an object
		expectKey bool
		line      int
		typ, name string
		refID     bool
		job       *Job
		// stages is the number of stages seen when a pipeline started.
		stages int
	}
	var stack []*frame
	top := func() *frame {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	// containerKey is the key under which a new value sits: the object's
	// current key, or the key of the array that holds it.
	containerKey := func() string {
		t := top()
		switch {
		case t == nil:
			return ""
		case t.obj:
			return t.key
		default:
			return t.parentKey
		}
	}
	value := func(tk jtok) {
		t := top()
		if t == nil || !t.obj {
			return
		}
		if tk.kind == 's' {
			switch t.key {
			case "type":
				t.typ = tk.val
			case "name":
				t.name = tk.val
			case "application":
				if len(stack) == 1 {
					d.Application = tk.val
				}
			}
		}
		if t.key == "refId" {
			t.refID = true
		}
	}
	for _, tk := range toks {
		t := top()
		switch tk.kind {
		case '{', '[':
			if len(stack) >= maxDinghyDepth {
				f.setProblem("not fully parsed: nested deeper than %d levels", maxDinghyDepth)
				return
			}
			fr := &frame{obj: tk.kind == '{', parentKey: containerKey(), expectKey: tk.kind == '{', line: tk.line}
			if t != nil && t.obj {
				t.expectKey = false
			}
			if fr.obj && fr.parentKey == "pipelines" && t != nil && !t.obj {
				fr.job = &Job{File: f, Pos: Pos{Path: f.Path, Line: tk.line}}
				fr.stages = len(d.Stages)
			}
			stack = append(stack, fr)
		case '}', ']':
			if t == nil || t.obj != (tk.kind == '}') {
				continue // unbalanced: tolerated
			}
			stack = stack[:len(stack)-1]
			if !t.obj {
				continue
			}
			inStages := t.parentKey == "stages" && top() != nil && !top().obj
			moduleStage := len(stack) == 0 && f.Kind == DinghyModule && t.refID
			if t.typ != "" && (inStages || moduleStage) {
				st := &DinghyStage{Pos: Pos{Path: f.Path, Line: t.line}, Type: t.typ, Name: t.name}
				d.Stages = append(d.Stages, st)
				for i := len(stack) - 1; i >= 0; i-- {
					if j := stack[i].job; j != nil {
						name := cmpOr(t.name, t.typ)
						j.Steps = append(j.Steps, &Step{Pos: st.Pos, Name: name})
						break
					}
				}
			}
			if t.job != nil {
				t.job.ID, t.job.Name = t.name, t.name
				f.Jobs = append(f.Jobs, t.job)
				for _, st := range d.Stages[t.stages:] {
					st.Pipeline = t.name
				}
			}
		case ':':
			if t != nil && t.obj {
				t.expectKey = false
			}
		case ',':
			if t != nil && t.obj {
				t.expectKey = true
				t.key = ""
			}
		case 's':
			if t != nil && t.obj && t.expectKey {
				t.key = tk.val
				continue
			}
			value(tk)
		default: // literal or template
			value(tk)
		}
	}
}

// dinghyModuleText says whether the text of a `.module` file is a Dinghy
// module: JSON-like (it starts with "{" or "[") with a template action or
// a "type", "stages" or "pipelines" key. Drupal's PHP `.module` files and
// Gradle's module metadata are not.
func dinghyModuleText(text string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return false
	}
	return strings.Contains(t, "{{") || strings.Contains(t, `"type"`) || strings.Contains(t, `"stages"`) || strings.Contains(t, `"pipelines"`)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// dinghyTokens splits a Dinghy file into JSON tokens and template
// actions, recording the module calls it meets (in strings too). Strings
// end at their closing quote or, tolerated, at the end of their line.
func dinghyTokens(f *File, d *Dinghy, s string) []jtok {
	var toks []jtok
	line := 1
	// action reads the template action at s[i:] (which starts with "{{"),
	// records a module call, and returns the index after it.
	action := func(i int) (string, int, bool) {
		end := strings.Index(s[i+2:], "}}")
		if end < 0 {
			f.setProblem("unterminated template action at line %d", line)
			return "", len(s), false
		}
		a := s[i+2 : i+2+end]
		dinghyModule(f, d, a, line)
		line += strings.Count(a, "\n")
		return a, i + 2 + end + 2, true
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(s[i:], "{{"):
			start := line
			a, next, ok := action(i)
			if !ok {
				return toks
			}
			toks = append(toks, jtok{kind: 't', val: a, line: start})
			i = next
		case c == '"':
			start := line
			var b strings.Builder
			j := i + 1
		str:
			for j < len(s) {
				switch ch := s[j]; {
				case strings.HasPrefix(s[j:], "{{"):
					a, next, ok := action(j)
					if !ok {
						return toks
					}
					b.WriteString("{{" + a + "}}")
					j = next
				case ch == '\\' && j+1 < len(s) && s[j+1] != '\n':
					b.WriteByte(s[j+1])
					j += 2
				case ch == '"':
					j++
					break str
				case ch == '\n':
					break str
				default:
					b.WriteByte(ch)
					j++
				}
			}
			toks = append(toks, jtok{kind: 's', val: b.String(), line: start})
			i = j
		case strings.IndexByte("{}[]:,", c) >= 0:
			toks = append(toks, jtok{kind: c, line: line})
			i++
		default:
			j := i
			for j < len(s) && strings.IndexByte("{}[]:,\" \t\r\n", s[j]) < 0 {
				j++
			}
			toks = append(toks, jtok{kind: 'l', val: s[i:j], line: line})
			i = j
		}
	}
	return toks
}

// dinghyModule records the module call of a template action, if it is one:
// `module "name" …`, `appModule "name" …` or `local_module "path" …`.
func dinghyModule(f *File, d *Dinghy, action string, line int) {
	a := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(action), "-"), "-"))
	fn, rest, _ := strings.Cut(a, " ")
	var kind RefKind
	switch fn {
	case "module", "appModule":
		kind = ModuleRef
	case "local_module":
		kind = LocalRef
	default:
		return
	}
	rest = strings.TrimSpace(rest)
	name := rest
	if strings.HasPrefix(rest, `"`) {
		if end := strings.IndexByte(rest[1:], '"'); end >= 0 {
			name = rest[1 : 1+end]
		}
	} else {
		name, _, _ = strings.Cut(rest, " ")
	}
	raw := strings.Join(strings.Fields(a), " ")
	if len(raw) > maxCommandText {
		raw = raw[:maxCommandText]
	}
	d.Modules = append(d.Modules, &Ref{Pos: Pos{Path: f.Path, Line: line}, Raw: raw, Kind: kind, Name: name})
}
