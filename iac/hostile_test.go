package iac

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Hostile configurations are refused with a problem on the file, quickly
// and without recursing the parser out of its stack.
func TestHostile(t *testing.T) {
	deep := 20_000
	for _, c := range []struct {
		name, path, text, want string
	}{
		{"brackets", "a.tf", "a = " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n", "nested more than 1000 levels"},
		{"parentheses", "a.tf", "a = " + strings.Repeat("(", deep) + "1" + strings.Repeat(")", deep) + "\n", "nested more than 1000 levels"},
		{"blocks", "a.tf", strings.Repeat("b {\n", deep) + strings.Repeat("}\n", deep), "nested more than 1000 levels"},
		{"ternaries", "a.tf", "a = " + strings.Repeat("x ? y : ", deep) + "z\n", "nested more than 1000 levels"},
		{"ternaries over lines in a tuple", "a.tf", "a = [" + strings.Repeat("x ?\ny :\n", deep) + "z]\n", "nested more than 1000 levels"},
		{"negations", "a.tf", "a = " + strings.Repeat("!", deep) + "x\n", "nested more than 1000 levels"},
		{"binary chain", "a.tf", "module \"m\" {\n  version = " + strings.Repeat("1 + ", deep) + "1\n}\n", "nested more than 1000 levels"},
		{"splats", "a.tf", "a = x" + strings.Repeat("[*]", deep) + "\n", "nested more than 1000 levels"},
		{"interpolations", "a.tf", "a = " + strings.Repeat(`"${`, deep) + "x" + strings.Repeat(`}"`, deep) + "\n", "nested more than 1000 levels"},
		{"directives", "a.tf", "a = <<EOT\n" + strings.Repeat("%{ if x }\n", deep) + strings.Repeat("%{ endif }\n", deep) + "EOT\n", "nested more than 1000 levels"},
		{"json", "a.tf.json", strings.Repeat(`{"a":[`, deep) + strings.Repeat("]}", deep), "nested more than 1000 levels"},
		{"lock", LockFile, "provider \"x\" {\n  hashes = " + strings.Repeat("[", deep) + "\n}\n", "nested more than 1000 levels"},
		{"over the cap", "a.tf", strings.Repeat("# padding\n", maxSize/10+1), "over the 4194304-byte parse cap"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			s := Parse(tree(map[string]string{c.path: c.text}))
			probs := s.Problems()
			if len(probs) != 1 || !strings.Contains(probs[0].Reason, c.want) {
				t.Fatalf("problems = %+v, want one containing %q", probs, c.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// Nesting just under the guard parses: the guard does not refuse real
// (if odd) configurations, and the parser survives that depth.
func TestNestingUnderTheGuard(t *testing.T) {
	n := 900
	for name, text := range map[string]string{
		"brackets": "a = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n",
		"parens":   "module \"m\" {\n  source = " + strings.Repeat("(", n) + `"./x"` + strings.Repeat(")", n) + "\n}\n",
		"binary":   "module \"m\" {\n  version = " + strings.Repeat("1 + ", n) + "1\n}\n",
		"ternary":  "module \"m\" {\n  version = " + strings.Repeat("true ? ", n/2) + `"1.0.0"` + strings.Repeat(` : "2.0.0"`, n/2) + "\n}\n",
		"blocks":   strings.Repeat("b {\n", n) + strings.Repeat("}\n", n),
	} {
		t.Run(name, func(t *testing.T) {
			s := Parse(tree(map[string]string{"a.tf": text}))
			if p := s.Problems(); len(p) > 0 {
				t.Fatalf("problems: %+v", p)
			}
		})
	}
	s := Parse(tree(map[string]string{"a.tf": "module \"m\" {\n  source = " + strings.Repeat("(", n) + `"./x"` + strings.Repeat(")", n) + "\n}\n"}))
	if c := s.Modules[0].ModuleCalls[0]; c.Source.Text != "./x" || !c.Source.Literal {
		t.Errorf("parenthesised source = %+v", c.Source)
	}
}

// A large, flat configuration of 768 KiB parses in reasonable time;
// one of 4 MiB made of small tokens is refused before the parser builds
// its token list, and without allocating much.
func TestLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	block := "module \"m\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.2.1\"\n}\n"
	text := strings.Repeat(block, (768<<10)/len(block))
	start := time.Now()
	s := Parse(tree(map[string]string{"big.tf": text}))
	if p := s.Problems(); len(p) > 0 {
		t.Fatalf("problems: %+v", p)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("768 KiB file took %v", d)
	}
	if n := len(s.Modules[0].ModuleCalls); n != (768<<10)/len(block) {
		t.Errorf("module calls: %d", n)
	}

	for name, text := range map[string]string{
		"big.tf":      "a = [" + strings.Repeat("[],", (4<<20)/3-10) + "]\n",
		"big.tf.json": "{\"a\": [" + strings.Repeat("[],", (4<<20)/3-10) + "[]]}",
		"lines.tf":    strings.Repeat("\n", 4<<20-1),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := Parse(tree(map[string]string{name: text}))
		runtime.ReadMemStats(&after)
		probs := s.Problems()
		if len(probs) != 1 || !strings.Contains(probs[0].Reason, "-token cap") {
			t.Errorf("%s: problems = %+v, want the token cap", name, probs)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("%s: refusing it allocated %d MiB", name, alloc>>20)
		}
	}
}

// BenchmarkParse parses a synthetic repository of 200 root modules, each
// with a lock file, three files and four module calls, plus 100 child
// modules.
func BenchmarkParse(b *testing.B) {
	files := map[string]string{}
	for i := range 200 {
		d := "live/env" + strings.Repeat("x", i%5) + "/" + string(rune('a'+i%26)) + strings.Repeat("0", i/26)
		files[d+"/versions.tf"] = "terraform {\n  required_version = \">= 1.6\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.31\"\n    }\n  }\n}\n"
		files[d+"/main.tf"] = mainTF
		files[d+"/mods.tf.json"] = `{"module": {"dns": {"source": "git::https://example.com/dns.git?ref=0123456789abcdef0123456789abcdef01234567"}}}`
		files[d+"/"+LockFile] = lockText
	}
	for i := range 100 {
		files["modules/m"+strings.Repeat("x", i)+"/main.tf"] = "variable \"x\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.x\n}\n"
	}
	tr := tree(files)
	b.ResetTimer()
	for b.Loop() {
		Parse(tr)
	}
}
