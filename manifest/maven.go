package manifest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Pom is what ssdf reads of a Maven pom.xml.
type Pom struct {
	GroupID, ArtifactID, Version string
	// Parent is the <parent>, if any.
	Parent *Coordinate
	// Properties are the project's <properties> (not a profile's).
	Properties map[string]string
	// Coordinates are the parent, dependencies (of the project, its
	// dependencyManagement, its plugins and its profiles), plugins (build,
	// pluginManagement, reporting) and build extensions, in file order.
	// Plugin <configuration> content is not looked into.
	Coordinates []Coordinate
	// Declared counts Coordinates: the pom counts when it is not zero.
	Declared int
	// FirstLine is the line of the first coordinate.
	FirstLine int
}

// Coordinate is one parent, dependency, plugin or extension of a pom.
type Coordinate struct {
	// Kind is "parent", "dependency", "plugin" or "extension".
	Kind                string
	GroupID, ArtifactID string
	// Version is as written; Resolved after the properties of the same
	// file are substituted ("" without a version). Unresolved is set when a
	// ${…} the file does not define remains.
	Version, Resolved string
	Unresolved        bool
	// Line is the line of the <version> element, else of the element.
	Line int
	// Problem is why the version is not fixed: "a version range",
	// "LATEST", "RELEASE" or "a -SNAPSHOT version"; "" when it is fixed or
	// absent.
	Problem string
}

// ID is groupId:artifactId.
func (c Coordinate) ID() string {
	if c.GroupID == "" {
		return c.ArtifactID
	}
	return c.GroupID + ":" + c.ArtifactID
}

// newXMLDecoder returns a decoder that accepts a byte-order mark, HTML
// entities and the single-byte encodings old project files declare.
func newXMLDecoder(s string) *xml.Decoder {
	d := xml.NewDecoder(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii":
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, err
			}
			var out bytes.Buffer
			for _, c := range b {
				out.WriteRune(rune(c))
			}
			return &out, nil
		case "utf-8", "utf8":
			return r, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return d
}

// ParsePom reads a pom.xml.
func ParsePom(s string) (pom *Pom, err error) {
	defer recovered(&err)
	pom = &Pom{Properties: map[string]string{}}
	d := newXMLDecoder(s)
	var stack []string
	// open coordinates, innermost last, with the stack depth they opened at
	type open struct {
		c     Coordinate
		depth int
	}
	var coords []*open
	var text strings.Builder
	inConfig := 0
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			stack = append(stack, name)
			text.Reset()
			if len(stack) == 1 {
				if name != "project" {
					return nil, fmt.Errorf("the root element is <%s>, not <project>", name)
				}
				root = true
			}
			if name == "configuration" {
				inConfig++
			}
			if inConfig > 0 {
				continue
			}
			line, _ := d.InputPos()
			kind := ""
			switch {
			case name == "parent" && len(stack) == 2:
				kind = "parent"
			case name == "dependency" && len(stack) >= 3 && stack[len(stack)-2] == "dependencies":
				kind = "dependency"
			case name == "plugin" && len(stack) >= 3 && stack[len(stack)-2] == "plugins":
				kind = "plugin"
			case name == "extension" && len(stack) >= 3 && stack[len(stack)-2] == "extensions":
				kind = "extension"
			}
			if kind != "" {
				coords = append(coords, &open{c: Coordinate{Kind: kind, Line: line}, depth: len(stack)})
			}
			if name == "version" && len(coords) > 0 && coords[len(coords)-1].depth == len(stack)-1 {
				coords[len(coords)-1].c.Line = line
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("unbalanced elements")
			}
			name := stack[len(stack)-1]
			v := strings.TrimSpace(text.String())
			depth := len(stack)
			stack = stack[:len(stack)-1]
			if name == "configuration" && inConfig > 0 {
				inConfig--
				text.Reset()
				continue
			}
			if inConfig > 0 {
				continue
			}
			switch {
			case depth == 2 && name == "version":
				pom.Version = v
			case depth == 2 && name == "groupId":
				pom.GroupID = v
			case depth == 2 && name == "artifactId":
				pom.ArtifactID = v
			case depth == 3 && len(stack) == 2 && stack[1] == "properties":
				pom.Properties[name] = v
			}
			if len(coords) > 0 {
				top := coords[len(coords)-1]
				switch {
				case top.depth == depth-1:
					switch name {
					case "groupId":
						top.c.GroupID = v
					case "artifactId":
						top.c.ArtifactID = v
					case "version":
						top.c.Version = v
					}
				case top.depth == depth:
					pom.Coordinates = append(pom.Coordinates, top.c)
					coords = coords[:len(coords)-1]
				}
			}
			text.Reset()
		}
	}
	if !root {
		return nil, errors.New("no <project> element")
	}
	for i := range pom.Coordinates {
		c := &pom.Coordinates[i]
		if c.Kind == "parent" {
			p := *c
			pom.Parent = &p
		}
	}
	for i := range pom.Coordinates {
		c := &pom.Coordinates[i]
		if c.Version != "" {
			c.Resolved, c.Unresolved = pom.resolve(c.Version)
			if !c.Unresolved {
				c.Problem = versionProblem(c.Resolved)
			}
		}
		if c.Kind == "parent" {
			pom.Parent = &pom.Coordinates[i]
		}
	}
	pom.Declared = len(pom.Coordinates)
	if pom.Declared > 0 {
		pom.FirstLine = pom.Coordinates[0].Line
	}
	return pom, nil
}

// resolve substitutes ${…} with the file's properties and the project's
// own coordinates; unresolved is set when some reference stays.
func (p *Pom) resolve(v string) (string, bool) {
	for range 16 {
		i := strings.Index(v, "${")
		if i < 0 {
			return v, false
		}
		j := strings.IndexByte(v[i:], '}')
		if j < 0 {
			return v, true
		}
		name := v[i+2 : i+j]
		val, ok := p.property(name)
		if !ok {
			return v, true
		}
		v = v[:i] + val + v[i+j+1:]
	}
	return v, strings.Contains(v, "${")
}

func (p *Pom) property(name string) (string, bool) {
	if v, ok := p.Properties[name]; ok {
		return v, true
	}
	parentVersion := ""
	if p.Parent != nil {
		parentVersion = p.Parent.Version
	}
	switch name {
	case "project.version", "pom.version", "version":
		// A project without its own version inherits its parent's.
		if p.Version != "" {
			return p.Version, true
		}
		return parentVersion, parentVersion != ""
	case "project.parent.version", "parent.version":
		return parentVersion, parentVersion != ""
	case "project.groupId", "pom.groupId":
		if p.GroupID != "" {
			return p.GroupID, true
		}
		if p.Parent != nil && p.Parent.GroupID != "" {
			return p.Parent.GroupID, true
		}
	case "project.artifactId", "pom.artifactId":
		return p.ArtifactID, p.ArtifactID != ""
	}
	return "", false
}

// versionProblem says why a resolved version is not fixed, or "".
func versionProblem(v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return ""
	case strings.HasPrefix(v, "[") || strings.HasPrefix(v, "("):
		return "a version range"
	case strings.EqualFold(v, "LATEST"):
		return "LATEST"
	case strings.EqualFold(v, "RELEASE"):
		return "RELEASE"
	case strings.HasSuffix(strings.ToUpper(v), "-SNAPSHOT") || strings.EqualFold(v, "SNAPSHOT"):
		return "a -SNAPSHOT version"
	}
	return ""
}

// coverMaven judges a pom: Maven has no lock, so it passes when no version
// is a range, LATEST, RELEASE or -SNAPSHOT (SPEC §3).
func (p *parser) coverMaven(m *Manifest, pom *Pom) *Manifest {
	unresolved, own := 0, 0
	modules := p.mavenModules()
	for _, c := range pom.Coordinates {
		if c.Unresolved {
			unresolved++
		}
		if c.Problem == "" {
			continue
		}
		// The repository's own modules (a parent that is the root pom, a
		// sibling module) carry the project's own version, which SPEC does
		// not check: they are not external dependencies.
		if g := pom.groupOf(c.GroupID); g != "" && modules[g+":"+c.ArtifactID] {
			own++
			continue
		}
		how := fmt.Sprintf("`%s`", c.Version)
		if c.Resolved != c.Version {
			how = fmt.Sprintf("`%s` (= `%s`)", c.Version, c.Resolved)
		}
		m.Problems = append(m.Problems, Problem{Path: m.Path, Line: c.Line, Message: fmt.Sprintf(
			"the version of %s %s is %s, %s: pin a fixed release version", c.Kind, c.ID(), how, c.Problem)})
	}
	if len(m.Problems) > 0 {
		m.Status = Fail
		m.Reason = fmt.Sprintf("%s has %s that %s not fixed", m.Path, plural(len(m.Problems), "version", "versions"), map[bool]string{true: "is", false: "are"}[len(m.Problems) == 1])
		return m
	}
	m.Status = Pass
	m.Reason = fmt.Sprintf("no version of the %s of %s is a range, LATEST, RELEASE or -SNAPSHOT", plural(pom.Declared, "coordinate", "coordinates"), m.Path)
	if own > 0 {
		m.Reason += fmt.Sprintf(" (%s of this repository's own modules, at the project's own version, not checked)", plural(own, "reference", "references"))
	}
	if unresolved > 0 {
		m.Reason += fmt.Sprintf(" (%d use properties the file does not define)", unresolved)
	}
	return m
}

// groupOf resolves a coordinate's groupId as written in pom: the
// project's own group for ${project.groupId} (or the parent's), as is.
func (p *Pom) groupOf(g string) string {
	switch strings.TrimSpace(g) {
	case "${project.groupId}", "${pom.groupId}", "${groupId}":
		if p.GroupID != "" {
			return p.GroupID
		}
		if p.Parent != nil {
			return p.Parent.GroupID
		}
		return ""
	case "${project.parent.groupId}":
		if p.Parent != nil {
			return p.Parent.GroupID
		}
		return ""
	}
	return strings.TrimSpace(g)
}

// mavenModules are the groupId:artifactId of every pom in the repository
// (a module without a groupId inherits its parent's).
func (p *parser) mavenModules() map[string]bool {
	if p.modules != nil {
		return p.modules
	}
	p.modules = map[string]bool{}
	for _, pom := range p.set.Poms {
		g := pom.GroupID
		if g == "" && pom.Parent != nil {
			g = pom.Parent.GroupID
		}
		if g != "" && pom.ArtifactID != "" {
			p.modules[g+":"+pom.ArtifactID] = true
		}
	}
	return p.modules
}
