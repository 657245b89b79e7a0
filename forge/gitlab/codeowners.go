package gitlab

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/ssdf-dev/ssdf/snapshot"
)

// maxOwnerQueries: with more user owners than this, the project's whole
// member list is read once instead of one query per owner.
const maxOwnerQueries = 8

var roleNames = map[int64]string{
	levelGuest: "Guest", levelReporter: "Reporter", levelDeveloper: "Developer",
	levelMaintainer: "Maintainer", levelOwner: "Owner",
}

// codeOwners resolves the CODEOWNERS owners the way GitLab does: a group
// owner must be one of the project's groups (its ancestors) or a group the
// project is shared with; a user owner must be a member of the project
// (direct or inherited) with at least the Developer role, who can approve.
// Roles (@@developer) need no resolution. E-mail owners are matched by
// GitLab against private e-mail addresses that only an administrator can
// see; without one, the errors fact is unknown.
//
// Requests: one for the project's groups, then one member query per bare
// @name that is not a group (or the member list when there are many).
func (c *Client) codeOwners(ctx context.Context, p *project, owners []string) (snapshot.Fact[map[string]string], snapshot.Fact[[]snapshot.CodeOwnerError]) {
	kinds := map[string]string{}
	errs := []snapshot.CodeOwnerError{}

	var names, emails []string
	seen := map[string]bool{}
	for _, o := range owners {
		o = strings.TrimSpace(o)
		if o == "" || seen[strings.ToLower(o)] {
			continue
		}
		seen[strings.ToLower(o)] = true
		switch {
		case strings.HasPrefix(o, "@@"):
			// A role: nothing to resolve.
		case strings.HasPrefix(o, "@"):
			names = append(names, o)
		case strings.Contains(o, "@"):
			emails = append(emails, o)
		}
	}
	if len(names) == 0 && len(emails) == 0 {
		return snapshot.Fact[map[string]string]{Read: true, Value: kinds}, snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: errs}
	}

	// The project's groups: ancestors, and with_shared the groups it is
	// shared with. The project entity gives the share's access level.
	groups := map[string]bool{}
	ns := strings.ToLower(p.Namespace.FullPath)
	if ns == "" {
		if i := strings.LastIndexByte(p.PathWithNamespace, '/'); i > 0 {
			ns = strings.ToLower(p.PathWithNamespace[:i])
		}
	}
	if p.Namespace.Kind != "user" {
		for g := ns; g != ""; {
			groups[g] = true
			i := strings.LastIndexByte(g, '/')
			if i < 0 {
				break
			}
			g = g[:i]
		}
	}
	sharedLevel := map[string]int64{}
	for _, s := range p.SharedWithGroups {
		sharedLevel[strings.ToLower(s.GroupFullPath)] = s.GroupAccessLevel.V
	}
	gs, err := list[namedGroup](ctx, c, pid(p)+"/groups", url.Values{"with_shared": {"true"}}, 0)
	if err != nil {
		f := unavailableFrom[map[string]string](err, permReporter, "")
		return f, snapshot.Fact[[]snapshot.CodeOwnerError]{Err: f.Err}
	}
	for _, g := range gs {
		groups[strings.ToLower(g.FullPath)] = true
	}

	var userNames []string
	for _, o := range names {
		n := strings.ToLower(strings.TrimPrefix(o, "@"))
		if groups[n] {
			if lvl, ok := sharedLevel[n]; ok && lvl > 0 && lvl < levelDeveloper {
				errs = append(errs, snapshot.CodeOwnerError{Owner: o, Message: fmt.Sprintf("group %s is shared with the project with the %s role; code owners need Developer or higher to approve", o, roleNames[lvl])})
				continue
			}
			kinds[o] = "group"
			continue
		}
		if strings.Contains(n, "/") {
			errs = append(errs, snapshot.CodeOwnerError{Owner: o, Message: fmt.Sprintf("group %s is neither the project's group nor shared with the project", o)})
			continue
		}
		userNames = append(userNames, o)
	}

	if len(userNames) > 0 {
		members := map[string]member{}
		var merr error
		if len(userNames) > maxOwnerQueries {
			var ms []member
			ms, merr = list[member](ctx, c, pid(p)+"/members/all", nil, 0)
			for _, m := range ms {
				members[strings.ToLower(m.Username)] = m
			}
		} else {
			for _, o := range userNames {
				n := strings.TrimPrefix(o, "@")
				ms, err := list[member](ctx, c, pid(p)+"/members/all", url.Values{"query": {n}}, 0)
				if err != nil {
					merr = err
					break
				}
				for _, m := range ms {
					members[strings.ToLower(m.Username)] = m
				}
			}
		}
		if merr != nil {
			f := unavailableFrom[map[string]string](merr, permReporter, "")
			return f, snapshot.Fact[[]snapshot.CodeOwnerError]{Err: f.Err}
		}
		for _, o := range userNames {
			m, ok := members[strings.ToLower(strings.TrimPrefix(o, "@"))]
			switch {
			case !ok:
				errs = append(errs, snapshot.CodeOwnerError{Owner: o, Message: fmt.Sprintf("%s is neither a member of the project nor one of its groups", o)})
			case !m.active():
				errs = append(errs, snapshot.CodeOwnerError{Owner: o, Message: fmt.Sprintf("%s is a member of the project but %s", o, m.State)})
				kinds[o] = "user"
			case m.AccessLevel.V < levelDeveloper:
				errs = append(errs, snapshot.CodeOwnerError{Owner: o, Message: fmt.Sprintf("%s has the %s role; code owners need Developer or higher to approve", o, roleNames[m.AccessLevel.V])})
				kinds[o] = "user"
			default:
				kinds[o] = "user"
			}
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Owner < errs[j].Owner })
	kindsFact := snapshot.Fact[map[string]string]{Read: true, Value: kinds}
	if len(emails) > 0 {
		c.mu.Lock()
		admin := c.caller != nil && c.caller.Admin
		c.mu.Unlock()
		if !admin {
			return kindsFact, unavailable[[]snapshot.CodeOwnerError]("permission", fmt.Sprintf(
				"GitLab resolves e-mail code owners (%s) by users' private e-mail addresses, which only an administrator can see", strings.Join(emails, ", ")),
				permAdminUsers, 0)
		}
		for _, e := range emails {
			us, err := list[user](ctx, c, "users", url.Values{"search": {e}}, 0)
			if err != nil {
				return kindsFact, unavailableFrom[[]snapshot.CodeOwnerError](err, permAdminUsers, "")
			}
			if len(us) != 1 {
				errs = append(errs, snapshot.CodeOwnerError{Owner: e, Message: fmt.Sprintf("no single GitLab user has the e-mail address %s", e)})
			}
		}
		sort.Slice(errs, func(i, j int) bool { return errs[i].Owner < errs[j].Owner })
	}
	return kindsFact, snapshot.Fact[[]snapshot.CodeOwnerError]{Read: true, Value: errs}
}
