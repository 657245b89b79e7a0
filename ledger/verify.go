package ledger

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// Problem is one thing Verify found wrong. Index is the first entry index
// it puts in doubt. Exact problems (an entry whose bytes or stored hashes
// do not match, a missing entry, a log shorter than a signed checkpoint)
// name the bad entry itself; the others (a checkpoint whose root or
// signature does not match) only say the bad entry lies in [Index, Before).
type Problem struct {
	Index  int64
	Before int64
	Exact  bool
	Msg    string
}

func (p Problem) String() string {
	if p.Exact {
		return fmt.Sprintf("entry %d: %s", p.Index, p.Msg)
	}
	return fmt.Sprintf("entries %d to %d: %s", p.Index, p.Before-1, p.Msg)
}

// Result is what Verify found.
type Result struct {
	// Size is the number of entries verified.
	Size int64
	// Root is the recomputed tree hash of the whole log.
	Root tlog.Hash
	// Checkpoints is the number of stored checkpoints checked.
	Checkpoints int
	// FirstBad is the first bad entry index, -1 if none.
	FirstBad int64
	Problems []Problem
	// Notes are things that are not tampering but limit what was checked
	// (e.g. no key to check signatures with).
	Notes []string
}

// OK reports whether no problem was found.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// VerifyOptions add checks to Verify.
type VerifyOptions struct {
	// Kept is a signed checkpoint the user kept elsewhere: the log must
	// extend it (its tree is a prefix of the log's, by consistency proof).
	Kept []byte
}

// memHashes is a tlog.HashReader over recomputed hashes.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		if idx < 0 || idx >= int64(len(m)) {
			return nil, fmt.Errorf("hash %d not computed", idx)
		}
		out[i] = m[idx]
	}
	return out, nil
}

// entryOfHash is the entry whose append stored hash k.
func entryOfHash(k int64) int64 {
	// StoredHashCount(n) <= k < StoredHashCount(n+1); StoredHashCount(n) >= n.
	return int64(sort.Search(int(k+1), func(n int) bool { return tlog.StoredHashCount(int64(n)+1) > k }))
}

// Verify recomputes every leaf hash from the stored entry bytes and every
// stored tree hash from those, checks every stored checkpoint's signature
// and root, and (with o.Kept) that the log extends a kept checkpoint. It
// returns an error only when it could not read the log.
func (l *Ledger) Verify(ctx context.Context, o VerifyOptions) (*Result, error) {
	res := &Result{FirstBad: -1}
	err := l.store.View(ctx, func(r Reader) error {
		return l.verify(r, o, res)
	})
	if err != nil {
		return nil, err
	}
	res.FirstBad = firstBad(res.Problems)
	return res, nil
}

func firstBad(ps []Problem) int64 {
	exact, ranged := int64(-1), int64(-1)
	var rangedBefore int64
	for _, p := range ps {
		if p.Exact && (exact < 0 || p.Index < exact) {
			exact = p.Index
		}
		if !p.Exact && (ranged < 0 || p.Before < rangedBefore) {
			ranged, rangedBefore = p.Index, p.Before
		}
	}
	switch {
	case exact < 0:
		return ranged
	case ranged >= 0 && rangedBefore <= exact:
		// A checkpoint proves something went wrong before the first exact
		// finding.
		return ranged
	}
	return exact
}

func (l *Ledger) verify(r Reader, o VerifyOptions, res *Result) error {
	n, err := r.Size()
	if err != nil {
		return err
	}
	res.Size = n
	bad := func(p Problem) { res.Problems = append(res.Problems, p) }
	computed := make(memHashes, 0, tlog.StoredHashCount(n))
	const chunk = 8192
	next := int64(0)
	missing := map[int64]bool{}
	for lo := int64(0); lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		es, err := r.Entries(lo, hi)
		if err != nil {
			return err
		}
		ei := 0
		for i := lo; i < hi; i++ {
			var data []byte
			if ei < len(es) && es[ei].Index == i {
				data = es[ei].Data
				ei++
			} else {
				bad(Problem{Index: i, Exact: true, Msg: "missing (deleted)"})
				missing[i] = true
			}
			hs, err := tlog.StoredHashes(i, data, computed)
			if err != nil {
				return fmt.Errorf("ledger: recompute hashes of entry %d: %w", i, err)
			}
			computed = append(computed, hs...)
		}
		// Compare the stored hashes of these entries with the recomputed.
		h0, h1 := tlog.StoredHashCount(lo), tlog.StoredHashCount(hi)
		stored, err := r.Hashes(h0, h1)
		if err != nil {
			return err
		}
		si := 0
		for k := h0; k < h1; k++ {
			for si < len(stored) && stored[si].Index < k {
				si++
			}
			e := entryOfHash(k)
			if e < next || missing[e] {
				continue // already reported for this entry
			}
			if si >= len(stored) || stored[si].Index != k {
				bad(Problem{Index: e, Exact: true, Msg: fmt.Sprintf("stored hash %d missing", k)})
				next = e + 1
				continue
			}
			if stored[si].Hash != computed[k] {
				if k == tlog.StoredHashIndex(0, e) {
					bad(Problem{Index: e, Exact: true, Msg: "entry bytes do not match the stored leaf hash (changed or moved)"})
					next = e + 1
				} else if len(res.Problems) == 0 {
					// Later interior hashes differ as a consequence of an
					// earlier problem; report only an independent one.
					bad(Problem{Index: e, Exact: true, Msg: "stored tree hash does not match the entries"})
					next = e + 1
				}
			}
		}
	}
	if extra, err := r.Hashes(tlog.StoredHashCount(n), 1<<62); err != nil {
		return err
	} else if len(extra) > 0 {
		bad(Problem{Index: n, Exact: true, Msg: fmt.Sprintf("%d stored hashes beyond the end of the log (truncated)", len(extra))})
	}
	if res.Root, err = tlog.TreeHash(n, computed); err != nil {
		return fmt.Errorf("ledger: tree hash: %w", err)
	}

	v := l.verifier
	if v == nil {
		res.Notes = append(res.Notes, "no ledger key or recorded public key: checkpoint signatures not checked")
	} else if l.recorded {
		res.Notes = append(res.Notes, "no ledger key file: checkpoint signatures checked against the public key recorded in the ledger itself")
	}
	cps, err := r.Checkpoints()
	if err != nil {
		return err
	}
	res.Checkpoints = len(cps)
	good := int64(0) // size of the last checkpoint that held
	// Only the first failing checkpoint is reported in full: every later
	// one usually fails for the same reason.
	first, later := -1, 0
	bad = func(p Problem) {
		if first >= 0 {
			later++
			return
		}
		first = len(res.Problems)
		res.Problems = append(res.Problems, p)
	}
	for _, c := range cps {
		var cp Checkpoint
		if v != nil {
			cp, err = OpenCheckpoint(c.Note, v)
		} else {
			cp, err = parseUnverified(c.Note)
		}
		switch {
		case err != nil:
			bad(Problem{Index: good, Before: max(c.Size, good+1), Msg: fmt.Sprintf("stored checkpoint of size %d: %v", c.Size, err)})
			continue
		case cp.Size != c.Size:
			bad(Problem{Index: good, Before: max(min(c.Size, cp.Size), good+1), Msg: fmt.Sprintf("stored checkpoint filed under size %d says size %d", c.Size, cp.Size)})
			continue
		case cp.Size > n:
			bad(Problem{Index: n, Exact: true, Msg: fmt.Sprintf("missing: a signed checkpoint covers %d entries, the log holds %d (truncated)", cp.Size, n)})
			continue
		}
		th, err := tlog.TreeHash(cp.Size, computed)
		if err != nil {
			return fmt.Errorf("ledger: tree hash %d: %w", cp.Size, err)
		}
		if th != cp.Root {
			bad(Problem{Index: good, Before: max(cp.Size, good+1), Msg: fmt.Sprintf("the tree of size %d does not hash to its signed checkpoint's root", cp.Size)})
			continue
		}
		good = cp.Size
	}
	if later > 0 {
		res.Problems[first].Msg += fmt.Sprintf(" (and %d later checkpoints fail)", later)
	}
	bad = func(p Problem) { res.Problems = append(res.Problems, p) }
	if n > 0 && (len(cps) == 0 || cps[len(cps)-1].Size < n) {
		res.Notes = append(res.Notes, fmt.Sprintf("the last %d entries are not covered by a stored checkpoint", n-good))
	}

	if o.Kept != nil {
		if v == nil {
			return fmt.Errorf("ledger: no key to check the kept checkpoint with")
		}
		kept, err := OpenCheckpoint(o.Kept, v)
		if err != nil {
			bad(Problem{Index: 0, Before: max(n, 1), Msg: "kept checkpoint: " + err.Error()})
			return nil
		}
		if kept.Size > n {
			bad(Problem{Index: n, Exact: true, Msg: fmt.Sprintf("missing: the kept checkpoint covers %d entries, the log holds %d (truncated or rolled back)", kept.Size, n)})
			return nil
		}
		if err := checkConsistency(computed, n, res.Root, kept); err != nil {
			bad(Problem{Index: 0, Before: max(kept.Size, 1), Msg: fmt.Sprintf("the log does not extend the kept checkpoint of size %d (history rewritten): %v", kept.Size, err)})
		}
	}
	return nil
}

// checkConsistency proves from the log's hashes that the tree of size
// kept.Size is a prefix of the tree of size n, and checks the proof
// against the kept root.
func checkConsistency(h tlog.HashReader, n int64, root tlog.Hash, kept Checkpoint) error {
	if kept.Size == 0 {
		return nil
	}
	p, err := tlog.ProveTree(n, kept.Size, h)
	if err != nil {
		return err
	}
	return tlog.CheckTree(p, n, root, kept.Size, kept.Root)
}

func parseUnverified(msg []byte) (Checkpoint, error) {
	i := bytes.Index(msg, []byte("\n\n"))
	if i < 0 {
		return Checkpoint{}, fmt.Errorf("checkpoint: not a signed note")
	}
	return ParseCheckpoint(string(msg[:i+1]))
}

// RootString is the base64 form of a tree hash, as in checkpoints.
func RootString(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
