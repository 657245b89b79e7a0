package pipeline

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseWorkflow reads a GitHub Actions workflow. `on:` is read as the key
// it is (YAML 1.1 readers take it for `true`).
func parseWorkflow(f *File, text string) {
	docs := decodeAll(f, text)
	if len(docs) == 0 {
		f.setProblem("empty workflow")
		return
	}
	r := newReader(f, text)
	top := r.deref(docs[0])
	if top == nil || top.Kind != yaml.MappingNode {
		f.setProblem("not a workflow: the document is not a mapping")
		return
	}
	for _, p := range r.pairs(top) {
		switch p.k.Value {
		case "name":
			f.Name, _ = r.str(p.v)
		case "on":
			f.Triggers = triggers(r, p.v)
		case "env":
			f.Env = r.vars(p.v)
		case "jobs":
			for _, jp := range r.pairs(p.v) {
				if j := githubJob(r, f, jp.k, jp.v); j != nil {
					f.Jobs = append(f.Jobs, j)
				}
			}
		}
	}
}

func triggers(r *yreader, n *yaml.Node) []Trigger {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	var out []Trigger
	switch d.Kind {
	case yaml.ScalarNode:
		out = append(out, Trigger{Pos: r.pos(d), Event: d.Value})
	case yaml.SequenceNode:
		for _, it := range r.items(d) {
			if it.Kind == yaml.ScalarNode {
				out = append(out, Trigger{Pos: r.pos(it), Event: it.Value})
			}
		}
	case yaml.MappingNode:
		for _, p := range r.pairs(d) {
			out = append(out, Trigger{Pos: r.pos(p.k), Event: p.k.Value})
		}
	}
	return out
}

func githubJob(r *yreader, f *File, k, v *yaml.Node) *Job {
	if !r.isMap(v) {
		return nil
	}
	j := &Job{File: f, Pos: r.pos(k), ID: k.Value}
	for _, p := range r.pairs(v) {
		switch p.k.Value {
		case "name":
			j.Name, _ = r.str(p.v)
		case "uses":
			j.Uses = parseRef(r, p.v)
		case "with":
			j.With = r.vars(p.v)
		case "env":
			j.Env = r.vars(p.v)
		case "container":
			if img := containerImage(r, p.v, "container"); img != nil {
				j.Images = append(j.Images, img)
			}
		case "services":
			for _, sp := range r.pairs(p.v) {
				if img := containerImage(r, sp.v, "service"); img != nil {
					j.Images = append(j.Images, img)
				}
			}
		case "steps":
			for _, it := range r.items(p.v) {
				if st := githubStep(r, it); st != nil {
					j.Steps = append(j.Steps, st)
				}
			}
		}
	}
	return j
}

// containerImage reads `container:` or a service: an image string or a
// mapping with `image:`.
func containerImage(r *yreader, n *yaml.Node, role string) *Image {
	d := r.deref(n)
	if d == nil {
		return nil
	}
	if d.Kind == yaml.MappingNode {
		d = r.deref(r.get(d, "image"))
	}
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	return &Image{Pos: r.pos(d), Ref: d.Value, Role: role}
}

func githubStep(r *yreader, n *yaml.Node) *Step {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	st := &Step{Pos: r.pos(n)}
	var shell string
	var run *yaml.Node
	for _, p := range r.pairs(n) {
		switch p.k.Value {
		case "name":
			st.Name, _ = r.str(p.v)
		case "id":
			st.ID, _ = r.str(p.v)
		case "uses":
			st.Uses = parseRef(r, p.v)
		case "with":
			st.With = r.vars(p.v)
		case "env":
			st.Env = r.vars(p.v)
		case "shell":
			shell, _ = r.str(p.v)
		case "run":
			run = p.v
		}
	}
	if t, ok := r.text(run); ok {
		st.Run = &Script{Shell: shell, Parts: []Text{t}}
	}
	if st.Uses != nil && st.Uses.Kind == DockerRef {
		st.Image = &Image{Pos: st.Uses.Pos, Ref: st.Uses.Name, Role: "step"}
	}
	return st
}

// parseRef reads a `uses:` value.
func parseRef(r *yreader, n *yaml.Node) *Ref {
	d := r.deref(n)
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	ref := NewRef(strings.TrimSpace(d.Value))
	ref.Pos = r.pos(d)
	ref.Comment = lineComment(d)
	return ref
}

// NewRef classifies a `uses:` string.
func NewRef(raw string) *Ref {
	ref := &Ref{Raw: raw}
	switch {
	case strings.HasPrefix(raw, "docker://"):
		ref.Kind = DockerRef
		ref.Name = strings.TrimPrefix(raw, "docker://")
	case strings.HasPrefix(raw, "./") || strings.HasPrefix(raw, "../") || raw == ".":
		ref.Kind = LocalRef
		ref.Name = raw
	default:
		ref.Kind = RemoteRef
		ref.Name = raw
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			ref.Name, ref.Version = raw[:i], raw[i+1:]
		}
	}
	return ref
}

// parseAction reads an action.yml: its `runs:` and, for a composite
// action, its steps as one job named "composite".
func parseAction(f *File, text string) {
	docs := decodeAll(f, text)
	if len(docs) == 0 {
		f.setProblem("empty action metadata")
		return
	}
	r := newReader(f, text)
	top := r.deref(docs[0])
	if top == nil || top.Kind != yaml.MappingNode {
		f.setProblem("not an action: the document is not a mapping")
		return
	}
	f.Name = r.getStr(top, "name")
	runs := r.get(top, "runs")
	if !r.isMap(runs) {
		return
	}
	f.Runs = &ActionRuns{Using: r.getStr(runs, "using")}
	if img := r.deref(r.get(runs, "image")); img != nil && img.Kind == yaml.ScalarNode && strings.HasPrefix(img.Value, "docker://") {
		f.Runs.Image = &Image{Pos: r.pos(img), Ref: strings.TrimPrefix(img.Value, "docker://"), Role: "action"}
	}
	if steps := r.get(runs, "steps"); steps != nil {
		j := &Job{File: f, Pos: r.pos(r.deref(runs)), ID: "composite", Name: f.Name}
		for _, it := range r.items(steps) {
			if st := githubStep(r, it); st != nil {
				j.Steps = append(j.Steps, st)
			}
		}
		f.Jobs = append(f.Jobs, j)
	}
}
