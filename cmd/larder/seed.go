package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/db/migrate"
	"github.com/larderhq/larder/seed"
)

const seedSynopsis = `seed [-scale N]

Migrates the database, then loads the sample catalog (common foods with
nutrients per 100 g) and demo users with pantries, tags, recipes and a
week of meals, through package actions. Seeding again adds nothing: foods
the catalog has and demo users who exist are skipped.

-scale N adds, for load tests, about N meal entries of synthetic users
(N/100 users, each with 100 meal entries over the last 30 days, 10 pantry
items and 2 recipes), in bulk; each run adds new ones. Progress is a bar
with the rate and the time left on a terminal, a line every few seconds
otherwise.`

// runSeed serves "larder seed".
func runSeed(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("seed", seedSynopsis)
	scale := fs.Int("scale", 0, "also add about `N` meal entries of synthetic users, for load tests")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *scale < 0 {
		return fmt.Errorf("%w: -scale is 0 or more", errUsage)
	}
	url, err := databaseURL(ctx)
	if err != nil {
		return err
	}
	if err := migrate.Up(url, migrate.Options{Table: migrationsTable()}); err != nil {
		return err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()

	bar := newProgress(c.stdout, isTerminal(c.stdout))
	r, err := seed.Run(ctx, pool, seed.Options{Scale: *scale, Progress: bar.show, Logger: c.log})
	bar.done()
	if err != nil {
		return err
	}
	out := c.stdout
	fmt.Fprintf(out, "catalog: %d foods added, %d there already\n", r.CatalogAdded, r.CatalogSkipped)
	fmt.Fprintf(out, "demo users: %d added, %d there already", r.UsersAdded, r.UsersSkipped)
	if r.UsersAdded > 0 {
		fmt.Fprintf(out, " (with %d pantry items, %d tags, %d recipes, %d meal entries)", r.PantryItems, r.Tags, r.Recipes, r.MealEntries)
	}
	fmt.Fprintln(out)
	if s := r.Synthetic; s.Users > 0 {
		fmt.Fprintf(out, "synthetic: %d users, %d meal entries, %d rows in %v (%.0f rows/s)\n",
			s.Users, s.MealEntries, s.Rows, s.Took.Round(time.Millisecond), float64(s.Rows)/s.Took.Seconds())
	}
	return nil
}

// progress shows seed.Progress: a bar redrawn in place on a terminal,
// otherwise a line at most every progressEvery (and the last one).
type progress struct {
	out      io.Writer
	terminal bool
	mu       sync.Mutex
	last     time.Time
	drawn    bool
}

const progressEvery = 2 * time.Second

func newProgress(out io.Writer, terminal bool) *progress {
	return &progress{out: out, terminal: terminal}
}

func (p *progress) show(s seed.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	finished := s.Done >= s.Total
	if !p.terminal && !finished && time.Since(p.last) < progressEvery {
		return
	}
	p.last = time.Now()
	pct := 0.0
	if s.Total > 0 {
		pct = float64(s.Done) / float64(s.Total)
	}
	eta := s.ETA().Round(time.Second)
	if !p.terminal {
		fmt.Fprintf(p.out, "synthetic rows: %d/%d (%.0f%%), %.0f rows/s, %v left\n", s.Done, s.Total, 100*pct, s.Rate(), eta)
		return
	}
	const width = 30
	full := int(pct * width)
	fmt.Fprintf(p.out, "\r[%s%s] %3.0f%%  %d/%d rows  %.0f rows/s  ETA %v   ",
		strings.Repeat("#", full), strings.Repeat(".", width-full), 100*pct, s.Done, s.Total, s.Rate(), eta)
	p.drawn = true
}

// done ends a bar's line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.out)
	}
}
