// Package initcmd is the `ssdf init` command: write what a repository
// lacks for the SSDF "Prepare the Organization" file checks — CODEOWNERS,
// issue and change-request templates, a policy file and a pipeline that
// runs ssdf — for its forge. (The package is not named init, which Go
// reserves.)
package initcmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssdf-dev/ssdf/collect"
	"github.com/ssdf-dev/ssdf/internal/cli/clienv"
	"github.com/ssdf-dev/ssdf/scaffold"
)

// Options are the parsed flags of `ssdf init`.
type Options struct {
	Path         string
	Forge        string
	Pipelines    []string
	AllPipelines bool
	Force        bool
	DryRun       bool
	// Commits is how many commits of history suggest code owners.
	Commits int
}

// NewCmd returns the command.
func NewCmd(env *clienv.Env, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{}
	cmd := &cobra.Command{
		Use:   "init [PATH]",
		Short: "Write the CODEOWNERS, templates, policy and pipeline a repository lacks",
		Long: `Write what the repository at PATH (default: the current directory) lacks for
ssdf's file checks, for its forge (from the origin remote, else guessed; --forge overrides):
a CODEOWNERS with a catch-all rule (owners suggested from the origin remote or the git
history — confirm them), issue templates, a change-request template with security criteria,
a .ssdf.yaml with the defaults spelled out, and a pipeline that runs ` + "`ssdf scan`" + ` on every
change. An existing file is never overwritten without --force; --dry-run shows a diff.`,
		Example: `  ssdf init
  ssdf init --dry-run ../widget
  ssdf init --pipeline tekton --pipeline github
  ssdf init --all-pipelines --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Path = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return Run(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Forge, "forge", "", "the forge of the repository: github or gitlab (default: from the origin remote, else guessed)")
	f.StringSliceVar(&o.Pipelines, "pipeline", nil, "pipeline systems to write: "+strings.Join(scaffold.Pipelines, ", ")+" (default: the forge's own)")
	f.BoolVar(&o.AllPipelines, "all-pipelines", false, "write a pipeline for every system")
	f.BoolVar(&o.Force, "force", false, "overwrite files that exist at the paths init writes")
	f.BoolVar(&o.DryRun, "dry-run", false, "show a unified diff of what would be written, and write nothing")
	f.IntVar(&o.Commits, "commits", 200, "how many commits of history suggest code owners")
	return cmd
}

var release = regexp.MustCompile(`^v?\d+\.\d+\.\d+$`)

// Run writes the files.
func Run(ctx context.Context, env *clienv.Env, o *Options) error {
	if o.Forge != "" && o.Forge != collect.GitHub && o.Forge != collect.GitLab {
		return clienv.Usage("--forge %q: want github or gitlab", o.Forge)
	}
	for _, p := range o.Pipelines {
		if !slices.Contains(scaffold.Pipelines, p) {
			return clienv.Usage("--pipeline %q: want one of %s", p, strings.Join(scaffold.Pipelines, ", "))
		}
	}
	dir := o.Path
	if dir == "" {
		dir = "."
	}
	if !filepath.IsAbs(dir) && env.Dir != "" {
		dir = filepath.Join(env.Dir, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("init: %s: %w", dir, err)}
	}
	gitEnv := env.Environ
	snap, err := collect.Dir(ctx, dir, collect.Options{Forge: o.Forge, GitEnv: gitEnv, Path: o.Path, Commits: 1})
	if err != nil {
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("init: %w", err)}
	}
	forge := snap.Target.Forge
	var authors []collect.Author
	if snap.Git.Available {
		authors, _ = collect.Git{Dir: dir, Env: gitEnv}.Authors(ctx, o.Commits)
	}
	sug := scaffold.SuggestOwners(snap.Git.Origin, authors)
	pipelines := o.Pipelines
	switch {
	case o.AllPipelines:
		pipelines = scaffold.Pipelines
	case len(pipelines) == 0 && forge == collect.GitLab:
		pipelines = []string{scaffold.GitLabCI}
	case len(pipelines) == 0:
		pipelines = []string{scaffold.GitHubActions}
	}
	version := "latest"
	if release.MatchString(env.Version) {
		version = "v" + strings.TrimPrefix(env.Version, "v")
	}
	secURL := ""
	if forge == collect.GitHub {
		if u := collect.WebURL(snap.Git.Origin); strings.HasPrefix(u, "https://github.com/") {
			secURL = u + "/security/advisories/new"
		}
	}
	files, err := scaffold.Generate(scaffold.Options{
		Forge: forge, Pipelines: pipelines,
		Owners: sug.Owners, OwnersSource: sug.Source, Candidates: sug.Candidates,
		Version: version, Branch: snap.Git.Branch, SecurityURL: secURL,
	})
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("init: %w", err)}
	}
	defer root.Close()
	fmt.Fprintf(env.Err, "ssdf init: forge %s (%s); code owners: %s (%s)\n", forge, snap.Target.ForgeSource, strings.Join(sug.Owners, " "), sug.Source)
	var wrote, skipped int
	for _, f := range files {
		if f.Kind != scaffold.KindPipeline {
			if why := scaffold.Present(f.Kind, forge, snap.Tree); why != "" && !samePath(why, f.Path) {
				fmt.Fprintf(env.Out, "skip   %s: %s\n", f.Path, why)
				skipped++
				continue
			}
		}
		old, rerr := root.ReadFile(filepath.FromSlash(f.Path))
		exists := rerr == nil
		if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return &clienv.ExitError{Code: clienv.ExitTarget, Err: fmt.Errorf("init: %s: %w", f.Path, rerr)}
		}
		if exists && string(old) == string(f.Content) {
			fmt.Fprintf(env.Out, "skip   %s: already up to date\n", f.Path)
			skipped++
			continue
		}
		if exists && !o.Force {
			fmt.Fprintf(env.Out, "skip   %s: exists (use --force to overwrite)\n", f.Path)
			skipped++
			continue
		}
		if o.DryRun {
			fmt.Fprint(env.Out, scaffold.Diff(f.Path, old, f.Content, !exists))
			wrote++
			continue
		}
		if err := write(root, f); err != nil {
			return fmt.Errorf("init: %s: %w", f.Path, err)
		}
		verb := "write "
		if exists {
			verb = "overwrite"
		}
		fmt.Fprintf(env.Out, "%s %s\n", verb, f.Path)
		wrote++
	}
	if o.DryRun {
		fmt.Fprintf(env.Err, "ssdf init: dry run: %d file(s) would be written, %d skipped; nothing written\n", wrote, skipped)
	} else {
		fmt.Fprintf(env.Err, "ssdf init: %d file(s) written, %d skipped. Confirm the owners in CODEOWNERS, then run `ssdf scan`.\n", wrote, skipped)
	}
	return nil
}

// samePath reports whether the reason names p itself (then the file is
// handled by the exists/--force rule).
func samePath(why, p string) bool {
	return strings.EqualFold(strings.TrimSuffix(why, " already exists"), p)
}

func write(root *os.Root, f scaffold.File) error {
	name := filepath.FromSlash(f.Path)
	if d := filepath.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return root.WriteFile(name, f.Content, 0o644)
}
