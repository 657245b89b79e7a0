package manifest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// MSBuild is what ssdf reads of an MSBuild file: a project (.csproj,
// .fsproj, .vbproj), a Directory.Build.props or a Directory.Packages.props.
// Nothing is evaluated: conditions are ignored and values are literal.
type MSBuild struct {
	Path string
	// Err says why the file could not be read or parsed.
	Err string
	// Properties holds the last definition of each property, by its name
	// in lower case (MSBuild property names are case-insensitive).
	Properties map[string]Property
	// PackageReferences are the <PackageReference Include=…> items;
	// GlobalPackageReferences the central <GlobalPackageReference> ones.
	PackageReferences, GlobalPackageReferences []Item
	// Imports are the Project attributes of <Import> elements.
	Imports []string
}

// Property is one MSBuild property definition.
type Property struct {
	Name, Value string
	Line        int
}

// Item is one package item.
type Item struct {
	Include, Version string
	Line             int
}

// Property returns the value of a property (case-insensitive name) and
// whether the file defines it.
func (m *MSBuild) Property(name string) (Property, bool) {
	p, ok := m.Properties[strings.ToLower(name)]
	return p, ok
}

func parseMSBuild(p string, t text) *MSBuild {
	m := &MSBuild{Path: p, Properties: map[string]Property{}}
	if t.unread != "" {
		m.Err = t.unread
		return m
	}
	if err := m.parse(t.s); err != nil {
		m.Err = "could not be parsed: " + err.Error()
	}
	return m
}

func (m *MSBuild) parse(s string) (err error) {
	defer recovered(&err)
	d := newXMLDecoder(s)
	var stack []string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return fmt.Errorf("line %d: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
			if len(stack) == 1 && t.Name.Local != "Project" {
				return fmt.Errorf("the root element is <%s>, not <Project>", t.Name.Local)
			}
			line, _ := d.InputPos()
			parent := ""
			if len(stack) >= 2 {
				parent = stack[len(stack)-2]
			}
			switch {
			case t.Name.Local == "Import" && parent == "Project":
				m.Imports = append(m.Imports, attr(t, "Project"))
			case parent == "ItemGroup" && strings.EqualFold(t.Name.Local, "PackageReference"):
				if inc := attr(t, "Include"); inc != "" {
					m.PackageReferences = append(m.PackageReferences, Item{Include: inc, Version: attr(t, "Version"), Line: line})
				}
			case parent == "ItemGroup" && strings.EqualFold(t.Name.Local, "GlobalPackageReference"):
				if inc := attr(t, "Include"); inc != "" {
					m.GlobalPackageReferences = append(m.GlobalPackageReferences, Item{Include: inc, Version: attr(t, "Version"), Line: line})
				}
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == 0 {
				return errors.New("unbalanced elements")
			}
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) >= 1 && stack[len(stack)-1] == "PropertyGroup" {
				line, _ := d.InputPos()
				m.Properties[strings.ToLower(name)] = Property{Name: name, Value: strings.TrimSpace(text.String()), Line: line}
			}
			text.Reset()
		}
	}
	return nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// unreadErr is an error whose text is the whole reason a file is unknown.
type unreadErr string

func (e unreadErr) Error() string { return string(e) }

// buildProps returns the Directory.Build.props files that MSBuild imports
// into a project in dir, nearest first: the nearest one upwards, then the
// next one above it for as long as each imports its parent's with
// GetPathOfFileAbove (the documented way of chaining them).
func (p *parser) buildProps(dir string) []*MSBuild {
	var out []*MSBuild
	cands := append([]string{dir}, ancestors(dir)...)
	for i := 0; i < len(cands); i++ {
		f := p.x.find(cands[i], "directory.build.props")
		if f == "" {
			continue
		}
		m := p.set.Projects[f]
		if m == nil {
			m = &MSBuild{Path: f, Err: "not read"}
		}
		out = append(out, m)
		chained := false
		for _, imp := range m.Imports {
			if strings.Contains(imp, "FileAbove") && strings.Contains(strings.ToLower(imp), "directory.build.props") {
				chained = true
			}
		}
		if !chained {
			break
		}
	}
	return out
}

// packagesProps returns the nearest Directory.Packages.props upwards, or nil.
func (p *parser) packagesProps(dir string) *MSBuild {
	for _, a := range append([]string{dir}, ancestors(dir)...) {
		if f := p.x.find(a, "directory.packages.props"); f != "" {
			if m := p.set.Projects[f]; m != nil {
				return m
			}
			return &MSBuild{Path: f, Err: "not read"}
		}
	}
	return nil
}

// dotnetDeclared counts a project's package references, its own and those
// its Directory.Build.props and Directory.Packages.props add, and says
// whether it counts: it has one and RestorePackagesWithLockFile is not
// false (the project's value wins over Directory.Packages.props', which
// wins over Directory.Build.props').
func (p *parser) dotnetDeclared(f string, m *MSBuild) (declared, bool, error) {
	dir := dirOf(f)
	imported := p.buildProps(dir)
	if pp := p.packagesProps(dir); pp != nil {
		imported = append([]*MSBuild{pp}, imported...)
	}
	for _, im := range imported {
		if im.Err != "" {
			return declared{}, false, unreadErr(fmt.Sprintf("its %s %s", im.Path, im.Err))
		}
	}
	d := declared{fix: "set <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile> in the project (or Directory.Build.props) and run `dotnet restore --use-lock-file`"}
	// A package referenced once per target framework (in conditioned
	// item groups) is one dependency: count distinct names.
	seen := map[string]bool{}
	count := func(it Item) {
		if k := strings.ToLower(strings.TrimSpace(it.Include)); !seen[k] {
			seen[k] = true
			d.deps++
		}
	}
	for _, it := range append(append([]Item{}, m.PackageReferences...), m.GlobalPackageReferences...) {
		count(it)
		if d.line == 0 || it.Line < d.line {
			d.line = it.Line
		}
	}
	for _, im := range imported {
		for _, it := range append(append([]Item{}, im.PackageReferences...), im.GlobalPackageReferences...) {
			count(it)
		}
	}
	if d.deps == 0 {
		return d, false, nil
	}
	for _, src := range append([]*MSBuild{m}, imported...) {
		if v, ok := src.Property("RestorePackagesWithLockFile"); ok {
			return d, !strings.EqualFold(v.Value, "false"), nil
		}
	}
	return d, true, nil
}

// coverDotnet covers a project by packages.lock.json beside it (or
// packages.<project>.lock.json, NuGet's name when several projects share a
// directory, or the literal NuGetLockFilePath the project sets).
func (p *parser) coverDotnet(m *Manifest, proj *MSBuild) *Manifest {
	dir := dirOf(m.Path)
	name := strings.TrimSuffix(path.Base(m.Path), path.Ext(m.Path))
	// NuGet names the lock of one of several projects in a folder
	// packages.<project_name>.lock.json, spaces in the name replaced by `_`.
	names := []string{"packages.lock.json", "packages." + strings.ReplaceAll(strings.ToLower(name), " ", "_") + ".lock.json"}
	lock := p.x.find(dir, names...)
	if lock == "" {
		for _, src := range append([]*MSBuild{proj}, p.buildProps(dir)...) {
			v, ok := src.Property("NuGetLockFilePath")
			if !ok || v.Value == "" || strings.Contains(v.Value, "$(") {
				continue
			}
			if t, ok := joinRel(dirOf(src.Path), v.Value); ok && p.inFiles(t) {
				lock = t
			}
			break
		}
	}
	if lock != "" {
		m.Status, m.Lock = Pass, lock
		m.Reason = fmt.Sprintf("%s is covered by %s", m.Path, lock)
		return m
	}
	if link := p.x.symlinked(dir, names...); link != "" {
		return p.undecided(m, fmt.Sprintf("its lock %s is a symlink, which ssdf does not follow", link))
	}
	return p.uncovered(m, nil, fmt.Sprintf("%s references %s and has no packages.lock.json beside it", m.Path, plural(m.Deps, "package", "packages")))
}
