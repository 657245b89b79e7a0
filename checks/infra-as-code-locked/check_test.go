package infraascodelocked

import (
	"testing"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/check/checktest"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

func TestValidate(t *testing.T) {
	if err := check.Validate([]*check.Check{Check}); err != nil {
		t.Fatal(err)
	}
}

func TestSuggestVersion(t *testing.T) {
	for c, want := range map[string]string{
		"~> 5.2": "5.2.0", ">= 1": "1.0.0", "~> 5.2.1": "5.2.1", ">= 1.0, < 2.0": "1.0.0", "latest": "1.2.3", "~> 2.0.0-beta1": "2.0.0-beta1",
	} {
		if got := suggestVersion(c); got != want {
			t.Errorf("suggestVersion(%q) = %q, want %q", c, got, want)
		}
	}
}
