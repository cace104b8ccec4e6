package migrations

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/larderhq/larder/db/migrate"
)

// Options says where the workflow works. Zero fields take the defaults.
type Options struct {
	Repo        string    // the repository's root; default "."
	Dir         string    // the migrations, relative to Repo; default "db/migrations"
	Schema      string    // the schema dump, relative to Repo; default "db/schema.sql"
	Main        string    // the main branch; default "main"
	DatabaseURL string    // the development database (consulted, and its versions renamed); scratch databases are made on its server
	Sqlc        string    // the sqlc binary reconcile regenerates with; "" skips it
	Log         io.Writer // what was done, a line each; default: discarded
	Now         func() time.Time
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.Repo, ".")
	def(&o.Dir, filepath.Join("db", "migrations"))
	def(&o.Schema, filepath.Join("db", "schema.sql"))
	def(&o.Main, "main")
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func (o Options) path(rel ...string) string {
	return filepath.Join(append([]string{o.Repo}, rel...)...)
}

// ConflictError is two migrations that cannot both apply: nothing was
// changed.
type ConflictError struct {
	Failing, Partner string // file names as they are; Partner "" when none was found
	Err              error
}

func (e *ConflictError) Error() string {
	if e.Partner == "" {
		return fmt.Sprintf("migration %s does not apply after the others: %v", e.Failing, e.Err)
	}
	return fmt.Sprintf("migrations %s and %s cannot both apply: %v\nnothing was changed: make them agree (or drop one), then reconcile again", e.Partner, e.Failing, e.Err)
}

func (e *ConflictError) Unwrap() error { return e.Err }

// Reconcile puts the migrations back in order after a merge: it gives the
// first migration out of order (see plan) and every one after it fresh
// versions in their order, renaming the files with git (and the versions
// in the development database's schema_migrations), applies every
// migration to a fresh database, writes its dump to the schema file (which
// resolves a conflict there), and regenerates with sqlc. Before changing
// anything it checks that the migrations apply in their new order; when
// two cannot both apply, it returns a *ConflictError and changes nothing.
// Run again, it finds nothing to do and changes nothing.
func Reconcile(ctx context.Context, o Options) error {
	o = o.withDefaults()
	if !isRepo(ctx, o.Repo) {
		return fmt.Errorf("reconcile: %s is not a git repository", o.Repo)
	}
	files, err := List(o.path(o.Dir))
	if err != nil {
		return err
	}
	main, err := landings(ctx, o.Repo, o.Main, o.Dir)
	if err != nil {
		return fmt.Errorf("reconcile: the history of %s: %w", o.Main, err)
	}
	applied, err := migrate.AppliedVersions(o.DatabaseURL)
	if err != nil {
		return err
	}
	moves := plan(files, o.Main, main, applied, o.Now())

	final := make(map[string]string, len(files)) // name now -> name after
	for _, f := range files {
		final[f.Name] = f.Name
	}
	for _, m := range moves {
		final[m.File.Name] = m.To
	}
	sc := &scratch{server: o.DatabaseURL}
	defer sc.close(ctx)
	dump, err := applyAll(ctx, o, sc, files, final)
	if err != nil {
		return err
	}

	if len(moves) == 0 {
		fmt.Fprintln(o.Log, "no migration is out of order")
	}
	versions := map[string]string{}
	for _, m := range moves {
		if err := rename(ctx, o, m); err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "renamed %s -> %s: %s\n", m.File.Name, m.To, m.Reason)
		if applied[m.File.Version] {
			versions[m.File.Version] = m.To[:len(m.File.Version)]
		}
	}
	if err := migrate.RenameVersions(o.DatabaseURL, versions); err != nil {
		return err
	}
	for from, to := range versions {
		fmt.Fprintf(o.Log, "development database: applied version %s is now %s\n", from, to)
	}
	if err := writeSchema(ctx, o, dump); err != nil {
		return err
	}
	if o.Sqlc != "" {
		cmd := exec.CommandContext(ctx, o.Sqlc, "generate")
		cmd.Dir = o.Repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("reconcile: sqlc generate: %w\n%s", err, out)
		}
		fmt.Fprintln(o.Log, "regenerated the sqlc code")
	}
	return nil
}

// rename gives a migration its new name: git mv when git tracks it.
func rename(ctx context.Context, o Options, m move) error {
	from, to := filepath.Join(o.Dir, m.File.Name), filepath.Join(o.Dir, m.To)
	if tracked(ctx, o.Repo, from) {
		_, err := git(ctx, o.Repo, "mv", from, to)
		return err
	}
	return os.Rename(o.path(from), o.path(to))
}

// writeSchema writes the dump to the schema file when it differs, and
// marks a conflict there resolved.
func writeSchema(ctx context.Context, o Options, dump []byte) error {
	old, err := os.ReadFile(o.path(o.Schema))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if bytes.Equal(old, dump) {
		fmt.Fprintf(o.Log, "%s is current\n", o.Schema)
		return nil
	}
	if err := os.WriteFile(o.path(o.Schema), dump, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(o.Log, "wrote %s from a fresh database\n", o.Schema)
	if unmerged(ctx, o.Repo, o.Schema) {
		if _, err := git(ctx, o.Repo, "add", "--", o.Schema); err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "resolved the conflict in %s\n", o.Schema)
	}
	return nil
}

// staged is a migration as applyAll stages it.
type staged struct {
	name, final string
}

// applyAll applies the migrations, under their final names, to a fresh
// database and returns its dump; a migration that fails is reported with
// the one it conflicts with.
func applyAll(ctx context.Context, o Options, sc *scratch, files []File, final map[string]string) ([]byte, error) {
	order := make([]staged, len(files))
	for i, f := range files {
		order[i] = staged{f.Name, final[f.Name]}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].final < order[j].final })
	st, err := newStage()
	if err != nil {
		return nil, err
	}
	defer st.remove()

	// apply applies list to a fresh database; on failure, failing is the
	// final name of the migration that failed.
	apply := func(list []staged) (url, failing string, err error) {
		if err := st.reset(); err != nil {
			return "", "", err
		}
		for _, s := range list {
			if err := st.add(o.path(o.Dir, s.name), s.final); err != nil {
				return "", "", err
			}
		}
		if url, err = sc.database(ctx); err != nil {
			return "", "", err
		}
		var log bytes.Buffer
		if err := migrate.Up(url, migrate.Options{Dir: st.dir, Log: &log}); err != nil {
			return "", lastApplying(log.String()), err
		}
		return url, "", nil
	}
	url, failingName, err := apply(order)
	if err == nil {
		return migrate.DumpSchema(url)
	}
	failing := indexOfFinal(order, failingName)
	if failing < 0 {
		return nil, err
	}
	conflict := &ConflictError{Failing: order[failing].name, Err: err}
	for j := failing - 1; j >= 0; j-- { // the newest first: conflicts are usually recent
		without := append(append([]staged{}, order[:j]...), order[j+1:failing+1]...)
		if _, _, e := apply(without); e == nil {
			conflict.Partner = order[j].name
			break
		}
	}
	return nil, conflict
}

// lastApplying is the file named by dbmate's last "Applying: " line.
func lastApplying(log string) string {
	i := strings.LastIndex(log, "Applying: ")
	if i < 0 {
		return ""
	}
	name, _, _ := strings.Cut(log[i+len("Applying: "):], "\n")
	return strings.TrimSpace(name)
}

func indexOfFinal(order []staged, final string) int {
	for i, s := range order {
		if s.final == final {
			return i
		}
	}
	return -1
}
