package pipelinetokenpermissions

import (
	"testing"

	"github.com/ssdf-dev/ssdf/check/checktest"
	"github.com/ssdf-dev/ssdf/checks/internal/workflowtest"
)

func TestCheck(t *testing.T) {
	checktest.Run(t, Check)
}

// A workflow over the walk's size cap, or a walk cut short, is unknown,
// never a pass; an unread file does not hide a failure found elsewhere.
func TestUnread(t *testing.T) {
	checktest.Cases(t, Check, workflowtest.Unread()...)
}
