// Command sqlc-gen-many is a sqlc codegen plugin that compiles many-first
// queries into Go on package many (github.com/larderhq/larder/many).
//
// sqlc runs it beside its own Go generator (sqlc.yaml, codegen: plugin
// many). For each query marked with what it does, in a comment line of its
// own after its name,
//
//	-- name: InsertWidgets :many
//	-- many: insert NewWidget
//	INSERT INTO widgets (id, owner_id, name)
//	SELECT unnest(@id::uuid[]), unnest(@owner_id::uuid[]), unnest(@name::text[])
//	RETURNING *;
//
// it writes, into <queries file>.many.go of the configured package:
//
//   - the input type (NewWidget), one field per unnest parameter, named and
//     typed as sqlc would name and type the column (ID uuid.UUID, OwnerID,
//     Name string); sqlc.narg(x) makes a nullable field (*T), a set_x flag
//     makes x a many.Optional, and the groups option gathers columns into
//     an embedded struct;
//   - the query's many.Statement: its SQL, arguments that send each column
//     straight from the input rows (many.Column: no slice per column; the
//     value of a many.Optional through many.OptionalColumn, an empty
//     array for a chunk in which no row sets it, which a query must read
//     only where its set_x flag is true, CASE WHEN i.set_x THEN ...), and
//     the scan targets of a returned row, one function per sqlc model or
//     row type (types.many.go), so that the engine reads the rows of every
//     chunk into one slice, sized once, and can pipeline the chunks;
//   - the exported function (InsertWidgets) that binds the statement to
//     the engine of package many: chunks, input order, keys, lock order.
//
// The marks: insert T, update T (rows keyed by their id), select and
// delete (by the keys of their one array parameter, or of input rows T),
// batch T (the statement's own order, such as an upsert's), copy T (a
// :copyfrom query, from the same input type as an insert) and list (a
// keyset page: after_<column> parameters, row_limit, ORDER BY those
// columns). Queries without a mark are left to sqlc's own generator.
//
// The generated code reads rows into sqlc's own types, so it expects sqlc's
// Go generator to type columns as it does: uuid as github.com/google/uuid's
// UUID, timestamptz and date as time.Time, numeric as float64, a nullable
// column as a pointer (emit_pointers_for_null_types, or an override per
// type). examples/shop/sqlc.yaml and Larder's sqlc.yaml have those
// overrides; without them the generated package does not compile.
//
// The plugin's options (codegen options in sqlc.yaml): package, the Go
// package it writes; sqlc_package, the import path of sqlc's Go output;
// rename and initialisms, as sqlc's own; groups, Go struct names mapped to
// the columns each gathers (Nutrients: [kcal, protein_g, ...]) into an
// embedded struct of the input types.
package main

import "github.com/sqlc-dev/plugin-sdk-go/codegen"

func main() { codegen.Run(generate) }
