package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ssdf-dev/ssdf/ssdf"
)

// The PO.5.1 allow-lists: reviews.bypassAllowed (ruleset bypass actors
// that access-review-required accepts) and deployKeys.allowWrite (deploy
// keys that access-deploy-keys lets write).
func TestLoadAllowLists(t *testing.T) {
	got := load(t, "version: 1\nreviews:\n  min: 2\n  bypassAllowed: [release-bot, OrganizationAdmin]\ndeployKeys:\n  allowWrite:\n    - ci deploy\n    - 4711\n")
	want := Default()
	want.Reviews = Reviews{Min: 2, BypassAllowed: []string{"release-bot", "OrganizationAdmin"}}
	want.DeployKeys = DeployKeys{AllowWrite: []string{"ci deploy", "4711"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if got := load(t, "reviews: {bypassAllowed: }\ndeployKeys:\n"); got.Reviews.Min != 1 || got.Reviews.BypassAllowed != nil || got.DeployKeys.AllowWrite != nil {
		t.Errorf("null allow-lists: %+v %+v", got.Reviews, got.DeployKeys)
	}
}

func TestLoadAllowListErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"bypassAllowed a string", "reviews:\n  min: 1\n  bypassAllowed: release-bot\n", `p.yaml:3: reviews.bypassAllowed: must be a list of bypass actor names, got "release-bot"`},
		{"bypassAllowed item a mapping", "reviews:\n  bypassAllowed:\n    - {team: x}\n", "p.yaml:3: reviews.bypassAllowed[0]: must be a bypass actor name, got a mapping"},
		{"bypassAllowed item blank", "reviews: {bypassAllowed: [\" \"]}\n", "p.yaml:1: reviews.bypassAllowed[0]: a bypass actor name must not be blank"},
		{"unknown key in reviews", "reviews:\n  bypassAllow: [x]\n", "p.yaml:2: reviews.bypassAllow: unknown key (did you mean bypassAllowed?)"},
		{"deployKeys a list", "\ndeployKeys: [ci]\n", "p.yaml:2: deployKeys: must be a mapping with keys allowWrite, got a list"},
		{"allowWrite a number", "deployKeys:\n  allowWrite: 3\n", "p.yaml:2: deployKeys.allowWrite: must be a list of deploy key titles, got 3"},
		{"allowWrite item a list", "deployKeys:\n  allowWrite:\n    - [a]\n", "p.yaml:3: deployKeys.allowWrite[0]: must be a deploy key title, got a list"},
		{"unknown key in deployKeys", "deployKeys: {allowRead: [x]}\n", "p.yaml:1: deployKeys.allowRead: unknown key (did you mean allowWrite?)"},
		{"misspelt deployKeys", "deploykeys: {allowWrite: [x]}\n", "p.yaml:1: deploykeys: unknown key (did you mean deployKeys?)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("p.yaml", []byte(c.src), ssdf.CheckIDs)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("Load(%q) error = %v, want prefix %q", c.src, err, c.want)
			}
		})
	}
}
