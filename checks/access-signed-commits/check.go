// Package accesssignedcommits is the check access-signed-commits (PO.5.1):
// the recent commits on the default branch are signed.
package accesssignedcommits

import (
	"fmt"
	"strings"
	"time"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// Check is access-signed-commits.
var Check = &check.Check{
	ID:      "access-signed-commits",
	Title:   "Recent commits on the default branch are signed",
	Tasks:   []string{"PO.5.1"},
	Sources: []check.Source{check.Git, check.Forge},
	Doc: `The commits on the default branch in the window are signed. The window is the last ` + "`signedCommits.window`" + ` commits (default 50) of the branch — as ` + "`git log`" + ` and the forge list them: every commit reachable from it, newest first, the commits of merged branches included — of which those committed within ` + "`signedCommits.days`" + ` days (default 90) count; at least ` + "`signedCommits.threshold`" + ` percent of them (default 100; ` + "`checks.access-signed-commits.threshold`" + ` overrides it) must be signed. A DCO ` + "`Signed-off-by`" + ` line is not a signature.

**Where the commits come from.** From the checkout when it has the history (the local part): the commits reachable from HEAD, read from the raw commit objects — a ` + "`gpgsig`" + ` (or ` + "`gpgsig-sha256`" + `) header holding an OpenPGP, SSH or X.509 signature. Otherwise from the forge (the forge part): the newest commits of the default branch with their ` + "`verification`" + `. The checkout is not used when it is on another branch than the forge's default branch.

**What counts as signed.** Where the forge lists a commit, its ` + "`verification.verified`" + ` decides, also for a commit read from the checkout: a signature the forge cannot verify (unknown key, bad e-mail) does not count. A commit the forge does not list counts as signed when the checkout shows a signature. When the policy names allowed signers (` + "`signedCommits.allowedSigners`" + `), a signature must also be verified against them; ssdf does not verify signatures itself yet, so a signature seen only in the checkout is then undecided.

**Shallow clones.** When the checkout's history stops (a shallow clone, or fewer commits read than the window) before the window is full and the last commit seen is still within the days, the missing commits are undecided. The checkout is then used only when the forge's list is not available.

- **pass**: the signed share reaches the threshold even if every undecided commit is unsigned. Details: ` + "`signed`" + `, ` + "`total`" + ` (commits judged), ` + "`threshold`" + `, ` + "`window`" + `, ` + "`days`" + `, ` + "`source`" + ` (` + "`git`" + `, ` + "`git+forge`" + ` or ` + "`forge`" + `).
- **fail**: the share stays below the threshold even if every undecided commit is signed; each commit that is not signed is a finding.
- **unknown**: the undecided commits decide the result (say why: a shallow clone, or allowed signers that ssdf cannot check); or neither the checkout's history nor the forge's list is available (no git history and the forge not consulted, or the commits could not be read — the reason names the missing permission).
- **not-applicable**: no commit on the default branch falls within the days.`,
	Remediation: "Sign every commit: with an SSH key, `git config --global gpg.format ssh`, `git config --global user.signingkey ~/.ssh/id_ed25519.pub` and `git config --global commit.gpgsign true` (or an OpenPGP key with `gpg.format openpgp`, or gitsign for keyless Sigstore signatures), and register the same key as a signing key on the forge so that it shows the commits as verified. Merge through the forge's web interface, which signs the commits it creates. Then make it a rule with `access-signed-commits-required`: a `required_signatures` ruleset rule on GitHub, the `reject_unsigned_commits` push rule on GitLab.",
	Run:         run,
}

// Details are the result's details.
type Details struct {
	Signed    int     `json:"signed"`
	Total     int     `json:"total"`
	Threshold float64 `json:"threshold"`
	Window    int     `json:"window"`
	Days      int     `json:"days"`
	Source    string  `json:"source"`
}

// maxFindings bounds the findings; the rest are counted in one finding.
const maxFindings = 20

// commit is one commit of the window as judged.
type commit struct {
	sha  string
	date time.Time
	// state: signed, unsigned or undecided; why says how it was judged.
	state int
	why   string
}

const (
	signed = iota
	unsigned
	undecided
)

func run(p *check.Pass) check.Result {
	pol := p.Policy.SignedCommits
	thr := p.Threshold(pol.Threshold)
	cutoff := p.Now.AddDate(0, 0, -pol.Days)
	g := p.Snapshot.Git
	var repo snapshot.Repo
	if r := p.Snapshot.Forge.Repo; r != nil {
		repo = *r
	}
	forgeFact := check.FactOf("the default branch's commits and their verification", repo.Commits)
	verified := map[string]snapshot.Commit{}
	if p.Snapshot.Forge.Consulted && repo.Commits.Read {
		for _, c := range repo.Commits.Value {
			verified[c.SHA] = c
		}
	}
	defaultBranch := repo.DefaultBranch
	if defaultBranch == "" {
		defaultBranch = repo.Branch.Value.Branch
	}

	var localWhy string
	switch {
	case !g.Available:
		localWhy = "the target has no git history"
		if g.Error != "" {
			localWhy += " (" + g.Error + ")"
		}
	case g.Head == "":
		localWhy = "the repository has no commits"
	case g.CommitsError != "":
		localWhy = "the checkout's commits could not be read (" + g.CommitsError + ")"
	case len(g.Commits) == 0:
		localWhy = "no commit was read from the checkout"
	case defaultBranch != "" && g.Branch != "" && g.Branch != defaultBranch:
		localWhy = fmt.Sprintf("the checkout is on the branch %s, not on the default branch %s", g.Branch, defaultBranch)
	}
	local := localWhy == ""
	var localMissing int
	var shallowStop bool
	if local {
		localMissing, shallowStop = missing(g.Commits, pol.Window, cutoff)
	}
	forgeList := p.Snapshot.Forge.Consulted && repo.Commits.Known()

	d := Details{Threshold: thr, Window: pol.Window, Days: pol.Days}
	var win []commit
	var miss int
	usedForge := false
	switch {
	case local && (localMissing == 0 || !forgeList):
		d.Source, miss = "git", localMissing
		list := g.Commits
		if len(list) > pol.Window {
			list = list[:pol.Window]
		}
		for _, c := range list {
			if !c.Date.IsZero() && c.Date.Before(cutoff) {
				continue
			}
			j := commit{sha: c.SHA, date: c.Date}
			if fc, ok := verified[c.SHA]; ok {
				usedForge = true
				j.state, j.why = fromForge(fc)
			} else {
				switch {
				case c.Signature == "":
					j.state, j.why = unsigned, "is not signed"
				case pol.AllowedSigners != "":
					j.state, j.why = undecided, fmt.Sprintf("carries %s signature that ssdf cannot verify against %s, and the forge did not verify it", article(c.Signature), pol.AllowedSigners)
				default:
					j.state = signed
				}
			}
			win = append(win, j)
		}
		if usedForge {
			d.Source = "git+forge"
		}
	case forgeList:
		d.Source = "forge"
		list := repo.Commits.Value
		if len(list) > pol.Window {
			list = list[:pol.Window]
		}
		for _, c := range list {
			if !c.Date.IsZero() && c.Date.Before(cutoff) {
				continue
			}
			j := commit{sha: c.SHA, date: c.Date}
			j.state, j.why = fromForge(c)
			win = append(win, j)
		}
	default:
		forgeWhy := forgeFact.Why()
		if !p.Snapshot.Forge.Consulted {
			why := p.Snapshot.Forge.Reason
			if why == "" {
				why = "the forge was not read"
			}
			forgeWhy = "the forge was not consulted (" + why + ")"
		}
		return check.Resultf(check.Unknown, "neither the checkout nor the forge shows the default branch's commits: %s; %s", localWhy, forgeWhy)
	}

	var nSigned, nUndecided int
	var findings []check.Finding
	for _, c := range win {
		switch c.state {
		case signed:
			nSigned++
			continue
		case undecided:
			nUndecided++
		}
		findings = append(findings, check.Finding{Message: fmt.Sprintf("commit %s (%s) %s", short(c.sha), day(c.date), c.why)})
	}
	if len(findings) > maxFindings {
		n := len(findings) - maxFindings
		findings = append(findings[:maxFindings], check.Finding{Message: fmt.Sprintf("%d more commits are not listed", n)})
	}
	d.Signed, d.Total = nSigned, len(win)
	span := fmt.Sprintf("the last %d commits of the default branch within %d days", pol.Window, pol.Days)
	all := len(win) + miss
	if all == 0 {
		return check.Result{Status: check.NotApplicable, Details: d,
			Reason: fmt.Sprintf("No commit on the default branch falls within the last %d days.", pol.Days)}
	}
	low := 100 * float64(nSigned) / float64(all)
	high := 100 * float64(nSigned+nUndecided+miss) / float64(all)
	from := map[string]string{
		"git":       "signatures read from the checkout",
		"git+forge": "signatures read from the checkout, the forge's verification where it lists the commit",
		"forge":     "the forge's verification",
	}[d.Source]
	switch {
	case low >= thr:
		return check.Result{Status: check.Passed, Details: d, Findings: findings, Reason: fmt.Sprintf(
			"%d of %d commits (%s) are signed: %s, at least the threshold of %s (%s).", nSigned, len(win), span, pct(low), pct(thr), from)}
	case high < thr:
		return check.Result{Status: check.Failed, Details: d, Findings: findings, Reason: fmt.Sprintf(
			"%d of %d commits (%s) are signed: %s, below the threshold of %s (%s).", nSigned, len(win), span, pct(100*float64(nSigned)/float64(max(1, len(win)))), pct(thr), from)}
	}
	var why []string
	if nUndecided > 0 {
		why = append(why, fmt.Sprintf("%d %s a signature that ssdf does not verify against the allowed signers (%s) yet, and the forge did not verify %s",
			nUndecided, plural(nUndecided, "commit carries", "commits carry"), pol.AllowedSigners, plural(nUndecided, "it", "them")))
	}
	if miss > 0 {
		stop := "the checkout's history was read only that far"
		if shallowStop {
			stop = "the clone is shallow"
		}
		why = append(why, fmt.Sprintf("only %d of the last %d commits are visible because %s, and the forge's list is not available", len(g.Commits), pol.Window, stop))
	}
	return check.Result{Status: check.Unknown, Details: d, Findings: findings, Reason: fmt.Sprintf(
		"%d of %d commits seen (%s) are signed, but the threshold of %s depends on commits ssdf cannot judge: %s.", nSigned, len(win), span, pct(thr), strings.Join(why, "; "))}
}

// missing returns how many commits of the window the checkout's list may
// lack: none when the list fills the window, ends at the root commit, or
// reaches commits older than the cutoff. shallow says the list stops at a
// shallow clone's boundary.
func missing(list []snapshot.GitCommit, window int, cutoff time.Time) (n int, shallow bool) {
	if len(list) >= window || len(list) == 0 {
		return 0, false
	}
	last := list[len(list)-1]
	if last.Root || (!last.Date.IsZero() && last.Date.Before(cutoff)) {
		return 0, false
	}
	return window - len(list), last.Boundary
}

func fromForge(c snapshot.Commit) (int, string) {
	if c.Verified {
		return signed, ""
	}
	switch c.Reason {
	case "", "unsigned":
		return unsigned, "is not signed (the forge shows no signature)"
	}
	return unsigned, fmt.Sprintf("is not verified by the forge (%s)", c.Reason)
}

func article(kind string) string {
	switch kind {
	case "ssh":
		return "an SSH"
	case "x509":
		return "an X.509"
	}
	return "an OpenPGP"
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func day(t time.Time) string {
	if t.IsZero() {
		return "date unknown"
	}
	return t.UTC().Format(time.DateOnly)
}

func pct(v float64) string {
	if v == float64(int(v)) {
		return fmt.Sprintf("%d%%", int(v))
	}
	return fmt.Sprintf("%.1f%%", v)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
