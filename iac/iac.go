// Package iac is ssdf's model of the OpenTofu/Terraform configurations in a
// repository, parsed once per scan from the snapshot's file contents with the
// real HCL parser (github.com/hashicorp/hcl/v2): hclsyntax for the native
// syntax (`.tf`, `.tofu`), its json package for `.tf.json` and `.tofu.json`.
//
// Nothing is evaluated. An attribute that ssdf needs (a module's `source`
// and `version`, a provider requirement) is read with Expr.Value(nil) when
// it is a literal; any other expression is recorded as "not a literal".
//
// Files are grouped by directory into modules, as OpenTofu and Terraform do:
// a `.tofu` file shadows its `.tf` twin in the same directory (`main.tofu`
// hides `main.tf`, `main.tofu.json` hides `main.tf.json`), override files
// (`override.tf`, `*_override.tf`) replace the `source` and `version` of the
// module blocks they name, and files whose names Terraform ignores (a leading
// `.`, a trailing `~`, `#…#`) are left out, as is everything under a
// `.terraform/` or `.terragrunt-cache/` directory (downloaded copies, never
// the repository's own configuration). Each module knows its required
// providers, provider blocks and module calls with their lines, and whether
// a `.terraform.lock.hcl` sits beside it; lock files are parsed too.
//
// Parsing never fails as a whole and never panics: a file that cannot be read
// or parsed keeps its Problem (with a line where the parser gave one), so
// that checks can say `unknown` rather than pass on what they could not see.
// Hostile input is refused before the parser sees it: files over maxSize
// (4 MiB), files of more than maxTokens tokens (the parser holds them all,
// at a few hundred bytes each), and nesting (brackets, templates, chained
// operators and splats) deeper than maxNest, which would otherwise recurse
// the parser until the stack overflows — a crash that recover cannot catch.
//
// Checks get the set through Load, which memoises it for the scan.
package iac

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// LockFile is the name of the dependency lock file that OpenTofu and
// Terraform write beside a root module.
const LockFile = ".terraform.lock.hcl"

// Pos is a place in the repository: a slash-separated path and a 1-based
// line (0 when unknown).
type Pos struct {
	Path string
	Line int
}

// Loc returns "path:line", or the path alone when the line is unknown.
func (p Pos) Loc() string {
	if p.Line == 0 {
		return p.Path
	}
	return fmt.Sprintf("%s:%d", p.Path, p.Line)
}

// Value is an attribute read without evaluation.
type Value struct {
	// Pos is where the attribute is; zero when it is absent.
	Pos
	// Text is the literal value (a string; numbers and bools as text).
	// Empty unless Literal.
	Text string
	// Set says the attribute is present.
	Set bool
	// Literal says its expression is a literal; a present attribute that
	// is not one (a variable, a function call, an interpolation) cannot be
	// judged without evaluating the configuration, which ssdf never does.
	Literal bool
}

// String returns the literal text, "absent" or "not a literal".
func (v Value) String() string {
	switch {
	case !v.Set:
		return "absent"
	case !v.Literal:
		return "not a literal"
	}
	return v.Text
}

// Format is the syntax of a configuration file.
type Format string

// The formats.
const (
	Native Format = "hcl"  // .tf, .tofu
	JSON   Format = "json" // .tf.json, .tofu.json
)

// File is one configuration file.
type File struct {
	Path string
	// Dir is the module's directory ("." for the repository root).
	Dir    string
	Format Format
	// Tofu marks an OpenTofu-only file (.tofu, .tofu.json).
	Tofu bool
	// Override marks an override file (override.tf, *_override.tf).
	Override bool
	// ShadowedBy is the .tofu twin that hides this file; a shadowed file
	// is not parsed and contributes nothing to its module.
	ShadowedBy string
	// Problem says why the file was not read or not fully parsed, with
	// ProblemLine where the parser gave one. Whatever could be parsed
	// before the problem is kept.
	Problem     string
	ProblemLine int

	RequiredProviders []*ProviderRequirement
	Providers         []*ProviderConfig
	ModuleCalls       []*ModuleCall
	Resources         []*Resource
	// RequiredVersion is `terraform { required_version }`.
	RequiredVersion Value
}

// ProviderRequirement is one entry of `terraform { required_providers { … } }`.
type ProviderRequirement struct {
	Pos
	// Name is the provider's local name (the entry's key).
	Name string
	// Source is the `source` of the entry (absent in the legacy form
	// `aws = "~> 5.0"`, where the string is the version constraint).
	Source  Value
	Version Value
}

// ProviderConfig is a `provider "NAME" { … }` block.
type ProviderConfig struct {
	Pos
	Name  string
	Alias Value
	// Version is the legacy `version` argument of a provider block.
	Version Value
}

// ModuleCall is a `module "NAME" { … }` block.
type ModuleCall struct {
	Pos
	Name    string
	Source  Value
	Version Value
	// Overridden lists the override files that replaced its source or
	// version.
	Overridden []string
}

// Src classifies the call's source; the zero Source when it is absent or
// not a literal.
func (m *ModuleCall) Src() Source {
	if !m.Source.Set || !m.Source.Literal {
		return Source{}
	}
	return ParseSource(m.Source.Text)
}

// Resource is a `resource` or `data` block.
type Resource struct {
	Pos
	// Mode is "resource" or "data".
	Mode string
	Type string
	Name string
}

// Module is one directory of configuration files.
type Module struct {
	// Dir is the directory ("." for the repository root).
	Dir string
	// Files are the effective files, sorted by path; Shadowed are the .tf
	// files that a .tofu twin hides.
	Files    []*File
	Shadowed []*File

	// RequiredProviders, Providers and Resources gather those of the
	// effective files, in file order.
	RequiredProviders []*ProviderRequirement
	Providers         []*ProviderConfig
	Resources         []*Resource
	// ModuleCalls are the module blocks, with override files applied.
	ModuleCalls []*ModuleCall

	// LockPath is the .terraform.lock.hcl beside the module as the walk
	// found it (empty when there is none); Lock is its parse.
	LockPath string
	Lock     *Lock
	// CalledFrom are the module calls of the repository whose local source
	// (`./…`, `../…`) resolves to this directory.
	CalledFrom []Pos
}

// Root says no module of the repository calls this one as a local source.
func (m *Module) Root() bool { return len(m.CalledFrom) == 0 }

// DeclaresProviders says the module has a required_providers entry or a
// provider block.
func (m *Module) DeclaresProviders() bool {
	return len(m.RequiredProviders) > 0 || len(m.Providers) > 0
}

// FirstProvider returns where the module first declares a provider (a
// required_providers entry, else a provider block), and its name.
func (m *Module) FirstProvider() (Pos, string, bool) {
	if len(m.RequiredProviders) > 0 {
		return m.RequiredProviders[0].Pos, m.RequiredProviders[0].Name, true
	}
	if len(m.Providers) > 0 {
		return m.Providers[0].Pos, m.Providers[0].Name, true
	}
	return Pos{}, "", false
}

// Tofu says the module has OpenTofu-only files.
func (m *Module) Tofu() bool {
	return slices.ContainsFunc(m.Files, func(f *File) bool { return f.Tofu })
}

// Lock is a parsed .terraform.lock.hcl.
type Lock struct {
	Path string
	Dir  string
	// Problem says why the file was not read or not fully parsed.
	Problem     string
	ProblemLine int
	Providers   []*LockedProvider
}

// LockedProvider is one `provider "ADDRESS" { … }` block of a lock file.
type LockedProvider struct {
	Pos
	// Address is the provider's full address, such as
	// registry.opentofu.org/hashicorp/aws.
	Address     string
	Version     Value
	Constraints Value
	// Hashes counts the entries of `hashes`.
	Hashes int
}

// Set is every OpenTofu/Terraform configuration of a snapshot. It is
// read-only once built and shared between checks.
type Set struct {
	// Modules are sorted by directory.
	Modules []*Module
	// Files are every configuration file, shadowed ones included, sorted
	// by path.
	Files []*File
	// Locks are every lock file, sorted by path.
	Locks []*Lock
}

// Problem is a file that could not be read or fully parsed.
type Problem struct {
	Pos
	Reason string
}

// Problems lists the configuration and lock files that have a problem,
// sorted by path. Shadowed files are not parsed and have none.
func (s *Set) Problems() []Problem {
	var out []Problem
	for _, f := range s.Files {
		if f.Problem != "" {
			out = append(out, Problem{Pos{f.Path, f.ProblemLine}, f.Problem})
		}
	}
	for _, l := range s.Locks {
		if l.Problem != "" {
			out = append(out, Problem{Pos{l.Path, l.ProblemLine}, l.Problem})
		}
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Module returns the module in dir, or nil.
func (s *Set) Module(dir string) *Module {
	i, ok := slices.BinarySearchFunc(s.Modules, dir, func(m *Module, d string) int { return strings.Compare(m.Dir, d) })
	if !ok {
		return nil
	}
	return s.Modules[i]
}

// Roots returns the root modules: those that no module of the repository
// calls as a local source.
func (s *Set) Roots() []*Module {
	var out []*Module
	for _, m := range s.Modules {
		if m.Root() {
			out = append(out, m)
		}
	}
	return out
}

// MemoKey is the key under which Load memoises the set.
const MemoKey = "iac.Set"

// Load returns the configurations of the pass's snapshot, parsed once per
// scan.
func Load(p *check.Pass) *Set {
	return check.Memo(p, MemoKey, func() *Set { return Parse(p.Snapshot.Tree) })
}

// kind says what a path is, by its name alone.
type kind int

const (
	notIaC kind = iota
	configFile
	lockFile
)

// classify says whether p is a configuration file, a lock file or neither,
// and for a configuration file its stem (the base name without extension,
// lower-cased), format and whether it is OpenTofu-only. Names match
// case-insensitively (SPEC §3).
func classify(p string) (k kind, stem string, format Format, tofu bool) {
	lp := strings.ToLower(p)
	if cached(lp) {
		return notIaC, "", "", false
	}
	base := path.Base(lp)
	if base == LockFile {
		return lockFile, "", "", false
	}
	// Terraform ignores editor and hidden files.
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || (strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#")) {
		return notIaC, "", "", false
	}
	for _, e := range []struct {
		ext    string
		format Format
		tofu   bool
	}{{".tf", Native, false}, {".tofu", Native, true}, {".tf.json", JSON, false}, {".tofu.json", JSON, true}} {
		if s, ok := strings.CutSuffix(base, e.ext); ok && s != "" {
			return configFile, s, e.format, e.tofu
		}
	}
	return notIaC, "", "", false
}

// cached says the path lies in a directory of downloaded copies:
// `.terraform/` (modules and providers fetched by init) or
// `.terragrunt-cache/`.
func cached(lp string) bool {
	for seg := range strings.SplitSeq(path.Dir(lp), "/") {
		if seg == ".terraform" || seg == ".terragrunt-cache" {
			return true
		}
	}
	return false
}

// isOverride says a configuration file's stem names an override file.
func isOverride(stem string) bool { return stem == "override" || strings.HasSuffix(stem, "_override") }

// Parse builds the set from a snapshot tree. It never fails: problems are
// recorded on the files.
func Parse(tree snapshot.Tree) *Set {
	s := &Set{}
	type twin struct {
		dir, stem string
		format    Format
	}
	tofuTwins := map[twin]string{}
	var configs []*File
	seen := map[string]bool{}
	add := func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		k, stem, format, tofu := classify(p)
		switch k {
		case configFile:
			f := &File{Path: p, Dir: path.Dir(p), Format: format, Tofu: tofu, Override: isOverride(stem)}
			configs = append(configs, f)
			if tofu {
				tofuTwins[twin{f.Dir, stem, format}] = p
			}
		case lockFile:
			s.Locks = append(s.Locks, &Lock{Path: p, Dir: path.Dir(p)})
		}
	}
	for _, p := range tree.Files {
		add(p)
	}
	// Claimed files that the walk did not list as regular files: symlinks
	// and unreadable entries. Their content is unknown.
	skipped := map[string]string{}
	for _, sk := range tree.Skipped {
		if k, _, _, _ := classify(sk.Path); k != notIaC && !seen[sk.Path] {
			skipped[sk.Path] = sk.Reason
			add(sk.Path)
		}
	}

	for _, f := range configs {
		if !f.Tofu {
			_, stem, _, _ := classify(f.Path)
			if t, ok := tofuTwins[twin{f.Dir, stem, f.Format}]; ok {
				f.ShadowedBy = t
				continue
			}
		}
		if why, ok := skipped[f.Path]; ok {
			f.Problem = "not read: " + why
			continue
		}
		if text, ok := content(tree, f.Path, &f.Problem); ok {
			parseFile(f, text)
		}
	}
	for _, l := range s.Locks {
		if why, ok := skipped[l.Path]; ok {
			l.Problem = "not read: " + why
			continue
		}
		if text, ok := content(tree, l.Path, &l.Problem); ok {
			parseLock(l, text)
		}
	}

	slices.SortFunc(configs, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(s.Locks, func(a, b *Lock) int { return strings.Compare(a.Path, b.Path) })
	s.Files = configs
	s.Modules = assemble(configs, s.Locks)
	link(s)
	return s
}

// content returns the text of the claimed file at p, or records why there
// is none.
func content(tree snapshot.Tree, p string, problem *string) (string, bool) {
	c, ok := tree.Contents[p]
	switch {
	case !ok:
		*problem = "not read by the collector"
		return "", false
	case c.Skipped != "":
		*problem = "not read: " + c.Skipped
		return "", false
	case len(c.Text) > maxSize:
		*problem = fmt.Sprintf("not parsed: %d bytes, over the %d-byte parse cap", len(c.Text), maxSize)
		return "", false
	}
	return c.Text, true
}

// assemble groups the files into modules and applies override files.
func assemble(files []*File, locks []*Lock) []*Module {
	byDir := map[string]*Module{}
	var mods []*Module
	for _, f := range files {
		m := byDir[f.Dir]
		if m == nil {
			m = &Module{Dir: f.Dir}
			byDir[f.Dir] = m
			mods = append(mods, m)
		}
		if f.ShadowedBy != "" {
			m.Shadowed = append(m.Shadowed, f)
			continue
		}
		m.Files = append(m.Files, f)
	}
	for _, m := range mods {
		// Primary files first, then override files in name order, as
		// OpenTofu and Terraform merge them.
		var overrides []*File
		for _, f := range m.Files {
			if f.Override {
				overrides = append(overrides, f)
				continue
			}
			m.addDecls(f)
			m.ModuleCalls = append(m.ModuleCalls, f.ModuleCalls...)
		}
		for _, f := range overrides {
			m.addDecls(f)
			for _, oc := range f.ModuleCalls {
				i := slices.IndexFunc(m.ModuleCalls, func(c *ModuleCall) bool { return c.Name == oc.Name })
				if i < 0 {
					// No base block: OpenTofu rejects this; keep the block
					// so that it is still judged.
					m.ModuleCalls = append(m.ModuleCalls, oc)
					continue
				}
				merged := *m.ModuleCalls[i]
				if oc.Source.Set {
					merged.Source = oc.Source
				}
				if oc.Version.Set {
					merged.Version = oc.Version
				}
				merged.Overridden = append(slices.Clip(merged.Overridden), f.Path)
				m.ModuleCalls[i] = &merged
			}
		}
	}
	for _, l := range locks {
		if m := byDir[l.Dir]; m != nil && m.LockPath == "" {
			m.LockPath, m.Lock = l.Path, l
		}
	}
	slices.SortFunc(mods, func(a, b *Module) int { return strings.Compare(a.Dir, b.Dir) })
	return mods
}

func (m *Module) addDecls(f *File) {
	m.RequiredProviders = append(m.RequiredProviders, f.RequiredProviders...)
	m.Providers = append(m.Providers, f.Providers...)
	m.Resources = append(m.Resources, f.Resources...)
}

// link records, on every module, the local module calls that resolve to
// its directory (relative to the calling module's directory).
func link(s *Set) {
	for _, m := range s.Modules {
		for _, c := range m.ModuleCalls {
			src := c.Src()
			if src.Kind != LocalSource {
				continue
			}
			dir := path.Join(m.Dir, strings.ReplaceAll(src.Path, `\`, "/"))
			if dir == ".." || strings.HasPrefix(dir, "../") {
				continue // outside the repository
			}
			if callee := s.Module(dir); callee != nil {
				callee.CalledFrom = append(callee.CalledFrom, c.Pos)
			}
		}
	}
}
