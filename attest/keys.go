package attest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
)

// The PEM block types of cosign's encrypted private keys (cosign
// generate-key-pair): JSON of scrypt parameters, a nacl/secretbox nonce and
// the ciphertext of a PKCS#8 key. COSIGN is the older name.
const (
	pemSigstoreEncrypted = "ENCRYPTED SIGSTORE PRIVATE KEY"
	pemCosignEncrypted   = "ENCRYPTED COSIGN PRIVATE KEY"
)

// ErrPassword is returned when an encrypted key needs a password and none
// was given.
var ErrPassword = errors.New("encrypted private key: no password (set COSIGN_PASSWORD)")

// Signer signs DSSE envelopes with one private key. It implements
// dsse.SignerVerifier.
type Signer struct {
	key   crypto.Signer
	keyID string
}

// Verifier checks signatures with one public key. It implements
// dsse.Verifier.
type Verifier struct {
	pub   crypto.PublicKey
	keyID string
}

var (
	_ dsse.SignerVerifier = (*Signer)(nil)
	_ dsse.Verifier       = (*Verifier)(nil)
)

// LoadPrivateKey reads a PEM private key: ECDSA P-256 (PKCS#8 "PRIVATE
// KEY" or SEC 1 "EC PRIVATE KEY"), Ed25519 (PKCS#8 "PRIVATE KEY"), or a
// cosign-encrypted key ("ENCRYPTED SIGSTORE PRIVATE KEY"), for which
// password is called (it may be nil for unencrypted keys).
func LoadPrivateKey(pemBytes []byte, password func() ([]byte, error)) (*Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("private key: no PEM block")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case pemSigstoreEncrypted, pemCosignEncrypted:
		if password == nil {
			return nil, ErrPassword
		}
		var pw []byte
		if pw, err = password(); err != nil {
			return nil, err
		}
		var der []byte
		if der, err = encrypted.Decrypt(block.Bytes, pw); err != nil {
			return nil, fmt.Errorf("encrypted private key: %w (wrong password?)", err)
		}
		key, err = x509.ParsePKCS8PrivateKey(der)
	default:
		return nil, fmt.Errorf("private key: unsupported PEM type %q", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	var s crypto.Signer
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("private key: ECDSA curve %s, want P-256", k.Curve.Params().Name)
		}
		s = k
	case ed25519.PrivateKey:
		s = k
	default:
		return nil, fmt.Errorf("private key: unsupported key type %T (want ECDSA P-256 or Ed25519)", key)
	}
	id, err := KeyID(s.Public())
	if err != nil {
		return nil, err
	}
	return &Signer{key: s, keyID: id}, nil
}

// LoadPublicKey reads a PEM "PUBLIC KEY" (PKIX): ECDSA P-256 or Ed25519.
func LoadPublicKey(pemBytes []byte) (*Verifier, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("public key: no PEM block")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("public key: unsupported PEM type %q (want PUBLIC KEY)", block.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return NewVerifier(pub)
}

// NewVerifier returns a verifier for an ECDSA P-256 or Ed25519 public key.
func NewVerifier(pub crypto.PublicKey) (*Verifier, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("public key: ECDSA curve %s, want P-256", k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
	default:
		return nil, fmt.Errorf("public key: unsupported key type %T (want ECDSA P-256 or Ed25519)", pub)
	}
	id, err := KeyID(pub)
	if err != nil {
		return nil, err
	}
	return &Verifier{pub: pub, keyID: id}, nil
}

// KeyID is the lowercase hex SHA-256 of the public key's PKIX DER.
func KeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("key id: %w", err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:]), nil
}

// Sign signs data (the DSSE PAE): ECDSA over its SHA-256, ASN.1 DER; Ed25519
// over the data itself.
func (s *Signer) Sign(_ context.Context, data []byte) ([]byte, error) {
	switch k := s.key.(type) {
	case *ecdsa.PrivateKey:
		h := sha256.Sum256(data)
		return ecdsa.SignASN1(nil, k, h[:])
	case ed25519.PrivateKey:
		return ed25519.Sign(k, data), nil
	}
	return nil, fmt.Errorf("sign: unsupported key type %T", s.key)
}

// KeyID returns the signer's key id (see KeyID).
func (s *Signer) KeyID() (string, error) { return s.keyID, nil }

// Public returns the public key.
func (s *Signer) Public() crypto.PublicKey { return s.key.Public() }

// Verify checks a signature made by the signer's key.
func (s *Signer) Verify(ctx context.Context, data, sig []byte) error {
	v := &Verifier{pub: s.key.Public(), keyID: s.keyID}
	return v.Verify(ctx, data, sig)
}

// Verify checks sig over data.
func (v *Verifier) Verify(_ context.Context, data, sig []byte) error {
	switch k := v.pub.(type) {
	case *ecdsa.PublicKey:
		h := sha256.Sum256(data)
		if !ecdsa.VerifyASN1(k, h[:], sig) {
			return errors.New("bad ECDSA signature")
		}
		return nil
	case ed25519.PublicKey:
		if !ed25519.Verify(k, data, sig) {
			return errors.New("bad Ed25519 signature")
		}
		return nil
	}
	return fmt.Errorf("verify: unsupported key type %T", v.pub)
}

// KeyID returns the verifier's key id (see KeyID).
func (v *Verifier) KeyID() (string, error) { return v.keyID, nil }

// Public returns the public key.
func (v *Verifier) Public() crypto.PublicKey { return v.pub }
