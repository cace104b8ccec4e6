package migrations

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// move is a migration that reconcile gives a fresh version.
type move struct {
	File   File
	To     string // the new file name
	Reason string
}

// plan decides what reconcile renames. A migration is out of order when
// it landed on the main branch's first-parent history after one with a
// later version; or, when it is not on main, when main has one with a
// later version, or the development database applied a later version but
// not it. The first migration out of order, and every one after it (main's
// in the order they landed, then the rest by version), get fresh versions
// in that order, so that what came after it still does. applied may be
// nil (no development database).
func plan(files []File, mainRef string, main []landing, applied map[string]bool, now time.Time) []move {
	byName := make(map[string]File, len(files))
	for _, f := range files {
		byName[f.Name] = f
	}
	var order []File // main's migrations as they landed, then the rest by version
	where := map[string]landing{}
	for _, l := range main {
		for _, name := range sortedByVersion(l.Files, byName) {
			if _, dup := where[name]; !dup {
				where[name] = l
				order = append(order, byName[name])
			}
		}
	}
	onMain := len(order)
	for _, f := range files {
		if _, ok := where[f.Name]; !ok {
			order = append(order, f)
		}
	}

	start, reason := -1, ""
	var newest File // the newest migration so far on main
	for i, f := range order[:onMain] {
		if f.Version <= newest.Version {
			l := where[f.Name]
			start = i
			reason = fmt.Sprintf("landed on %s in %s (%q) after %s, which sorts after it", mainRef, l.Commit, l.Subject, newest.Name)
			break
		}
		newest = f
	}
	if start < 0 {
		newestApplied := ""
		for v, ok := range applied {
			if ok && v > newestApplied {
				newestApplied = v
			}
		}
		for i, f := range order[onMain:] {
			switch {
			case f.Version <= newest.Version:
				start, reason = onMain+i, fmt.Sprintf("sorts before %s, which %s already has", newest.Name, mainRef)
			case applied != nil && !applied[f.Version] && f.Version < newestApplied:
				start, reason = onMain+i, fmt.Sprintf("sorts before version %s, which the development database applied without it", newestApplied)
			}
			if start >= 0 {
				break
			}
		}
	}
	if start < 0 {
		return nil
	}
	late := order[start:]
	versions := freshVersions(len(late), files, now)
	moves := make([]move, len(late))
	for i, f := range late {
		moves[i] = move{File: f, To: renamed(f, versions[i]), Reason: reason}
		if i > 0 {
			moves[i].Reason = "follows " + late[0].Name + ", so keeps its place after it"
		}
	}
	return moves
}

// sortedByVersion returns those of names that are files now, by version.
func sortedByVersion(names []string, byName map[string]File) []string {
	var out []string
	for _, n := range names {
		if _, ok := byName[n]; ok {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(byName[a].Version, byName[b].Version) })
	return out
}
