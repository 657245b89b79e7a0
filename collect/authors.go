package collect

import (
	"context"
	"strconv"
	"strings"
)

// Author is one commit author of HEAD's first-parent history.
type Author struct {
	Name, Email string
}

// Authors returns the authors of the newest n commits of HEAD's
// first-parent history, newest first (one entry per commit), read with the
// same hardened git invocation as Read. ssdf init suggests code owners
// from them.
func (g Git) Authors(ctx context.Context, n int) ([]Author, error) {
	if n <= 0 {
		n = DefaultCommits
	}
	out, err := g.run(ctx, "log", "--first-parent", "--no-show-signature", "-n", strconv.Itoa(n), "--format=%an%x00%ae", "HEAD", "--")
	if err != nil {
		return nil, err
	}
	var as []Author
	for line := range strings.SplitSeq(out, "\n") {
		name, email, ok := strings.Cut(line, "\x00")
		if !ok {
			continue
		}
		as = append(as, Author{Name: strings.TrimSpace(name), Email: strings.TrimSpace(email)})
	}
	return as, nil
}
