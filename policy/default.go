package policy

import _ "embed"

// defaultYAML is the default policy as a policy file.
//
//go:embed default.yaml
var defaultYAML []byte

// DefaultDigest returns the digest (see Digest) of the embedded default
// policy file, which reports name when no policy file was given.
func DefaultDigest() string {
	return Digest(defaultYAML)
}
