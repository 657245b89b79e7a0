package report

// Methods that the renderers share. They only read the report.

// Status is the report's overall status, by the rule of SPEC §2 applied to
// every result at once: fail if a required check failed; else unknown if a
// required check was unknown; else pass if a required check passed or was
// waived; else not-applicable. A status this package does not know counts as
// unknown: "could not tell" is never "OK".
func (r *Report) Status() string {
	var fail, unknown, pass bool
	for _, res := range r.Results {
		if !res.Required {
			continue
		}
		switch res.Status {
		case StatusFail:
			fail = true
		case StatusPass, StatusWaived:
			pass = true
		case StatusNotApplicable:
		default:
			unknown = true
		}
	}
	switch {
	case fail:
		return StatusFail
	case unknown:
		return StatusUnknown
	case pass:
		return StatusPass
	}
	return StatusNotApplicable
}

// Result returns the first result of the check with the given ID, or nil.
func (r *Report) Result(check string) *Result {
	for i := range r.Results {
		if r.Results[i].Check == check {
			return &r.Results[i]
		}
	}
	return nil
}

// TaskResults returns the results of the task's checks in the task's order.
// A check that the task names but the results lack (a damaged or hand-edited
// report) is given as a required unknown result that says so, so that no
// renderer silently drops it.
func (r *Report) TaskResults(t Task) []Result {
	var out []Result
	for _, id := range t.Checks {
		if res := r.Result(id); res != nil {
			out = append(out, *res)
			continue
		}
		out = append(out, Result{
			Check:    id,
			Tasks:    []string{t.ID},
			Required: true,
			Status:   StatusUnknown,
			Reason:   "The report has no result for this check.",
			Findings: []Finding{},
		})
	}
	return out
}

// Unassigned returns, in report order, the results that no task names.
func (r *Report) Unassigned() []Result {
	named := make(map[string]bool)
	for _, t := range r.Tasks {
		for _, id := range t.Checks {
			named[id] = true
		}
	}
	var out []Result
	for _, res := range r.Results {
		if !named[res.Check] {
			out = append(out, res)
		}
	}
	return out
}

// Name is how the target is shown to people: its URL, else its path, else
// its kind.
func (t Target) Name() string {
	switch {
	case t.URL != "":
		return t.URL
	case t.Path != "":
		return t.Path
	}
	return t.Kind
}

// ShortCommit is the commit abbreviated to 12 characters.
func (t Target) ShortCommit() string {
	if len(t.Commit) > 12 {
		return t.Commit[:12]
	}
	return t.Commit
}

// AllResults returns the results in report order, followed by the
// placeholders of TaskResults for checks that a task names but the results
// lack.
func (r *Report) AllResults() []Result {
	out := append([]Result(nil), r.Results...)
	seen := make(map[string]bool)
	for _, res := range r.Results {
		seen[res.Check] = true
	}
	for _, t := range r.Tasks {
		for _, res := range r.TaskResults(t) {
			if !seen[res.Check] {
				seen[res.Check] = true
				out = append(out, res)
			}
		}
	}
	return out
}
