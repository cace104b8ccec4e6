// Package migrations is Larder's migration workflow: new migrations with
// fresh timestamps, the checks that make migrations safe to merge, and
// reconcile, which repairs the order of migrations after branches merged.
// The larder command runs it (larder migrations new|check|reconcile), and
// the Makefile's migration-* targets call that.
//
// Order. dbmate applies migrations by version (the file name's timestamp)
// and, in strict mode, refuses one older than the newest applied: a
// migration written on a branch while main gained newer ones sorts before
// them, so databases that already have main's cannot take it in order.
// Check replays the branch's history (its first-parent commits, then
// uncommitted files) into a fresh database with dbmate in strict mode, and
// fails on such a migration. Reconcile gives it, and every migration that
// landed with or after it, fresh timestamps in their order.
//
// Reversibility. Check also applies the migrations one by one, rolls them
// back one by one to none and applies them again, comparing the schema
// dump at every step with the first pass.
package migrations

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"
)

// File is a migration file.
type File struct {
	Version string // the leading timestamp, YYYYMMDDHHMMSS (UTC)
	Name    string // the file's name: <version>_<name>.sql
}

// versionLayout is the layout of versions, as dbmate writes them.
const versionLayout = "20060102150405"

var (
	fileRE = regexp.MustCompile(`^([0-9]{14})_([a-z][a-z0-9_]*)\.sql$`)
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)
)

// List returns the migrations in dir, by version. A .sql file that is not
// <14-digit version>_<lower_snake_name>.sql, or two files of one version,
// is an error.
func List(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var files []File
	seen := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".sql" {
			continue
		}
		m := fileRE.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: want <YYYYMMDDHHMMSS>_<lower_snake_name>.sql", e.Name())
		}
		if other, ok := seen[m[1]]; ok {
			return nil, fmt.Errorf("migrations %s and %s have one version: give one a new timestamp", other, e.Name())
		}
		seen[m[1]] = e.Name()
		files = append(files, File{Version: m[1], Name: e.Name()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Version < files[j].Version })
	return files, nil
}

// freshVersions returns n versions, one second apart, from now or (if
// later) from one second after the newest of existing.
func freshVersions(n int, existing []File, now time.Time) []string {
	next := now.UTC().Truncate(time.Second)
	for _, f := range existing {
		if t, err := time.Parse(versionLayout, f.Version); err == nil && !t.Before(next) {
			next = t.Add(time.Second)
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = next.Format(versionLayout)
		next = next.Add(time.Second)
	}
	return out
}

// renamed is a file's name with a new version.
func renamed(f File, version string) string { return version + f.Name[len(f.Version):] }

// ErrInvalidName: a new migration's name is not lower_snake_case.
var ErrInvalidName = errors.New("a migration name is lower_snake_case: a letter, then letters, digits or _ (at most 100)")

// skeleton is a new migration's content: dbmate's two sections.
const skeleton = "-- migrate:up\n\n\n-- migrate:down\n\n"

// New writes an empty migration named name into dir, versioned after every
// migration there (and not before now), and returns its path.
func New(dir, name string, now time.Time) (string, error) {
	if !nameRE.MatchString(name) {
		return "", fmt.Errorf("%w, not %q", ErrInvalidName, name)
	}
	files, err := List(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, freshVersions(1, files, now)[0]+"_"+name+".sql")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("new migration: %w", err)
	}
	if _, err := f.WriteString(skeleton); err != nil {
		f.Close()
		return "", fmt.Errorf("new migration: %w", err)
	}
	return path, f.Close()
}
