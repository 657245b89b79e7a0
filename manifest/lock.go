package manifest

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// Lock is what ssdf reads of a lock file: enough to tell it is one, which
// version of its format, and how many packages it pins. build-lockfile
// needs only a lock's presence (a path in the snapshot's file list); Lock
// serves the tests over real-world locks and any check that must look
// inside one.
type Lock struct {
	// Format names the format: "package-lock", "yarn-v1", "yarn-berry",
	// "pnpm-lock", "go.sum", "cargo", "poetry", "uv", "pylock",
	// "pipfile.lock", "pdm", "composer", "nuget", "conan", "gradle",
	// "gradle-verification", "bazel", "flake", "swiftpm", "bundler".
	Format string
	// Version is the format's own version field, as text ("" when the
	// format has none).
	Version string
	// Packages counts the packages (or, for go.sum, lines; for
	// gradle-verification, components) the lock pins.
	Packages int
}

// ErrNotLock is returned for a file name that is not a lock ParseLock reads.
var ErrNotLock = errors.New("not a lock file ssdf reads")

// ParseLock reads the lock file named name (only its base name matters).
func ParseLock(name, s string) (l Lock, err error) {
	defer recovered(&err)
	base := strings.ToLower(path.Base(name))
	switch {
	case base == "package-lock.json" || base == "npm-shrinkwrap.json":
		var v struct {
			LockfileVersion json.Number                `json:"lockfileVersion"`
			Packages        map[string]json.RawMessage `json:"packages"`
			Dependencies    map[string]json.RawMessage `json:"dependencies"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		n := len(v.Packages)
		if _, ok := v.Packages[""]; ok {
			n-- // the root project
		}
		if v.Packages == nil {
			n = len(v.Dependencies)
		}
		return Lock{Format: "package-lock", Version: v.LockfileVersion.String(), Packages: n}, nil
	case base == "yarn.lock":
		return parseYarnLock(s)
	case base == "pnpm-lock.yaml":
		var v struct {
			LockfileVersion any            `yaml:"lockfileVersion"`
			Packages        map[string]any `yaml:"packages"`
		}
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			return l, err
		}
		if v.LockfileVersion == nil {
			return l, errors.New("no lockfileVersion")
		}
		return Lock{Format: "pnpm-lock", Version: fmt.Sprint(v.LockfileVersion), Packages: len(v.Packages)}, nil
	case base == "go.sum" || base == "go.work.sum":
		n := 0
		for i, line := range strings.Split(s, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			if len(f) != 3 || !strings.HasPrefix(f[2], "h1:") {
				return l, fmt.Errorf("line %d: not `module version h1:hash`", i+1)
			}
			n++
		}
		return Lock{Format: "go.sum", Packages: n}, nil
	case base == "cargo.lock":
		var v struct {
			Version  int              `toml:"version"`
			Packages []map[string]any `toml:"package"`
		}
		if err := toml.Unmarshal([]byte(s), &v); err != nil {
			return l, err
		}
		ver := ""
		if v.Version != 0 {
			ver = strconv.Itoa(v.Version)
		}
		return Lock{Format: "cargo", Version: ver, Packages: len(v.Packages)}, nil
	case base == "poetry.lock" || base == "pdm.lock":
		var v struct {
			Packages []map[string]any `toml:"package"`
			Metadata map[string]any   `toml:"metadata"`
		}
		if err := toml.Unmarshal([]byte(s), &v); err != nil {
			return l, err
		}
		f := strings.TrimSuffix(base, ".lock")
		ver := ""
		for _, k := range []string{"lock-version", "lock_version"} {
			if x, ok := v.Metadata[k]; ok {
				ver = fmt.Sprint(x)
			}
		}
		return Lock{Format: f, Version: ver, Packages: len(v.Packages)}, nil
	case base == "uv.lock":
		var v struct {
			Version  int              `toml:"version"`
			Revision int              `toml:"revision"`
			Packages []map[string]any `toml:"package"`
		}
		if err := toml.Unmarshal([]byte(s), &v); err != nil {
			return l, err
		}
		return Lock{Format: "uv", Version: strconv.Itoa(v.Version), Packages: len(v.Packages)}, nil
	case base == "pylock.toml" || strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml"):
		var v struct {
			LockVersion string           `toml:"lock-version"`
			Packages    []map[string]any `toml:"packages"`
		}
		if err := toml.Unmarshal([]byte(s), &v); err != nil {
			return l, err
		}
		if v.LockVersion == "" {
			return l, errors.New("no lock-version")
		}
		return Lock{Format: "pylock", Version: v.LockVersion, Packages: len(v.Packages)}, nil
	case base == "pipfile.lock":
		var v struct {
			Meta struct {
				Spec json.Number `json:"pipfile-spec"`
			} `json:"_meta"`
			Default map[string]json.RawMessage `json:"default"`
			Develop map[string]json.RawMessage `json:"develop"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		return Lock{Format: "pipfile.lock", Version: v.Meta.Spec.String(), Packages: len(v.Default) + len(v.Develop)}, nil
	case base == "composer.lock":
		var v struct {
			Packages    []json.RawMessage `json:"packages"`
			PackagesDev []json.RawMessage `json:"packages-dev"`
			ContentHash string            `json:"content-hash"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		return Lock{Format: "composer", Packages: len(v.Packages) + len(v.PackagesDev)}, nil
	case base == "packages.lock.json" || strings.HasPrefix(base, "packages.") && strings.HasSuffix(base, ".lock.json"):
		var v struct {
			Version      json.Number                           `json:"version"`
			Dependencies map[string]map[string]json.RawMessage `json:"dependencies"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		seen := map[string]bool{}
		for _, deps := range v.Dependencies {
			for name := range deps {
				seen[name] = true
			}
		}
		return Lock{Format: "nuget", Version: v.Version.String(), Packages: len(seen)}, nil
	case base == "conan.lock":
		var v struct {
			Version       string   `json:"version"`
			Requires      []string `json:"requires"`
			BuildRequires []string `json:"build_requires"`
			PythonReqs    []string `json:"python_requires"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		return Lock{Format: "conan", Version: v.Version, Packages: len(v.Requires) + len(v.BuildRequires) + len(v.PythonReqs)}, nil
	case base == "gradle.lockfile" || strings.HasSuffix(base, ".lockfile"):
		n := 0
		for i, line := range strings.Split(s, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "empty=") {
				continue
			}
			coord, _, ok := strings.Cut(line, "=")
			if !ok || strings.Count(coord, ":") != 2 {
				return l, fmt.Errorf("line %d: not `group:artifact:version=configurations`", i+1)
			}
			n++
		}
		return Lock{Format: "gradle", Packages: n}, nil
	case base == "verification-metadata.xml":
		return parseVerificationMetadata(s)
	case base == "module.bazel.lock":
		var v struct {
			Version json.Number `json:"lockFileVersion"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		return Lock{Format: "bazel", Version: v.Version.String()}, nil
	case base == "flake.lock":
		var v struct {
			Version json.Number                `json:"version"`
			Nodes   map[string]json.RawMessage `json:"nodes"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		n := len(v.Nodes)
		if _, ok := v.Nodes["root"]; ok {
			n--
		}
		return Lock{Format: "flake", Version: v.Version.String(), Packages: n}, nil
	case base == "package.resolved":
		var v struct {
			Version json.Number       `json:"version"`
			Pins    []json.RawMessage `json:"pins"`
			Object  struct {
				Pins []json.RawMessage `json:"pins"`
			} `json:"object"`
		}
		if err := unmarshalJSON(s, &v); err != nil {
			return l, err
		}
		return Lock{Format: "swiftpm", Version: v.Version.String(), Packages: len(v.Pins) + len(v.Object.Pins)}, nil
	case base == "gemfile.lock":
		return parseGemfileLock(s)
	}
	return l, ErrNotLock
}

func unmarshalJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// parseYarnLock reads a Yarn classic (v1, its own format) or Berry (YAML)
// lock: the entries are its top-level keys.
func parseYarnLock(s string) (Lock, error) {
	if strings.Contains(s, "\n__metadata:") || strings.HasPrefix(s, "__metadata:") {
		var v map[string]any
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			return Lock{}, err
		}
		meta, _ := v["__metadata"].(map[string]any)
		return Lock{Format: "yarn-berry", Version: fmt.Sprint(meta["version"]), Packages: len(v) - 1}, nil
	}
	if !strings.Contains(s, "# yarn lockfile v1") {
		return Lock{}, errors.New("neither a Yarn v1 lockfile (no `# yarn lockfile v1` header) nor a Berry one (no __metadata)")
	}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, maxText)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == ' ' {
			continue
		}
		if !strings.HasSuffix(line, ":") {
			return Lock{}, fmt.Errorf("line %d: an entry header must end with `:`", ln)
		}
		n++
	}
	return Lock{Format: "yarn-v1", Version: "1", Packages: n}, sc.Err()
}

// parseVerificationMetadata reads Gradle's gradle/verification-metadata.xml.
func parseVerificationMetadata(s string) (Lock, error) {
	d := newXMLDecoder(s)
	n, root := 0, ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Lock{}, err
		}
		if t, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = t.Name.Local
				if root != "verification-metadata" {
					return Lock{}, fmt.Errorf("the root element is <%s>, not <verification-metadata>", root)
				}
			}
			if t.Name.Local == "component" {
				n++
			}
		}
	}
	if root == "" {
		return Lock{}, errors.New("no <verification-metadata> element")
	}
	return Lock{Format: "gradle-verification", Packages: n}, nil
}

// parseGemfileLock counts the specs of the GEM section of a Gemfile.lock.
func parseGemfileLock(s string) (Lock, error) {
	section, n, bundled := "", 0, ""
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		if line[0] != ' ' {
			section = line
			if section == "BUNDLED WITH" && i+1 < len(lines) {
				bundled = strings.TrimSpace(lines[i+1])
			}
			continue
		}
		if section == "GEM" && strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     ") {
			n++
		}
	}
	if n == 0 && section == "" {
		return Lock{}, errors.New("no section")
	}
	return Lock{Format: "bundler", Version: bundled, Packages: n}, nil
}
