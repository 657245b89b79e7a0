// Package checks is the one list of every check ssdf runs. To add a check,
// write it in its own package under checks/<id>/ (with testdata/*.txtar)
// and add it here, in ID order. Only the command line and the docs
// generator import this list.
package checks

import (
	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/checks/access-branch-protected"
	"github.com/ssdf-dev/ssdf/checks/access-deploy-keys"
	"github.com/ssdf-dev/ssdf/checks/access-members-mfa"
	"github.com/ssdf-dev/ssdf/checks/access-mfa-required"
	"github.com/ssdf-dev/ssdf/checks/access-review-required"
	"github.com/ssdf-dev/ssdf/checks/access-signed-commits"
	"github.com/ssdf-dev/ssdf/checks/access-signed-commits-required"
	"github.com/ssdf-dev/ssdf/checks/access-ssh-only"
	"github.com/ssdf-dev/ssdf/checks/audit-attestations"
	"github.com/ssdf-dev/ssdf/checks/audit-exceptions-tracked"
	"github.com/ssdf-dev/ssdf/checks/audit-tracker"
	"github.com/ssdf-dev/ssdf/checks/auditlog-available"
	"github.com/ssdf-dev/ssdf/checks/auditlog-retained"
	"github.com/ssdf-dev/ssdf/checks/build-hermetic"
	"github.com/ssdf-dev/ssdf/checks/build-locked-install"
	"github.com/ssdf-dev/ssdf/checks/build-lockfile"
	"github.com/ssdf-dev/ssdf/checks/build-provenance"
	"github.com/ssdf-dev/ssdf/checks/build-reproducible-settings"
	"github.com/ssdf-dev/ssdf/checks/codeowners-coverage"
	"github.com/ssdf-dev/ssdf/checks/codeowners-group"
	"github.com/ssdf-dev/ssdf/checks/codeowners-owners-exist"
	"github.com/ssdf-dev/ssdf/checks/codeowners-present"
	"github.com/ssdf-dev/ssdf/checks/codeowners-review-enforced"
	"github.com/ssdf-dev/ssdf/checks/codeowners-reviewed"
	"github.com/ssdf-dev/ssdf/checks/codeowners-valid"
	"github.com/ssdf-dev/ssdf/checks/criteria-issue-templates"
	"github.com/ssdf-dev/ssdf/checks/criteria-policy-defined"
	"github.com/ssdf-dev/ssdf/checks/criteria-security-dod"
	"github.com/ssdf-dev/ssdf/checks/infra-as-code-locked"
	"github.com/ssdf-dev/ssdf/checks/owners-minimal"
	"github.com/ssdf-dev/ssdf/checks/owners-reviewed"
	"github.com/ssdf-dev/ssdf/checks/pipeline-as-code"
	"github.com/ssdf-dev/ssdf/checks/pipeline-dangerous-triggers"
	"github.com/ssdf-dev/ssdf/checks/pipeline-pinned-actions"
	"github.com/ssdf-dev/ssdf/checks/pipeline-pinned-images"
	"github.com/ssdf-dev/ssdf/checks/pipeline-token-permissions"
	"github.com/ssdf-dev/ssdf/checks/repo-deletion-restricted"
	"github.com/ssdf-dev/ssdf/checks/toolchain-required-tools"
	"github.com/ssdf-dev/ssdf/checks/toolchain-template"
)

// List is every implemented check, sorted by ID.
var List = []*check.Check{
	accessbranchprotected.Check,
	accessdeploykeys.Check,
	accessmembersmfa.Check,
	accessmfarequired.Check,
	accessreviewrequired.Check,
	accesssignedcommits.Check,
	accesssignedcommitsrequired.Check,
	accesssshonly.Check,
	auditattestations.Check,
	auditexceptionstracked.Check,
	audittracker.Check,
	auditlogavailable.Check,
	auditlogretained.Check,
	buildhermetic.Check,
	buildlockedinstall.Check,
	buildlockfile.Check,
	buildprovenance.Check,
	buildreproduciblesettings.Check,
	codeownerscoverage.Check,
	codeownersgroup.Check,
	codeownersownersexist.Check,
	codeownerspresent.Check,
	codeownersreviewenforced.Check,
	codeownersreviewed.Check,
	codeownersvalid.Check,
	criteriaissuetemplates.Check,
	criteriapolicydefined.Check,
	criteriasecuritydod.Check,
	infraascodelocked.Check,
	ownersminimal.Check,
	ownersreviewed.Check,
	pipelineascode.Check,
	pipelinedangeroustriggers.Check,
	pipelinepinnedactions.Check,
	pipelinepinnedimages.Check,
	pipelinetokenpermissions.Check,
	repodeletionrestricted.Check,
	toolchainrequiredtools.Check,
	toolchaintemplate.Check,
}
