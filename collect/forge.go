package collect

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Forge names.
const (
	GitHub = "github"
	GitLab = "gitlab"
)

// RemoteHost returns the host and the "owner/repo" path of a git remote URL
// in any of git's forms (https, ssh://, scp-like git@host:path).
func RemoteHost(remote string) (host, repoPath string) {
	if remote == "" {
		return "", ""
	}
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		if u.Scheme == "file" {
			return "", ""
		}
		return strings.ToLower(u.Hostname()), strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git")
	}
	// scp-like: [user@]host:path
	if i := strings.Index(remote, ":"); i > 0 && !strings.Contains(remote[:i], "/") {
		h := remote[:i]
		if at := strings.LastIndex(h, "@"); at >= 0 {
			h = h[at+1:]
		}
		return strings.ToLower(h), strings.TrimSuffix(strings.Trim(remote[i+1:], "/"), ".git")
	}
	return "", ""
}

// A section header is the whole line but for an optional approval count
// and default owners: `[Name]`, `^[Name][2] @owner`. `[abc].go @bob` is a
// GitHub pattern with a character class, not a section.
var gitlabSection = regexp.MustCompile(`(?m)^[ \t]*\^?\[[^\]\n]+\](?:\[[0-9]+\])?(?:[ \t]|$)`)

// DecideForge chooses the forge of a repository (SPEC §3): the flag if
// given; else the origin remote's host when it is github.com, gitlab.com
// or the host of --forge-url; else a guess from the files. It returns the
// forge and how it was chosen ("flag", "origin", "guess").
// A self-hosted host named by --forge-url says the remote is a forge, but
// not which one: the kind is then guessed from the files as well.
func DecideForge(flag, forgeURL, origin string, tree snapshot.Tree) (forge, source string) {
	if flag != "" {
		return flag, "flag"
	}
	host, _ := RemoteHost(origin)
	switch host {
	case "github.com", "www.github.com":
		return GitHub, "origin"
	case "gitlab.com", "www.gitlab.com":
		return GitLab, "origin"
	}
	if forgeURL != "" && host != "" {
		if u, err := url.Parse(forgeURL); err == nil && strings.EqualFold(u.Hostname(), host) {
			return guessForge(tree), "origin"
		}
	}
	return guessForge(tree), "guess"
}

// guessForge: `.gitlab-ci.yml`, a `.gitlab/` directory or a CODEOWNERS
// with GitLab sections mean GitLab; anything else GitHub.
func guessForge(tree snapshot.Tree) string {
	for _, f := range tree.Files {
		lf := strings.ToLower(f)
		if lf == ".gitlab-ci.yml" || strings.HasPrefix(lf, ".gitlab/") {
			return GitLab
		}
	}
	for p, c := range tree.Contents {
		lp := strings.ToLower(p)
		if (lp == "codeowners" || lp == "docs/codeowners" || lp == ".github/codeowners") && gitlabSection.MatchString(c.Text) {
			return GitLab
		}
	}
	return GitHub
}

// WebURL turns an origin remote into the repository's web address on a
// known forge host, or "" when it cannot.
func WebURL(origin string) string {
	host, p := RemoteHost(origin)
	if host == "" || p == "" {
		return ""
	}
	return "https://" + host + "/" + p
}
