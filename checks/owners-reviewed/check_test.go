package ownersreviewed

import (
	"testing"

	"github.com/ssdf-dev/ssdf/check/checktest"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}
