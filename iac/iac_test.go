package iac

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// tree builds a snapshot tree in which every file was read.
func tree(files map[string]string) snapshot.Tree {
	t := snapshot.Tree{Contents: map[string]snapshot.Content{}}
	for p, text := range files {
		t.Files = append(t.Files, p)
		t.Contents[p] = snapshot.Content{Text: text, Size: int64(len(text))}
	}
	slices.Sort(t.Files)
	return t
}

const mainTF = `terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.31"
    }
    random = {
      source  = "registry.opentofu.org/hashicorp/random"
      version = var.random_version
    }
    google = "4.0.0"
  }
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.2.1"
}

module "net" {
  source = "./modules/net"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

data "aws_caller_identity" "me" {}
`

func requirements(rs []*ProviderRequirement) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %s source=%s version=%s", r.Loc(), r.Name, r.Source, r.Version))
	}
	return out
}

func calls(cs []*ModuleCall) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s source=%s (%s) version=%s", c.Loc(), c.Name, c.Source, c.Src().Kind, c.Version))
	}
	return out
}

func TestParseNative(t *testing.T) {
	s := Parse(tree(map[string]string{"infra/main.tf": mainTF, "infra/modules/net/main.tf": "variable \"cidr\" {}\n"}))
	if p := s.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	m := s.Module("infra")
	if diff := cmp.Diff([]string{
		"infra/main.tf:4 aws source=hashicorp/aws version=~> 5.31",
		"infra/main.tf:8 random source=registry.opentofu.org/hashicorp/random version=not a literal",
		"infra/main.tf:12 google source=absent version=4.0.0",
	}, requirements(m.RequiredProviders)); diff != "" {
		t.Errorf("required providers (-want +got):\n%s", diff)
	}
	if v := m.RequiredProviders[0].Version; v.Loc() != "infra/main.tf:6" {
		t.Errorf("aws version at %s, want infra/main.tf:6", v.Loc())
	}
	f := m.Files[0]
	if f.RequiredVersion.Text != ">= 1.6" || f.RequiredVersion.Line != 2 {
		t.Errorf("required_version = %+v", f.RequiredVersion)
	}
	var provs []string
	for _, p := range m.Providers {
		provs = append(provs, fmt.Sprintf("%s %s alias=%s", p.Loc(), p.Name, p.Alias))
	}
	if diff := cmp.Diff([]string{"infra/main.tf:16 aws alias=absent", "infra/main.tf:20 aws alias=us"}, provs); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"infra/main.tf:25 vpc source=terraform-aws-modules/vpc/aws (registry) version=5.2.1",
		"infra/main.tf:30 net source=./modules/net (local) version=absent",
	}, calls(m.ModuleCalls)); diff != "" {
		t.Errorf("module calls (-want +got):\n%s", diff)
	}
	if len(m.Resources) != 2 || m.Resources[1].Mode != "data" || m.Resources[1].Type != "aws_caller_identity" {
		t.Errorf("resources: %+v", m.Resources)
	}
	if !m.Root() || !m.DeclaresProviders() {
		t.Errorf("infra: root %v, declares %v", m.Root(), m.DeclaresProviders())
	}
	child := s.Module("infra/modules/net")
	if child.Root() || len(child.CalledFrom) != 1 || child.CalledFrom[0].Loc() != "infra/main.tf:30" {
		t.Errorf("infra/modules/net: called from %v, want infra/main.tf:30", child.CalledFrom)
	}
	if diff := cmp.Diff([]string{"infra"}, dirs(s.Roots())); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
}

func dirs(ms []*Module) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Dir)
	}
	return out
}

func TestParseJSON(t *testing.T) {
	const j = `{
  "//": "generated",
  "terraform": {
    "required_providers": {
      "aws": {"source": "hashicorp/aws", "version": "5.31.0"},
      "null": {"source": "hashicorp/null", "version": "${var.v}"}
    }
  },
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
  "module": {
    "vpc": {"source": "terraform-aws-modules/vpc/aws", "version": "~> 5.0"},
    "lit": {"source": "git::https://example.com/m.git?ref=$${x}"}
  }
}
`
	s := Parse(tree(map[string]string{"main.tf.json": j}))
	if p := s.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	m := s.Module(".")
	if m.Files[0].Format != JSON {
		t.Errorf("format %s, want json", m.Files[0].Format)
	}
	if diff := cmp.Diff([]string{
		"main.tf.json:5 aws source=hashicorp/aws version=5.31.0",
		"main.tf.json:6 null source=hashicorp/null version=not a literal",
	}, requirements(m.RequiredProviders)); diff != "" {
		t.Errorf("required providers (-want +got):\n%s", diff)
	}
	if len(m.Providers) != 2 || m.Providers[1].Alias.Text != "us" {
		t.Errorf("providers: %+v", m.Providers)
	}
	if diff := cmp.Diff([]string{
		"main.tf.json:11 vpc source=terraform-aws-modules/vpc/aws (registry) version=~> 5.0",
		"main.tf.json:12 lit source=git::https://example.com/m.git?ref=${x} (git) version=absent",
	}, calls(m.ModuleCalls)); diff != "" {
		t.Errorf("module calls (-want +got):\n%s", diff)
	}
}

func TestTofuShadowing(t *testing.T) {
	s := Parse(tree(map[string]string{
		"main.tf":          `module "a" { source = "hashicorp/consul/aws" }`,
		"main.tofu":        "module \"a\" {\n  source  = \"hashicorp/consul/aws\"\n  version = \"0.1.0\"\n}\n",
		"vars.tf.json":     `{"module": {"b": {"source": "x/y/z"}}}`,
		"vars.tofu.json":   `{"module": {"b": {"source": "x/y/z", "version": "1.0.0"}}}`,
		"other.tf":         `module "c" { source = "./c" }`,
		"Upper.TOFU":       `# upper case`,
		"upper.tf":         `syntax error here {{{`,
		".hidden.tf":       `this is ignored`,
		"main.tf~":         `editor backup`,
		"sub/main.tofu":    ``,
		"sub/main.tf.json": `{}`,
	}))
	if p := s.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	root := s.Module(".")
	var eff, sh []string
	for _, f := range root.Files {
		eff = append(eff, f.Path)
	}
	for _, f := range root.Shadowed {
		sh = append(sh, f.Path+" by "+f.ShadowedBy)
	}
	if diff := cmp.Diff([]string{"Upper.TOFU", "main.tofu", "other.tf", "vars.tofu.json"}, eff); diff != "" {
		t.Errorf("effective files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"main.tf by main.tofu", "upper.tf by Upper.TOFU", "vars.tf.json by vars.tofu.json"}, sh); diff != "" {
		t.Errorf("shadowed files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{
		"main.tofu:1 a source=hashicorp/consul/aws (registry) version=0.1.0",
		"other.tf:1 c source=./c (local) version=absent",
		"vars.tofu.json:1 b source=x/y/z (registry) version=1.0.0",
	}, calls(root.ModuleCalls)); diff != "" {
		t.Errorf("module calls (-want +got):\n%s", diff)
	}
	// A .tofu file shadows only its own format's twin.
	sub := s.Module("sub")
	if len(sub.Files) != 2 || len(sub.Shadowed) != 0 {
		t.Errorf("sub: %d files, %d shadowed; want 2 and 0", len(sub.Files), len(sub.Shadowed))
	}
}

func TestOverride(t *testing.T) {
	s := Parse(tree(map[string]string{
		"main.tf":          "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"~> 5.0\"\n}\n",
		"pin_override.tf":  "module \"vpc\" {\n  version = \"5.2.1\"\n}\n",
		"override.tf.json": `{"module": {"vpc": {"source": "terraform-aws-modules/vpc/aws"}}}`,
	}))
	m := s.Module(".")
	if len(m.ModuleCalls) != 1 {
		t.Fatalf("calls: %v", calls(m.ModuleCalls))
	}
	c := m.ModuleCalls[0]
	if c.Version.Text != "5.2.1" || c.Version.Loc() != "pin_override.tf:2" || c.Loc() != "main.tf:1" {
		t.Errorf("merged call: %s, version at %s", calls(m.ModuleCalls), c.Version.Loc())
	}
	if diff := cmp.Diff([]string{"override.tf.json", "pin_override.tf"}, c.Overridden); diff != "" {
		t.Errorf("overridden by (-want +got):\n%s", diff)
	}
}

const lockText = `# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/aws" {
  version     = "5.31.0"
  constraints = "~> 5.31"
  hashes = [
    "h1:ltxyuBWIy9cq0kIKDJH1jeWJy/y7XJLjS4QrsQK4plA=",
    "zh:0cdb9c2083bf0902442384f7309367791e4640581652dda456f2d6d7abf0de8d",
    "zh:2fe4884cb9642f48a5889f8dff8f5f511418a18537a9dfa77ada3bcdad391e4e",
  ]
}

provider "registry.opentofu.org/hashicorp/random" {
  version = "3.6.0"
  hashes = [
    "h1:p6WG1IPHnqx1fnJVKNjv733FBaArIugqy58HRZnpPCk=",
  ]
}
`

func TestLock(t *testing.T) {
	s := Parse(tree(map[string]string{
		"env/prod/main.tf":             `provider "aws" {}`,
		"env/prod/.terraform.lock.hcl": lockText,
		"env/dev/main.tf":              `provider "aws" {}`,
		"orphan/.terraform.lock.hcl":   "provider \"x\" {\n  version = \n}\n",
	}))
	prod := s.Module("env/prod")
	if prod.LockPath != "env/prod/.terraform.lock.hcl" || prod.Lock == nil {
		t.Fatalf("env/prod lock: %q", prod.LockPath)
	}
	var got []string
	for _, p := range prod.Lock.Providers {
		got = append(got, fmt.Sprintf("%s %s %s %s hashes=%d", p.Loc(), p.Address, p.Version, p.Constraints, p.Hashes))
	}
	if diff := cmp.Diff([]string{
		"env/prod/.terraform.lock.hcl:4 registry.opentofu.org/hashicorp/aws 5.31.0 ~> 5.31 hashes=3",
		"env/prod/.terraform.lock.hcl:14 registry.opentofu.org/hashicorp/random 3.6.0 absent hashes=1",
	}, got); diff != "" {
		t.Errorf("locked providers (-want +got):\n%s", diff)
	}
	if dev := s.Module("env/dev"); dev.LockPath != "" || dev.Lock != nil {
		t.Errorf("env/dev has lock %q", dev.LockPath)
	}
	if len(s.Locks) != 2 || s.Module("orphan") != nil {
		t.Errorf("locks %d, orphan module %v", len(s.Locks), s.Module("orphan"))
	}
	probs := s.Problems()
	if len(probs) != 1 || probs[0].Path != "orphan/.terraform.lock.hcl" || probs[0].Line != 2 {
		t.Errorf("problems = %+v, want one in orphan/.terraform.lock.hcl at line 2", probs)
	}
}

func TestRoots(t *testing.T) {
	s := Parse(tree(map[string]string{
		"live/prod/main.tf":                  `module "app" { source = "../../modules/app" }`,
		"live/stage/main.tf":                 `module "app" { source = "../../modules/app/" }`,
		"modules/app/main.tf":                `module "db" { source = "./db" }` + "\n" + `module "out" { source = "../../../outside" }`,
		"modules/app/db/main.tf":             `resource "x" "y" {}`,
		"modules/unused/main.tf":             `resource "x" "y" {}`,
		".terraform/modules/m/a.tf":          `provider "aws" {}`,
		"nested/.terragrunt-cache/x/main.tf": `provider "aws" {}`,
	}))
	if diff := cmp.Diff([]string{"live/prod", "live/stage", "modules/unused"}, dirs(s.Roots())); diff != "" {
		t.Errorf("roots (-want +got):\n%s", diff)
	}
	var from []string
	for _, p := range s.Module("modules/app").CalledFrom {
		from = append(from, p.Loc())
	}
	if diff := cmp.Diff([]string{"live/prod/main.tf:1", "live/stage/main.tf:1"}, from); diff != "" {
		t.Errorf("modules/app called from (-want +got):\n%s", diff)
	}
	if len(s.Modules) != 5 {
		t.Errorf("modules: %v", dirs(s.Modules))
	}
}

func TestUnread(t *testing.T) {
	tr := tree(map[string]string{"a/main.tf": `provider "aws" {}`})
	tr.Files = append(tr.Files, "a/big.tf", "a/raw.tf", "b/.terraform.lock.hcl")
	tr.Contents["a/big.tf"] = snapshot.Content{Skipped: "5000000 bytes, over the 4194304-byte cap", Size: 5000000}
	tr.Skipped = append(tr.Skipped, snapshot.Skipped{Path: "a/link.tf", Reason: "symlink, not followed"})
	slices.Sort(tr.Files)
	s := Parse(tr)
	var got []string
	for _, p := range s.Problems() {
		got = append(got, p.Loc()+" "+p.Reason)
	}
	if diff := cmp.Diff([]string{
		"a/big.tf not read: 5000000 bytes, over the 4194304-byte cap",
		"a/link.tf not read: symlink, not followed",
		"a/raw.tf not read by the collector",
		"b/.terraform.lock.hcl not read by the collector",
	}, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if m := s.Module("a"); len(m.Files) != 4 || !m.DeclaresProviders() {
		t.Errorf("module a: %d files, declares %v", len(m.Files), m.DeclaresProviders())
	}
}

func TestSyntaxError(t *testing.T) {
	s := Parse(tree(map[string]string{
		"main.tf":     "provider \"aws\" {}\n\nmodule \"x\" {\n  source = \n}\n",
		"bad.tf.json": `{"module": [`,
		"nolabel.tf":  "provider {\n}\n",
	}))
	var got []string
	for _, p := range s.Problems() {
		got = append(got, p.Loc()+" "+strings.SplitN(p.Reason, ":", 2)[0])
	}
	if diff := cmp.Diff([]string{"bad.tf.json:1 invalid JSON", "main.tf:4 invalid HCL", "nolabel.tf:1 invalid HCL"}, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// What parsed before the error is kept.
	if m := s.Module("."); len(m.Providers) != 1 {
		t.Errorf("providers: %d, want 1", len(m.Providers))
	}
}

func TestParseSource(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want Source
	}{
		{"./modules/x", Source{Kind: LocalSource, Path: "./modules/x"}},
		{"../x", Source{Kind: LocalSource, Path: "../x"}},
		{`..\x`, Source{Kind: LocalSource, Path: `..\x`}},
		{"hashicorp/consul/aws", Source{Kind: RegistrySource, Namespace: "hashicorp", Name: "consul", Provider: "aws"}},
		{"hashicorp/consul/aws//modules/consul-cluster", Source{Kind: RegistrySource, Namespace: "hashicorp", Name: "consul", Provider: "aws", Subdir: "modules/consul-cluster"}},
		{"app.terraform.io/example-corp/k8s-cluster/azurerm", Source{Kind: RegistrySource, Host: "app.terraform.io", Namespace: "example-corp", Name: "k8s-cluster", Provider: "azurerm"}},
		{"registry.opentofu.org/terraform-aws-modules/vpc/aws", Source{Kind: RegistrySource, Host: "registry.opentofu.org", Namespace: "terraform-aws-modules", Name: "vpc", Provider: "aws"}},
		{"github.com/hashicorp/example", Source{Kind: GitSource, Repo: "https://github.com/hashicorp/example"}},
		{"github.com/hashicorp/example?ref=v1.2.0", Source{Kind: GitSource, Repo: "https://github.com/hashicorp/example", Ref: "v1.2.0", HasRef: true}},
		{"github.com/org/repo/sub", Source{Kind: GitSource, Repo: "https://github.com/org/repo/sub"}},
		{"github.com/org/repo//modules/a?ref=0123456789abcdef0123456789abcdef01234567", Source{Kind: GitSource, Repo: "https://github.com/org/repo", Subdir: "modules/a", Ref: "0123456789abcdef0123456789abcdef01234567", HasRef: true}},
		{"git@github.com:hashicorp/example.git", Source{Kind: GitSource, Repo: "git@github.com:hashicorp/example.git"}},
		{"git@github.com:org/r.git//a?ref=main&depth=1", Source{Kind: GitSource, Repo: "git@github.com:org/r.git", Subdir: "a", Ref: "main", HasRef: true}},
		{"bitbucket.org/hashicorp/terraform-consul-aws", Source{Kind: GitSource, Repo: "https://bitbucket.org/hashicorp/terraform-consul-aws"}},
		{"git::https://example.com/vpc.git", Source{Kind: GitSource, Getter: "git", Repo: "https://example.com/vpc.git"}},
		{"git::https://example.com/vpc.git//sub?ref=v1.2.0", Source{Kind: GitSource, Getter: "git", Repo: "https://example.com/vpc.git", Subdir: "sub", Ref: "v1.2.0", HasRef: true}},
		{"git::ssh://username@example.com/storage.git?ref", Source{Kind: GitSource, Getter: "git", Repo: "ssh://username@example.com/storage.git", HasRef: true}},
		{"https://example.com/vpc-module.zip", Source{Kind: OtherSource}},
		{"s3::https://s3-eu-west-1.amazonaws.com/b/vpc.zip", Source{Kind: OtherSource, Getter: "s3"}},
		{"hg::http://example.com/vpc.hg", Source{Kind: OtherSource, Getter: "hg"}},
		{"gcs::https://www.googleapis.com/storage/v1/modules/foomodule.zip", Source{Kind: OtherSource, Getter: "gcs"}},
		{"github.com/a/b/c/d", Source{Kind: GitSource, Repo: "https://github.com/a/b/c/d"}},
		{"hashicorp/consul/AWS", Source{Kind: OtherSource}},
		{"/abs/path", Source{Kind: OtherSource}},
	} {
		got := ParseSource(c.raw)
		c.want.Raw = c.raw
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("ParseSource(%q) (-want +got):\n%s", c.raw, diff)
		}
	}
}

func TestExactVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"1.2.3": true, "= 1.2.3": true, "=1.2.3": true, " 5.2.1 ": true, "v1.2.3": true, "1.0.0-beta.1": true,
		"~> 1.2": false, ">= 1": false, "1.2": false, "": false, "~> 1.2.3": false, "1.2.3, < 2": false, "!= 1.2.3": false,
	} {
		if got := ExactVersion(v); got != want {
			t.Errorf("ExactVersion(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestWithRef(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	for raw, want := range map[string]string{
		"git::https://example.com/vpc.git":                 "git::https://example.com/vpc.git?ref=" + sha,
		"git::https://example.com/vpc.git?ref=v1.2.0":      "git::https://example.com/vpc.git?ref=" + sha,
		"github.com/org/repo//sub?depth=1":                 "github.com/org/repo//sub?depth=1&ref=" + sha,
		"git@github.com:org/repo.git?depth=1&ref=main&x=y": "git@github.com:org/repo.git?depth=1&ref=" + sha + "&x=y",
	} {
		if got := WithRef(raw, sha); got != want {
			t.Errorf("WithRef(%q) = %q, want %q", raw, got, want)
		}
	}
	if !IsCommit(sha) || IsCommit(sha[:39]) || IsCommit("v1.2.3") || IsCommit(strings.Repeat("g", 40)) {
		t.Error("IsCommit is wrong")
	}
}

// JSON lets blocks be arrays of objects and properties named "//" be
// comments.
func TestParseJSONForms(t *testing.T) {
	const j = `{
  "terraform": [{
    "required_providers": [{
      "//": "pinned by the lock file",
      "aws": {"source": "hashicorp/aws", "version": "5.31.0"}
    }]
  }],
  "module": [{"vpc": [{"source": "terraform-aws-modules/vpc/aws", "version": "5.2.1", "//": "x"}]}]
}`
	s := Parse(tree(map[string]string{"main.tofu.json": j}))
	if p := s.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	m := s.Module(".")
	if diff := cmp.Diff([]string{"main.tofu.json:5 aws source=hashicorp/aws version=5.31.0"}, requirements(m.RequiredProviders)); diff != "" {
		t.Errorf("required providers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"main.tofu.json:8 vpc source=terraform-aws-modules/vpc/aws (registry) version=5.2.1"}, calls(m.ModuleCalls)); diff != "" {
		t.Errorf("module calls (-want +got):\n%s", diff)
	}
	if !m.Files[0].Tofu || m.Files[0].Format != JSON {
		t.Errorf("file: tofu %v format %s", m.Files[0].Tofu, m.Files[0].Format)
	}
}
