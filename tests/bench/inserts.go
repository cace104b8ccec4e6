package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
)

// The ways of inserting, in the report's order.
const (
	wayLoop    = "per-row loop (one transaction)"
	wayBatch   = "pgx Batch"
	wayValues  = "multi-row VALUES"
	wayMany    = "many-first: db.InsertFoods"
	wayAction  = "many-first action: actions.CreateFoods"
	wayCopy    = "pgx CopyFrom (nothing returned)"
	wayBulk    = "bulk load: db.CopyFoods (nothing returned)"
	insertCols = "id, owner_id, name, brand, barcode, kind, category, energy_kcal, protein_g, fat_g, carbs_g, fiber_g, sugar_g, sodium_mg"
)

var insertWays = []string{wayLoop, wayBatch, wayValues, wayMany, wayAction, wayCopy, wayBulk}

// benchFoods are n foods of the bench user, each with a brand and a
// unique barcode, so that every index does its work.
func (e *env) benchFoods(n int) []db.NewFood {
	foods := make([]db.NewFood, n)
	kinds := []db.FoodKind{db.FoodKindWhole, db.FoodKindProcessed, db.FoodKindUltraProcessed}
	cats := []db.FoodCategory{db.FoodCategoryFruit, db.FoodCategoryGrain, db.FoodCategoryProtein, db.FoodCategoryDairy}
	for i := range foods {
		brand, barcode := "Bench", fmt.Sprintf("%013d", 1_000_000_000+i)
		foods[i] = db.NewFood{
			OwnerID: &e.owner, Name: "Bench food " + strconv.Itoa(i), Brand: &brand, Barcode: &barcode,
			Kind: kinds[i%len(kinds)], Category: cats[i%len(cats)],
			Nutrients: db.Nutrients{EnergyKcal: 100 + float64(i%700), ProteinG: 10.25, FatG: 5.5, CarbsG: 40.125, FiberG: 2, SugarG: 12.3, SodiumMg: 250},
		}
	}
	return foods
}

// values are a food's column values, as the SQL of the other ways takes
// them.
func values(id uuid.UUID, f *db.NewFood) []any {
	n := f.Nutrients
	return []any{id, f.OwnerID, f.Name, f.Brand, f.Barcode, string(f.Kind), string(f.Category),
		n.EnergyKcal, n.ProteinG, n.FatG, n.CarbsG, n.FiberG, n.SugarG, n.SodiumMg}
}

const insertOne = "INSERT INTO foods (" + insertCols + ") VALUES ($1, $2, $3, $4, $5, $6::food_kind, $7::food_category, $8, $9, $10, $11, $12, $13, $14) RETURNING *"

// scanFood reads a foods row (RETURNING *).
func scanFood(row pgx.Row) (db.Food, error) {
	var f db.Food
	err := row.Scan(&f.ID, &f.OwnerID, &f.Name, &f.Brand, &f.Barcode, &f.Kind, &f.Category,
		&f.EnergyKcal, &f.ProteinG, &f.FatG, &f.CarbsG, &f.FiberG, &f.SugarG, &f.SodiumMg, &f.CreatedAt, &f.UpdatedAt)
	return f, err
}

// inserts measures every way of writing n foods into an emptied table.
func (e *env) inserts(ctx context.Context, r *report, n int) error {
	foods := e.benchFoods(n)
	var asInput []actions.NewFood // the action's input, there for its runs only
	empty := func() error { _, err := e.pool.Exec(ctx, "TRUNCATE foods CASCADE"); return err }
	ways := map[string]func() error{
		wayLoop: func() error {
			return pgx.BeginFunc(ctx, e.plain, func(tx pgx.Tx) error {
				for i := range foods {
					if _, err := scanFood(tx.QueryRow(ctx, insertOne, values(uuid.Must(uuid.NewV7()), &foods[i])...)); err != nil {
						return err
					}
				}
				return nil
			})
		},
		wayBatch: func() error {
			b := &pgx.Batch{}
			for i := range foods {
				b.Queue(insertOne, values(uuid.Must(uuid.NewV7()), &foods[i])...)
			}
			res := e.plain.SendBatch(ctx, b)
			for range foods {
				if _, err := scanFood(res.QueryRow()); err != nil {
					res.Close()
					return err
				}
			}
			return res.Close()
		},
		wayValues: func() error { return e.insertValues(ctx, foods) },
		wayMany: func() error {
			rows, err := db.InsertFoods(ctx, e.pool, foods)
			return check(rows, err, n)
		},
		wayAction: func() error {
			for lo := 0; lo < n; lo += actions.MaxBatch { // an action takes at most MaxBatch
				res := e.acts.CreateFoods(ctx, e.owner, asInput[lo:min(lo+actions.MaxBatch, n)])
				if err := res.Err(); err != nil {
					return err
				}
			}
			return nil
		},
		wayCopy: func() error {
			i := -1
			_, err := e.plain.CopyFrom(ctx, pgx.Identifier{"foods"}, strings.Split(insertCols, ", "), pgx.CopyFromFunc(func() ([]any, error) {
				if i++; i == n {
					return nil, nil
				}
				return values(uuid.Must(uuid.NewV7()), &foods[i]), nil
			}))
			return err
		},
		wayBulk: func() error {
			_, err := db.CopyFoods(ctx, e.pool, foods)
			return err
		},
	}
	trials := make([]trial, len(insertWays))
	for i, way := range insertWays {
		prepare := func() error {
			asInput = nil
			if way == wayAction {
				asInput = actionInput(foods)
			}
			return empty()
		}
		trials[i] = trial{way: way, runs: reps(n, way == wayLoop || way == wayBatch), prepare: prepare, op: ways[way]}
	}
	peak := n == r.largest()
	results, err := measure(n, trials, peak, e.settle, e.serverCPU)
	asInput = nil
	if err != nil {
		return fmt.Errorf("insert, %d rows: %w", n, err)
	}
	for way, res := range results {
		r.add("insert", way, n, res)
	}
	if peak {
		if err := empty(); err != nil {
			return err
		}
		held, err := heldBy(func() (any, error) { return db.InsertFoods(ctx, e.pool, foods) })
		if err != nil {
			return fmt.Errorf("insert, %d rows, held: %w", n, err)
		}
		r.returned = held
	}
	return nil
}

// actionInput is foods as actions.CreateFoods takes them.
func actionInput(foods []db.NewFood) []actions.NewFood {
	in := make([]actions.NewFood, len(foods))
	for i, f := range foods {
		in[i] = actions.NewFood{Name: f.Name, Brand: *f.Brand, Barcode: *f.Barcode, Kind: string(f.Kind), Category: string(f.Category), Nutrients: f.Nutrients}
	}
	return in
}

// insertValues writes foods as multi-row VALUES statements, as many rows
// per statement as PostgreSQL's 65,535 parameters allow, in one
// transaction, returning the rows.
func (e *env) insertValues(ctx context.Context, foods []db.NewFood) error {
	const cols = 14
	const perStatement = 65_535 / cols
	return pgx.BeginFunc(ctx, e.plain, func(tx pgx.Tx) error {
		for lo := 0; lo < len(foods); lo += perStatement {
			chunk := foods[lo:min(lo+perStatement, len(foods))]
			var sql strings.Builder
			sql.WriteString("INSERT INTO foods (" + insertCols + ") VALUES ")
			args := make([]any, 0, len(chunk)*cols)
			for i := range chunk {
				if i > 0 {
					sql.WriteString(", ")
				}
				p := len(args)
				fmt.Fprintf(&sql, "($%d, $%d, $%d, $%d, $%d, $%d::food_kind, $%d::food_category, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
					p+1, p+2, p+3, p+4, p+5, p+6, p+7, p+8, p+9, p+10, p+11, p+12, p+13, p+14)
				args = append(args, values(uuid.Must(uuid.NewV7()), &chunk[i])...)
			}
			sql.WriteString(" RETURNING *")
			rows, err := tx.Query(ctx, sql.String(), args...)
			if err != nil {
				return err
			}
			got := 0
			for rows.Next() {
				if _, err := scanFood(rows); err != nil {
					rows.Close()
					return err
				}
				got++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if got != len(chunk) {
				return fmt.Errorf("VALUES returned %d rows for %d", got, len(chunk))
			}
		}
		return nil
	})
}

// check fails a call that returned the wrong number of rows.
func check[T any](rows []T, err error, n int) error {
	if err == nil && len(rows) != n {
		return fmt.Errorf("%d rows returned for %d", len(rows), n)
	}
	return err
}
