package scan

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/internal/cli/forgeconn"
	scanlib "github.com/ssdf-dev/ssdf/scan"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// forgeTarget says which forge, owner and repository a URL or a
// "host/owner[/repo]" names. kindFlag is --forge; forgeURL is --forge-url.
func forgeTarget(raw, kindFlag, forgeURL string) (kind, base, owner, repo string, err error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, perr := url.Parse(s)
	if perr != nil || u.Host == "" {
		return "", "", "", "", clienv.Usage("%q is not a forge URL such as https://github.com/acme/widget", raw)
	}
	if u.User != nil {
		return "", "", "", "", clienv.Usage("the URL must not carry credentials: give the token in GITHUB_TOKEN or GITLAB_TOKEN")
	}
	host := strings.ToLower(u.Hostname())
	p := strings.Trim(strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), ".git"), "/")
	// GitLab web URLs may carry "/-/tree/main" and the like.
	if i := strings.Index(p, "/-/"); i >= 0 {
		p = p[:i]
	}
	switch {
	case kindFlag != "":
		kind = kindFlag
	case host == "github.com" || host == "www.github.com":
		kind = collect.GitHub
	case host == "gitlab.com" || host == "www.gitlab.com":
		kind = collect.GitLab
	default:
		return "", "", "", "", clienv.Usage("%s is not github.com or gitlab.com: give --forge github|gitlab (and --forge-url for a self-hosted instance)", host)
	}
	if host != "github.com" && host != "gitlab.com" && host != "www.github.com" && host != "www.gitlab.com" {
		base = u.Scheme + "://" + u.Host
		if forgeURL != "" {
			base = forgeURL
		}
	}
	segs := strings.Split(p, "/")
	if p == "" || len(segs) < 1 {
		return "", "", "", "", clienv.Usage("%q names no organization or repository", raw)
	}
	if len(segs) == 1 {
		return kind, base, segs[0], "", nil
	}
	// GitLab projects live in nested groups: the last segment is the project.
	return kind, base, strings.Join(segs[:len(segs)-1], "/"), segs[len(segs)-1], nil
}

// topGroup is the organization whose settings apply to owner: GitHub's
// owner, GitLab's top-level group.
func topGroup(kind, owner string) string {
	if kind == collect.GitLab {
		first, _, _ := strings.Cut(owner, "/")
		return first
	}
	return owner
}

// looksLikeURL tells a remote target from a path.
func looksLikeURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	first, _, _ := strings.Cut(s, "/")
	first = strings.ToLower(first)
	return first == "github.com" || first == "gitlab.com"
}

// forgeForCheckout decides whether a local scan also consults the forge:
// only when the origin remote is on a known forge host and a token is in
// the environment. Otherwise it says why not.
func forgeForCheckout(env *clienv.Env, snap *snapshot.Snapshot, forgeURL string) (*forgeconn.Conn, *scanlib.Forge, string) {
	if !snap.Git.Available {
		return nil, nil, "offline scan: not a git repository, so no forge repository is known"
	}
	if snap.Git.Origin == "" {
		return nil, nil, "offline scan: the repository has no origin remote"
	}
	host, _ := collect.RemoteHost(snap.Git.Origin)
	known := host == "github.com" || host == "gitlab.com" || host == "www.github.com" || host == "www.gitlab.com"
	if u, err := url.Parse(forgeURL); forgeURL != "" && err == nil && strings.EqualFold(u.Hostname(), host) {
		known = true
	}
	if !known {
		return nil, nil, "offline scan: the origin remote is not on github.com, gitlab.com or the --forge-url host"
	}
	kind := snap.Target.Forge
	tok, names := forgeconn.Token(env, kind)
	if tok == "" {
		return nil, nil, fmt.Sprintf("offline scan: no %s in the environment", names)
	}
	_, p := collect.RemoteHost(snap.Git.Origin)
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return nil, nil, "offline scan: the origin remote names no owner/repository"
	}
	base := forgeURL
	c, err := forgeconn.Connect(env, kind, base, 0, 0)
	if err != nil {
		return nil, nil, "offline scan: " + err.Error()
	}
	owner, name := p[:i], p[i+1:]
	return c, &scanlib.Forge{
		Client: c.Client, Repo: forge.RepoRef{Owner: owner, Name: name},
		Org: topGroup(kind, owner), Unavailable: c.Unavailable, BaseURL: c.BaseURL,
	}, ""
}
