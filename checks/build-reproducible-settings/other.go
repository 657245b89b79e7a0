package buildreproduciblesettings

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// dotnetProps are the MSBuild properties that make a .NET build
// deterministic.
var dotnetProps = []string{"ContinuousIntegrationBuild", "Deterministic"}

// reproducibleSdkRE finds the DotNet.ReproducibleBuilds.Isolated SDK in a
// project's Sdk attribute or <Sdk Name=…> element.
var reproducibleSdkRE = regexp.MustCompile(`(?i)\bSdk\s*=\s*"[^"]*DotNet\.ReproducibleBuilds|<Sdk\s+Name\s*=\s*"DotNet\.ReproducibleBuilds`)

// dotnetEval: .NET builds release artifacts wherever a project is; the
// switch is ContinuousIntegrationBuild or Deterministic set (not false) in
// a project, Directory.Build.props or Directory.Packages.props, the
// DotNet.ReproducibleBuilds package or SDK, or the property given to
// dotnet/msbuild on a pipeline's command line or in its environment
// (MSBuild reads environment variables as properties).
func dotnetEval(ms *manifest.Set, tree snapshot.Tree, sites []site, vars []pipeline.Var) *entry {
	e := &entry{Ecosystem: "dotnet", Switch: "ContinuousIntegrationBuild, Deterministic or DotNet.ReproducibleBuilds"}
	var projects, buildProps []string
	for _, f := range tree.Files {
		base := strings.ToLower(path.Base(f))
		switch ext := path.Ext(base); {
		case ext == ".csproj" || ext == ".fsproj" || ext == ".vbproj":
			projects = append(projects, f)
		case base == "directory.build.props":
			buildProps = append(buildProps, f)
		}
	}
	if len(projects) == 0 {
		return e
	}
	e.present = true
	for _, p := range sortedKeys(tree.Contents) {
		m := ms.Projects[p]
		if m == nil {
			continue
		}
		if m.Err != "" {
			e.unread = append(e.unread, check.Finding{Path: p, Message: "MSBuild file " + m.Err})
			continue
		}
		for _, name := range dotnetProps {
			if v, ok := m.Property(name); ok && v.Value != "" && !strings.EqualFold(v.Value, "false") {
				e.found(pipeline.Pos{Path: p, Line: v.Line}, v.Name)
			}
		}
		for _, it := range append(append([]manifest.Item{}, m.PackageReferences...), m.GlobalPackageReferences...) {
			if strings.EqualFold(it.Include, "DotNet.ReproducibleBuilds") {
				e.found(pipeline.Pos{Path: p, Line: it.Line}, "the DotNet.ReproducibleBuilds package")
			}
		}
		if loc := reproducibleSdkRE.FindStringIndex(tree.Contents[p].Text); loc != nil {
			e.found(pipeline.Pos{Path: p, Line: lineAt(tree.Contents[p].Text, loc[0])}, "the DotNet.ReproducibleBuilds SDK")
		}
	}
	for _, s := range sites {
		c := s.cmd
		if c.Name != "dotnet" && c.Name != "msbuild" {
			continue
		}
		if name, ok := msbuildProperty(c.Args); ok {
			e.found(c.Pos, name+" on the "+c.Name+" command line")
		}
	}
	for _, v := range vars {
		for _, name := range dotnetProps {
			if strings.EqualFold(v.Name, name) && strings.EqualFold(strings.TrimSpace(v.Value), "true") {
				e.found(v.Pos, name+" in the environment")
			}
		}
	}
	// On failure: the outermost Directory.Build.props, which every project
	// below imports, else each project.
	where := topmost(buildProps)
	if len(where) == 0 {
		where = projects
	}
	for _, p := range where {
		e.missing = append(e.missing, check.Finding{Path: p, Line: 1,
			Message: "no deterministic-build switch: add `<ContinuousIntegrationBuild Condition=\"'$(CI)' == 'true'\">true</ContinuousIntegrationBuild>` to a <PropertyGroup> (in Directory.Build.props for every project), or reference the DotNet.ReproducibleBuilds package"})
	}
	return e
}

// msbuildProperty finds `-p:Name=true` (also `/p:`, `-property:`,
// `/property:`, `--property:`, several `;`-separated properties) for one
// of the dotnet switches.
func msbuildProperty(args []string) (string, bool) {
	for _, a := range args {
		rest := ""
		for _, pre := range []string{"-p:", "/p:", "-property:", "/property:", "--property:", "-P:", "/P:"} {
			if strings.HasPrefix(a, pre) {
				rest = a[len(pre):]
			}
		}
		for _, kv := range strings.Split(rest, ";") {
			k, v, _ := strings.Cut(kv, "=")
			for _, name := range dotnetProps {
				if strings.EqualFold(k, name) && strings.EqualFold(strings.TrimSpace(v), "true") {
					return name, true
				}
			}
		}
	}
	return "", false
}

// lockfileModeRE finds `--lockfile_mode=error` (or `--lockfile_mode error`).
var lockfileModeRE = regexp.MustCompile(`(?:^|\s)--lockfile_mode(?:=|\s+)error\b`)

// isBazelrc: `.bazelrc`, and the rc files it imports by convention
// (`ci.bazelrc`, `.bazelrc.ci`, …).
func isBazelrc(p string) bool {
	base := strings.ToLower(path.Base(p))
	return base == ".bazelrc" || strings.HasSuffix(base, ".bazelrc") || strings.HasPrefix(base, ".bazelrc.")
}

// bazelEval: Bazel resolves modules (Bzlmod) wherever a MODULE.bazel is;
// the switch is --lockfile_mode=error in a bazelrc, or on a pipeline's
// bazel command line.
func bazelEval(tree snapshot.Tree, sites []site) *entry {
	e := &entry{Ecosystem: "bazel", Switch: "--lockfile_mode=error"}
	modules := filesNamed(tree, "MODULE.bazel")
	if len(modules) == 0 {
		return e
	}
	e.present = true
	var rcs []string
	for _, p := range sortedKeys(tree.Contents) {
		if !isBazelrc(p) {
			continue
		}
		rcs = append(rcs, p)
		c := tree.Contents[p]
		if c.Skipped != "" {
			e.unread = append(e.unread, check.Finding{Path: p, Message: "bazelrc not read: " + c.Skipped})
			continue
		}
		for i, l := range strings.Split(c.Text, "\n") {
			if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
				continue
			}
			if j := strings.Index(l, " #"); j >= 0 {
				l = l[:j]
			}
			if lockfileModeRE.MatchString(l) {
				e.found(pipeline.Pos{Path: p, Line: i + 1}, "--lockfile_mode=error")
			}
		}
	}
	for _, s := range sites {
		if s.cmd.Name != "bazel" && s.cmd.Name != "bazelisk" {
			continue
		}
		for i, a := range s.cmd.Args {
			if a == "--lockfile_mode=error" || a == "--lockfile_mode" && i+1 < len(s.cmd.Args) && s.cmd.Args[i+1] == "error" {
				e.found(s.cmd.Pos, "--lockfile_mode=error on the bazel command line")
			}
		}
	}
	for _, m := range topmost(modules) {
		where, line := m, 1
		if rc := path.Join(path.Dir(m), ".bazelrc"); slices.Contains(rcs, rc) {
			where = rc
		}
		e.missing = append(e.missing, check.Finding{Path: where, Line: line,
			Message: "Bazel may update MODULE.bazel.lock during the build: add `common --lockfile_mode=error` to .bazelrc"})
	}
	return e
}
