// Package forgeconn connects the command line to a forge: the token from
// the environment (never printed), the client for GitHub or GitLab over
// the shared transport, and how its errors become unavailable facts.
package forgeconn

import (
	"errors"
	"strings"

	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/forge/github"
	"github.com/ssdf-dev/ssdf/forge/gitlab"
	"github.com/ssdf-dev/ssdf/forge/transport"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Conn is a connection to one forge.
type Conn struct {
	Kind    string
	Client  forge.Client
	BaseURL string
	// WebBase is the forge's web address, for report URLs.
	WebBase     string
	Unavailable func(error) *snapshot.Unavailable
	// Anonymous is set when no token was found: only public data is read.
	Anonymous bool
}

// Token returns the token for a forge kind from the environment, and the
// names of the variables looked at (for messages; never the value).
func Token(env *clienv.Env, kind string) (string, string) {
	if kind == collect.GitLab {
		return env.Getenv("GITLAB_TOKEN"), "GITLAB_TOKEN"
	}
	if t := env.Getenv("GITHUB_TOKEN"); t != "" {
		return t, "GITHUB_TOKEN"
	}
	return env.Getenv("GH_TOKEN"), "GITHUB_TOKEN or GH_TOKEN"
}

// Connect builds a client for kind ("github" or "gitlab") at forgeURL
// (empty: the hosted service).
// concurrency bounds the requests in flight (0: the transport's default).
func Connect(env *clienv.Env, kind, forgeURL string, budget int64, concurrency int) (*Conn, error) {
	tok, _ := Token(env, kind)
	switch kind {
	case collect.GitHub:
		c, err := github.New(github.Options{ForgeURL: forgeURL, Token: tok, TransportOptions: transport.Options{Budget: budget, Concurrency: concurrency}})
		if err != nil {
			return nil, clienv.Usage("--forge-url: %v", err)
		}
		web := "https://github.com"
		if forgeURL != "" {
			web = strings.TrimSuffix(forgeURL, "/")
		}
		return &Conn{Kind: kind, Client: c, BaseURL: forgeURL, WebBase: web, Unavailable: github.Unavailable, Anonymous: tok == ""}, nil
	case collect.GitLab:
		tr := transport.New(transport.Options{Token: tok, Header: "PRIVATE-TOKEN", Budget: budget, Concurrency: concurrency})
		c, err := gitlab.New(gitlab.Options{BaseURL: forgeURL, Token: tok, HTTPClient: tr.Client()})
		if err != nil {
			return nil, clienv.Usage("--forge-url: %v", err)
		}
		web := "https://gitlab.com"
		if forgeURL != "" {
			web = strings.TrimSuffix(strings.TrimSuffix(forgeURL, "/"), "/api/v4")
		}
		return &Conn{Kind: kind, Client: c, BaseURL: forgeURL, WebBase: web, Unavailable: GitLabUnavailable, Anonymous: tok == ""}, nil
	}
	return nil, clienv.Usage("unknown forge %q", kind)
}

// GitLabUnavailable classifies a GitLab client error.
func GitLabUnavailable(err error) *snapshot.Unavailable {
	u := &snapshot.Unavailable{Kind: "error", Reason: err.Error()}
	var e *gitlab.Error
	if errors.As(err, &e) {
		u.Status = e.Status
		switch e.Status {
		case 401:
			u.Kind, u.Reason = "permission", "the token was refused (401): set a valid GITLAB_TOKEN"
		case 403:
			u.Kind, u.Permission = "permission", "read_api"
		case 404:
			u.Kind = "not-found"
		}
	}
	return u
}
