package collect

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// The walk never enters vendor/, but records Go's vendor/modules.txt so that
// build-hermetic can see vendored dependencies; nothing else of vendor/ is
// listed, and a vendor/ that the policy or another segment excludes, or a
// skeleton holds, is not looked into.
func TestVendored(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":                                  {Data: []byte("module example.com/a\n")},
		"vendor/modules.txt":                      {Data: []byte("# example.com/b v1.0.0\n")},
		"vendor/example.com/b/b.go":               {Data: []byte("package b\n")},
		"tools/vendor/modules.txt":                {Data: []byte("# x\n")},
		"node/vendor/other.txt":                   {Data: []byte("x")},
		"Vendor/modules.txt":                      {Data: []byte("# not Go's vendor directory\n")},
		"pkg/testdata/vendor/modules.txt":         {Data: []byte("# x\n")},
		"legacy/vendor/modules.txt":               {Data: []byte("# x\n")},
		"vendor2/modules.txt":                     {Data: []byte("# x\n")},
		"svc/vendor/modules.txt/x":                {Data: []byte("a directory named modules.txt")},
		"templates/t/template.yaml":               {Data: []byte(backstageTemplate)},
		"templates/t/skeleton/vendor/modules.txt": {Data: []byte("# x\n")},
	}
	tree := FS(context.Background(), fsys, Options{Exclude: []string{"legacy/**"}}, nil).Tree
	if diff := cmp.Diff([]string{"tools/vendor/modules.txt", "vendor/modules.txt"}, tree.Vendored); diff != "" {
		t.Errorf("vendored (-want +got):\n%s", diff)
	}
	for _, f := range tree.Files {
		if f == "vendor/modules.txt" || f == "vendor/example.com/b/b.go" {
			t.Errorf("%s listed in Files", f)
		}
	}
	// A policy pattern naming vendor/ keeps it out entirely.
	tree = FS(context.Background(), fsys, Options{Exclude: []string{"legacy/**", "vendor/**"}}, nil).Tree
	if diff := cmp.Diff([]string{"tools/vendor/modules.txt"}, tree.Vendored); diff != "" {
		t.Errorf("vendored with vendor/** excluded (-want +got):\n%s", diff)
	}
}
