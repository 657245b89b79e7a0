package scaffold

import (
	"fmt"
	"strings"
)

// Diff returns a unified diff (whole-file hunk with three lines of context
// collapsed away) turning old into new for path p; old "" with isNew true
// is a new file.
func Diff(p string, old, new []byte, isNew bool) string {
	a, b := lines(string(old)), lines(string(new))
	var sb strings.Builder
	if isNew {
		fmt.Fprintf(&sb, "--- /dev/null\n+++ b/%s\n", p)
	} else {
		fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n", p, p)
	}
	// Longest common subsequence, for small files.
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	fmt.Fprintf(&sb, "@@ -%s +%s @@\n", span(n), span(m))
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			sb.WriteString(" " + a[i] + "\n")
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			sb.WriteString("+" + b[j] + "\n")
			j++
		default:
			sb.WriteString("-" + a[i] + "\n")
			i++
		}
	}
	return sb.String()
}

func span(n int) string {
	if n == 0 {
		return "0,0"
	}
	return fmt.Sprintf("1,%d", n)
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
