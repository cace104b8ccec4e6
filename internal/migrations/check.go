package migrations

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/larderhq/larder/db/migrate"
)

// OrderError is a migration that landed after one with a later version:
// databases that have the later one cannot apply it in strict mode.
type OrderError struct {
	File    string // the migration out of order
	Landing string // where it landed: a commit, or "uncommitted"
	Before  string // the newest migration that landed before it
	Err     error  // dbmate's refusal
}

func (e *OrderError) Error() string {
	return fmt.Sprintf("migration %s (%s) sorts before %s, which landed before it, so dbmate in strict mode refuses it on databases that have %s: run make migration-reconcile to give it a fresh timestamp\n(%v)",
		e.File, e.Landing, e.Before, e.Before, e.Err)
}

func (e *OrderError) Unwrap() error { return migrate.ErrOutOfOrder }

// CheckOrder replays the migrations as they landed on the current
// branch (its first-parent history, then uncommitted files) into a fresh
// database, with dbmate in strict mode after each landing, as a database
// that followed the branch would have taken them. A migration that lands
// after one with a later version is an *OrderError. Outside a git
// repository there is no history: it says so and checks nothing.
func CheckOrder(ctx context.Context, o Options) error {
	o = o.withDefaults()
	if !isRepo(ctx, o.Repo) {
		fmt.Fprintf(o.Log, "order: %s is not a git repository, so there is no history to check\n", o.Repo)
		return nil
	}
	files, err := List(o.path(o.Dir))
	if err != nil {
		return err
	}
	history, err := landings(ctx, o.Repo, "HEAD", o.Dir)
	if err != nil {
		return err
	}
	present := map[string]bool{}
	for _, f := range files {
		present[f.Name] = true
	}
	var groups []landing
	landed := map[string]bool{}
	for _, l := range history {
		g := landing{Commit: l.Commit, Subject: l.Subject}
		for _, name := range l.Files {
			if present[name] && !landed[name] {
				landed[name] = true
				g.Files = append(g.Files, name)
			}
		}
		if len(g.Files) > 0 {
			groups = append(groups, g)
		}
	}
	uncommitted := landing{Commit: "uncommitted"}
	for _, f := range files {
		if !landed[f.Name] {
			uncommitted.Files = append(uncommitted.Files, f.Name)
		}
	}
	if len(uncommitted.Files) > 0 {
		groups = append(groups, uncommitted)
	}

	sc := &scratch{server: o.DatabaseURL}
	defer sc.close(ctx)
	url, err := sc.database(ctx)
	if err != nil {
		return err
	}
	st, err := newStage()
	if err != nil {
		return err
	}
	defer st.remove()
	newest := ""
	for _, g := range groups {
		for _, name := range g.Files {
			if err := st.add(o.path(o.Dir, name), name); err != nil {
				return err
			}
		}
		err := migrate.Up(url, migrate.Options{Dir: st.dir, Strict: true})
		if errors.Is(err, migrate.ErrOutOfOrder) {
			return &OrderError{File: oldestOf(g.Files), Landing: describe(g), Before: newest, Err: err}
		}
		if err != nil {
			return fmt.Errorf("order: applying %s: %w", describe(g), err)
		}
		for _, name := range g.Files {
			newest = max(newest, name)
		}
	}
	fmt.Fprintf(o.Log, "order: %d migrations in %d landings apply in strict mode\n", len(files), len(groups))
	return nil
}

func describe(l landing) string {
	if l.Subject == "" {
		return l.Commit
	}
	return fmt.Sprintf("landed in %s %q", l.Commit, l.Subject)
}

func oldestOf(names []string) string {
	oldest := names[0]
	for _, n := range names[1:] {
		oldest = min(oldest, n)
	}
	return oldest
}

// CheckReversible applies the migrations one by one to a fresh database,
// dumping the schema after each, then rolls them back one by one to none,
// then applies them one by one again; the dump after every step must equal
// the first pass's at the same migration. A difference names the
// migration whose down (or second up) does not undo (or redo) its work.
func CheckReversible(ctx context.Context, o Options) error {
	o = o.withDefaults()
	files, err := List(o.path(o.Dir))
	if err != nil {
		return err
	}
	sc := &scratch{server: o.DatabaseURL}
	defer sc.close(ctx)
	url, err := sc.database(ctx)
	if err != nil {
		return err
	}
	st, err := newStage()
	if err != nil {
		return err
	}
	defer st.remove()
	// dbmate makes its schema_migrations table before it finds there is
	// nothing to roll back: the dump of "no migration applied".
	if err := migrate.Down(url, migrate.Options{Dir: st.dir}); err == nil {
		return errors.New("reversible: a fresh database had a migration to roll back")
	}
	first := make([][]byte, len(files)+1) // first[k]: the dump with k applied
	if first[0], err = migrate.DumpSchema(url); err != nil {
		return err
	}
	up := func(k int, pass string) error {
		if err := st.add(o.path(o.Dir, files[k].Name), files[k].Name); err != nil {
			return err
		}
		if err := migrate.Up(url, migrate.Options{Dir: st.dir}); err != nil {
			return fmt.Errorf("reversible: %s up (%s): %w", files[k].Name, pass, err)
		}
		return nil
	}
	for k := range files {
		if err := up(k, "first pass"); err != nil {
			return err
		}
		if first[k+1], err = migrate.DumpSchema(url); err != nil {
			return err
		}
	}
	for k := len(files) - 1; k >= 0; k-- {
		if err := migrate.Down(url, migrate.Options{Dir: st.dir}); err != nil {
			return fmt.Errorf("reversible: %s down: %w", files[k].Name, err)
		}
		if err := sameDump(url, first[k], files[k].Name+" down does not restore the schema before its up"); err != nil {
			return err
		}
	}
	if err := st.reset(); err != nil {
		return err
	}
	for k := range files {
		if err := up(k, "after rolling back"); err != nil {
			return err
		}
		if err := sameDump(url, first[k+1], files[k].Name+" up after its down does not give the schema of the first up"); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.Log, "reversible: %d migrations up, down to none and up again, the schema dumps equal at every step\n", len(files))
	return nil
}

// sameDump compares the database's dump with want.
func sameDump(url string, want []byte, what string) error {
	got, err := migrate.DumpSchema(url)
	if err != nil {
		return err
	}
	if diff := firstDifference(string(want), string(got)); diff != "" {
		return fmt.Errorf("reversible: %s\n%s", what, diff)
	}
	return nil
}

// firstDifference shows where two dumps first differ, a few lines of each.
func firstDifference(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	excerpt := func(lines []string) string { return strings.Join(lines[min(i, len(lines)):min(i+5, len(lines))], "\n") }
	return fmt.Sprintf("first difference at line %d\nwant:\n%s\ngot:\n%s", i+1, excerpt(w), excerpt(g))
}
