package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/many"
)

const (
	wayRowLoop          = "per-row loop"
	wayCopyUpdate       = "COPY into a temporary table + UPDATE … FROM"
	wayCopyUpdateLocked = "COPY + UPDATE … FROM, rows locked in id order first"
	wayCall             = "many-first"
)

// updateWays are the ways of updating, in the report's order.
var updateWays = []string{wayRowLoop, wayCopyUpdate, wayCopyUpdateLocked, wayCall}

const (
	selectOne = "SELECT * FROM foods WHERE id = $1 AND (owner_id IS NULL OR owner_id = $2)"
	updateOne = `UPDATE foods SET energy_kcal = $3, protein_g = $4, fat_g = $5, carbs_g = $6, fiber_g = $7, sugar_g = $8, sodium_mg = $9,
	updated_at = now() WHERE id = $1 AND owner_id = $2 RETURNING *`
	deleteOne = "DELETE FROM foods WHERE id = $1 AND owner_id = $2 RETURNING *"

	// The bulk update without unnest: the changes copied into a temporary
	// table, then one UPDATE joined to it.
	createUpdates = `CREATE TEMPORARY TABLE food_updates (id uuid, energy_kcal numeric, protein_g numeric, fat_g numeric,
	carbs_g numeric, fiber_g numeric, sugar_g numeric, sodium_mg numeric) ON COMMIT DROP`
	updateFromCopy = `UPDATE foods AS f SET energy_kcal = u.energy_kcal, protein_g = u.protein_g, fat_g = u.fat_g, carbs_g = u.carbs_g,
	fiber_g = u.fiber_g, sugar_g = u.sugar_g, sodium_mg = u.sodium_mg, updated_at = now()
	FROM food_updates AS u WHERE f.id = u.id AND f.owner_id = $1 RETURNING f.*`
	// The same update's rows locked in id order before it writes, as
	// the many-first update locks them, so that concurrent updates of
	// overlapping rows cannot deadlock.
	lockFromCopy = `SELECT 1 FROM foods AS f JOIN food_updates AS u ON u.id = f.id WHERE f.owner_id = $1
	ORDER BY f.id FOR UPDATE OF f`
)

var updateColumns = []string{"id", "energy_kcal", "protein_g", "fat_g", "carbs_g", "fiber_g", "sugar_g", "sodium_mg"}

// reads measures select by ids, update and delete of n foods: a per-row
// loop (updates and deletes in one transaction) against the many-first
// call, and for updates the fastest bulk update known without unnest
// (COPY into a temporary table, then UPDATE … FROM it), plain and with
// its rows locked in id order first, all returning the rows. Every update
// and delete run starts from a
// freshly filled table, so that no way meets the dead row versions
// another way's runs left behind (an update's new versions cost the next
// update index work of their own).
func (e *env) reads(ctx context.Context, r *report, n int) error {
	var ids []uuid.UUID
	fill := func() error {
		if _, err := e.pool.Exec(ctx, "TRUNCATE foods CASCADE"); err != nil {
			return err
		}
		rows, err := db.InsertFoods(ctx, e.pool, e.benchFoods(n))
		ids = make([]uuid.UUID, len(rows))
		for i, f := range rows {
			ids[i] = f.ID
		}
		return err
	}
	if err := fill(); err != nil {
		return err
	}
	nothing := func() error { return nil }
	version := 0 // each update run writes new values
	patch := func() db.Nutrients {
		version++
		return db.Nutrients{EnergyKcal: float64(100 + version%500), ProteinG: 11, FatG: 4, CarbsG: 30, FiberG: 1, SugarG: 10, SodiumMg: 100}
	}
	perRow := func(each func(q rowQuerier, id uuid.UUID) pgx.Row) func() error {
		return func() error {
			return pgx.BeginFunc(ctx, e.plain, func(tx pgx.Tx) error {
				for _, id := range ids {
					if _, err := scanFood(each(tx, id)); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	selectLoop := func() error {
		for _, id := range ids {
			if _, err := scanFood(e.plain.QueryRow(ctx, selectOne, id, e.owner)); err != nil {
				return err
			}
		}
		return nil
	}
	selectCall := func() error {
		rows, err := db.SelectFoods(ctx, e.pool, &e.owner, ids)
		return check(rows, err, n)
	}
	updateLoop := func() error {
		p := patch()
		return perRow(func(q rowQuerier, id uuid.UUID) pgx.Row {
			return q.QueryRow(ctx, updateOne, id, e.owner, p.EnergyKcal, p.ProteinG, p.FatG, p.CarbsG, p.FiberG, p.SugarG, p.SodiumMg)
		})()
	}
	updateCall := func() error {
		p := patch()
		patches := make([]db.FoodPatch, len(ids))
		for i, id := range ids {
			patches[i] = db.FoodPatch{ID: id, Nutrients: many.Set(p)}
		}
		rows, err := db.UpdateFoods(ctx, e.pool, &e.owner, patches)
		return check(rows, err, n)
	}
	updateCopy := func(locked bool) func() error {
		return func() error { return e.updateFromCopy(ctx, ids, patch(), locked) }
	}
	deleteLoop := perRow(func(q rowQuerier, id uuid.UUID) pgx.Row { return q.QueryRow(ctx, deleteOne, id, e.owner) })
	deleteCall := func() error {
		rows, err := db.DeleteFoods(ctx, e.pool, &e.owner, ids)
		return check(rows, err, n)
	}
	type way struct {
		name string
		run  func() error
	}
	for _, o := range []struct {
		op      string
		prepare func() error
		ways    []way
	}{
		{"select by id", nothing, []way{{wayRowLoop, selectLoop}, {wayCall, selectCall}}},
		{"update", fill, []way{{wayRowLoop, updateLoop}, {wayCopyUpdate, updateCopy(false)}, {wayCopyUpdateLocked, updateCopy(true)}, {wayCall, updateCall}}},
		{"delete", fill, []way{{wayRowLoop, deleteLoop}, {wayCall, deleteCall}}},
	} {
		trials := make([]trial, len(o.ways))
		for i, w := range o.ways {
			trials[i] = trial{way: w.name, runs: reps(n, w.name == wayRowLoop), prepare: o.prepare, op: w.run}
		}
		results, err := measure(n, trials, false, e.settle, e.serverCPU)
		if err != nil {
			return fmt.Errorf("%s, %d rows: %w", o.op, n, err)
		}
		for way, res := range results {
			r.add(o.op, way, n, res)
		}
	}
	return nil
}

// rowQuerier is a transaction, as the per-row loops use it.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// updateFromCopy sets the nutrients of the foods with the given ids to p
// the bulk way without arrays: the changes copied into a temporary table,
// then one UPDATE joined to it, in one transaction, returning the rows;
// with locked, the rows are first locked in id order.
func (e *env) updateFromCopy(ctx context.Context, ids []uuid.UUID, p db.Nutrients, locked bool) error {
	return pgx.BeginFunc(ctx, e.plain, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, createUpdates); err != nil {
			return err
		}
		i := -1
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"food_updates"}, updateColumns, pgx.CopyFromFunc(func() ([]any, error) {
			if i++; i == len(ids) {
				return nil, nil
			}
			return []any{ids[i], p.EnergyKcal, p.ProteinG, p.FatG, p.CarbsG, p.FiberG, p.SugarG, p.SodiumMg}, nil
		}))
		if err != nil {
			return err
		}
		if locked {
			if _, err := tx.Exec(ctx, lockFromCopy, e.owner); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, updateFromCopy, e.owner)
		if err != nil {
			return err
		}
		got := 0
		for ; rows.Next(); got++ {
			if _, err := scanFood(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if got != len(ids) {
			return fmt.Errorf("UPDATE … FROM returned %d rows for %d", got, len(ids))
		}
		return nil
	})
}
