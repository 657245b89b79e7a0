// Package criteriapolicydefined implements the check
// criteria-policy-defined (PO.4.1): security-check criteria are written as
// code.
package criteriapolicydefined

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ssdf-dev/ssdf/check"
)

// Check is criteria-policy-defined.
var Check = &check.Check{
	ID:       "criteria-policy-defined",
	Title:    "Security-check criteria are written as code",
	Tasks:    []string{"PO.4.1"},
	Sources:  []check.Source{check.Files},
	Advisory: true,
	Doc: `The repository writes its security-check criteria as code, in a policy language a tool enforces.

The recognisers are exhaustive (` + "`kind`" + ` in the details):

- ` + "`ssdf`" + ` — an ssdf policy file, ` + "`.ssdf.yaml`" + ` or ` + "`.ssdf.yml`" + ` in the root.
- ` + "`rego`" + ` — ` + "`*.rego`" + ` files anywhere (Open Policy Agent, Conftest, Conforma rules).
- ` + "`conforma`" + ` — a Conforma/Enterprise Contract policy: a ` + "`policy.yaml`" + ` in the root whose YAML has a top-level ` + "`sources:`" + ` key, or that is an ` + "`EnterpriseContractPolicy`" + ` resource with ` + "`spec.sources`" + `. SPEC names the path without "anywhere", so, as for every path of SPEC §3, it is relative to the root: a ` + "`policy.yaml`" + ` in a subdirectory, or a ` + "`policy.yml`" + `, does not count.
- ` + "`kyverno`" + ` — a YAML file anywhere with a document whose top-level ` + "`apiVersion`" + ` is ` + "`kyverno.io/*`" + ` (or Kyverno's newer ` + "`policies.kyverno.io/*`" + `). Kyverno CLI test and report files (` + "`cli.kyverno.io`" + `, ` + "`reports.kyverno.io`" + `) are not policies.
- ` + "`gatekeeper`" + ` — a YAML file anywhere with a document whose top-level ` + "`kind`" + ` is ` + "`ConstraintTemplate`" + `.
- ` + "`psrule`" + ` — PSRule's ` + "`ps-rule.yaml`" + ` (or ` + "`ps-rule.yml`" + `) in the root, or files in a root ` + "`.ps-rule/`" + ` directory.
- ` + "`checkov`" + ` — Checkov configuration, ` + "`.checkov.yaml`" + ` or ` + "`.checkov.yml`" + ` in the root.

Kyverno and Gatekeeper documents are recognised by their top-level keys line by line, so Helm-templated manifests that are not valid YAML until rendered count too. The default exclusions apply (` + "`testdata`, `examples`, `vendor`" + `, …), so policies that only serve as test fixtures do not count.

**pass** — at least one is found. Details: ` + "`kinds`" + ` (sorted), ` + "`files`" + ` (up to 20 ` + "`{kind, path}`" + `), ` + "`total`" + `.

**fail** — none is found.

**unknown** — none is found, but the walk was cut short, or a file that could hold one (a YAML file, by size or read error) was not read.

Advisory by default: the policy can make it required (` + "`checks: {criteria-policy-defined: {required: true}}`" + `).`,
	Remediation: "Write the security criteria that pipelines enforce as code: start with an ssdf policy (`ssdf init` writes `.ssdf.yaml` with the required tools, exceptions and keywords), and keep admission and build policies in a policy language — Rego for OPA/Conftest/Conforma, Kyverno or Gatekeeper policies for clusters, PSRule or Checkov configuration for infrastructure as code — in the repository, where changes to them are reviewed like code.",
	Run:         run,
}

// Found is one file that writes criteria as code.
type Found struct {
	Kind string `json:"kind"`
	Path string `json:"path"`
}

type details struct {
	Kinds []string `json:"kinds"`
	Files []Found  `json:"files"`
	Total int      `json:"total"`
}

const maxListed = 20

var (
	kyvernoRE    = regexp.MustCompile(`(?m)^apiVersion:[ \t]*["']?(?:policies\.)?kyverno\.io/`)
	gatekeeperRE = regexp.MustCompile(`(?m)^kind:[ \t]*["']?ConstraintTemplate["']?[ \t]*(?:#.*)?$`)
	sourcesRE    = regexp.MustCompile(`(?m)^sources[ \t]*:`)
)

func run(p *check.Pass) check.Result {
	tree := p.Snapshot.Tree
	var found []Found
	for _, f := range tree.Files {
		lf := strings.ToLower(f)
		switch {
		case lf == ".ssdf.yaml" || lf == ".ssdf.yml":
			found = append(found, Found{"ssdf", f})
		case path.Ext(lf) == ".rego":
			found = append(found, Found{"rego", f})
		case lf == "ps-rule.yaml" || lf == "ps-rule.yml" || strings.HasPrefix(lf, ".ps-rule/"):
			found = append(found, Found{"psrule", f})
		case lf == ".checkov.yaml" || lf == ".checkov.yml":
			found = append(found, Found{"checkov", f})
		}
		if !yamlName(f) {
			continue
		}
		c, ok := tree.Contents[f]
		if !ok || c.Skipped != "" {
			continue
		}
		if lf == "policy.yaml" && conforma(c.Text) {
			found = append(found, Found{"conforma", f})
		}
		// The substring tests keep the regular expressions off the many
		// YAML files that cannot match (Go's regexp is linear but slow).
		if strings.Contains(c.Text, "kyverno.io/") && kyvernoRE.MatchString(c.Text) {
			found = append(found, Found{"kyverno", f})
		}
		if strings.Contains(c.Text, "ConstraintTemplate") && gatekeeperRE.MatchString(c.Text) {
			found = append(found, Found{"gatekeeper", f})
		}
	}

	if len(found) == 0 {
		var unread []string
		for _, s := range tree.Skipped {
			// Symlinks are never followed, by design; an unreadable entry
			// could have been a policy.
			if strings.HasPrefix(s.Reason, "unreadable") && yamlName(s.Path) {
				unread = append(unread, s.Path)
			}
		}
		for f, c := range tree.Contents {
			if c.Skipped != "" && yamlName(f) {
				unread = append(unread, f)
			}
		}
		slices.Sort(unread)
		unread = slices.Compact(unread)
		switch {
		case tree.Truncated:
			return check.Resultf(check.Unknown, "no security-check criteria written as code were found, but the walk of the repository was cut short (%s)", tree.Error)
		case len(unread) > 0:
			r := check.Resultf(check.Unknown, "no security-check criteria written as code were found, but %d YAML files that could hold them were not read", len(unread))
			for _, f := range unread {
				r.Findings = append(r.Findings, check.Finding{Path: f, Message: "not read, so it could not be checked for a Kyverno, Gatekeeper or Conforma policy"})
			}
			return r
		}
		return check.Resultf(check.Failed, "no security-check criteria are written as code: no .ssdf.yaml, Rego, Conforma, Kyverno, Gatekeeper, PSRule or Checkov policy was found")
	}

	var kinds []string
	count := map[string]int{}
	for _, f := range found {
		if count[f.Kind] == 0 {
			kinds = append(kinds, f.Kind)
		}
		count[f.Kind]++
	}
	slices.Sort(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s (%d)", k, count[k]))
	}
	d := details{Kinds: kinds, Files: found, Total: len(found)}
	if len(d.Files) > maxListed {
		d.Files = d.Files[:maxListed]
	}
	return check.Result{
		Status:  check.Passed,
		Reason:  fmt.Sprintf("security-check criteria are written as code: %s", strings.Join(parts, ", ")),
		Details: d,
	}
}

func yamlName(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// conforma reports whether a policy.yaml is a Conforma (Enterprise
// Contract) policy: a top-level `sources` key, or an
// EnterpriseContractPolicy resource with spec.sources. Only mapping keys
// are looked at, so aliases are never expanded. A file that is not YAML
// falls back to a top-level `sources:` line.
func conforma(text string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = sourcesRE.MatchString(text)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	for range 100 {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			return sourcesRE.MatchString(text)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if value(root, "sources") != nil {
			return true
		}
		if k := value(root, "kind"); k != nil && k.Value == "EnterpriseContractPolicy" {
			if spec := value(root, "spec"); spec != nil && value(spec, "sources") != nil {
				return true
			}
		}
	}
	return false
}

// value returns the value of key in mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
