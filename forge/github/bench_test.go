package github_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/forge/fake"
	"github.com/ssdf-dev/ssdf/forge/github"
	"github.com/ssdf-dev/ssdf/forge/transport"
)

// BenchmarkOrgSettings reads an organization's settings and every
// non-archived repository's settings (GraphQL, 50 commits each) from a
// fake GitHub that adds 50 ms to every answer, 16 requests at a time:
//
//	go test ./forge/github -run '^$' -bench OrgSettings -benchtime 1x
func BenchmarkOrgSettings(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("repos=%d", n), func(b *testing.B) {
			for range b.N {
				org := fake.Acme()
				org.Repos = fake.SyntheticRepos(n)
				g := fake.GitHub(b, org)
				g.SetLatency(50 * time.Millisecond)
				c, err := github.New(github.Options{APIURL: g.API, GraphQLURL: g.GraphQL, Token: token,
					TransportOptions: transport.Options{Concurrency: 16}})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if _, err := c.Org(ctx, "acme"); err != nil {
					b.Fatal(err)
				}
				orgReqs := c.Requests()
				refs, err := c.Repos(ctx, "acme")
				if err != nil {
					b.Fatal(err)
				}
				listReqs := c.Requests() - orgReqs
				work := make(chan forge.RepoRef)
				var wg sync.WaitGroup
				scanned := 0
				var mu sync.Mutex
				for range 16 {
					wg.Go(func() {
						for ref := range work {
							if _, err := c.Repo(ctx, ref, forge.RepoOptions{Commits: 50}); err != nil {
								b.Error(err)
							}
							mu.Lock()
							scanned++
							mu.Unlock()
						}
					})
				}
				for _, r := range refs {
					if !r.Archived {
						work <- r
					}
				}
				close(work)
				wg.Wait()
				total := c.Requests()
				repoReqs := total - orgReqs - listReqs
				b.ReportMetric(float64(total), "requests")
				b.ReportMetric(float64(repoReqs)/float64(scanned), "requests/repo")
				b.ReportMetric(time.Since(start).Seconds(), "wall-s")
				b.Logf("%d repositories (%d scanned): Org %d requests, list %d, settings %d (%.2f per repository), %s",
					n, scanned, orgReqs, listReqs, repoReqs, float64(repoReqs)/float64(scanned), time.Since(start).Round(time.Millisecond))
			}
		})
	}
}
