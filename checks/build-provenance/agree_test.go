package buildprovenance

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
	auditattestations "github.com/ssdf-dev/ssdf/checks/audit-attestations"
	"github.com/ssdf-dev/ssdf/internal/sharedtest"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// audit-attestations recognises everything build-provenance does, and more,
// under the same not-applicable rule (SPEC §3): provenance implies an
// attestation, and where there is no attestation both checks say the same —
// except that a pypa/gh-action-pypi-publish step whose version cannot be
// read leaves audit-attestations unknown (PEP 740 attestations depend on
// the version) while build-provenance, which does not count them, fails.
// Checked over both checks' testdata and the corpus.
func TestAgreesWithAuditAttestations(t *testing.T) {
	agree := func(t *testing.T, name string, prov, att check.Status, attReason string) {
		t.Helper()
		switch {
		case prov == check.Failed && att == check.Unknown && strings.Contains(attReason, "pypa/gh-action-pypi-publish steps do not show their version"):
		case prov == check.Passed && att != check.Passed:
			t.Errorf("%s: build-provenance passes, audit-attestations is %s", name, att)
		case prov != check.Passed && att != check.Passed && prov != att:
			t.Errorf("%s: no attestation, but build-provenance is %s and audit-attestations %s", name, prov, att)
		}
	}
	var archives []string
	for _, dir := range []string{"testdata", "../audit-attestations/testdata"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
		if err != nil || len(m) == 0 {
			t.Fatalf("no archives in %s", dir)
		}
		archives = append(archives, m...)
	}
	for _, f := range archives {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prov, _ := checktest.Eval(t, Check, a)
		att, _ := checktest.Eval(t, auditattestations.Check, a)
		agree(t, f, prov.Result.Status, att.Result.Status, att.Result.Reason)
	}
	for name, tree := range sharedtest.CorpusTrees(t, "github-workflows", "gitlab-ci", "jenkinsfile", "tekton") {
		snap := &snapshot.Snapshot{Tree: tree}
		out := check.Run(context.Background(), []*check.Check{Check, auditattestations.Check}, snap, policy.Default(), checktest.DefaultNow)
		agree(t, "corpus "+name, out[0].Result.Status, out[1].Result.Status, out[1].Result.Reason)
	}
}
