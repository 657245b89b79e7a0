package buildreproduciblesettings

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/ssdf-dev/ssdf/check"
	"github.com/ssdf-dev/ssdf/manifest"
	"github.com/ssdf-dev/ssdf/pipeline"
	"github.com/ssdf-dev/ssdf/snapshot"
)

// outputTimestampRE finds the Maven property with a value, in the
// project's properties or a profile's.
var outputTimestampRE = regexp.MustCompile(`<project\.build\.outputTimestamp>\s*[^<\s][^<]*</project\.build\.outputTimestamp>`)

// mavenEval: Maven builds release artifacts wherever a pom.xml is; the
// switch is the property project.build.outputTimestamp (set in a pom, or
// with -D on a pipeline's mvn command line).
func mavenEval(ms *manifest.Set, tree snapshot.Tree, sites []site) *entry {
	e := &entry{Ecosystem: "maven", Switch: "project.build.outputTimestamp"}
	poms := filesNamed(tree, "pom.xml")
	if len(poms) == 0 {
		return e
	}
	e.present = true
	for _, p := range poms {
		c, ok := tree.Contents[p]
		switch {
		case !ok:
			e.unread = append(e.unread, check.Finding{Path: p, Message: "pom.xml not read by the collector"})
			continue
		case c.Skipped != "":
			e.unread = append(e.unread, check.Finding{Path: p, Message: "pom.xml not read: " + c.Skipped})
			continue
		}
		if loc := outputTimestampRE.FindStringIndex(c.Text); loc != nil {
			e.found(pipeline.Pos{Path: p, Line: lineAt(c.Text, loc[0])}, "project.build.outputTimestamp")
			continue
		}
		if ms.Poms[p] == nil {
			e.unread = append(e.unread, check.Finding{Path: p, Message: "pom.xml does not parse"})
		}
	}
	for _, s := range sites {
		if (s.cmd.Name == "mvn" || s.cmd.Name == "mvnw" || s.cmd.Name == "mvnw.cmd") && hasDefine(s.cmd.Args, "project.build.outputTimestamp") {
			e.found(s.cmd.Pos, "-Dproject.build.outputTimestamp on the mvn command line")
		}
	}
	// On failure, the top poms are where the property belongs: the
	// modules inherit it.
	for _, p := range topmost(poms) {
		line := 1
		if c := tree.Contents[p]; c.Skipped == "" {
			if i := strings.Index(c.Text, "<project"); i >= 0 {
				line = lineAt(c.Text, i)
			}
		}
		e.missing = append(e.missing, check.Finding{Path: p, Line: line,
			Message: "no project.build.outputTimestamp: add `<project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>` to <properties> (the release plugin updates it)"})
	}
	return e
}

func hasDefine(args []string, name string) bool {
	for i, a := range args {
		if strings.HasPrefix(a, "-D"+name+"=") && len(a) > len(name)+3 {
			return true
		}
		if a == "-D" && i+1 < len(args) && strings.HasPrefix(args[i+1], name+"=") {
			return true
		}
	}
	return false
}

// Gradle's reproducible archive settings (AbstractArchiveTask), in the
// Groovy and Kotlin DSLs: `preserveFileTimestamps = false`,
// `isPreserveFileTimestamps = false`, `preserveFileTimestamps.set(false)`,
// `preserveFileTimestamps false`; the same with reproducibleFileOrder and
// true.
var (
	preserveRE     = regexp.MustCompile(`\b(?:is)?[Pp]reserveFileTimestamps\s*(?:=|\.set\s*\(|\(|\s)\s*false\b`)
	reproducibleRE = regexp.MustCompile(`\b(?:is)?[Rr]eproducibleFileOrder\s*(?:=|\.set\s*\(|\(|\s)\s*true\b`)
	// gradleVersionRE reads the version of a distributionUrl:
	// .../gradle-9.0.0-bin.zip, gradle-8.14.3-all.zip, gradle-9.1-rc-1-bin.zip.
	gradleVersionRE = regexp.MustCompile(`gradle-(\d+)(?:\.\d+)*(?:-[0-9A-Za-z.-]+?)?-(?:bin|all)\.zip`)
)

// isGradleScript: a Gradle build, settings, init or applied script, or a
// precompiled script plugin.
func isGradleScript(p string) bool {
	base := strings.ToLower(path.Base(p))
	return strings.HasSuffix(base, ".gradle") || strings.HasSuffix(base, ".gradle.kts")
}

// gradleEval: Gradle builds release artifacts wherever a build or
// settings script is; the switch is the reproducible archive settings in
// a Gradle script, or Gradle 9 or later (whose archives are reproducible
// by default) in a wrapper's distributionUrl.
func gradleEval(tree snapshot.Tree, wrappers []*props) *entry {
	e := &entry{Ecosystem: "gradle", Switch: "preserveFileTimestamps = false and reproducibleFileOrder = true, or Gradle >= 9"}
	var builds []string
	for _, f := range tree.Files {
		switch strings.ToLower(path.Base(f)) {
		case "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts":
			builds = append(builds, f)
		}
	}
	if len(builds) == 0 {
		return e
	}
	e.present = true
	var preserve, reproducible *pipeline.Pos
	for _, p := range sortedKeys(tree.Contents) {
		if !isGradleScript(p) {
			continue
		}
		c := tree.Contents[p]
		if c.Skipped != "" {
			e.unread = append(e.unread, check.Finding{Path: p, Message: "Gradle script not read: " + c.Skipped})
			continue
		}
		text := blankComments(c.Text)
		if loc := preserveRE.FindStringIndex(text); loc != nil && preserve == nil {
			preserve = &pipeline.Pos{Path: p, Line: lineAt(text, loc[0])}
		}
		if loc := reproducibleRE.FindStringIndex(text); loc != nil && reproducible == nil {
			reproducible = &pipeline.Pos{Path: p, Line: lineAt(text, loc[0])}
		}
	}
	if preserve != nil && reproducible != nil {
		e.found(*preserve, "reproducible archive settings")
	}
	for _, w := range wrappers {
		if w.kind != "gradle" || w.unread != "" {
			continue
		}
		url, ok := w.get("distributionUrl")
		if !ok {
			continue
		}
		if m := gradleVersionRE.FindStringSubmatch(url.value); m != nil {
			if major, _ := strconv.Atoi(m[1]); major >= 9 {
				e.found(pipeline.Pos{Path: w.path, Line: url.line}, "Gradle "+m[1]+" (reproducible archives by default)")
				continue
			}
			e.missing = append(e.missing, check.Finding{Path: w.path, Line: url.line,
				Message: fmt.Sprintf("Gradle %s archives are not reproducible by default: upgrade to Gradle 9, or set preserveFileTimestamps = false and reproducibleFileOrder = true on every AbstractArchiveTask", m[1])})
		}
	}
	switch {
	case preserve != nil && reproducible == nil:
		e.missing = append(e.missing, check.Finding{Path: preserve.Path, Line: preserve.Line, Message: "preserveFileTimestamps = false without reproducibleFileOrder = true: set both"})
	case preserve == nil && reproducible != nil:
		e.missing = append(e.missing, check.Finding{Path: reproducible.Path, Line: reproducible.Line, Message: "reproducibleFileOrder = true without preserveFileTimestamps = false: set both"})
	default:
		for _, p := range topmost(builds) {
			e.missing = append(e.missing, check.Finding{Path: p, Line: 1,
				Message: "no reproducible archive settings: add `tasks.withType<AbstractArchiveTask>().configureEach { isPreserveFileTimestamps = false; isReproducibleFileOrder = true }` (or upgrade to Gradle 9)"})
		}
	}
	return e
}

// blankComments replaces `//` and `/* */` comments (outside string
// literals) with spaces, keeping newlines, so that lines stay right.
func blankComments(s string) string {
	b := []byte(s)
	n := len(b)
	for i := 0; i < n; i++ {
		switch c := b[i]; {
		case c == '"' || c == '\'':
			for i++; i < n && b[i] != c && b[i] != '\n'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case c == '/' && i+1 < n && b[i+1] == '/':
			for ; i < n && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		case c == '/' && i+1 < n && b[i+1] == '*':
			for ; i < n && !(b[i] == '*' && i+1 < n && b[i+1] == '/'); i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
			if i+1 < n {
				b[i], b[i+1] = ' ', ' '
				i++
			}
		}
	}
	return string(b)
}

// props is a Java properties file (a Maven or Gradle wrapper's).
type props struct {
	path string
	// kind is "maven" or "gradle".
	kind   string
	unread string
	vals   map[string]propVal
}

type propVal struct {
	value string
	line  int
}

func (p *props) get(k string) (propVal, bool) {
	v, ok := p.vals[k]
	return v, ok
}

// wrapperProps returns the Maven (`.mvn/wrapper/maven-wrapper.properties`)
// and Gradle (`gradle/wrapper/gradle-wrapper.properties`) wrapper
// properties anywhere in the tree.
func wrapperProps(tree snapshot.Tree) []*props {
	var out []*props
	for _, f := range tree.Files {
		lf := strings.ToLower(f)
		kind := ""
		switch {
		case lf == ".mvn/wrapper/maven-wrapper.properties" || strings.HasSuffix(lf, "/.mvn/wrapper/maven-wrapper.properties"):
			kind = "maven"
		case lf == "gradle/wrapper/gradle-wrapper.properties" || strings.HasSuffix(lf, "/gradle/wrapper/gradle-wrapper.properties"):
			kind = "gradle"
		default:
			continue
		}
		w := &props{path: f, kind: kind, vals: map[string]propVal{}}
		c, ok := tree.Contents[f]
		switch {
		case !ok:
			w.unread = "not read by the collector"
		case c.Skipped != "":
			w.unread = "not read: " + c.Skipped
		default:
			parseProps(w, c.Text)
		}
		out = append(out, w)
	}
	return out
}

// parseProps reads `key=value`, `key: value` and `key value` lines, `#`
// and `!` comments, backslash continuations and escapes (`https\://`).
func parseProps(w *props, text string) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		l := strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t\f")
		if l == "" || l[0] == '#' || l[0] == '!' {
			continue
		}
		for strings.HasSuffix(l, "\\") && !strings.HasSuffix(l, "\\\\") && i+1 < len(lines) {
			i++
			l = l[:len(l)-1] + strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t\f")
		}
		k := 0
		for k < len(l) && l[k] != '=' && l[k] != ':' && l[k] != ' ' && l[k] != '\t' {
			if l[k] == '\\' {
				k++
			}
			k++
		}
		if k > len(l) {
			k = len(l)
		}
		key := strings.ReplaceAll(l[:k], "\\", "")
		rest := strings.TrimLeft(l[k:], " \t")
		if rest != "" && (rest[0] == '=' || rest[0] == ':') {
			rest = strings.TrimLeft(rest[1:], " \t")
		}
		w.vals[key] = propVal{value: strings.ReplaceAll(rest, "\\", ""), line: start}
	}
}

// wrapperEval: every wrapper of a kind carries distributionSha256Sum, so
// that the build tool it downloads is verified.
func wrapperEval(kind string, wrappers []*props) *entry {
	e := &entry{Ecosystem: kind, Switch: "distributionSha256Sum", perFile: true}
	for _, w := range wrappers {
		if w.kind != kind {
			continue
		}
		e.present = true
		if w.unread != "" {
			e.unread = append(e.unread, check.Finding{Path: w.path, Message: "wrapper properties " + w.unread})
			continue
		}
		if v, ok := w.get("distributionSha256Sum"); ok && strings.TrimSpace(v.value) != "" {
			e.found(pipeline.Pos{Path: w.path, Line: v.line}, "distributionSha256Sum")
			continue
		}
		line := 1
		if v, ok := w.get("distributionUrl"); ok {
			line = v.line
		}
		e.missing = append(e.missing, check.Finding{Path: w.path, Line: line,
			Message: "the wrapper downloads its distribution without verifying it: add `distributionSha256Sum=` with the SHA-256 the project publishes for that distribution"})
	}
	return e
}

// filesNamed returns the files whose base name is name (case-insensitive).
func filesNamed(tree snapshot.Tree, name string) []string {
	var out []string
	for _, f := range tree.Files {
		if strings.EqualFold(path.Base(f), name) {
			out = append(out, f)
		}
	}
	return out
}

// topmost returns the files of a list that have no other file of the list
// in an ancestor directory (or the same directory, earlier in the list).
func topmost(files []string) []string {
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[path.Dir(f)] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range files {
		d := path.Dir(f)
		top := true
		for a := d; a != "."; {
			a = path.Dir(a)
			if dirs[a] {
				top = false
				break
			}
		}
		if top && !seen[d] {
			seen[d] = true
			out = append(out, f)
		}
	}
	return out
}
