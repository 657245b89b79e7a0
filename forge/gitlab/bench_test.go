package gitlab

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/forge"
	"github.com/ssdf-dev/ssdf/forge/fake"
	"github.com/ssdf-dev/ssdf/forge/transport"
)

// BenchmarkOrgScan reads a group's settings and every project's settings
// against the fake GitLab with 50 ms added to every answer, through
// forge/transport (8 requests in flight), 16 projects at a time:
//
//	go test ./forge/gitlab -run '^$' -bench OrgScan -benchtime 1x
func BenchmarkOrgScan(b *testing.B) {
	for _, n := range []int{200, 500} {
		for _, commits := range []int{0, 10} {
			b.Run(fmt.Sprintf("projects=%d/commits=%d", n, commits), func(b *testing.B) {
				g := fake.NewGitLab(b)
				g.RequireToken(token)
				g.SetCaller(fake.GitLabCaller{ID: 1, Username: "alice"})
				g.AddGroup(fake.GitLabGroup{ID: 4, Path: "acme", TwoFactor: yes, GitProtocol: "ssh", FileTemplateProjectID: 50,
					Members: []fake.GitLabMember{{ID: 1, Username: "alice", AccessLevel: 50}, {ID: 2, Username: "bob", AccessLevel: 50}}})
				day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
				var cs []fake.GitLabCommit
				for i := range commits {
					st := "verified"
					if i%3 == 2 {
						st = ""
					}
					cs = append(cs, fake.GitLabCommit{SHA: sha(i), Date: day.Add(-time.Duration(i) * time.Hour), Status: st})
				}
				for i := range n {
					g.AddProject(fake.GitLabProject{ID: int64(1000 + i), Path: fmt.Sprintf("acme/team%d/p%04d", i%10, i), Commits: cs})
				}
				g.SetLatency(50 * time.Millisecond)
				for b.Loop() {
					g.ResetLog()
					var peak uint64
					stop := make(chan struct{})
					go func() {
						var ms runtime.MemStats
						for {
							runtime.ReadMemStats(&ms)
							peak = max(peak, ms.HeapInuse)
							select {
							case <-stop:
								return
							case <-time.After(20 * time.Millisecond):
							}
						}
					}()
					start := time.Now()
					tr := transport.New(transport.Options{Token: token, Header: "PRIVATE-TOKEN"})
					c, err := New(Options{BaseURL: g.URL, HTTPClient: tr.Client()})
					if err != nil {
						b.Fatal(err)
					}
					ctx := context.Background()
					if _, err := c.Org(ctx, "acme"); err != nil {
						b.Fatal(err)
					}
					refs, err := c.Repos(ctx, "acme")
					if err != nil || len(refs) != n {
						b.Fatalf("%d refs, %v", len(refs), err)
					}
					listed := tr.Requests()
					work := make(chan forge.RepoRef)
					var wg sync.WaitGroup
					for range 16 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for ref := range work {
								r, err := c.Repo(ctx, ref, forge.RepoOptions{Commits: commits})
								if err != nil || !r.Branch.Known() {
									b.Errorf("%s: %v", ref.FullName(), err)
								}
							}
						}()
					}
					for _, r := range refs {
						work <- r
					}
					close(work)
					wg.Wait()
					close(stop)
					total := tr.Requests()
					b.ReportMetric(float64(total), "requests")
					b.ReportMetric(float64(total-listed)/float64(n), "requests/project")
					b.ReportMetric(time.Since(start).Seconds(), "wall-s")
					b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				}
			})
		}
	}
}
