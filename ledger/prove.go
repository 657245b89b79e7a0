package ledger

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Proof is the JSON form `ssdf ledger prove` prints: an inclusion proof
// of one entry in the tree of a signed checkpoint and, optionally, a
// consistency proof from an older tree to it. Hashes are base64 (as in
// checkpoints); every proof hash list is in the order
// golang.org/x/mod/sumdb/tlog produces and checks (tlog.CheckRecord,
// tlog.CheckTree), which is RFC 6962's audit and consistency path order.
//
//	{
//	  "origin": "ssdf-ledger-…",      // the checkpoint origin (key name)
//	  "size": 12,                      // tree size proved against
//	  "root": "base64",                // its root hash
//	  "checkpoint": "signed note",     // the stored signed checkpoint of size
//	  "index": 3,
//	  "entry": "base64",               // the entry's canonical bytes
//	  "leafHash": "base64",            // tlog.RecordHash(entry)
//	  "inclusion": ["base64", …],
//	  "consistency": {                 // with --old-size
//	    "oldSize": 5, "oldRoot": "base64",
//	    "oldCheckpoint": "signed note", // when one of that size is stored
//	    "proof": ["base64", …]
//	  }
//	}
type Proof struct {
	Origin      string       `json:"origin"`
	Size        int64        `json:"size"`
	Root        string       `json:"root"`
	Checkpoint  string       `json:"checkpoint"`
	Index       int64        `json:"index"`
	Entry       string       `json:"entry"`
	LeafHash    string       `json:"leafHash"`
	Inclusion   []string     `json:"inclusion"`
	Consistency *Consistency `json:"consistency,omitempty"`
}

// Consistency is a consistency proof from the tree of OldSize to the
// proof's tree.
type Consistency struct {
	OldSize       int64    `json:"oldSize"`
	OldRoot       string   `json:"oldRoot"`
	OldCheckpoint string   `json:"oldCheckpoint,omitempty"`
	Proof         []string `json:"proof"`
}

// ProveOptions say what to prove.
type ProveOptions struct {
	Index int64
	// Size is the tree size to prove against; 0 means the latest stored
	// checkpoint's. A stored signed checkpoint of that size must exist.
	Size int64
	// OldSize, when > 0, adds a consistency proof from the tree of that
	// size (OldSize <= Size).
	OldSize int64
}

// ErrNoCheckpoint is returned by Prove when no signed checkpoint of the
// requested size is stored.
var ErrNoCheckpoint = errors.New("ledger: no stored signed checkpoint of that size")

// Prove builds the inclusion (and consistency) proof described by o. The
// returned proof has been checked against the stored checkpoint's root.
func (l *Ledger) Prove(ctx context.Context, o ProveOptions) (*Proof, error) {
	var p *Proof
	err := l.store.View(ctx, func(r Reader) error {
		cps, err := r.Checkpoints()
		if err != nil {
			return err
		}
		if len(cps) == 0 {
			return errors.New("ledger: the ledger is empty: no checkpoint yet")
		}
		var cp, old *StoredCheckpoint
		size := o.Size
		if size == 0 {
			size = cps[len(cps)-1].Size
		}
		for i := range cps {
			if cps[i].Size == size {
				cp = &cps[i]
			}
			if cps[i].Size == o.OldSize {
				old = &cps[i]
			}
		}
		if cp == nil {
			return fmt.Errorf("%w (size %d)", ErrNoCheckpoint, size)
		}
		c, err := parseUnverified(cp.Note)
		if l.verifier != nil {
			c, err = OpenCheckpoint(cp.Note, l.verifier)
		}
		if err != nil {
			return fmt.Errorf("ledger: stored checkpoint of size %d: %w", size, err)
		}
		if o.Index < 0 || o.Index >= size {
			return fmt.Errorf("ledger: index %d is not in the tree of size %d", o.Index, size)
		}
		es, err := r.Entries(o.Index, o.Index+1)
		if err != nil {
			return err
		}
		if len(es) != 1 {
			return fmt.Errorf("ledger: entry %d missing", o.Index)
		}
		rp, err := tlog.ProveRecord(size, o.Index, r)
		if err != nil {
			return fmt.Errorf("ledger: inclusion proof: %w", err)
		}
		leaf := tlog.RecordHash(es[0].Data)
		if err := tlog.CheckRecord(rp, size, c.Root, o.Index, leaf); err != nil {
			return fmt.Errorf("ledger: entry %d does not prove against the signed checkpoint of size %d (run ssdf ledger verify): %w", o.Index, size, err)
		}
		p = &Proof{
			Origin: c.Origin, Size: size, Root: RootString(c.Root), Checkpoint: string(cp.Note),
			Index: o.Index, Entry: base64.StdEncoding.EncodeToString(es[0].Data), LeafHash: RootString(leaf),
			Inclusion: hashStrings(rp),
		}
		if o.OldSize > 0 {
			if o.OldSize > size {
				return fmt.Errorf("ledger: old size %d is larger than size %d", o.OldSize, size)
			}
			tp, err := tlog.ProveTree(size, o.OldSize, r)
			if err != nil {
				return fmt.Errorf("ledger: consistency proof: %w", err)
			}
			oldRoot, err := tlog.TreeHash(o.OldSize, r)
			if err != nil {
				return fmt.Errorf("ledger: tree hash %d: %w", o.OldSize, err)
			}
			if err := tlog.CheckTree(tp, size, c.Root, o.OldSize, oldRoot); err != nil {
				return fmt.Errorf("ledger: the tree of size %d does not prove consistent with the signed checkpoint (run ssdf ledger verify): %w", o.OldSize, err)
			}
			p.Consistency = &Consistency{OldSize: o.OldSize, OldRoot: RootString(oldRoot), Proof: hashStrings(tp)}
			if old != nil {
				oc, err := parseUnverified(old.Note)
				if err == nil && oc.Root != oldRoot {
					return fmt.Errorf("ledger: the stored checkpoint of size %d does not match the stored hashes (run ssdf ledger verify)", o.OldSize)
				}
				p.Consistency.OldCheckpoint = string(old.Note)
			}
		}
		return nil
	})
	return p, err
}

func hashStrings(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = RootString(h)
	}
	return out
}

// ParseHashes decodes a proof's base64 hash list.
func ParseHashes(ss []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("bad hash %q", s)
		}
		copy(out[i][:], b)
	}
	return out, nil
}
