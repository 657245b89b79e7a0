// Package forge reads GitHub and GitLab through one small interface shaped
// by what ssdf's collectors need, returning the neutral snapshot types.
// Implementations live in forge/github and forge/gitlab; forge/transport
// is the HTTP layer they share (retries with backoff, Retry-After and rate
// limits, ETags, a request budget) and forge/fake holds fake servers for
// tests.
//
// Errors: a fact that cannot be read is recorded in its snapshot.Fact with
// the reason (missing permission, plan, API error); a method returns an
// error only when nothing at all could be read (bad credentials, the
// repository does not exist, the budget is spent). Tokens never appear in
// errors.
package forge

import (
	"context"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// Client is what the collectors need from a forge.
type Client interface {
	// Kind is "github" or "gitlab".
	Kind() string
	// Org reads the organization's (GitLab: top-level group's) settings.
	Org(ctx context.Context, org string) (*snapshot.Org, error)
	// Repo reads a repository's settings, the protection of its default
	// branch, its newest commits and its deploy keys.
	Repo(ctx context.Context, repo RepoRef, o RepoOptions) (*snapshot.Repo, error)
	// Repos lists the organization's repositories (GitLab: the group's
	// projects, subgroups included).
	Repos(ctx context.Context, org string) ([]RepoRef, error)
	// Tree lists every file of the repository at ref ("" for the default
	// branch) in one call where the API allows it.
	Tree(ctx context.Context, repo RepoRef, ref string) (*Tree, error)
	// File reads one file of the tree.
	File(ctx context.Context, repo RepoRef, entry TreeEntry) ([]byte, error)
}

// RepoRef names a repository: Owner is the organization or user (GitLab:
// the full namespace path), Name the repository.
type RepoRef struct {
	Owner         string `json:"owner"`
	Name          string `json:"name"`
	DefaultBranch string `json:"defaultBranch,omitempty"`
	Archived      bool   `json:"archived,omitempty"`
	// ID is the forge's numeric ID where it has one (GitLab project ID).
	ID int64 `json:"id,omitempty"`
}

// FullName is "owner/name".
func (r RepoRef) FullName() string { return r.Owner + "/" + r.Name }

// RepoOptions say how much to read.
type RepoOptions struct {
	// Commits is how many of the newest default-branch commits to read
	// (the policy's signedCommits.window).
	Commits int
	// CodeOwners are the owners named in the CODEOWNERS file, for forges
	// that must resolve them one by one (GitLab).
	CodeOwners []string
}

// Tree is a repository's file list at one commit.
type Tree struct {
	Commit  string      `json:"commit"`
	Entries []TreeEntry `json:"entries"`
	// Truncated is set when the forge did not list every file.
	Truncated bool `json:"truncated,omitempty"`
}

// TreeEntry is one file of a tree.
type TreeEntry struct {
	Path string `json:"path"`
	// SHA is the blob ID, Size its size in bytes.
	SHA  string `json:"sha,omitempty"`
	Size int64  `json:"size,omitempty"`
	// Symlink and Submodule entries are listed but never read.
	Symlink   bool `json:"symlink,omitempty"`
	Submodule bool `json:"submodule,omitempty"`
}
