package ledger

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ExportFormat is the "format" member of an export.
const ExportFormat = "ssdf-ledger-export/v1"

// Export is the portable dump `ssdf ledger export` writes and `ssdf
// ledger verify --export` checks offline, without the database:
//
//	{
//	  "format": "ssdf-ledger-export/v1",
//	  "verifierKey": "ssdf-ledger-…+hash+base64",  // note verifier key
//	  "entries": ["base64", …],     // entry i's canonical bytes, i = 0…
//	  "checkpoints": [{"size": 1, "note": "signed note"}, …]  // by size
//	}
//
// The stored tree hashes are not exported: they are recomputed from the
// entries, and every signed checkpoint must match the recomputed tree.
type Export struct {
	Format      string             `json:"format"`
	VerifierKey string             `json:"verifierKey"`
	Entries     [][]byte           `json:"entries"`
	Checkpoints []ExportCheckpoint `json:"checkpoints"`
}

// ExportCheckpoint is one stored checkpoint of an export.
type ExportCheckpoint struct {
	Size int64  `json:"size"`
	Note string `json:"note"`
}

// Export writes the ledger's export to w, streaming the entries.
func (l *Ledger) Export(ctx context.Context, w io.Writer) error {
	return l.store.View(ctx, func(r Reader) error {
		vkey, err := r.Meta("verifier")
		if err != nil {
			return err
		}
		if l.verifier != nil && !l.recorded {
			if v, err := note.NewVerifier(vkey); err != nil || v.Name() != l.verifier.Name() || v.KeyHash() != l.verifier.KeyHash() {
				return errors.New("ledger: the key file is not the key recorded in the ledger")
			}
		}
		if vkey == "" {
			return errors.New("ledger: no verifier key to export (empty ledger?)")
		}
		n, err := r.Size()
		if err != nil {
			return err
		}
		cps, err := r.Checkpoints()
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(w)
		head, _ := json.Marshal(struct {
			Format      string `json:"format"`
			VerifierKey string `json:"verifierKey"`
		}{ExportFormat, vkey})
		bw.Write(head[:len(head)-1])
		bw.WriteString(",\n\"entries\": [")
		const chunk = 4096
		next := int64(0)
		for lo := int64(0); lo < n; lo += chunk {
			es, err := r.Entries(lo, min(lo+chunk, n))
			if err != nil {
				return err
			}
			for _, e := range es {
				if e.Index != next {
					return fmt.Errorf("ledger: entry %d missing (run ssdf ledger verify)", next)
				}
				if next > 0 {
					bw.WriteByte(',')
				}
				bw.WriteString("\n\"")
				bw.WriteString(base64.StdEncoding.EncodeToString(e.Data))
				bw.WriteByte('"')
				next++
			}
		}
		if next != n {
			return fmt.Errorf("ledger: entry %d missing (run ssdf ledger verify)", next)
		}
		bw.WriteString("],\n\"checkpoints\": [")
		for i, c := range cps {
			if i > 0 {
				bw.WriteByte(',')
			}
			b, _ := json.Marshal(ExportCheckpoint{Size: c.Size, Note: string(c.Note)})
			bw.WriteByte('\n')
			bw.Write(b)
		}
		bw.WriteString("]}\n")
		return bw.Flush()
	})
}

// ReadExport parses an export.
func ReadExport(r io.Reader) (*Export, error) {
	var e Export
	dec := json.NewDecoder(r)
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("ledger export: %w", err)
	}
	if e.Format != ExportFormat {
		return nil, fmt.Errorf("ledger export: format %q, want %q", e.Format, ExportFormat)
	}
	return &e, nil
}

// ExportVerifyOptions configure VerifyExport.
type ExportVerifyOptions struct {
	// VerifierKey, if set, is the trusted verifier key to check the
	// checkpoints with instead of the one in the export.
	VerifierKey string
	// Kept is a signed checkpoint kept elsewhere that the log must extend.
	Kept []byte
}

// VerifyExport verifies an export as Verify verifies a ledger: every
// stored checkpoint's signature and root against the tree recomputed from
// the exported entries, and o.Kept. FirstBad names the first bad entry
// (when a checkpoint fails, the first entry after the last checkpoint
// that held: with a checkpoint per append, the entry itself).
func VerifyExport(e *Export, o ExportVerifyOptions) (*Result, error) {
	vkey := o.VerifierKey
	l := &Ledger{}
	if vkey == "" {
		vkey = e.VerifierKey
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("ledger export: verifier key: %w", err)
	}
	l.verifier, l.origin = v, v.Name()
	r, err := newExportReader(e)
	if err != nil {
		return nil, err
	}
	res := &Result{FirstBad: -1}
	if o.VerifierKey == "" {
		res.Notes = append(res.Notes, "checkpoint signatures checked against the verifier key in the export itself")
	} else if e.VerifierKey != o.VerifierKey {
		res.Notes = append(res.Notes, "the export's verifier key differs from the trusted one")
	}
	if err := l.verify(r, VerifyOptions{Kept: o.Kept}, res); err != nil {
		return nil, err
	}
	res.FirstBad = firstBad(res.Problems)
	return res, nil
}

// exportReader is a Reader over an export, with the tree hashes
// recomputed from its entries.
type exportReader struct {
	e      *Export
	hashes memHashes
	cps    []StoredCheckpoint
}

func newExportReader(e *Export) (*exportReader, error) {
	r := &exportReader{e: e, hashes: make(memHashes, 0, tlog.StoredHashCount(int64(len(e.Entries))))}
	for i, d := range e.Entries {
		hs, err := tlog.StoredHashes(int64(i), d, r.hashes)
		if err != nil {
			return nil, fmt.Errorf("ledger export: hash entry %d: %w", i, err)
		}
		r.hashes = append(r.hashes, hs...)
	}
	for _, c := range e.Checkpoints {
		r.cps = append(r.cps, StoredCheckpoint{Size: c.Size, Note: []byte(c.Note)})
	}
	sort.SliceStable(r.cps, func(i, j int) bool { return r.cps[i].Size < r.cps[j].Size })
	return r, nil
}

func (r *exportReader) Size() (int64, error) { return int64(len(r.e.Entries)), nil }

func (r *exportReader) Entries(from, to int64) ([]StoredEntry, error) {
	to = min(to, int64(len(r.e.Entries)))
	var out []StoredEntry
	for i := max(from, 0); i < to; i++ {
		out = append(out, StoredEntry{Index: i, Data: r.e.Entries[i]})
	}
	return out, nil
}

func (r *exportReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return r.hashes.ReadHashes(indexes)
}

func (r *exportReader) Hashes(from, to int64) ([]StoredHash, error) {
	to = min(to, int64(len(r.hashes)))
	var out []StoredHash
	for k := max(from, 0); k < to; k++ {
		out = append(out, StoredHash{Index: k, Hash: r.hashes[k]})
	}
	return out, nil
}

func (r *exportReader) Checkpoints() ([]StoredCheckpoint, error) { return r.cps, nil }

func (r *exportReader) Latest() (*StoredCheckpoint, error) {
	if len(r.cps) == 0 {
		return nil, nil
	}
	return &r.cps[len(r.cps)-1], nil
}

func (r *exportReader) Meta(key string) (string, error) {
	if key == "verifier" {
		return r.e.VerifierKey, nil
	}
	return "", nil
}
