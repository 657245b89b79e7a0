package tracker

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ssdf-dev/ssdf/forge/transport"
)

// FromPolicy opens the tracker a policy's `tracker:` names: kind, the
// tracker's URL and the project. Credentials come from getenv only:
//
//   - github: GITHUB_TOKEN, else GH_TOKEN; url "" or https://github.com
//     for github.com, else the GitHub Enterprise Server address; project
//     "owner/name".
//   - gitlab: GITLAB_TOKEN; url "" for gitlab.com, else the instance;
//     project "group/name" or an ID.
//   - bugzilla, redmine, mantis, trac: SSDF_TRACKER_TOKEN (API key), or
//     SSDF_TRACKER_USER and SSDF_TRACKER_PASSWORD.
//
// Each adapter adds its case below and nothing else.
func FromPolicy(kind, rawURL, project string, getenv func(string) string) (Tracker, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	switch kind {
	case "github":
		tok := getenv("GITHUB_TOKEN")
		if tok == "" {
			tok = getenv("GH_TOKEN")
		}
		api, err := githubAPIURL(rawURL)
		if err != nil {
			return nil, err
		}
		return NewGitHub(GitHubOptions{APIURL: api, Repo: project, Token: tok})
	case "gitlab":
		api, err := gitlabAPIURL(rawURL)
		if err != nil {
			return nil, err
		}
		return NewGitLab(GitLabOptions{APIURL: api, Project: project, Token: getenv("GITLAB_TOKEN")})
	// --- other adapters: add their case here. ---
	case "bugzilla", "redmine", "mantis", "trac":
		return openLegacy(kind, rawURL, project, getenv)
	default:
		return nil, fmt.Errorf("tracker kind %q: want one of github, gitlab, bugzilla, redmine, mantis, trac", kind)
	}
}

// githubAPIURL maps a GitHub address to its REST base.
func githubAPIURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("github tracker: url %q: want https://HOST", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("github tracker: the url must not carry credentials: set GITHUB_TOKEN")
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "github.com" || host == "www.github.com" || host == "api.github.com":
		return "", nil
	case strings.Contains(u.Path, "/api/"):
		return strings.TrimSuffix(u.String(), "/"), nil
	}
	return strings.TrimSuffix(u.String(), "/") + "/api/v3", nil
}

// gitlabAPIURL maps a GitLab address to its API v4 base.
func gitlabAPIURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("gitlab tracker: url %q: want https://HOST", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("gitlab tracker: the url must not carry credentials: set GITLAB_TOKEN")
	}
	s := strings.TrimSuffix(u.String(), "/")
	if strings.HasSuffix(s, "/api/v4") {
		return s, nil
	}
	return s + "/api/v4", nil
}

// defaultClient is the shared forge transport: retries with backoff on
// 5xx, 429 and broken connections, rate limits honoured. The adapters set
// the credentials themselves.
func defaultClient() *http.Client {
	return transport.New(transport.Options{NoCache: true}).Client()
}

func redact(u *url.URL) string { return transport.RedactURL(u) }
