// Package ledger is ssdf's tamper-evident evidence store: an append-only
// log of typed entries (scan results, reviews, exception decisions,
// attestations issued, collected audit events).
//
// Each entry is stored as its canonical bytes (see Canonical). The log is
// a Merkle tree as in RFC 6962 (Certificate Transparency), built with
// golang.org/x/mod/sumdb/tlog: the leaf hash of entry i is
// tlog.RecordHash(bytes), and every hash tlog stores for the tree
// (tlog.StoredHashIndex) is kept, so that inclusion and consistency proofs
// read O(log n) hashes. After every append the ledger signs a checkpoint
// in the C2SP checkpoint format (https://c2sp.org/tlog-checkpoint):
//
//	<origin>\n<tree size>\n<base64 root hash>\n
//
// as a signed note (golang.org/x/mod/sumdb/note, Ed25519). The signing key
// is generated on first use and kept beside the database (mode 0600), or
// given by the caller. Verify recomputes everything from the stored
// entry bytes and names the first bad index.
package ledger

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Ledger is an open ledger: a Store and the key that signs its
// checkpoints.
type Ledger struct {
	store    Store
	signer   note.Signer
	verifier note.Verifier
	origin   string
	// recorded is set when the verifier is the public key recorded in the
	// store itself (no key file): a forger who rewrote the store could
	// have replaced it too.
	recorded bool
}

// Options configure Open.
type Options struct {
	// KeyPath is the signing key file (a note signer key,
	// "PRIVATE+KEY+…"). Default: KeyPathFor(path). It is generated there
	// on first use unless ReadOnly.
	KeyPath string
	// ReadOnly opens an existing ledger without creating the database or
	// the key; Append then fails if the key is missing.
	ReadOnly bool
}

// DefaultPath is the ledger's default location:
// $XDG_DATA_HOME/ssdf/ledger.db, else ~/.local/share/ssdf/ledger.db on
// Unix-like systems, else the user's configuration directory
// (os.UserConfigDir)/ssdf/ledger.db.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ssdf", "ledger.db"), nil
	}
	if h := getenv("HOME"); h != "" && filepath.Separator == '/' {
		return filepath.Join(h, ".local", "share", "ssdf", "ledger.db"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("ledger: no default location: %w", err)
	}
	return filepath.Join(d, "ssdf", "ledger.db"), nil
}

// KeyPathFor is the default key file of the ledger at path: the same name
// with the extension ".key" (ledger.db → ledger.key).
func KeyPathFor(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".key"
}

// Open opens the ledger at path (creating it and its key unless
// o.ReadOnly): a SQLite file, or, when path is a postgres:// or
// postgresql:// URL, a PostgreSQL database (OpenPostgres; the default key
// is then KeyPathForURL).
func Open(ctx context.Context, path string, o Options) (*Ledger, error) {
	var st Store
	var err error
	keyPath := o.KeyPath
	if IsPostgresURL(path) {
		if keyPath == "" {
			if keyPath, err = KeyPathForURL(path, os.Getenv); err != nil {
				return nil, err
			}
		}
		st, err = OpenPostgres(ctx, path, !o.ReadOnly)
	} else {
		if keyPath == "" {
			keyPath = KeyPathFor(path)
		}
		st, err = OpenSQLite(ctx, path, !o.ReadOnly)
	}
	if err != nil {
		return nil, err
	}
	l, err := New(ctx, st, keyPath, !o.ReadOnly)
	if err != nil {
		st.Close()
		return nil, err
	}
	return l, nil
}

// New opens a ledger over any Store, with the key at keyPath (generated
// there if missing and create is set). Without a key file the ledger
// verifies with the public key recorded in the store at first append, and
// cannot append.
func New(ctx context.Context, st Store, keyPath string, create bool) (*Ledger, error) {
	l := &Ledger{store: st}
	skey, err := readOrCreateKey(keyPath, create)
	if err != nil {
		return nil, err
	}
	if skey != "" {
		vkey, err := VerifierKey(skey)
		if err != nil {
			return nil, fmt.Errorf("ledger: key %s: %w", keyPath, err)
		}
		if l.signer, err = note.NewSigner(skey); err != nil {
			return nil, fmt.Errorf("ledger: key %s: %w", keyPath, err)
		}
		if l.verifier, err = note.NewVerifier(vkey); err != nil {
			return nil, fmt.Errorf("ledger: key %s: %w", keyPath, err)
		}
		if create {
			if _, err := st.InitMeta(ctx, "verifier", vkey); err != nil {
				return nil, err
			}
		}
	} else {
		var vkey string
		err := st.View(ctx, func(r Reader) (err error) {
			vkey, err = r.Meta("verifier")
			return err
		})
		if err != nil {
			return nil, err
		}
		if vkey != "" {
			l.recorded = true
			if l.verifier, err = note.NewVerifier(vkey); err != nil {
				return nil, fmt.Errorf("ledger: stored verifier key: %w", err)
			}
		}
	}
	if l.verifier != nil {
		l.origin = l.verifier.Name()
	}
	return l, nil
}

// Close closes the store.
func (l *Ledger) Close() error { return l.store.Close() }

// Store is the ledger's store.
func (l *Ledger) Store() Store { return l.store }

// Origin is the checkpoint origin line: the key's name.
func (l *Ledger) Origin() string { return l.origin }

// Verifier is the checkpoint verifier, nil when the ledger has neither a
// key nor a recorded public key.
func (l *Ledger) Verifier() note.Verifier { return l.verifier }

// SetVerifier makes checkpoints verify against vkey (a note verifier key,
// "name+hash+base64") instead of the ledger's own key.
func (l *Ledger) SetVerifier(vkey string) error {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("ledger: verifier key: %w", err)
	}
	l.verifier, l.origin, l.recorded = v, v.Name(), false
	return nil
}

func readOrCreateKey(path string, create bool) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	if !create {
		return "", nil
	}
	skey, _, err := GenerateKey()
	if err != nil {
		return "", err
	}
	// Write a temporary file and link it into place: of two processes
	// creating the key at once, one wins and the other reads its key.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	if _, err := tmp.WriteString(skey + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return readOrCreateKey(path, false)
		}
		return "", fmt.Errorf("ledger: key: %w", err)
	}
	return skey, nil
}

// GenerateKey makes a new Ed25519 note key pair named
// "ssdf-ledger-<8 random hex digits>".
func GenerateKey() (skey, vkey string, err error) {
	var id [4]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", "", fmt.Errorf("ledger: generate key: %w", err)
	}
	skey, vkey, err = note.GenerateKey(rand.Reader, "ssdf-ledger-"+hex.EncodeToString(id[:]))
	if err != nil {
		return "", "", fmt.Errorf("ledger: generate key: %w", err)
	}
	return skey, vkey, nil
}

// VerifierKey derives the verifier key ("name+hash+base64") of an Ed25519
// note signer key ("PRIVATE+KEY+name+hash+base64").
func VerifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("not a note signer key (PRIVATE+KEY+name+hash+key)")
	}
	k, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(k) != 1+ed25519.SeedSize || k[0] != 1 {
		return "", errors.New("not an Ed25519 note signer key")
	}
	pub := ed25519.NewKeyFromSeed(k[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// Checkpoint is a parsed C2SP checkpoint.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text is the checkpoint body: origin, size and base64 root, each on a
// line.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// ParseCheckpoint parses a checkpoint body (extension lines after the
// root are allowed and ignored).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("checkpoint: want origin, size and root lines")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("checkpoint: bad root hash %q", lines[2])
	}
	c := Checkpoint{Origin: lines[0], Size: n}
	copy(c.Root[:], root)
	return c, nil
}

// OpenCheckpoint checks a signed checkpoint note with v and parses it.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("checkpoint origin %q, want %q", c.Origin, v.Name())
	}
	return c, nil
}

// Append adds records to the log in one transaction and returns the
// index of the first. It signs and stores a checkpoint of the new tree.
func (l *Ledger) Append(ctx context.Context, recs ...Record) (int64, error) {
	data := make([][]byte, len(recs))
	for i, r := range recs {
		b, err := Canonical(r)
		if err != nil {
			return 0, err
		}
		data[i] = b
	}
	return l.AppendRaw(ctx, data)
}

// AppendRaw appends entries already in canonical form.
func (l *Ledger) AppendRaw(ctx context.Context, data [][]byte) (int64, error) {
	if l.signer == nil {
		return 0, errors.New("ledger: no signing key: cannot append")
	}
	if len(data) == 0 {
		return 0, errors.New("ledger: nothing to append")
	}
	return l.store.Append(ctx, data, func(first int64, stored tlog.HashReader) ([]tlog.Hash, []byte, error) {
		ov := &overlay{base: stored, start: tlog.StoredHashCount(first), cache: map[int64]tlog.Hash{}}
		for i, d := range data {
			hs, err := tlog.StoredHashes(first+int64(i), d, ov)
			if err != nil {
				return nil, nil, fmt.Errorf("ledger: hash entry %d: %w", first+int64(i), err)
			}
			ov.pending = append(ov.pending, hs...)
		}
		size := first + int64(len(data))
		root, err := tlog.TreeHash(size, ov)
		if err != nil {
			return nil, nil, fmt.Errorf("ledger: tree hash: %w", err)
		}
		cp, err := note.Sign(&note.Note{Text: Checkpoint{Origin: l.origin, Size: size, Root: root}.Text()}, l.signer)
		if err != nil {
			return nil, nil, fmt.Errorf("ledger: sign checkpoint: %w", err)
		}
		return ov.pending, cp, nil
	})
}

// overlay reads hashes stored before the append from base and those of
// the append in progress from pending.
type overlay struct {
	base    tlog.HashReader
	start   int64
	pending []tlog.Hash
	cache   map[int64]tlog.Hash
}

func (o *overlay) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var miss []int64
	for i, idx := range indexes {
		switch h, ok := o.cache[idx]; {
		case idx >= o.start && idx-o.start < int64(len(o.pending)):
			out[i] = o.pending[idx-o.start]
		case ok:
			out[i] = h
		case idx >= o.start:
			return nil, fmt.Errorf("hash %d not yet stored", idx)
		default:
			miss = append(miss, idx)
		}
	}
	if len(miss) > 0 {
		hs, err := o.base.ReadHashes(miss)
		if err != nil {
			return nil, err
		}
		for i, idx := range miss {
			o.cache[idx] = hs[i]
		}
		for i, idx := range indexes {
			if idx < o.start {
				out[i] = o.cache[idx]
			}
		}
	}
	return out, nil
}

// Entry is one entry as read back.
type Entry struct {
	Index  int64
	Data   []byte
	Record Record
}

// Size returns the log's size.
func (l *Ledger) Size(ctx context.Context) (n int64, err error) {
	err = l.store.View(ctx, func(r Reader) error {
		n, err = r.Size()
		return err
	})
	return n, err
}

// Entries calls fn for each entry with from <= index < to (to < 0: to the
// end), in order.
func (l *Ledger) Entries(ctx context.Context, from, to int64, fn func(Entry) error) error {
	return l.store.View(ctx, func(r Reader) error {
		if to < 0 {
			n, err := r.Size()
			if err != nil {
				return err
			}
			to = n
		}
		const chunk = 4096
		for lo := from; lo < to; lo += chunk {
			es, err := r.Entries(lo, min(lo+chunk, to))
			if err != nil {
				return err
			}
			for _, e := range es {
				rec, err := Decode(e.Data)
				if err != nil {
					return fmt.Errorf("entry %d: %w", e.Index, err)
				}
				if err := fn(Entry{Index: e.Index, Data: e.Data, Record: rec}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Entry returns entry i.
func (l *Ledger) Entry(ctx context.Context, i int64) (Entry, error) {
	var out *Entry
	err := l.Entries(ctx, i, i+1, func(e Entry) error { out = &e; return nil })
	if err != nil {
		return Entry{}, err
	}
	if out == nil {
		return Entry{}, fmt.Errorf("ledger: no entry %d", i)
	}
	return *out, nil
}

// Latest returns the latest stored signed checkpoint note (nil for an
// empty ledger).
func (l *Ledger) Latest(ctx context.Context) (note []byte, err error) {
	err = l.store.View(ctx, func(r Reader) error {
		c, err := r.Latest()
		if c != nil {
			note = c.Note
		}
		return err
	})
	return note, err
}

// ProveEntry returns the inclusion proof of entry i in the tree of size t.
func (l *Ledger) ProveEntry(ctx context.Context, t, i int64) (p tlog.RecordProof, err error) {
	err = l.store.View(ctx, func(r Reader) error {
		p, err = tlog.ProveRecord(t, i, r)
		return err
	})
	return p, err
}

// ProveTree returns the proof that the tree of size n is a prefix of the
// tree of size t.
func (l *Ledger) ProveTree(ctx context.Context, t, n int64) (p tlog.TreeProof, err error) {
	err = l.store.View(ctx, func(r Reader) error {
		p, err = tlog.ProveTree(t, n, r)
		return err
	})
	return p, err
}
