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
	wayRowLoop = "per-row loop"
	wayCall    = "many-first"
)

const (
	selectOne = "SELECT * FROM foods WHERE id = $1 AND (owner_id IS NULL OR owner_id = $2)"
	updateOne = `UPDATE foods SET energy_kcal = $3, protein_g = $4, fat_g = $5, carbs_g = $6, fiber_g = $7, sugar_g = $8, sodium_mg = $9,
	updated_at = now() WHERE id = $1 AND owner_id = $2 RETURNING *`
	deleteOne = "DELETE FROM foods WHERE id = $1 AND owner_id = $2 RETURNING *"
)

// reads measures select by ids, update and delete of n foods: a per-row
// loop (updates and deletes in one transaction) against the many-first
// call, both returning the rows. Every update and delete run starts from a
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
	deleteLoop := perRow(func(q rowQuerier, id uuid.UUID) pgx.Row { return q.QueryRow(ctx, deleteOne, id, e.owner) })
	deleteCall := func() error {
		rows, err := db.DeleteFoods(ctx, e.pool, &e.owner, ids)
		return check(rows, err, n)
	}
	for _, o := range []struct {
		op         string
		prepare    func() error
		loop, many func() error
	}{
		{"select by id", nothing, selectLoop, selectCall},
		{"update", fill, updateLoop, updateCall},
		{"delete", fill, deleteLoop, deleteCall},
	} {
		results, err := measure(n, []trial{
			{way: wayRowLoop, runs: reps(n, true), prepare: o.prepare, op: o.loop},
			{way: wayCall, runs: reps(n, false), prepare: o.prepare, op: o.many},
		}, false, e.settle)
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
