package iac

import (
	"net/url"
	"regexp"
	"strings"
)

// SourceKind is what a module source address names.
type SourceKind string

// The kinds of module source.
const (
	// LocalSource is a path in the same repository: `./…` or `../…`.
	LocalSource SourceKind = "local"
	// RegistrySource is a module registry address,
	// `[HOST/]NAMESPACE/NAME/PROVIDER[//SUBDIR]`.
	RegistrySource SourceKind = "registry"
	// GitSource is a git repository: `git::URL`, `github.com/ORG/REPO`,
	// `bitbucket.org/ORG/REPO` or `git@HOST:PATH`.
	GitSource SourceKind = "git"
	// OtherSource is any other remote source: HTTP archives, S3, GCS,
	// Mercurial, OCI, absolute paths.
	OtherSource SourceKind = "other"
)

// Source is a parsed module source address, classified the way OpenTofu
// and Terraform classify it: local paths first, then registry addresses
// (anything that parses as one), then go-getter addresses.
type Source struct {
	// Kind is empty for the zero Source (source absent or not a literal).
	Kind SourceKind
	Raw  string

	// Path is a local source's path.
	Path string

	// Host (empty for the default registry), Namespace, Name and Provider
	// make a registry address.
	Host, Namespace, Name, Provider string

	// Subdir is the part after `//`.
	Subdir string

	// Getter is a forced getter (`git` in `git::https://…`), if any.
	Getter string
	// Repo is what `git ls-remote` takes for a git source: the address
	// without getter, subdirectory and query, with `https://` added to
	// the github.com and bitbucket.org shorthands.
	Repo string
	// Ref is the `ref` query parameter of a git source; HasRef says it is
	// present.
	Ref    string
	HasRef bool
}

// Address returns a registry source's address without its subdirectory.
func (s Source) Address() string {
	a := s.Namespace + "/" + s.Name + "/" + s.Provider
	if s.Host != "" {
		a = s.Host + "/" + a
	}
	return a
}

var (
	registryNameRE   = regexp.MustCompile(`^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$`)
	registrySystemRE = regexp.MustCompile(`^[0-9a-z]{1,64}$`)
	hostRE           = regexp.MustCompile(`^[0-9A-Za-z](?:[0-9A-Za-z.-]*[0-9A-Za-z])?(?::[0-9]+)?$`)
	getterRE         = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)
	commitRE         = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	exactVersionRE   = regexp.MustCompile(`^\s*=?\s*v?[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*$`)
)

// ParseSource classifies a module source address.
func ParseSource(raw string) Source {
	s := Source{Raw: raw}
	for _, p := range []string{"./", "../", `.\`, `..\`} {
		if strings.HasPrefix(raw, p) {
			s.Kind, s.Path = LocalSource, raw
			return s
		}
	}
	if r, ok := parseRegistry(raw); ok {
		return r
	}
	rest := raw
	if g, r, ok := strings.Cut(raw, "::"); ok && getterRE.MatchString(g) {
		s.Getter, rest = strings.ToLower(g), r
	}
	lr := strings.ToLower(rest)
	switch {
	case s.Getter == "git":
	case s.Getter == "" && (strings.HasPrefix(lr, "github.com/") || strings.HasPrefix(lr, "bitbucket.org/") || strings.HasPrefix(lr, "git@")):
	default:
		s.Kind = OtherSource
		_, s.Subdir = splitSubdir(rest)
		return s
	}
	s.Kind = GitSource
	addr, sub := splitSubdir(rest)
	s.Subdir = sub
	base, query, _ := strings.Cut(addr, "?")
	s.Repo = base
	if strings.HasPrefix(lr, "github.com/") || strings.HasPrefix(lr, "bitbucket.org/") {
		s.Repo = "https://" + base
	}
	if query != "" {
		if q, err := url.ParseQuery(query); err == nil {
			if v, ok := q["ref"]; ok {
				s.Ref, s.HasRef = v[0], true
			}
		} else {
			// A malformed query: read ref= by hand.
			for kv := range strings.SplitSeq(query, "&") {
				if v, ok := strings.CutPrefix(kv, "ref="); ok {
					s.Ref, s.HasRef = v, true
					break
				}
			}
		}
	}
	return s
}

// parseRegistry parses a module registry address as OpenTofu and
// Terraform do (terraform-registry-address): three or four parts, an
// optional host that is not github.com or bitbucket.org (reserved for the
// version-control shorthands), namespace and name of letters, digits,
// `-` and `_`, and a lower-case target system.
func parseRegistry(raw string) (Source, bool) {
	addr, sub := splitSubdir(raw)
	if strings.HasPrefix(sub, "../") || strings.Contains(addr, "?") {
		return Source{}, false
	}
	parts := strings.Split(addr, "/")
	s := Source{Kind: RegistrySource, Raw: raw, Subdir: sub}
	switch len(parts) {
	case 3:
	case 4:
		h := strings.ToLower(parts[0])
		if !hostRE.MatchString(h) || h == "github.com" || h == "bitbucket.org" {
			return Source{}, false
		}
		s.Host, parts = parts[0], parts[1:]
	default:
		return Source{}, false
	}
	if !registryNameRE.MatchString(parts[0]) || !registryNameRE.MatchString(parts[1]) || !registrySystemRE.MatchString(parts[2]) {
		return Source{}, false
	}
	s.Namespace, s.Name, s.Provider = parts[0], parts[1], parts[2]
	return s, true
}

// splitSubdir splits `ADDR//SUBDIR?QUERY` into `ADDR?QUERY` and `SUBDIR`,
// as go-getter does (a `//` after a scheme's `://` is not a separator).
func splitSubdir(src string) (string, string) {
	stop := len(src)
	if i := strings.Index(src, "?"); i > -1 {
		stop = i
	}
	offset := 0
	if i := strings.Index(src[:stop], "://"); i > -1 {
		offset = i + 3
	}
	i := strings.Index(src[offset:stop], "//")
	if i == -1 {
		return src, ""
	}
	i += offset
	sub, rest := src[i+2:], src[:i]
	if j := strings.Index(sub, "?"); j > -1 {
		rest += sub[j:]
		sub = sub[:j]
	}
	return rest, sub
}

// IsCommit says ref is a full 40-hex commit SHA.
func IsCommit(ref string) bool { return commitRE.MatchString(ref) }

// ExactVersion says a version constraint names exactly one version:
// `1.2.3` or `= 1.2.3` (a pre-release and build suffix allowed), not a
// range (`~> 1.2`, `>= 1`), a partial version (`1.2`) or a list.
func ExactVersion(constraint string) bool { return exactVersionRE.MatchString(constraint) }

// WithRef returns the source address raw with its `ref` query parameter
// set to ref (added when absent), keeping every other part as it is.
func WithRef(raw, ref string) string {
	base, query, ok := strings.Cut(raw, "?")
	if !ok || query == "" {
		return base + "?ref=" + ref
	}
	params := strings.Split(query, "&")
	done := false
	for i, kv := range params {
		if kv == "ref" || strings.HasPrefix(kv, "ref=") {
			params[i] = "ref=" + ref
			done = true
			break
		}
	}
	if !done {
		params = append(params, "ref="+ref)
	}
	return base + "?" + strings.Join(params, "&")
}
