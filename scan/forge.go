package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/ssdf-dev/ssdf/codeowners"
	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/policy"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Forge is a forge to consult for one repository.
type Forge struct {
	Client forge.Client
	Repo   forge.RepoRef
	// Org is the organization or top-level group whose settings apply
	// (GitHub: the owner; GitLab: the first segment of the namespace).
	Org string
	// Unavailable turns a client error into the reason a check shows.
	Unavailable func(error) *snapshot.Unavailable
	// Commits is how many default-branch commits to read.
	Commits int
	// OrgFacts, when set, are reused instead of reading the organization
	// again (an organization scan reads them once).
	OrgFacts *snapshot.Org
	BaseURL  string
}

// ReadForge consults the forge and records what it said in snap.Forge.
// Nothing here can make a check pass without evidence: an organization or
// repository that cannot be read gives facts that are unavailable, with
// the reason.
func ReadForge(ctx context.Context, f Forge, snap *snapshot.Snapshot) {
	fg := snapshot.Forge{Consulted: true, Kind: f.Client.Kind(), BaseURL: f.BaseURL}
	if f.OrgFacts != nil {
		fg.Org = f.OrgFacts
	} else if f.Org != "" {
		org, err := f.Client.Org(ctx, f.Org)
		if err != nil {
			org = UnavailableOrg(f.Org, f.unavailable(err))
		}
		fg.Org = org
	}
	repo, err := f.Client.Repo(ctx, f.Repo, forge.RepoOptions{Commits: f.Commits, CodeOwners: codeOwnersNamed(snap)})
	if err != nil {
		repo = unavailableRepo(f.Repo, f.unavailable(err))
	}
	fg.Repo = repo
	snap.Forge = fg
}

func (f Forge) unavailable(err error) *snapshot.Unavailable {
	if f.Unavailable != nil {
		return f.Unavailable(err)
	}
	return &snapshot.Unavailable{Kind: "error", Reason: err.Error()}
}

// codeOwnersNamed lists the owners the effective CODEOWNERS names, for
// forges that resolve them one by one.
func codeOwnersNamed(snap *snapshot.Snapshot) []string {
	loc := codeowners.Effective(snap)
	if loc.File == nil {
		return nil
	}
	var out []string
	for _, r := range loc.File.Rules {
		for _, o := range r.Owners {
			out = append(out, o.Text)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// UnavailableOrg is an organization none of whose facts could be read.
func UnavailableOrg(login string, u *snapshot.Unavailable) *snapshot.Org {
	return &snapshot.Org{
		Login:                 login,
		TwoFactorRequired:     snapshot.Fact[*bool]{Err: u},
		MembersWithout2FA:     snapshot.Fact[[]string]{Err: u},
		Owners:                snapshot.Fact[[]string]{Err: u},
		MembersCanDeleteRepos: snapshot.Fact[bool]{Err: u},
		AuditLog:              snapshot.Fact[snapshot.AuditLog]{Err: u},
		GitAccessProtocol:     snapshot.Fact[string]{Err: u},
		IssueTemplates:        snapshot.Fact[[]string]{Err: u},
	}
}

func unavailableRepo(r forge.RepoRef, u *snapshot.Unavailable) *snapshot.Repo {
	return &snapshot.Repo{
		FullName:           r.FullName(),
		DefaultBranch:      r.DefaultBranch,
		TemplateRepository: snapshot.Fact[string]{Err: u},
		IsTemplate:         snapshot.Fact[bool]{Err: u},
		CIConfigPath:       snapshot.Fact[string]{Err: u},
		HasIssues:          snapshot.Fact[bool]{Err: u},
		IssueTemplates:     snapshot.Fact[[]string]{Err: u},
		CodeOwnerErrors:    snapshot.Fact[[]snapshot.CodeOwnerError]{Err: u},
		OwnerKinds:         snapshot.Fact[map[string]string]{Err: u},
		Branch:             snapshot.Fact[snapshot.BranchRules]{Err: u},
		Commits:            snapshot.Fact[[]snapshot.Commit]{Err: u},
		DeployKeys:         snapshot.Fact[[]snapshot.DeployKey]{Err: u},
	}
}

// Remote collects a repository through the forge without a clone: one
// call for the file tree, then one per file that a check claims — the same
// walk, claims and limits as a local scan. The git history is not read
// (its facts are unavailable); the forge supplies the commits.
func Remote(ctx context.Context, f Forge, o Options, webURL string) (*snapshot.Snapshot, *forge.TreeFS, error) {
	tree, err := f.Client.Tree(ctx, f.Repo, "")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: read the file tree of %s: %v", ErrTarget, f.Repo.FullName(), err)
	}
	fsys := forge.FS(ctx, f.Client, f.Repo, tree)
	pol, ref, err := remotePolicy(fsys, o.PolicyPath)
	if err != nil {
		return nil, nil, err
	}
	git := &snapshot.Git{Error: "remote scan: the git history was not cloned", Head: tree.Commit, Branch: f.Repo.DefaultBranch}
	lim := o.Limits
	lim.Lazy = true // scripts: only those a pipeline runs, below
	snap := collect.FS(ctx, fsys, collect.Options{Forge: f.Client.Kind(), ForgeURL: o.ForgeURL, Exclude: pol.Exclude, Limits: lim, Path: ""}, git)
	// Each file costs a request: read the scripts the pipelines run (and
	// those they run in turn), not every script in the tree.
	room := maxRemoteScripts
	for range 3 {
		want := pipeline.Parse(snap.Tree).ScriptsWanted()
		if len(want) == 0 || room == 0 {
			break
		}
		want = want[:min(len(want), room)]
		room -= len(want)
		collect.ReadFiles(ctx, fsys, &snap.Tree, want, o.Limits)
	}
	snap.Git.Available = false
	snap.Target.URL = webURL
	snap.Target.Path = ""
	snap.Target.Commit = tree.Commit
	snap.Target.Branch = f.Repo.DefaultBranch
	snap.Target.Forge, snap.Target.ForgeSource = f.Client.Kind(), "url"
	if tree.Truncated {
		snap.Tree.Truncated = true
		snap.Tree.Error = "the forge truncated the file tree"
	}
	snap.Policy = ref
	f.Commits = pol.SignedCommits.Window
	ReadForge(ctx, f, snap)
	return snap, fsys, nil
}

// maxRemoteScripts bounds the scripts a remote scan reads for the
// pipelines (one request each).
const maxRemoteScripts = 64

// remotePolicy loads --policy, or the repository's .ssdf.yaml read through
// the forge.
func remotePolicy(fsys fs.FS, explicit string) (*policy.Policy, *snapshot.PolicyRef, error) {
	if explicit != "" {
		ref, pol, err := loadPolicy("", explicit)
		return pol, ref, err
	}
	for _, n := range PolicyNames {
		b, err := readCapped(fsys, n, false)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, &policy.Error{File: n, Msg: err.Error()}
		}
		ref, pol, err := parsePolicy(n, b)
		return pol, ref, err
	}
	return policy.Default(), nil, nil
}
