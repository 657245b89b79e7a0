// Package infraascodelocked implements the check infra-as-code-locked
// (PO.3.2): OpenTofu/Terraform root modules commit their dependency lock
// file, and module calls are pinned.
package infraascodelocked

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/iac"
)

// Check is infra-as-code-locked.
var Check = &check.Check{
	ID:      "infra-as-code-locked",
	Title:   "OpenTofu/Terraform providers are locked and modules pinned",
	Tasks:   []string{"PO.3.2"},
	Sources: []check.Source{check.Files},
	Doc: `Every OpenTofu/Terraform root module that declares providers has ` + "`.terraform.lock.hcl`" + ` committed beside it, registry modules carry exact versions, and git module sources pin ` + "`?ref=`" + ` to a full commit SHA.

**What is read.** ` + "`.tf`, `.tf.json`, `.tofu` and `.tofu.json`" + ` files anywhere (names match case-insensitively), parsed with the HCL parser; nothing is evaluated. The files of one directory make one module. A ` + "`.tofu`" + ` file shadows its ` + "`.tf`" + ` twin (` + "`main.tofu`" + ` hides ` + "`main.tf`, `main.tofu.json` hides `main.tf.json`" + `); override files (` + "`override.tf`, `*_override.tf`" + `) replace the ` + "`source`" + ` and ` + "`version`" + ` of the module blocks they name; names that OpenTofu ignores (a leading ` + "`.`" + `, a trailing ` + "`~`" + `, ` + "`#…#`" + `) and everything under ` + "`.terraform/`" + ` or ` + "`.terragrunt-cache/`" + ` (copies downloaded by ` + "`init`" + `) are left out.

**Root modules.** A root module is a directory of such files that no module of the repository references as a local source (` + "`./…`, `../…`" + `, resolved relative to the referencing module's directory). Modules under the excluded directories (` + "`examples/`, `testdata/`" + `, …) are not seen, so their calls do not make a module a child.

**The rules.**

- **Lock:** a root module that declares providers — a ` + "`required_providers`" + ` entry or a ` + "`provider`" + ` block in any of its files — has ` + "`.terraform.lock.hcl`" + ` in the same directory. When the target is a git repository the file must be tracked by git (a lock file that ` + "`.gitignore`" + ` hides is not committed). Child modules need no lock: the root's lock covers them.
- **Registry modules:** every ` + "`module`" + ` block, in root and child modules alike, whose source is a registry address (` + "`NAMESPACE/NAME/PROVIDER`" + ` or ` + "`HOST/NAMESPACE/NAME/PROVIDER`" + `, optionally ` + "`//SUBDIR`" + `) has ` + "`version`" + ` set to one exact version: ` + "`\"1.2.3\"`" + ` or ` + "`\"= 1.2.3\"`" + ` (a pre-release suffix allowed), not a range (` + "`~> 1.2`, `>= 1`" + `), a partial version (` + "`1.2`" + `) or nothing.
- **Git modules:** every ` + "`module`" + ` block whose source is a git repository — ` + "`git::…`, `github.com/ORG/REPO…`, `bitbucket.org/…`" + `, or ` + "`git@HOST:…`" + ` — has ` + "`?ref=`" + ` set to a full 40-hex commit SHA, not a tag, a branch, a short SHA or nothing.
- Local sources need nothing. Other remote sources (HTTP archives, S3, GCS, Mercurial, OCI) are counted in the details and not judged.

**pass** — every rule holds, and at least one root module declares providers or one module call is a registry or git source. **fail** — a rule is broken; one finding per broken rule at the file and line to change (the provider declaration for a missing lock, the ` + "`version`" + ` or ` + "`source`" + ` line, or the ` + "`module`" + ` line when ` + "`version`" + ` is missing), each showing the fixed line. **unknown** — nothing fails, but a configuration file could not be read or parsed (size cap, token or nesting cap, syntax error, symlink), a module's ` + "`source`" + ` or a registry module's ` + "`version`" + ` is not a literal (ssdf never evaluates expressions), a lock file that a root module needs cannot be read, or the walk of the repository was cut short (an absent lock file then proves nothing). **not-applicable** — the repository has no ` + "`.tf`, `.tf.json`, `.tofu` or `.tofu.json`" + ` file, or none of its modules declares providers or calls a registry or git module (nothing to lock or pin: a pass would have no evidence).

Details: ` + "`roots`" + ` (up to 100 ` + "`{dir, declaresProviders, lock}`" + `, where ` + "`lock`" + ` is ` + "`committed`, `absent` or `untracked`" + `), ` + "`modules`" + ` (the number of module directories) and ` + "`moduleCalls`" + ` (module blocks by source kind: ` + "`local`, `registry`, `git`, `other`, `unknown`" + `).`,
	Remediation: "Commit the dependency lock file of every root module: in its directory run `tofu providers lock -platform=linux_amd64 -platform=darwin_arm64` (Terraform: `terraform providers lock -platform=linux_amd64 -platform=darwin_arm64`) and commit `.terraform.lock.hcl`, taking it out of `.gitignore` if needed. Pin registry modules to one release — `version = \"5.2.1\"`, not `version = \"~> 5.2\"` — and git modules to a commit, keeping the tag in a comment: `source = \"git::https://example.com/vpc.git?ref=0123456789abcdef0123456789abcdef01234567\" # v1.2.0` (`git ls-remote https://example.com/vpc.git 'refs/tags/v1.2.0*'` prints the commit; take the `^{}` line of an annotated tag). Renovate and Dependabot keep both forms up to date.",
	Run:         run,
}

// Root is one root module in the details.
type Root struct {
	Dir               string `json:"dir"`
	DeclaresProviders bool   `json:"declaresProviders"`
	// Lock is "committed", "absent" or "untracked".
	Lock string `json:"lock"`
}

// Details are the result's details.
type Details struct {
	Roots       []Root         `json:"roots"`
	Modules     int            `json:"modules"`
	ModuleCalls map[string]int `json:"moduleCalls"`
}

const maxRoots = 100

// The lock states of a root module.
const (
	lockCommitted = "committed"
	lockAbsent    = "absent"
	lockUntracked = "untracked"
)

func run(p *check.Pass) check.Result {
	set := iac.Load(p)
	tree := p.Snapshot.Tree
	if len(set.Files) == 0 {
		if tree.Truncated {
			return check.Resultf(check.Unknown, "no OpenTofu/Terraform file was seen, but the walk of the repository was cut short (%s)", tree.Error)
		}
		return check.Resultf(check.NotApplicable, "the repository has no OpenTofu/Terraform configuration (.tf, .tf.json, .tofu or .tofu.json)")
	}

	e := &eval{pass: p, details: Details{Roots: []Root{}, Modules: len(set.Modules), ModuleCalls: map[string]int{}}, broken: map[string]bool{}}
	for _, f := range set.Files {
		if f.Problem != "" {
			e.broken[f.Path] = true
			e.uncertain(&e.unreadFiles, iac.Pos{Path: f.Path, Line: f.ProblemLine}, "%s", f.Problem)
		}
	}
	for _, m := range set.Modules {
		if m.Root() {
			e.root(m)
		}
		for _, c := range m.ModuleCalls {
			e.call(c)
		}
	}
	return e.result()
}

type eval struct {
	pass    *check.Pass
	details Details

	fails, doubts []check.Finding
	// broken are the configuration files with a problem, already reported:
	// what they hold that is not a literal is not reported again.
	broken map[string]bool
	// Counts for the reason.
	missingLocks, untrackedLocks, unpinnedRegistry, unpinnedGit int
	lockedRoots, pinnedRegistry, pinnedGit                      int
	unreadFiles, notLiteral, unprovenLocks                      int
}

func (e *eval) fail(pos iac.Pos, format string, args ...any) {
	e.fails = append(e.fails, check.Finding{Path: pos.Path, Line: pos.Line, Message: fmt.Sprintf(format, args...)})
}

// uncertain records what could not be judged; counter says which kind.
func (e *eval) uncertain(counter *int, pos iac.Pos, format string, args ...any) {
	*counter++
	e.doubts = append(e.doubts, check.Finding{Path: pos.Path, Line: pos.Line, Message: fmt.Sprintf(format, args...)})
}

// root judges a root module's lock file.
func (e *eval) root(m *iac.Module) {
	r := Root{Dir: m.Dir, DeclaresProviders: m.DeclaresProviders(), Lock: e.lockState(m)}
	if len(e.details.Roots) < maxRoots {
		e.details.Roots = append(e.details.Roots, r)
	}
	if !r.DeclaresProviders {
		return
	}
	where, name, _ := m.FirstProvider()
	lockPath := path.Join(m.Dir, iac.LockFile)
	switch r.Lock {
	case lockCommitted:
		e.lockedRoots++
		if m.Lock != nil && m.Lock.Problem != "" {
			e.uncertain(&e.unprovenLocks, iac.Pos{Path: m.Lock.Path, Line: m.Lock.ProblemLine}, "%s", m.Lock.Problem)
		}
	case lockUntracked:
		e.untrackedLocks++
		e.fail(iac.Pos{Path: m.LockPath}, "root module %s declares providers, but git does not track its lock file (is it in .gitignore?): run `git add -f %s` and commit it",
			display(m.Dir), m.LockPath)
	case lockAbsent:
		tree := e.pass.Snapshot.Tree
		msg := fmt.Sprintf("root module %s declares provider %q but has no %s beside it: run %s in %s and commit %s",
			display(m.Dir), name, iac.LockFile, lockCommand(m), display(m.Dir), lockPath)
		if tree.Truncated {
			e.uncertain(&e.unprovenLocks, where, "%s (the walk was cut short, so the lock file may exist)", msg)
			return
		}
		e.missingLocks++
		e.fail(where, "%s", msg)
	}
}

// lockState says whether the module's lock file is committed.
func (e *eval) lockState(m *iac.Module) string {
	if m.LockPath == "" {
		return lockAbsent
	}
	g := e.pass.Snapshot.Git
	if g.Available {
		if !slices.Contains(g.Tracked, m.LockPath) {
			return lockUntracked
		}
	}
	return lockCommitted
}

// display names a module directory in a message; the top directory is "./".
func display(dir string) string {
	if dir == "." {
		return "./"
	}
	return dir
}

func lockCommand(m *iac.Module) string {
	if m.Tofu() {
		return "`tofu providers lock -platform=linux_amd64 -platform=darwin_arm64`"
	}
	return "`terraform providers lock -platform=linux_amd64 -platform=darwin_arm64` (OpenTofu: `tofu providers lock …`)"
}

// call judges one module block.
func (e *eval) call(c *iac.ModuleCall) {
	switch {
	case !c.Source.Set:
		e.details.ModuleCalls["unknown"]++
		e.uncertain(&e.notLiteral, c.Pos, "module %q has no source", c.Name)
		return
	case !c.Source.Literal:
		e.details.ModuleCalls["unknown"]++
		if e.broken[c.Source.Path] {
			return
		}
		e.uncertain(&e.notLiteral, c.Source.Pos, "module %q: the source is not a literal, and ssdf does not evaluate expressions", c.Name)
		return
	}
	src := c.Src()
	e.details.ModuleCalls[string(src.Kind)]++
	switch src.Kind {
	case iac.RegistrySource:
		e.registry(c, src)
	case iac.GitSource:
		e.git(c, src)
	}
}

func (e *eval) registry(c *iac.ModuleCall, src iac.Source) {
	v := c.Version
	switch {
	case !v.Set:
		e.unpinnedRegistry++
		e.fail(c.Pos, "registry module %q (%s) has no version, so any release may be installed: add the exact release you use, e.g. `version = \"1.2.3\"`",
			c.Name, src.Address())
	case !v.Literal:
		if e.broken[v.Path] {
			return
		}
		e.uncertain(&e.notLiteral, v.Pos, "registry module %q (%s): the version is not a literal, and ssdf does not evaluate expressions", c.Name, src.Address())
	case iac.ExactVersion(v.Text):
		e.pinnedRegistry++
	default:
		e.unpinnedRegistry++
		e.fail(v.Pos, "registry module %q (%s) has version %q, not one exact version: pin the release you use, e.g. `version = \"%s\"`",
			c.Name, src.Address(), v.Text, suggestVersion(v.Text))
	}
}

func (e *eval) git(c *iac.ModuleCall, src iac.Source) {
	switch {
	case src.HasRef && iac.IsCommit(src.Ref):
		e.pinnedGit++
		return
	case !src.HasRef || src.Ref == "":
		e.unpinnedGit++
		e.fail(c.Source.Pos, "git module %q has no ?ref=, so it follows the default branch: pin a commit, `source = %q` (`git ls-remote %s HEAD` prints the current one)",
			c.Name, iac.WithRef(c.Source.Text, "<40-hex commit SHA>"), src.Repo)
	default:
		e.unpinnedGit++
		e.fail(c.Source.Pos, "git module %q pins ?ref=%s, which is not a full commit SHA and can move: pin its commit, `source = %q # %s` (`git ls-remote %s '%s*'` prints it)",
			c.Name, src.Ref, iac.WithRef(c.Source.Text, "<40-hex commit SHA>"), src.Ref, src.Repo, src.Ref)
	}
}

var versionRE = regexp.MustCompile(`[0-9]+(?:\.[0-9]+){0,2}(?:-[0-9A-Za-z.-]+)?`)

// suggestVersion returns an exact version in the spirit of a constraint:
// its first version, padded to three components ("~> 5.2" gives "5.2.0").
func suggestVersion(constraint string) string {
	v := versionRE.FindString(constraint)
	if v == "" {
		return "1.2.3"
	}
	core, pre, _ := strings.Cut(v, "-")
	for strings.Count(core, ".") < 2 {
		core += ".0"
	}
	if pre != "" {
		return core + "-" + pre
	}
	return core
}

func (e *eval) result() check.Result {
	r := check.Result{Details: e.details}
	switch {
	case len(e.fails) > 0:
		r.Status = check.Failed
		var what []string
		if n := e.missingLocks + e.untrackedLocks; n > 0 {
			what = append(what, fmt.Sprintf("%d root modules that declare providers have no committed %s", n, iac.LockFile))
		}
		if e.unpinnedRegistry > 0 {
			what = append(what, fmt.Sprintf("%d registry module calls have no exact version", e.unpinnedRegistry))
		}
		if e.unpinnedGit > 0 {
			what = append(what, fmt.Sprintf("%d git module sources are not pinned to a commit SHA", e.unpinnedGit))
		}
		r.Reason = joinSentence(what)
		if len(e.doubts) > 0 {
			r.Reason += fmt.Sprintf(" (and %d more items could not be judged)", len(e.doubts))
		}
		r.Findings = append(e.fails, e.doubts...)
	case len(e.doubts) > 0 || e.pass.Snapshot.Tree.Truncated:
		r.Status = check.Unknown
		var why []string
		if e.unreadFiles > 0 {
			why = append(why, fmt.Sprintf("%d OpenTofu/Terraform files could not be read or parsed", e.unreadFiles))
		}
		if e.notLiteral > 0 {
			why = append(why, fmt.Sprintf("%d module sources or versions are missing or not literals", e.notLiteral))
		}
		if e.unprovenLocks > 0 {
			why = append(why, fmt.Sprintf("%d lock files of root modules could not be read or proven", e.unprovenLocks))
		}
		if t := e.pass.Snapshot.Tree; t.Truncated {
			why = append(why, fmt.Sprintf("the walk of the repository was cut short (%s)", t.Error))
		}
		r.Reason = "no unlocked root module or unpinned module was found, but " + joinSentence(why)
		r.Findings = e.doubts
	default:
		r.Status = check.Passed
		if e.lockedRoots+e.pinnedRegistry+e.pinnedGit == 0 {
			// Nothing to lock or pin: no evidence to pass on (SPEC §2).
			r.Status = check.NotApplicable
			r.Reason = fmt.Sprintf("%d OpenTofu/Terraform modules were found; no root module declares providers and no module call is a registry or git source, so there is nothing to lock or pin", e.details.Modules)
		} else {
			var ok []string
			if e.lockedRoots > 0 {
				ok = append(ok, fmt.Sprintf("%d root modules that declare providers have a committed %s", e.lockedRoots, iac.LockFile))
			}
			if e.pinnedRegistry > 0 {
				ok = append(ok, fmt.Sprintf("%d registry module calls have an exact version", e.pinnedRegistry))
			}
			if e.pinnedGit > 0 {
				ok = append(ok, fmt.Sprintf("%d git module sources are pinned to a commit SHA", e.pinnedGit))
			}
			r.Reason = "every rule holds: " + joinSentence(ok)
		}
	}
	return r
}

// joinSentence joins clauses as "a", "a and b", "a, b and c".
func joinSentence(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
