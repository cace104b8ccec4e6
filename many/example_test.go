package many_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/many"
)

// NewWidget and Widget stand for a table's input and row types, as sqlc
// and the plugin generate them.
type NewWidget struct {
	ID   uuid.UUID
	Name string
}

type Widget struct {
	ID   uuid.UUID
	Name string
}

// insertWidgets stands for a generated statement, without a database: it
// returns a row per input, here in reverse, as RETURNING may.
var insertWidgets = many.Rows(func(_ context.Context, _ many.DBTX, in []NewWidget) ([]Widget, error) {
	var out []Widget
	for _, w := range slices.Backward(in) {
		out = append(out, Widget(w))
	}
	return out, nil
})

// Insert gives each input without an id a new UUIDv7 and returns the rows
// in input order, whatever order the statement returned them in.
func ExampleInsert() {
	in := []NewWidget{{Name: "bolt"}, {Name: "nut"}, {Name: "washer"}}
	rows, err := many.Insert(context.Background(), nil, "widgets", in,
		func(w *NewWidget) *uuid.UUID { return &w.ID }, func(w *Widget) uuid.UUID { return w.ID }, insertWidgets)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, w := range rows {
		fmt.Println(w.Name, w.ID.Version(), w.ID == in[i].ID)
	}
	// Output:
	// bolt VERSION_7 true
	// nut VERSION_7 true
	// washer VERSION_7 true
}

// An update that names a row twice has no single meaning: it is refused
// before anything is sent.
func ExampleUpdate() {
	id := uuid.New()
	_, err := many.Update(context.Background(), nil, "widgets", []NewWidget{{ID: id, Name: "a"}, {ID: id, Name: "b"}},
		func(w *NewWidget) uuid.UUID { return w.ID }, many.UUIDKey(func(w *Widget) uuid.UUID { return w.ID }), insertWidgets)
	fmt.Println(errors.Is(err, many.ErrDuplicateKey))
	// Output: true
}

// First asks a many-first call for one row.
func ExampleFirst() {
	_, err := many.First([]Widget{}, nil)
	fmt.Println(err)
	// Output: not found
}

// A broken constraint is a *ConstraintError, made from the error's fields
// (never its message, which is in the server's language).
func ExampleMapError() {
	err := many.MapError(&pgconn.PgError{Code: "23505", TableName: "widgets", ConstraintName: "widgets_name_key", Message: "doppelter Schlüsselwert"})
	var ce *many.ConstraintError
	fmt.Println(errors.Is(err, many.ErrUniqueViolation), errors.As(err, &ce) && ce.Constraint == "widgets_name_key")
	fmt.Println(err)
	// Output:
	// true true
	// unique violation on widgets: widgets_name_key
}

// A Statement is what the plugin generates for a marked query: its SQL,
// an array per column of a chunk of rows (Column sends each straight from
// the rows), and where a returned row's columns are read into. Configure
// sets up a pool for it.
func ExampleStatement() {
	config, err := pgxpool.ParseConfig("postgres://localhost/app")
	if err != nil {
		panic(err)
	}
	many.Configure(config)
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	if err != nil {
		panic(err)
	}
	insert := many.Statement[NewWidget, Widget]{
		SQL: "INSERT INTO widgets (id, name) SELECT unnest($1::uuid[]), unnest($2::text[]) RETURNING id, name",
		Args: func(in []NewWidget) []any {
			return []any{
				many.Column(in, many.UUID, func(w *NewWidget) uuid.UUID { return w.ID }),
				many.Column(in, many.Text, func(w *NewWidget) string { return w.Name }),
			}
		},
		Dest: func(w *Widget) []any { return []any{&w.ID, &w.Name} },
	}
	in := []NewWidget{{Name: "bolt"}, {Name: "nut"}}
	rows, err := many.Insert(context.Background(), pool, "widgets", in,
		func(w *NewWidget) *uuid.UUID { return &w.ID }, func(w *Widget) uuid.UUID { return w.ID }, insert)
	fmt.Println(len(rows), err)
}
