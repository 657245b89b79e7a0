package codeownersvalid

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
