package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// member is one top-level member of a JSON object.
type member struct {
	raw json.RawMessage
	// line is the line of the value's first entry (object member or array
	// element), else of the value itself.
	line int
}

// topLevel decodes the members of the JSON object that is the whole text.
// A duplicated key keeps its last value, as JavaScript's JSON.parse does.
func topLevel(s string) (map[string]member, error) {
	s = strings.TrimPrefix(s, "\ufeff")
	dec := json.NewDecoder(strings.NewReader(s))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("the top level is not a JSON object")
	}
	out := map[string]member{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		line := lineOf(s, start)
		if len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') {
			if i := bytes.IndexFunc(raw[1:], func(r rune) bool { return r != ' ' && r != '\t' && r != '\n' && r != '\r' }); i >= 0 {
				line = lineOf(s, start+1+i)
			}
		}
		out[key] = member{raw: raw, line: line}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// npmExternal returns the names of a package.json dependency section
// that are external: not `file:`, `link:`, `portal:` or `workspace:`
// specifiers, which name a directory of the repository (axios's test
// modules depend on `file:../../..`), not a package to lock.
func npmExternal(raw json.RawMessage, name string) ([]string, error) {
	keys, specs, err := objectEntries(raw, name)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, k := range keys {
		var v string
		if json.Unmarshal(specs[i], &v) == nil {
			lv := strings.ToLower(strings.TrimSpace(v))
			if strings.HasPrefix(lv, "file:") || strings.HasPrefix(lv, "link:") || strings.HasPrefix(lv, "portal:") || strings.HasPrefix(lv, "workspace:") {
				continue
			}
		}
		out = append(out, k)
	}
	return out, nil
}

// objectKeys returns the keys of a JSON object value; null and an empty
// array count as no keys.
func objectKeys(raw json.RawMessage, name string) ([]string, error) {
	keys, _, err := objectEntries(raw, name)
	return keys, err
}

// objectEntries returns the keys of a JSON object value and their raw
// values, in order, in one pass; null and an empty array count as none.
func objectEntries(raw json.RawMessage, name string) ([]string, []json.RawMessage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" || string(bytes.Join(bytes.Fields(t), nil)) == "[]" {
		return nil, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("%s is not an object", name)
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, nil
}

// npmSections are the package.json sections that make it count (SPEC §3).
var npmSections = []string{"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"}

// parsePackageJSON reads a package.json: its dependencies, and the
// workspaces it defines (nil when none).
func parsePackageJSON(s string) (declared, *wsDef, error) {
	if strings.TrimSpace(s) == "" {
		// An empty file (a test fixture, nvm's mock project dirs) declares
		// nothing: not a manifest, not a parse error.
		return declared{}, nil, nil
	}
	top, err := topLevel(s)
	if err != nil {
		return declared{}, nil, err
	}
	d := declared{}
	for _, sec := range npmSections {
		m, ok := top[sec]
		if !ok {
			continue
		}
		keys, err := npmExternal(m.raw, sec)
		if err != nil {
			return declared{}, nil, err
		}
		if len(keys) > 0 && (d.line == 0 || m.line < d.line) {
			d.line = m.line
		}
		d.deps += len(keys)
	}
	var ws *wsDef
	if m, ok := top["workspaces"]; ok && string(bytes.TrimSpace(m.raw)) != "null" {
		// npm, Yarn and Bun: an array of globs; Yarn classic also an
		// object with `packages`.
		var list []string
		if err := json.Unmarshal(m.raw, &list); err != nil {
			var obj struct {
				Packages []string `json:"packages"`
			}
			if err := json.Unmarshal(m.raw, &obj); err != nil {
				return declared{}, nil, errors.New("workspaces is neither a list of globs nor an object with packages")
			}
			list = obj.Packages
		}
		ws = &wsDef{include: list}
	}
	return d, ws, nil
}

// parsePnpmWorkspace reads the `packages` globs of a pnpm-workspace.yaml.
func parsePnpmWorkspace(s string) (*wsDef, error) {
	var w struct {
		Packages []string `yaml:"packages"`
	}
	if err := yaml.Unmarshal([]byte(s), &w); err != nil {
		return nil, err
	}
	return &wsDef{include: w.Packages}, nil
}

// parseComposer reads the `require` of a composer.json beyond `php` and
// `ext-*` (SPEC §3).
func parseComposer(s string) (declared, error) {
	top, err := topLevel(s)
	if err != nil {
		return declared{}, err
	}
	m, ok := top["require"]
	if !ok {
		return declared{}, nil
	}
	keys, err := objectKeys(m.raw, "require")
	if err != nil {
		return declared{}, err
	}
	d := declared{}
	for _, k := range keys {
		lk := strings.ToLower(k)
		if lk == "php" || strings.HasPrefix(lk, "ext-") {
			continue
		}
		d.deps++
	}
	if d.deps > 0 {
		d.line = m.line
	}
	return d, nil
}

// Vcpkg is what ssdf reads of a vcpkg.json.
type Vcpkg struct {
	Dependencies    int
	BuiltinBaseline string
}

// ParseVcpkg reads a vcpkg.json's dependencies and builtin-baseline.
func ParseVcpkg(s string) (Vcpkg, error) {
	d, b, err := parseVcpkg(s)
	return Vcpkg{Dependencies: d.deps, BuiltinBaseline: b}, err
}

func parseVcpkg(s string) (declared, string, error) {
	top, err := topLevel(s)
	if err != nil {
		return declared{}, "", err
	}
	d := declared{fix: "vcpkg x-update-baseline --add-initial-baseline"}
	if m, ok := top["dependencies"]; ok {
		var deps []json.RawMessage
		if err := json.Unmarshal(m.raw, &deps); err != nil {
			return declared{}, "", errors.New("dependencies is not a list")
		}
		d.deps = len(deps)
		if d.deps > 0 {
			d.line = m.line
		}
	}
	var baseline string
	if m, ok := top["builtin-baseline"]; ok {
		if err := json.Unmarshal(m.raw, &baseline); err != nil {
			return declared{}, "", errors.New("builtin-baseline is not a string")
		}
	}
	return d, strings.TrimSpace(baseline), nil
}
