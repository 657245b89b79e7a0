package html

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/ssdf-dev/ssdf/report"
	"github.com/ssdf-dev/ssdf/report/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func render(t *testing.T, r *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			got := render(t, fx.Report)
			golden.Check(t, fx.Name, []byte(got), *update)
			if again := render(t, fx.Report); again != got {
				t.Errorf("output is not deterministic")
			}
		})
	}
}

// TestSelfContained checks that no page loads anything or runs anything, and
// that hostile content stays text.
func TestSelfContained(t *testing.T) {
	for _, fx := range golden.Fixtures(t) {
		out := render(t, fx.Report)
		// Repository text is escaped, so only the template's own tags remain;
		// none of them loads or runs anything.
		for _, tag := range regexp.MustCompile(`<[^>]*>`).FindAllString(out, -1) {
			lower := strings.ToLower(tag)
			for _, bad := range []string{"<script", "<img", "<link", "<iframe", "<object", "<embed", "<a href=\"j", " src=", "javascript:", "url("} {
				if strings.Contains(lower, bad) {
					t.Errorf("%s: tag %q contains %q", fx.Name, tag, bad)
				}
			}
			if regexp.MustCompile(`\son[a-z]+=`).MatchString(lower) {
				t.Errorf("%s: tag %q has an event handler", fx.Name, tag)
			}
		}
		if strings.ContainsAny(out, "\x00\x07\x1b") {
			t.Errorf("%s: output contains control characters", fx.Name)
		}
		if !strings.Contains(out, `<html lang="en">`) {
			t.Errorf("%s: no lang attribute", fx.Name)
		}
		// Every fragment link has a target.
		for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(out, -1) {
			if !strings.Contains(out, `id="`+m[1]+`"`) {
				t.Errorf("%s: link to #%s has no target", fx.Name, m[1])
			}
		}
		// ids are unique.
		seen := make(map[string]bool)
		for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(out, -1) {
			if seen[m[1]] {
				t.Errorf("%s: duplicate id %q", fx.Name, m[1])
			}
			seen[m[1]] = true
		}
	}
}

// TestWellFormed parses each page as XML (the templates write XHTML-style
// balanced markup apart from the doctype and void elements), catching
// unbalanced tags.
func TestWellFormed(t *testing.T) {
	void := regexp.MustCompile(`<(meta)([^>]*)>`)
	for _, fx := range golden.Fixtures(t) {
		out := render(t, fx.Report)
		out = strings.TrimPrefix(out, "<!DOCTYPE html>\n")
		out = void.ReplaceAllString(out, "<$1$2/>")
		d := xml.NewDecoder(strings.NewReader(out))
		d.Strict = true
		d.Entity = xml.HTMLEntity
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: not well formed: %v", fx.Name, err)
				break
			}
		}
	}
}

func TestAnchors(t *testing.T) {
	a := newAnchors()
	for _, tc := range []struct{ in, want string }{
		{"codeowners-valid", "check-codeowners-valid"},
		{"weird<check>", "check-weird-check-"},
		{"weird>check<", "check-weird-check--2"},
		{"weird<check>", "check-weird-check--3"},
		{"ünï", "check--n-"},
	} {
		if got := a.make(tc.in); got != tc.want {
			t.Errorf("make(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
