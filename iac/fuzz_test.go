package iac

import (
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to the parser as a native file, a JSON
// file and a lock file. Parsing must never panic (a recovered panic shows
// as an "internal error" problem) and every problem must name its file.
func FuzzParse(f *testing.F) {
	for _, c := range terraformCorpus(f) {
		b, err := os.ReadFile(c.File)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{mainTF, lockText, `{"module": {"m": {"source": "x/y/z", "version": "${var.v}"}}}`,
		"a = <<EOT\n%{ if x }${y}%{ endif }\nEOT\n", `a = "${"${"x"}"}"`, "a = x[*].y[0][*]\n", "terraform {\n  required_providers {\n    aws = \"~> 5\"\n  }\n}\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v", d)
			}
		}()
		s := Parse(tree(map[string]string{"a/main.tf": src, "b/main.tf.json": src, "c/" + LockFile: src}))
		for _, p := range s.Problems() {
			if strings.Contains(p.Reason, "internal error") {
				t.Fatalf("%s: %s", p.Path, p.Reason)
			}
			if p.Path == "" {
				t.Fatalf("problem without a path: %s", p.Reason)
			}
		}
		if len(s.Files) != 2 || len(s.Locks) != 1 {
			t.Fatalf("files %d, locks %d", len(s.Files), len(s.Locks))
		}
	})
}
