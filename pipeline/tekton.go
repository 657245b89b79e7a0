package pipeline

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Tekton files hold any number of resources. PipelineRuns and Pipelines
// give one job per pipeline task (`tasks` and `finally`, inline
// `pipelineSpec` included); a Task or TaskRun is one job; a StepAction is
// one job of one step. Steps keep their image, script (or command and
// args) and StepAction reference.

func parseTekton(f *File, text string) {
	r := newReader(f, text)
	for _, d := range decodeAll(f, text) {
		m := r.deref(d)
		if m == nil {
			continue
		}
		if m.Kind != yaml.MappingNode {
			f.setProblem("not a Tekton resource: a document is not a mapping")
			continue
		}
		if !r.charge(1) {
			break
		}
		res := tektonResource(r, f, m)
		f.Resources = append(f.Resources, res)
		f.Jobs = append(f.Jobs, res.Jobs...)
	}
}

func tektonResource(r *yreader, f *File, m *yaml.Node) *Resource {
	res := &Resource{
		Pos:        r.pos(m),
		APIVersion: r.getStr(m, "apiVersion"),
		Kind:       r.getStr(m, "kind"),
	}
	if md := r.get(m, "metadata"); md != nil {
		res.Name = r.getStr(md, "name")
		if res.Name == "" {
			res.Name = r.getStr(md, "generateName")
		}
		res.Labels = paidVars(r, r.get(md, "labels"))
		res.Annotations = paidVars(r, r.get(md, "annotations"))
	}
	spec := r.get(m, "spec")
	res.Params = tektonParams(r, r.get(spec, "params"))
	newJob := func(pos Pos, id string) *Job {
		return &Job{File: f, Pos: pos, ID: id, Name: id, Resource: res}
	}
	switch res.Kind {
	case "PipelineRun":
		if ps := r.get(spec, "pipelineSpec"); ps != nil {
			res.Jobs = tektonTasks(r, ps, newJob)
			res.SpecParams = tektonParams(r, r.get(ps, "params"))
		}
		res.PipelineRef = tektonRef(r, r.get(spec, "pipelineRef"))
	case "Pipeline":
		res.Jobs = tektonTasks(r, spec, newJob)
	case "Task", "ClusterTask":
		j := newJob(res.Pos, res.Name)
		j.Steps = tektonSteps(r, spec)
		res.Jobs = []*Job{j}
	case "TaskRun":
		j := newJob(res.Pos, res.Name)
		j.TaskRef = tektonRef(r, r.get(spec, "taskRef"))
		if ts := r.get(spec, "taskSpec"); ts != nil {
			j.Steps = tektonSteps(r, ts)
		}
		res.Jobs = []*Job{j}
	case "StepAction":
		j := newJob(res.Pos, res.Name)
		if st := tektonStep(r, spec); st != nil {
			j.Steps = []*Step{st}
		}
		res.Jobs = []*Job{j}
	}
	return res
}

// tektonParams reads `params:`: a list of {name, value} (runs, refs) or
// {name, default} (declarations).
func tektonParams(r *yreader, n *yaml.Node) []Var {
	var out []Var
	for _, it := range r.items(n) {
		if !r.charge(1) {
			break
		}
		name := r.deref(r.get(it, "name"))
		if name == nil || name.Kind != yaml.ScalarNode {
			continue
		}
		v := r.get(it, "value")
		if v == nil {
			v = r.get(it, "default")
		}
		pv := Var{Pos: r.pos(name), Name: name.Value, Value: r.flat(v)}
		if d := r.deref(v); d != nil {
			pv.ValueLine = d.Line
		}
		out = append(out, pv)
	}
	return out
}

func tektonTasks(r *yreader, spec *yaml.Node, newJob func(Pos, string) *Job) []*Job {
	var out []*Job
	for _, key := range []string{"tasks", "finally"} {
		for _, t := range r.items(r.get(spec, key)) {
			if !r.charge(1) {
				break
			}
			name := r.getStr(t, "name")
			j := newJob(r.pos(t), name)
			j.TaskRef = tektonRef(r, r.get(t, "taskRef"))
			j.With = tektonParams(r, r.get(t, "params"))
			if ts := r.get(t, "taskSpec"); ts != nil {
				j.Steps = tektonSteps(r, ts)
			}
			out = append(out, j)
		}
	}
	return out
}

// tektonRef reads a taskRef, pipelineRef or step `ref:`.
func tektonRef(r *yreader, n *yaml.Node) *TaskRef {
	d := r.deref(n)
	if d == nil || d.Kind != yaml.MappingNode {
		return nil
	}
	t := &TaskRef{
		Pos:      r.pos(d),
		Name:     r.getStr(d, "name"),
		Kind:     r.getStr(d, "kind"),
		Resolver: r.getStr(d, "resolver"),
		Params:   tektonParams(r, r.get(d, "params")),
	}
	// The bundle is `bundle:` (the older form) or the bundles resolver's
	// `bundle` param; BundleLine is where its value is written.
	if b := r.deref(r.get(d, "bundle")); b != nil && b.Kind == yaml.ScalarNode {
		t.Bundle, t.BundleLine = b.Value, b.Line
	} else if t.Resolver == "bundles" {
		for _, p := range t.Params {
			if p.Name == "bundle" {
				t.BundleLine = p.ValueLine
				if t.BundleLine == 0 {
					t.BundleLine = p.Line
				}
				break
			}
		}
	}
	return t
}

// tektonSteps reads the steps (and sidecars) of a task spec; a
// stepTemplate's image applies to steps without one.
func tektonSteps(r *yreader, spec *yaml.Node) []*Step {
	var tmplImage *Image
	if tmpl := r.get(spec, "stepTemplate"); tmpl != nil {
		tmplImage = scalarImage(r, r.get(tmpl, "image"), "step")
	}
	var out []*Step
	for _, key := range []string{"steps", "sidecars"} {
		for _, s := range r.items(r.get(spec, key)) {
			if !r.charge(1) {
				break
			}
			st := tektonStep(r, s)
			if st == nil {
				continue
			}
			if st.Image == nil && st.Ref == nil && tmplImage != nil {
				img := *tmplImage
				st.Image = &img
			}
			if key == "sidecars" && st.Image != nil {
				st.Image.Role = "sidecar"
			}
			out = append(out, st)
		}
	}
	return out
}

func tektonStep(r *yreader, s *yaml.Node) *Step {
	if !r.isMap(s) {
		return nil
	}
	st := &Step{Pos: r.pos(r.deref(s)), Name: r.getStr(s, "name")}
	st.Image = scalarImage(r, r.get(s, "image"), "step")
	st.Ref = tektonRef(r, r.get(s, "ref"))
	st.With = tektonParams(r, r.get(s, "params"))
	st.Env = tektonEnv(r, r.get(s, "env"))
	if t, ok := r.text(r.get(s, "script")); ok {
		st.Run = &Script{Parts: []Text{t}}
	} else if cmd := r.deref(r.get(s, "command")); cmd != nil {
		words := append(r.strs(cmd), r.strs(r.get(s, "args"))...)
		st.Run = &Script{Parts: []Text{{Pos: r.pos(cmd), Value: shellJoin(words)}}}
	}
	return st
}

// tektonEnv reads a container's `env:` list of {name, value}.
func tektonEnv(r *yreader, n *yaml.Node) []Var {
	var out []Var
	for _, it := range r.items(n) {
		if !r.charge(1) {
			break
		}
		name := r.deref(r.get(it, "name"))
		if name == nil || name.Kind != yaml.ScalarNode {
			continue
		}
		out = append(out, Var{Pos: r.pos(name), Name: name.Value, Value: r.getStr(it, "value")})
	}
	return out
}

func scalarImage(r *yreader, n *yaml.Node, role string) *Image {
	d := r.deref(n)
	if d == nil || d.Kind != yaml.ScalarNode || d.Value == "" {
		return nil
	}
	return &Image{Pos: r.pos(d), Ref: d.Value, Role: role}
}

// shellJoin quotes words that need it, so that a command and args list
// reads as one shell command.
func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n'\"\\$;&|<>()`#*?") {
			w = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		q[i] = w
	}
	return strings.Join(q, " ")
}
