// Package snapshot holds the raw facts that ssdf collects about a target:
// the file tree, the content of the files that checks look at, git facts and
// forge facts. It contains data types only, with JSON tags, so that a real
// scan can be saved (`ssdf scan --raw`), trimmed into a test fixture and
// evaluated again offline (`ssdf scan --from-raw`).
package snapshot

import "time"

// Schema identifies the snapshot format; it changes on breaking changes only.
const Schema = "ssdf.snapshot/v1"

// Snapshot is everything the checks may look at. Checks never do I/O.
type Snapshot struct {
	Schema string `json:"schema"`
	Target Target `json:"target"`
	Tree   Tree   `json:"tree"`
	Git    Git    `json:"git"`
	Forge  Forge  `json:"forge"`
	// Ledger holds the facts read from ssdf's evidence ledger.
	Ledger Ledger `json:"ledger"`
	// Tracker holds the facts read from the policy's tracker about the
	// exceptions' tickets.
	Tracker Tracker `json:"tracker"`
	// Policy is the policy in force, as loaded; nil means the embedded default.
	Policy *PolicyRef `json:"policy,omitempty"`
}

// Target says what was scanned.
type Target struct {
	Kind string `json:"kind"` // "repository"
	Path string `json:"path,omitempty"`
	URL  string `json:"url,omitempty"`
	// Forge is "github" or "gitlab"; ForgeSource says how it was chosen:
	// "flag", "origin" or "guess" (SPEC §3, "The forge of a repository").
	Forge       string `json:"forge"`
	ForgeSource string `json:"forgeSource,omitempty"`
	Branch      string `json:"branch,omitempty"`
	Commit      string `json:"commit,omitempty"`
}

// PolicyRef names the policy file in force and its digest.
type PolicyRef struct {
	Source string `json:"source"`
	Digest string `json:"digest"`
	// Raw is the policy file's text, so that --from-raw evaluates the same
	// policy. Empty for the embedded default.
	Raw string `json:"raw,omitempty"`
}

// Tree is the result of the one walk over the target's files.
type Tree struct {
	// Files lists every regular file found, minus the exclusions, as
	// slash-separated paths relative to the root, sorted.
	Files []string `json:"files"`
	// Contents holds the text of the files that a collector claimed, by path.
	Contents map[string]Content `json:"contents,omitempty"`
	// Skipped lists files and entries not read, with the reason (a symlink,
	// over the size cap, unreadable).
	Skipped []Skipped `json:"skipped,omitempty"`
	// Excluded counts the entries left out by the exclusions: files, and
	// directories whose content was not walked.
	Excluded int `json:"excluded,omitempty"`
	// Vendored lists the `vendor/modules.txt` files (Go's record of vendored
	// modules) found in `vendor/` directories. File checks never look inside
	// the excluded `vendor/`, but build-hermetic needs to know that a
	// module's dependencies are vendored; nothing else of vendor/ is kept.
	Vendored []string `json:"vendored,omitempty"`
	// Truncated is set when the walk stopped at the file-count cap or was
	// cancelled: absence of a file then proves nothing.
	Truncated bool   `json:"truncated,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Content is the text of one claimed file, or why it was not read.
type Content struct {
	Text string `json:"text,omitempty"`
	// Skipped is set when the file was claimed but not read (size cap,
	// unreadable); Text is then empty and must not be taken as the content.
	Skipped string `json:"skipped,omitempty"`
	Size    int64  `json:"size,omitempty"`
}

// Skipped is a file or directory entry that the walk did not read.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Git holds the facts read from the repository's history.
type Git struct {
	// Available is true when the target is a git repository and git could
	// read it; otherwise Error says why, and git-sourced checks are unknown.
	Available bool   `json:"available"`
	Error     string `json:"error,omitempty"`
	Head      string `json:"head,omitempty"`
	Branch    string `json:"branch,omitempty"`
	// Origin is the `origin` remote's URL with any credentials removed.
	Origin  string `json:"origin,omitempty"`
	Shallow bool   `json:"shallow,omitempty"`
	// Tracked lists the files git tracks, minus the exclusions, sorted.
	Tracked []string `json:"tracked,omitempty"`
	// Changes gives, for each path asked about, the newest commit on HEAD's
	// first-parent history that changed it.
	Changes map[string]Change `json:"changes,omitempty"`
	// Commits are the newest commits of HEAD's first-parent history,
	// newest first, up to the number asked for (the policy's
	// signedCommits.window), with the signature each carries.
	Commits []GitCommit `json:"commits,omitempty"`
	// CommitsError says why Commits could not be read.
	CommitsError string `json:"commitsError,omitempty"`
}

// GitCommit is one commit of HEAD's first-parent history as the checkout
// shows it. Signature says which kind of signature its raw headers carry
// (a `gpgsig` or `gpgsig-sha256` header): "gpg" (OpenPGP), "ssh", "x509"
// (gpgsm), or "" for none or one that git would not recognise. Nothing is
// verified: reading the headers runs no gpg or ssh-keygen.
type GitCommit struct {
	SHA string `json:"sha"`
	// Date is the committer date.
	Date      time.Time `json:"date,omitzero"`
	Signature string    `json:"signature,omitempty"`
	// Root is set on a commit without parents: the history ends there.
	Root bool `json:"root,omitempty"`
	// Boundary is set on a shallow clone's boundary commit: its parents
	// exist but are not in the clone.
	Boundary bool `json:"boundary,omitempty"`
}

// Change is the last commit that changed a path.
type Change struct {
	Commit string    `json:"commit,omitempty"`
	Date   time.Time `json:"date,omitzero"`
	// Boundary is set when Commit is a shallow-clone boundary: the file only
	// seems to change there, and the real last change cannot be seen.
	Boundary bool `json:"boundary,omitempty"`
	// Error says why the history could not be read for this path.
	Error string `json:"error,omitempty"`
}
