package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssdf-dev/ssdf/forge/fake"
)

// BenchmarkOrgScan runs `ssdf scan --org` against the fake GitHub with
// 50 ms added to every answer, for 200 and 2,000 repositories (every tenth
// archived and skipped). It reports requests in all and per scanned
// repository, split into file requests (tree, claimed files) and the rest
// (organization, settings, commits).
func BenchmarkOrgScan(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("repos=%d", n), func(b *testing.B) {
			org := fake.Acme()
			org.Repos = fake.SyntheticRepos(n)
			gh := fake.GitHub(b, org, fake.Enterprise())
			gh.SetLatency(50 * time.Millisecond)
			dir := b.TempDir()
			for b.Loop() {
				gh.ResetLog()
				code, _, errOut := runInB(b, dir, map[string]string{"GITHUB_TOKEN": secret},
					"scan", "--org", strings.TrimPrefix(gh.URL, "http://")+"/acme", "--forge", "github", "--forge-url", gh.URL,
					"--format", "json", "--output", "reports", "--concurrency", "32")
				if code > 1 {
					b.Fatalf("exit %d: %s", code, errOut)
				}
				var files, settings int
				for _, r := range gh.Requests() {
					if strings.Contains(r.Path, "/git/trees/") || strings.Contains(r.Path, "/git/blobs/") || strings.Contains(r.Path, "/commits/HEAD") {
						files++
					} else {
						settings++
					}
				}
				scanned := n - n/10
				b.ReportMetric(float64(files+settings), "requests")
				b.ReportMetric(float64(settings)/float64(scanned), "settings-req/repo")
				b.ReportMetric(float64(files)/float64(scanned), "file-req/repo")
			}
		})
	}
}
