package markdown

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func render(t *testing.T, r *report.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			got := render(t, fx.Report, Options{})
			golden.Check(t, fx.Name, []byte(got), *update)
			if again := render(t, fx.Report, Options{}); again != got {
				t.Errorf("output is not deterministic")
			}
		})
	}
}

// TestHostile checks properties of the hostile fixture's comment that a
// golden file alone would not make obvious.
func TestHostile(t *testing.T) {
	var hostile *report.Report
	for _, fx := range golden.Fixtures(t) {
		if fx.Name == "hostile" {
			hostile = fx.Report
		}
	}
	if hostile == nil {
		t.Fatal("no hostile fixture")
	}
	out := render(t, hostile, Options{})
	// Outside code spans no raw HTML may survive.
	for _, line := range strings.Split(out, "\n") {
		// An escaped bracket or pipe is text.
		rest := strings.NewReplacer(`\]`, "", `\[`, "").Replace(stripCode(line))
		for _, bad := range []string{"<script", "<img", "<i>", "<b>", "<a ", "</details><details", "](javascript"} {
			if strings.Contains(rest, bad) {
				t.Errorf("raw %q outside a code span in line %q", bad, line)
			}
		}
		if strings.HasPrefix(line, "# ") {
			t.Errorf("injected heading: %q", line)
		}
	}
	// Every table row has exactly four unescaped pipes.
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 4 {
			t.Errorf("table row with %d cell separators: %q", n, line)
		}
	}
	// <details> blocks balance.
	if o, c := strings.Count(out, "<details>"), strings.Count(out, "</details>"); o != c {
		t.Errorf("%d <details> but %d </details>", o, c)
	}
	if strings.Contains(out, " @acme/security") {
		t.Errorf("a mention of @acme/security survived")
	}
}

// stripCode removes code spans from a line (the fences this package writes).
func stripCode(line string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			b.WriteString(line)
			return b.String()
		}
		b.WriteString(line[:i])
		n := run(line[i:])
		end := closing(line[i+n:], n)
		if end < 0 {
			b.WriteString(line[i:])
			return b.String()
		}
		line = line[i+n+end+n:]
	}
}

func TestInline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text.", "plain text."},
		{"a <b> & c", "a &lt;b&gt; &amp; c"},
		{"x | y", `x \| y`},
		{"run `npm ci` now", "run `npm ci` now"},
		{"a ``b`c`` d", "a ``b`c`` d"},
		{"unmatched ` tick", "unmatched \\` tick"},
		{"# heading", `\# heading`},
		{"- item", `\- item`},
		{"1. item", `1\. item`},
		{"12) item", `12\) item`},
		{"v1.2", "v1.2"},
		{"[x](javascript:alert(1))", `\[x\](javascript:alert(1))`},
		{"*b* _i_ ~s~ $m$", `\*b\* \_i\_ \~s\~ \$m\$`},
		{"line\nbreak\r\nend", "line break end"},
		{"cc @acme/team and a@b.c", "cc @\u200bacme/team and a@b.c"},
		{"nul\x00bell\x07", "nul\uFFFDbell\uFFFD"},
		{"bad\xff", "bad\uFFFD"},
		{"bidi\u202e", "bidi\uFFFD"},
	} {
		if got := inline(tc.in, false); got != tc.want {
			t.Errorf("inline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCode(t *testing.T) {
	for _, tc := range []struct {
		in    string
		table bool
		want  string
	}{
		{"a.go", false, "`a.go`"},
		{"a`b", false, "``a`b``"},
		{"a``b`", false, "``` a``b` ```"},
		{"`x`", false, "`` `x` ``"},
		{" x ", false, "`  x  `"},
		{"a|b", false, "`a|b`"},
		{"a|b", true, "`a\\|b`"},
		{"a\nb", false, "`a b`"},
		{"", false, ""},
	} {
		if got := code(tc.in, tc.table); got != tc.want {
			t.Errorf("code(%q, %v) = %q, want %q", tc.in, tc.table, got, tc.want)
		}
	}
}

func TestMaxFindings(t *testing.T) {
	var fs []report.Finding
	for range 30 {
		fs = append(fs, report.Finding{Message: "m", Path: "p"})
	}
	r := &report.Report{Results: []report.Result{{Check: "c", Status: report.StatusFail, Required: true, Findings: fs}}}
	for _, tc := range []struct {
		max, items int
		more       string
	}{
		{0, DefaultMaxFindings, "- … and 10 more"},
		{5, 5, "- … and 25 more"},
		{-1, 30, ""},
	} {
		out := render(t, r, Options{MaxFindings: tc.max})
		if n := strings.Count(out, "- `p`: m"); n != tc.items {
			t.Errorf("MaxFindings %d: %d findings listed, want %d", tc.max, n, tc.items)
		}
		if tc.more != "" && !strings.Contains(out, tc.more) {
			t.Errorf("MaxFindings %d: no %q line", tc.max, tc.more)
		}
	}
}
