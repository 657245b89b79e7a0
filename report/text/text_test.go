package text

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func render(t *testing.T, r *report.Report, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			plain := render(t, fx.Report, Options{})
			golden.Check(t, fx.Name, plain, *update)
			if bytes.Contains(plain, []byte("\x1b")) {
				t.Errorf("output without colour contains an escape character")
			}
			colored := render(t, fx.Report, Options{Color: true})
			golden.Check(t, fx.Name+".color", colored, *update)
			if !bytes.Equal(plain, render(t, fx.Report, Options{})) {
				t.Errorf("output is not deterministic")
			}
		})
	}
}

// TestColorOnlyAddsEscapes checks that colour changes nothing but SGR
// sequences, so that the words carry the meaning.
func TestColorOnlyAddsEscapes(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		plain := string(render(t, fx.Report, Options{}))
		colored := string(render(t, fx.Report, Options{Color: true}))
		stripped := colored
		for _, code := range []string{"\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31;1m", "\x1b[32m", "\x1b[33m", "\x1b[36m"} {
			stripped = strings.ReplaceAll(stripped, code, "")
		}
		if stripped != plain {
			t.Errorf("%s: colour output minus colour codes differs from plain output", fx.Name)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		"a\x1b[2Jb":      `a\x1b[2Jb`,
		"tab\there":      "tab here",
		"crlf\r\nline":   "crlf\nline",
		"bare\rcr":       `bare\x0dcr`,
		"nul\x00":        `nul\x00`,
		"bad\xffutf8":    `bad\xffutf8`,
		"bidi\u202eevil": `bidi\u202eevil`,
		"c1\u009bcsi":    `c1\u009bcsi`,
		"ünïcödé ✓":      "ünïcödé ✓",
		"line\u2028sep":  `line\u2028sep`,
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc ddd", 7)
	want := []string{"aaa bbb", "ccc ddd"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("averyveryverylongword x", 5); len(got) != 2 || got[0] != "averyveryverylongword" {
		t.Errorf("wrap long word = %q", got)
	}
}
