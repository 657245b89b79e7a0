package check

import (
	"testing"

	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// The reasons name the missing permission, the plan, or that the fact was
// never read; a known fact has none.
func TestForgeFactWhy(t *testing.T) {
	for _, c := range []struct {
		fact snapshot.Fact[bool]
		want string
	}{
		{snapshot.Fact[bool]{Read: true}, ""},
		{snapshot.Fact[bool]{}, "the setting was not read from the forge"},
		{snapshot.Fact[bool]{Err: &snapshot.Unavailable{Kind: "permission", Reason: "403 Forbidden", Permission: "admin:org"}},
			"the setting could not be read: 403 Forbidden (missing permission: admin:org)"},
		{snapshot.Fact[bool]{Err: &snapshot.Unavailable{Kind: "permission", Reason: "needs admin:org", Permission: "admin:org"}},
			"the setting could not be read: needs admin:org"},
		{snapshot.Fact[bool]{Err: &snapshot.Unavailable{Kind: "plan", Reason: "404 Not Found"}},
			"the setting could not be read: 404 Not Found (the plan lacks this feature)"},
		{snapshot.Fact[bool]{Err: &snapshot.Unavailable{Kind: "plan", Reason: "not on the Free plan"}},
			"the setting could not be read: not on the Free plan"},
		{snapshot.Fact[bool]{Err: &snapshot.Unavailable{Kind: "error"}},
			"the setting could not be read: the forge did not answer (error)"},
		// Read, but with an error: a partial answer is not known.
		{snapshot.Fact[bool]{Read: true, Value: true, Err: &snapshot.Unavailable{Kind: "error", Reason: "502 Bad Gateway"}},
			"the setting could not be read: 502 Bad Gateway"},
	} {
		if got := FactOf("the setting", c.fact).Why(); got != c.want {
			t.Errorf("Why(%+v) = %q, want %q", c.fact, got, c.want)
		}
	}
}

func TestForgeUnknownAndNoFileEvidence(t *testing.T) {
	known := FactOf("a", snapshot.Fact[bool]{Read: true})
	missing := FactOf("b", snapshot.Fact[bool]{Err: &snapshot.Unavailable{Kind: "permission", Reason: "403", Permission: "read:org"}})
	offline := &Pass{Snapshot: &snapshot.Snapshot{Forge: snapshot.Forge{Reason: "no GITHUB_TOKEN"}}, Policy: policy.Default()}
	online := &Pass{Snapshot: &snapshot.Snapshot{Forge: snapshot.Forge{Consulted: true}}, Policy: policy.Default()}

	for _, c := range []struct {
		p      *Pass
		facts  []ForgeFact
		ok     bool
		reason string
	}{
		{offline, []ForgeFact{known}, true, "the forge was not consulted (no GITHUB_TOKEN), so a is unknown"},
		{offline, []ForgeFact{known, missing}, true, "the forge was not consulted (no GITHUB_TOKEN), so a and b are unknown"},
		{online, []ForgeFact{known}, false, ""},
		{online, []ForgeFact{known, missing}, true, "b could not be read: 403 (missing permission: read:org)"},
	} {
		r, ok := ForgeUnknown(c.p, c.facts...)
		if ok != c.ok || r.Reason != c.reason || (ok && r.Status != Unknown) {
			t.Errorf("ForgeUnknown(%v) = %v %+v, want %v %q", c.facts, ok, r, c.ok, c.reason)
		}
	}

	for _, c := range []struct {
		p      *Pass
		facts  []ForgeFact
		status Status
		reason string
	}{
		{offline, nil, Unknown, "no evidence in the files; forge not consulted (no GITHUB_TOKEN)"},
		{online, nil, Failed, "nothing"},
		{online, []ForgeFact{known}, Failed, "nothing"},
		{online, []ForgeFact{known, missing}, Unknown, "no evidence in the files; the forge could not show it: b could not be read: 403 (missing permission: read:org)"},
	} {
		r := NoFileEvidence(c.p, "nothing", c.facts...)
		if r.Status != c.status || r.Reason != c.reason {
			t.Errorf("NoFileEvidence(%v) = %s %q, want %s %q", c.facts, r.Status, r.Reason, c.status, c.reason)
		}
	}
}
