package gitlab

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// The JSON shapes ssdf reads. They are decoded leniently because real
// GitLab answers (and its documentation) disagree with client-go's types
// in ways that matter here: ids are integers or strings, booleans are
// sometimes the strings "true"/"false" (approval rules' protected
// branches), and a setting may be absent (not exposed to this token or
// this edition) rather than null.

// flexBool is a boolean that remembers whether it was present, null, or a
// string.
type flexBool struct {
	Present bool // the key was in the object
	Null    bool // its value was null
	V       bool
	Bad     bool // neither a boolean nor "true"/"false"
}

func (b *flexBool) UnmarshalJSON(data []byte) error {
	b.Present = true
	data = bytes.TrimSpace(data)
	switch string(data) {
	case "null":
		b.Null = true
	case "true", `"true"`:
		b.V = true
	case "false", `"false"`:
	default:
		b.Bad = true
	}
	return nil
}

// Known says whether the value is a real boolean.
func (b flexBool) Known() bool { return b.Present && !b.Null && !b.Bad }

// flexInt is an integer given as a number or a numeric string; null and
// absent are zero with Set false.
type flexInt struct {
	Set bool
	V   int64
}

func (n *flexInt) UnmarshalJSON(data []byte) error {
	s := strings.Trim(strings.TrimSpace(string(data)), `"`)
	if s == "null" || s == "" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			// Not a number (e.g. details.target_id "flightjs"): ignore.
			return nil
		}
		v = int64(f)
	}
	n.Set, n.V = true, v
	return nil
}

// flexString accepts a string, a number or null.
type flexString struct {
	Set bool
	V   string
}

func (s *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	var str string
	if err := json.Unmarshal(data, &str); err == nil {
		s.Set, s.V = true, str
		return nil
	}
	s.Set, s.V = true, string(data)
	return nil
}

// group is GET /groups/:id.
type group struct {
	ID                     flexInt    `json:"id"`
	FullPath               string     `json:"full_path"`
	ParentID               flexInt    `json:"parent_id"`
	RequireTwoFactor       flexBool   `json:"require_two_factor_authentication"`
	GitAccessProtocol      flexString `json:"enabled_git_access_protocol"`
	FileTemplateProjectID  flexInt    `json:"file_template_project_id"`
	fileTemplateKeyPresent bool
}

func (g *group) UnmarshalJSON(data []byte) error {
	type plain group
	if err := json.Unmarshal(data, (*plain)(g)); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err == nil {
		_, g.fileTemplateKeyPresent = keys["file_template_project_id"]
	}
	return nil
}

// member is one element of /groups/:id/members/all (and the project
// variant).
type member struct {
	ID          flexInt  `json:"id"`
	Username    string   `json:"username"`
	State       string   `json:"state"`
	AccessLevel flexInt  `json:"access_level"`
	TwoFactor   flexBool `json:"two_factor_enabled"`
	// MemberRole is the custom role (Ultimate): every customizable
	// permission as a boolean, e.g. remove_project.
	MemberRole map[string]json.RawMessage `json:"member_role"`
	Bot        flexBool                   `json:"bot"`
}

func (m member) active() bool { return m.State == "" || m.State == "active" }

// canRemoveProject says whether the member's custom role grants
// remove_project.
func (m member) canRemoveProject() bool {
	raw, ok := m.MemberRole["remove_project"]
	if !ok {
		return false
	}
	var b flexBool
	_ = b.UnmarshalJSON(raw)
	return b.Known() && b.V
}

// user is GET /user, /users and /groups/:id/enterprise_users elements.
type user struct {
	ID        flexInt  `json:"id"`
	Username  string   `json:"username"`
	State     string   `json:"state"`
	IsAdmin   flexBool `json:"is_admin"`
	TwoFactor flexBool `json:"two_factor_enabled"`
}

// project is GET /projects/:id and the elements of group project lists.
type project struct {
	ID                flexInt    `json:"id"`
	Path              string     `json:"path"`
	PathWithNamespace string     `json:"path_with_namespace"`
	DefaultBranch     flexString `json:"default_branch"`
	Archived          flexBool   `json:"archived"`
	Visibility        string     `json:"visibility"`
	EmptyRepo         flexBool   `json:"empty_repo"`
	IssuesEnabled     flexBool   `json:"issues_enabled"`
	IssuesAccessLevel string     `json:"issues_access_level"`
	// CIConfigPath is ci_config_path as sent: absent (the token may not
	// read the code), null, or a string.
	CIConfigPath json.RawMessage `json:"ci_config_path"`
	Namespace    struct {
		FullPath string `json:"full_path"`
		Path     string `json:"path"`
		Kind     string `json:"kind"`
	} `json:"namespace"`
	Permissions *struct {
		ProjectAccess *struct {
			AccessLevel flexInt `json:"access_level"`
		} `json:"project_access"`
		GroupAccess *struct {
			AccessLevel flexInt `json:"access_level"`
		} `json:"group_access"`
	} `json:"permissions"`
	SharedWithGroups []struct {
		GroupID          flexInt `json:"group_id"`
		GroupFullPath    string  `json:"group_full_path"`
		GroupAccessLevel flexInt `json:"group_access_level"`
	} `json:"shared_with_groups"`
}

// callerAccess is the caller's access level on the project as the project
// entity says (0 when not shown: lists omit permissions).
func (p *project) callerAccess() (int, bool) {
	if p.Permissions == nil {
		return 0, false
	}
	lvl := int64(0)
	if p.Permissions.ProjectAccess != nil {
		lvl = max(lvl, p.Permissions.ProjectAccess.AccessLevel.V)
	}
	if p.Permissions.GroupAccess != nil {
		lvl = max(lvl, p.Permissions.GroupAccess.AccessLevel.V)
	}
	return int(lvl), true
}

// accessLevel is one element of push_access_levels/merge_access_levels.
type accessLevel struct {
	AccessLevel flexInt `json:"access_level"`
	UserID      flexInt `json:"user_id"`
	GroupID     flexInt `json:"group_id"`
	DeployKeyID flexInt `json:"deploy_key_id"`
}

// protectedBranch is an element of /projects/:id/protected_branches.
type protectedBranch struct {
	ID                        flexInt       `json:"id"`
	Name                      string        `json:"name"`
	PushAccessLevels          []accessLevel `json:"push_access_levels"`
	MergeAccessLevels         []accessLevel `json:"merge_access_levels"`
	AllowForcePush            flexBool      `json:"allow_force_push"`
	CodeOwnerApprovalRequired flexBool      `json:"code_owner_approval_required"`
}

// approvalRule is an element of /projects/:id/approval_rules.
type approvalRule struct {
	ID                            flexInt           `json:"id"`
	Name                          string            `json:"name"`
	RuleType                      string            `json:"rule_type"`
	ApprovalsRequired             flexInt           `json:"approvals_required"`
	AppliesToAllProtectedBranches flexBool          `json:"applies_to_all_protected_branches"`
	ProtectedBranches             []protectedBranch `json:"protected_branches"`
	ContainsHiddenGroups          flexBool          `json:"contains_hidden_groups"`
}

// pushRule is GET /projects/:id/push_rule (null when none is set).
type pushRule struct {
	RejectUnsignedCommits flexBool `json:"reject_unsigned_commits"`
}

// signature is GET /projects/:id/repository/commits/:sha/signature.
type signature struct {
	SignatureType      string `json:"signature_type"`
	VerificationStatus string `json:"verification_status"`
}

// namedGroup is an element of /projects/:id/groups.
type namedGroup struct {
	ID       flexInt `json:"id"`
	FullPath string  `json:"full_path"`
}
