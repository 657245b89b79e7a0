package codeowners

import (
	"regexp"
	"strings"
)

var (
	// GitHub user names: letters, digits and hyphens (Enterprise Managed
	// Users add an `_shortcode` suffix); team slugs also allow `_` and `.`.
	githubUserRE = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
	githubTeamRE = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}/[A-Za-z0-9_.-]{1,100}$`)
	githubMailRE = regexp.MustCompile(`^[^@\s/]{1,100}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)

	// GitLab's namespace paths (Gitlab::PathRegex, simplified): segments of
	// letters, digits, `_`, `-` and `.`, not starting with `-`.
	gitlabNameRE = regexp.MustCompile(`^@[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}(/[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254})*$`)
	// GitLab's ReferenceExtractor::EMAIL_REGEXP, anchored.
	gitlabMailRE = regexp.MustCompile(`^[^@\s]{1,100}@[^@\s]{0,254}[A-Za-z0-9_]$`)
	gitlabRoleRE = regexp.MustCompile(`(?i)^@@(developer|maintainer|owner)s?$`)
)

// githubOwner classifies one owner token of a GitHub line.
func githubOwner(tok string) (Owner, string) {
	switch {
	case githubUserRE.MatchString(tok):
		return Owner{Text: tok, Kind: User}, ""
	case githubTeamRE.MatchString(tok):
		return Owner{Text: tok, Kind: Team}, ""
	case githubMailRE.MatchString(tok):
		return Owner{Text: tok, Kind: Email}, ""
	case strings.HasPrefix(tok, "@@"):
		return Owner{}, quote(tok) + " is a GitLab role"
	case strings.HasPrefix(tok, "@") && strings.Count(tok, "/") > 1:
		return Owner{}, quote(tok) + " is a GitLab nested group"
	}
	return Owner{}, quote(tok) + " is not an owner"
}

// Hints name the owner forms of each dialect, for error messages.
const (
	githubOwnerHint = "GitHub owners are @user, @org/team or an e-mail address"
	gitlabOwnerHint = "GitLab owners are @user, @group/subgroup, @@role or an e-mail address"
)

// gitlabOwner classifies one owner token of a GitLab line.
func gitlabOwner(tok string) (Owner, string) {
	switch {
	case strings.HasPrefix(tok, "@@"):
		if gitlabRoleRE.MatchString(tok) {
			return Owner{Text: tok, Kind: Role}, ""
		}
		return Owner{}, quote(tok) + " is not a role (GitLab roles are @@developer, @@maintainer and @@owner)"
	case gitlabNameRE.MatchString(tok):
		if strings.Contains(tok, "/") {
			return Owner{Text: tok, Kind: Team}, ""
		}
		return Owner{Text: tok, Kind: User}, ""
	case gitlabMailRE.MatchString(tok):
		return Owner{Text: tok, Kind: Email}, ""
	case strings.HasPrefix(tok, "#"):
		return Owner{}, "inline comments are not supported, so " + quote(tok) + " is read as an owner"
	}
	return Owner{}, quote(tok) + " is not an owner"
}
