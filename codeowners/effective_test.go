package codeowners

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ssdf-dev/ssdf/snapshot"
)

func snap(forge string, truncated bool, files map[string]string) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Target: snapshot.Target{Forge: forge}}
	s.Tree.Truncated = truncated
	s.Tree.Contents = map[string]snapshot.Content{}
	for p, text := range files {
		s.Tree.Files = append(s.Tree.Files, p)
		switch text {
		case "<skipped>":
			s.Tree.Contents[p] = snapshot.Content{Skipped: "5000000 bytes, over the 4194304-byte cap", Size: 5000000}
		case "<unclaimed>":
		default:
			s.Tree.Contents[p] = snapshot.Content{Text: text}
		}
	}
	return s
}

func TestEffective(t *testing.T) {
	for _, c := range []struct {
		name  string
		forge string
		trunc bool
		files map[string]string
		want  Located
		state State
	}{
		{
			name:  "github precedence",
			forge: "github",
			files: map[string]string{".github/CODEOWNERS": "* @a\n", "CODEOWNERS": "* @b\n", "docs/CODEOWNERS": "* @c\n"},
			want:  Located{Forge: "github", Dialect: GitHub, Path: ".github/CODEOWNERS", Shadowed: []string{"CODEOWNERS", "docs/CODEOWNERS"}},
		},
		{
			name:  "gitlab precedence",
			forge: "gitlab",
			files: map[string]string{".github/CODEOWNERS": "* @a\n", "docs/CODEOWNERS": "* @c\n", ".gitlab/CODEOWNERS": "* @d\n"},
			want:  Located{Forge: "gitlab", Dialect: GitLab, Path: "docs/CODEOWNERS", Shadowed: []string{".gitlab/CODEOWNERS"}, OtherForge: []string{".github/CODEOWNERS"}},
		},
		{
			name:  "names match without case, spelling is kept",
			forge: "github",
			files: map[string]string{".GitHub/codeowners": "* @a\n"},
			want:  Located{Forge: "github", Dialect: GitHub, Path: ".GitHub/codeowners"},
		},
		{
			name:  "only the other forge's location",
			forge: "github",
			files: map[string]string{".gitlab/CODEOWNERS": "* @a\n", "src/CODEOWNERS": "* @x\n"},
			want:  Located{Forge: "github", Dialect: GitHub, OtherForge: []string{".gitlab/CODEOWNERS"}},
			state: Absent,
		},
		{
			name:  "prow",
			forge: "github",
			files: map[string]string{"OWNERS": "<unclaimed>", "pkg/api/OWNERS": "<unclaimed>", "OWNERS_ALIASES": "<unclaimed>"},
			want:  Located{Forge: "github", Dialect: GitHub, Prow: []string{"OWNERS", "pkg/api/OWNERS"}},
			state: Absent,
		},
		{
			name:  "skipped",
			forge: "github",
			files: map[string]string{"CODEOWNERS": "<skipped>"},
			want:  Located{Forge: "github", Dialect: GitHub, Path: "CODEOWNERS", Skipped: "5000000 bytes, over the 4194304-byte cap"},
			state: Unreadable,
		},
		{
			name:  "no owners",
			forge: "gitlab",
			files: map[string]string{"CODEOWNERS": "# nobody yet\n[Docs] @docs\n"},
			want:  Located{Forge: "gitlab", Dialect: GitLab, Path: "CODEOWNERS"},
			state: NoOwners,
		},
		{
			name:  "truncated walk",
			forge: "",
			trunc: true,
			files: map[string]string{"a.go": "<unclaimed>"},
			want:  Located{Forge: "github", Dialect: GitHub, Truncated: true},
			state: Undecided,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Effective(snap(c.forge, c.trunc, c.files))
			if diff := cmp.Diff(c.want, got, cmpopts.IgnoreFields(Located{}, "File"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if (got.File != nil) != (got.Path != "" && got.Skipped == "") {
				t.Errorf("File = %v with path %q, skipped %q", got.File, got.Path, got.Skipped)
			}
			if st := got.State(); st != c.state {
				t.Errorf("State = %d, want %d", st, c.state)
			}
			if (c.state == Unreadable || c.state == Undecided) != (got.Why() != "") {
				t.Errorf("Why = %q", got.Why())
			}
		})
	}
}
