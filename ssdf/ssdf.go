// Package ssdf is the catalogue of the NIST SSDF (SP 800-218 v1.1) tasks of
// the practice group "Prepare the Organization" (PO) that ssdf evaluates, with
// the CD Foundation CI/CD Cybersecurity Guide's row for each.
package ssdf

// Task is one SSDF task.
type Task struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Guide summarises the CD Foundation guide's row for the task.
	Guide string `json:"guide"`
}

// Tasks lists the PO tasks in SSDF order. The guide's labels are wrong in
// places (it has no PO.4.3, and it calls DCO sign-off "signed commits");
// the IDs here are SSDF's.
var Tasks = []Task{
	{ID: "PO.2.1", Title: "Code owners are designated and reviewed annually",
		Guide: "GitHub CODEOWNERS, GitLab CODEOWNERS"},
	{ID: "PO.3.1", Title: "Standard toolchains are specified",
		Guide: "Backstage Software Templates, Konflux-ci (Tekton), CDF CDEvents"},
	{ID: "PO.3.2", Title: "Pipelines are defined as code and builds are reproducible",
		Guide: "Jenkinsfile, GitHub Actions, GitLab CI, Spinnaker Dinghy, Argo CD, Tekton PaC, OpenTofu; reproducible builds per ecosystem, SLSA"},
	{ID: "PO.3.3", Title: "An audit trail of security decisions is kept",
		Guide: "GitHub Issues, GitLab work tracking, Bugzilla, Redmine, Mantis, Trac, in-toto"},
	{ID: "PO.4.1", Title: "Security criteria are part of the Definition of Done",
		Guide: "GitHub issue templates, GitLab description templates"},
	{ID: "PO.4.2", Title: "Audit logs are collected and safeguarded; owners are managed",
		Guide: "GitHub / GitLab audit logs, roles"},
	{ID: "PO.5.1", Title: "Environments are protected: MFA, SSH keys, signed commits, approvals",
		Guide: "GitHub organization settings, GitLab"},
}

// Lookup returns the task with the given ID.
func Lookup(id string) (Task, bool) {
	for _, t := range Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return Task{}, false
}
