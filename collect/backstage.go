package collect

import (
	"errors"
	"io"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// maxYAMLDocs bounds the documents read from one multi-document file.
const maxYAMLDocs = 1000

// skeletonDirs returns the directories that the repository's Backstage
// software templates use as skeletons: the `url` of each `fetch:template`
// step, relative to the template's directory. Their files are what the
// template generates, not this repository's own, so SPEC §3 excludes them.
func skeletonDirs(t snapshot.Tree) []string {
	var dirs []string
	for p, c := range t.Contents {
		if c.Text == "" || !strings.Contains(c.Text, "scaffolder.backstage.io") || !strings.Contains(c.Text, "fetch:template") {
			continue
		}
		dec := yaml.NewDecoder(strings.NewReader(c.Text))
		for range maxYAMLDocs {
			var doc struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
				Spec       struct {
					Steps []struct {
						Action string `yaml:"action"`
						Input  struct {
							URL any `yaml:"url"`
						} `yaml:"input"`
					} `yaml:"steps"`
				} `yaml:"spec"`
			}
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) || (err != nil && !isTypeError(err)) {
				break
			}
			if !strings.HasPrefix(doc.APIVersion, "scaffolder.backstage.io/") || doc.Kind != "Template" {
				continue
			}
			for _, s := range doc.Spec.Steps {
				u, ok := s.Input.URL.(string)
				if s.Action != "fetch:template" || !ok || strings.Contains(u, "://") || strings.Contains(u, "${{") {
					continue
				}
				d := path.Clean(path.Join(path.Dir(p), u))
				if d != "." && !strings.HasPrefix(d, "../") && d != ".." {
					dirs = append(dirs, d)
				}
			}
		}
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

func isTypeError(err error) bool {
	var te *yaml.TypeError
	return errors.As(err, &te)
}

// dropDirs removes the files under dirs from the tree, counting them as
// excluded.
func dropDirs(t *snapshot.Tree, dirs []string) {
	under := func(p string) bool {
		for _, d := range dirs {
			if strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		return false
	}
	kept := t.Files[:0]
	for _, f := range t.Files {
		if under(f) {
			t.Excluded++
			delete(t.Contents, f)
			continue
		}
		kept = append(kept, f)
	}
	t.Files = kept
	t.Vendored = slices.DeleteFunc(t.Vendored, under)
}
