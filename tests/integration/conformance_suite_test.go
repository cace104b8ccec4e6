package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

// conformance declares a table to the conformance suite. In, Row and
// Patch are the table's insert input, row and update input (db.NewFood,
// db.Food, db.FoodPatch).
type conformance[In, Row, Patch any] struct {
	table string
	// builder is the table's factory builder (factories.Food()): the suite
	// tries each of its traits, and makes an owner's rows with its
	// OwnedBy(db.User) when it has one.
	builder any
	insert  func(context.Context, many.DBTX, []In) ([]Row, error)
	// selectRows, update and delete are package db's many-first functions,
	// (ctx, dbtx, [owner,] keys) ([]Row, error), the owner (when they take
	// one) a uuid.UUID or a *uuid.UUID; list is its list function, whose
	// filter has an OwnerID or ViewerID, After and Limit.
	selectRows, update, delete, list any
	// change sets one field of a patch, to a value that depends on i and
	// that no row has yet.
	change func(p *Patch, i int)
}

// tableConformance is a declared table, whatever its types.
type tableConformance interface {
	name() string
	run(t *testing.T)
}

// TestTablesConform holds every declared table (conformanceTables) to what
// every table's many-first calls promise: inserts, selects, updates and
// deletes return rows in input order and leave out keys that match
// nothing; a partial update changes only what it sets and bumps
// updated_at; another owner's ids reach nothing; a list pages through
// every row once; every factory trait changes what it builds.
func TestTablesConform(t *testing.T) {
	t.Parallel()
	for _, tc := range conformanceTables {
		t.Run(tc.name(), func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

func (c conformance[In, Row, Patch]) name() string { return c.table }

// run runs the checks of one table, on one database: each check makes
// users of its own.
func (c conformance[In, Row, Patch]) run(t *testing.T) {
	c.checkSignatures(t)
	b := setup(t)
	tests := []struct {
		name string
		run  func(t *testing.T, b bundle)
	}{
		{"round trips keep input order", c.roundTrips},
		{"a partial update changes only what it sets", c.partialUpdate},
		{"another owner's ids reach nothing", c.otherOwners},
		{"a list pages through every row once", c.pages},
		{"every trait changes what it builds", c.traits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, b)
		})
	}
}

// checkSignatures fails early, and clearly, on a declaration whose
// functions do not have the shapes the suite calls.
func (c conformance[In, Row, Patch]) checkSignatures(t *testing.T) {
	t.Helper()
	rows := reflect.TypeFor[[]Row]()
	for _, fn := range []struct {
		name string
		fn   any
		keys reflect.Type
	}{
		{"selectRows", c.selectRows, reflect.TypeFor[[]uuid.UUID]()},
		{"update", c.update, reflect.TypeFor[[]Patch]()},
		{"delete", c.delete, reflect.TypeFor[[]uuid.UUID]()},
	} {
		ft := reflect.TypeOf(fn.fn)
		require.True(t, ft != nil && ft.Kind() == reflect.Func && (ft.NumIn() == 3 || ft.NumIn() == 4) &&
			ft.In(ft.NumIn()-1) == fn.keys && ft.NumOut() == 2 && ft.Out(0) == rows,
			"%s: %s is %v, not func(ctx, dbtx, [owner,] %v) (%v, error)", c.table, fn.name, ft, fn.keys, rows)
		if ft.NumIn() == 4 {
			require.Contains(t, []reflect.Type{uuidType, reflect.PointerTo(uuidType)}, ft.In(2), "%s: %s's owner", c.table, fn.name)
		}
	}
	lt := reflect.TypeOf(c.list)
	require.True(t, lt != nil && lt.Kind() == reflect.Func && lt.NumIn() == 3 && lt.In(2).Kind() == reflect.Struct,
		"%s: list is %v, not func(ctx, dbtx, filter) (many.Page[...], error)", c.table, lt)
	_, ok := reflect.TypeOf(c.builder).FieldByName("Factory")
	require.True(t, ok, "%s: builder %T embeds no factories.Factory", c.table, c.builder)
}

var (
	uuidType = reflect.TypeFor[uuid.UUID]()
	timeType = reflect.TypeFor[time.Time]()
	jsonType = reflect.TypeFor[json.RawMessage]()
)

// owned says whether the table's rows belong to a user: its calls take
// the acting owner.
func (c conformance[In, Row, Patch]) owned() bool { return reflect.TypeOf(c.selectRows).NumIn() == 4 }

// factory is the table's factory, making rows of owner when the builder
// has OwnedBy.
func (c conformance[In, Row, Patch]) factory(owner db.User) factories.Factory[In, Row] {
	b := reflect.ValueOf(c.builder)
	if m := b.MethodByName("OwnedBy"); m.IsValid() {
		b = m.Call([]reflect.Value{reflect.ValueOf(owner)})[0]
	}
	return factoryOf[In, Row](b)
}

func factoryOf[In, Row any](builder reflect.Value) factories.Factory[In, Row] {
	return builder.FieldByName("Factory").Interface().(factories.Factory[In, Row])
}

// callMany calls one of the table's many-first functions as owner.
func callMany[Row any](t *testing.T, b bundle, fn any, owner uuid.UUID, keys any) []Row {
	t.Helper()
	v := reflect.ValueOf(fn)
	args := []reflect.Value{reflect.ValueOf(b.ctx), reflect.ValueOf(b.pool)}
	if v.Type().NumIn() == 4 {
		if v.Type().In(2) == uuidType {
			args = append(args, reflect.ValueOf(owner))
		} else {
			args = append(args, reflect.ValueOf(&owner))
		}
	}
	out := v.Call(append(args, reflect.ValueOf(keys)))
	err, _ := out[1].Interface().(error)
	require.NoError(t, err)
	return out[0].Interface().([]Row)
}

// listAll walks the table's list as owner, limit rows a page, and returns
// the ids listed.
func (c conformance[In, Row, Patch]) listAll(t *testing.T, b bundle, owner uuid.UUID, limit int) []uuid.UUID {
	t.Helper()
	v := reflect.ValueOf(c.list)
	var ids []uuid.UUID
	var after many.Cursor
	for range 1000 {
		f := reflect.New(v.Type().In(2)).Elem()
		if o := f.FieldByName("OwnerID"); o.IsValid() && o.Type() == uuidType {
			o.Set(reflect.ValueOf(owner))
		} else if o := f.FieldByName("ViewerID"); o.IsValid() {
			o.Set(reflect.ValueOf(&owner))
		}
		f.FieldByName("After").Set(reflect.ValueOf(after))
		f.FieldByName("Limit").SetInt(int64(limit))
		out := v.Call([]reflect.Value{reflect.ValueOf(b.ctx), reflect.ValueOf(b.pool), f})
		err, _ := out[1].Interface().(error)
		require.NoError(t, err)
		items := out[0].FieldByName("Items")
		for i := range items.Len() {
			ids = append(ids, rowID(items.Index(i)))
		}
		if after = out[0].FieldByName("Next").Interface().(many.Cursor); after == "" {
			return ids
		}
	}
	t.Fatalf("%s: the list did not end after 1000 pages", c.table)
	return nil
}

// rowID is the ID of a row, or of the row a list's item holds (ListTags's
// ListTagsRow holds a Tag).
func rowID(v reflect.Value) uuid.UUID {
	if id := v.FieldByName("ID"); id.IsValid() && id.Type() == uuidType {
		return id.Interface().(uuid.UUID)
	}
	for i := range v.NumField() {
		if v.Field(i).Kind() == reflect.Struct {
			if id := rowID(v.Field(i)); id != uuid.Nil {
				return id
			}
		}
	}
	return uuid.Nil
}

func idsOfRows[Row any](rows []Row) []uuid.UUID {
	out := make([]uuid.UUID, len(rows))
	for i := range rows {
		out[i] = rowID(reflect.ValueOf(rows[i]))
	}
	return out
}

// patch is the declared change, to row id.
func (c conformance[In, Row, Patch]) patch(id uuid.UUID, i int) Patch {
	var p Patch
	reflect.ValueOf(&p).Elem().FieldByName("ID").Set(reflect.ValueOf(id))
	c.change(&p, i)
	return p
}

// roundTrips: rows come back in the order of the input, whatever the order
// of their keys, with what the input wrote; keys that match nothing are
// left out.
func (c conformance[In, Row, Patch]) roundTrips(t *testing.T, b bundle) {
	owner := factories.User().MustCreate(t, b.pool)
	f := c.factory(owner)
	template := f.MustCreate(t, b.pool) // its parents serve the rows below
	in := f.BuildMany(5)
	ids := make([]uuid.UUID, len(in))
	for i := range in {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	slices.Reverse(ids) // input order is not key order
	for i := range in {
		v := reflect.ValueOf(&in[i]).Elem()
		fillParentIDs(v, reflect.ValueOf(template))
		v.FieldByName("ID").Set(reflect.ValueOf(ids[i]))
	}

	rows, err := c.insert(b.ctx, b.pool, in)
	require.NoError(t, err)
	require.Equal(t, ids, idsOfRows(rows), "%s: insert returns its rows in input order", c.table)
	for i := range in {
		for _, d := range rowDifferences(reflect.ValueOf(in[i]), reflect.ValueOf(rows[i])) {
			t.Errorf("%s: input %d wrote %s", c.table, i, d)
		}
	}

	missing := uuid.Must(uuid.NewV7())
	got := callMany[Row](t, b, c.selectRows, owner.ID, []uuid.UUID{ids[2], missing, ids[0], ids[4]})
	require.Equal(t, []uuid.UUID{ids[2], ids[0], ids[4]}, idsOfRows(got), "%s: select returns rows in the order of its keys", c.table)
	for k, i := range []int{2, 0, 4} {
		require.Empty(t, rowDifferences(reflect.ValueOf(rows[i]), reflect.ValueOf(got[k])), "%s: select returns the row inserted", c.table)
	}

	updated := callMany[Row](t, b, c.update, owner.ID, []Patch{c.patch(ids[3], 0), c.patch(missing, 1), c.patch(ids[1], 2)})
	require.Equal(t, []uuid.UUID{ids[3], ids[1]}, idsOfRows(updated), "%s: update returns rows in input order", c.table)

	deleted := callMany[Row](t, b, c.delete, owner.ID, []uuid.UUID{ids[4], missing, ids[0]})
	require.Equal(t, []uuid.UUID{ids[4], ids[0]}, idsOfRows(deleted), "%s: delete returns rows in the order of its keys", c.table)
	left := callMany[Row](t, b, c.selectRows, owner.ID, ids)
	require.Equal(t, []uuid.UUID{ids[1], ids[2], ids[3]}, idsOfRows(left), "%s: delete deletes the rows it returns, and no others", c.table)
}

// fillParentIDs gives the zero ids of an input (its parents, left to the
// factory's parent steps by Build) the ids the template row has.
func fillParentIDs(in, template reflect.Value) {
	for i := range in.NumField() {
		field, sf := in.Field(i), in.Type().Field(i)
		switch {
		case sf.Anonymous && field.Kind() == reflect.Struct:
			fillParentIDs(field, template)
		case sf.Name == "ID" || !field.IsZero():
		case field.Type() == uuidType || field.Type() == reflect.PointerTo(uuidType):
			if from := template.FieldByName(sf.Name); from.IsValid() {
				field.Set(from)
			}
		}
	}
}

// partialUpdate: a patch that sets one field changes that field (or its
// group of columns) and updated_at, and nothing else, and no other row.
func (c conformance[In, Row, Patch]) partialUpdate(t *testing.T, b bundle) {
	owner := factories.User().MustCreate(t, b.pool)
	rows := c.factory(owner).MustCreateMany(t, b.pool, 2)
	before := reflect.ValueOf(rows[0])
	p := c.patch(rowID(before), 0)
	updated := callMany[Row](t, b, c.update, owner.ID, []Patch{p})
	require.Len(t, updated, 1, "%s: the update returns the row it changed", c.table)
	after := reflect.ValueOf(updated[0])

	set := patchSets(reflect.ValueOf(p))
	var changed []string
	for i := range before.NumField() {
		name := before.Type().Field(i).Name
		if name != "UpdatedAt" && !sameValue(before.Field(i), after.Field(i)) {
			changed = append(changed, name)
		}
	}
	require.NotEmpty(t, changed, "%s: a patch that sets %v changed nothing", c.table, set)
	for _, name := range changed {
		require.Contains(t, set, name, "%s: a patch that sets %v changed %s too", c.table, set, name)
	}
	was, is := before.FieldByName("UpdatedAt").Interface().(time.Time), after.FieldByName("UpdatedAt").Interface().(time.Time)
	require.True(t, is.After(was), "%s: the update did not bump updated_at (%v, then %v)", c.table, was, is)

	other := callMany[Row](t, b, c.selectRows, owner.ID, []uuid.UUID{rowID(reflect.ValueOf(rows[1]))})
	require.Empty(t, rowDifferences(reflect.ValueOf(rows[1]), reflect.ValueOf(other[0])), "%s: the update changed another row", c.table)
}

// patchSets are the row fields a patch writes: each Optional that is set
// (a group's columns, for a group), and each plain field but the ID.
func patchSets(p reflect.Value) []string {
	var out []string
	for i := range p.NumField() {
		f, name := p.Field(i), p.Type().Field(i).Name
		switch {
		case name == "ID":
		case !strings.HasPrefix(f.Type().Name(), "Optional["):
			out = append(out, name)
		case f.FieldByName("Set").Bool():
			if v := f.FieldByName("Value"); v.Kind() == reflect.Struct && v.Type() != timeType {
				for j := range v.NumField() {
					out = append(out, v.Type().Field(j).Name)
				}
			} else {
				out = append(out, name)
			}
		}
	}
	return out
}

// otherOwners: another owner's select, update and delete of a user's ids
// find nothing and change nothing, and their list shows none of them.
func (c conformance[In, Row, Patch]) otherOwners(t *testing.T, b bundle) {
	if !c.owned() {
		t.Skipf("%s belong to no one", c.table)
	}
	owner, other := factories.User().MustCreate(t, b.pool), factories.User().MustCreate(t, b.pool)
	rows := c.factory(owner).MustCreateMany(t, b.pool, 3)
	ids := idsOfRows(rows)
	patches := make([]Patch, len(ids))
	for i, id := range ids {
		patches[i] = c.patch(id, i)
	}

	require.Empty(t, callMany[Row](t, b, c.selectRows, other.ID, ids), "%s: another owner selects a user's rows", c.table)
	require.Empty(t, callMany[Row](t, b, c.update, other.ID, patches), "%s: another owner updates a user's rows", c.table)
	require.Empty(t, callMany[Row](t, b, c.delete, other.ID, ids), "%s: another owner deletes a user's rows", c.table)
	left := callMany[Row](t, b, c.selectRows, owner.ID, ids)
	require.Equal(t, ids, idsOfRows(left), "%s: the owner's rows are gone", c.table)
	for i := range rows {
		require.Empty(t, rowDifferences(reflect.ValueOf(rows[i]), reflect.ValueOf(left[i])), "%s: another owner changed a user's row", c.table)
	}
	for _, id := range c.listAll(t, b, other.ID, 2) {
		require.NotContains(t, ids, id, "%s: another owner's list shows a user's row", c.table)
	}
}

// pages: a list, page by page, shows each of the owner's rows once, rows
// made in one statement (with one created_at) too, and no one else's.
func (c conformance[In, Row, Patch]) pages(t *testing.T, b bundle) {
	owner, other := factories.User().MustCreate(t, b.pool), factories.User().MustCreate(t, b.pool)
	f := c.factory(owner)
	want := idsOfRows(append(f.MustCreateMany(t, b.pool, 7), f.MustCreateMany(t, b.pool, 2)...))
	theirs := idsOfRows(c.factory(other).MustCreateMany(t, b.pool, 2))

	listed := c.listAll(t, b, owner.ID, 2)
	seen := map[uuid.UUID]bool{}
	for _, id := range listed {
		require.False(t, seen[id], "%s: the list shows row %s twice", c.table, id)
		seen[id] = true
	}
	for _, id := range want {
		require.True(t, seen[id], "%s: the list skips row %s", c.table, id)
	}
	if c.owned() {
		for _, id := range theirs {
			require.False(t, seen[id], "%s: the list shows another owner's row", c.table)
		}
	}
}

// traits: every trait of the builder (an exported method that returns
// the builder) changes the row it builds, from some row number on its own
// or after another trait (Shared changes a food only once OwnedBy made it
// someone's); or, failing that, the row it creates or the rows created
// with it (WithTags, Running).
func (c conformance[In, Row, Patch]) traits(t *testing.T, b bundle) {
	base := reflect.ValueOf(c.builder)
	var traits []reflect.Method
	for i := range base.Type().NumMethod() {
		if m := base.Type().Method(i); m.Type.NumOut() == 1 && m.Type.Out(0) == base.Type() {
			traits = append(traits, m)
		}
	}
	require.NotEmpty(t, traits, "%s: %T has no traits", c.table, c.builder)
	bases := []reflect.Value{base}
	for _, m := range traits {
		bases = append(bases, applyTrait(t, base, m, traitArg))
	}
	for _, m := range traits {
		if c.buildsDifferently(t, bases, m) {
			continue
		}
		if c.createsDifferently(t, b, m) {
			continue
		}
		t.Errorf("%s: %s.%s changes nothing: not the row it builds (rows 1 to 8, on its own or after any other trait), "+
			"not the row it creates, not the rows created with it", c.table, base.Type().Name(), m.Name)
	}
}

func (c conformance[In, Row, Patch]) buildsDifferently(t *testing.T, bases []reflect.Value, m reflect.Method) bool {
	for _, base := range bases {
		with := applyTrait(t, base, m, traitArg)
		for n := uint64(1); n <= 8; n++ {
			if !reflect.DeepEqual(factoryOf[In, Row](base).Numbered(n).Build(), factoryOf[In, Row](with).Numbered(n).Build()) {
				return true
			}
		}
	}
	return false
}

// createsDifferently compares what the builder creates with and without
// the trait, each in a transaction of its own that is rolled back: the
// row (ids and times aside) and how many rows each table gained (in a
// snapshot: the other checks write to the same database meanwhile).
func (c conformance[In, Row, Patch]) createsDifferently(t *testing.T, b bundle, m reflect.Method) bool {
	create := func(trait *reflect.Method) (string, map[string]int) {
		tx, err := b.pool.BeginTx(b.ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(b.ctx) }()
		builder := reflect.ValueOf(c.builder)
		if trait != nil {
			builder = applyTrait(t, builder, *trait, func(t *testing.T, typ reflect.Type) reflect.Value { return traitRowArg(t, b, tx, typ) })
		}
		before := tableRowCounts(t, b, tx)
		row, err := factoryOf[In, Row](builder).Numbered(1).Create(b.ctx, tx)
		require.NoError(t, err)
		after := tableRowCounts(t, b, tx)
		for table, n := range before {
			after[table] -= n
		}
		return rowShape(reflect.ValueOf(row)), after
	}
	row, counts := create(nil)
	rowWith, countsWith := create(&m)
	return row != rowWith || !reflect.DeepEqual(counts, countsWith)
}

// applyTrait applies trait m to a builder, with the arguments arg gives.
func applyTrait(t *testing.T, builder reflect.Value, m reflect.Method, arg func(*testing.T, reflect.Type) reflect.Value) reflect.Value {
	in := []reflect.Value{builder}
	for i := 1; i < m.Type.NumIn(); i++ {
		in = append(in, arg(t, m.Type.In(i)))
	}
	if m.Type.IsVariadic() {
		return m.Func.CallSlice(in)[0]
	}
	return m.Func.Call(in)[0]
}

// traitArg is an argument for a trait whose rows are only built: a value
// of its type that no default has (rows it names need not exist).
func traitArg(t *testing.T, typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	switch {
	case typ == timeType:
		v.Set(reflect.ValueOf(time.Date(2020, 2, 29, 10, 30, 0, 0, time.UTC)))
	case typ == jsonType:
		v.Set(reflect.ValueOf(json.RawMessage(`{"trait": "argument"}`)))
	case typ == uuidType:
		v.Set(reflect.ValueOf(uuid.New()))
	case typ.Kind() == reflect.String:
		v.SetString("trait argument")
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Int64:
		v.SetInt(3)
	case typ.Kind() == reflect.Float64 || typ.Kind() == reflect.Float32:
		v.SetFloat(2.5)
	case typ.Kind() == reflect.Bool:
		v.SetBool(true)
	case typ.Kind() == reflect.Pointer:
		v.Set(reflect.New(typ.Elem()))
		v.Elem().Set(traitArg(t, typ.Elem()))
	case typ.Kind() == reflect.Slice:
		v.Set(reflect.Append(v, traitArg(t, typ.Elem())))
	case typ.Kind() == reflect.Struct:
		for i := range typ.NumField() {
			if typ.Field(i).IsExported() {
				v.Field(i).Set(traitArg(t, typ.Field(i).Type))
			}
		}
	default:
		t.Fatalf("no trait argument of type %v: teach traitArg one", typ)
	}
	return v
}

// traitRowArg is an argument for a trait whose rows are created: rows of
// Larder's tables are created for it, in tx.
func traitRowArg(t *testing.T, b bundle, tx pgx.Tx, typ reflect.Type) reflect.Value {
	var row any
	var err error
	switch typ {
	case reflect.TypeFor[db.User]():
		row, err = factories.User().Create(b.ctx, tx)
	case reflect.TypeFor[db.Food]():
		row, err = factories.Food().Create(b.ctx, tx)
	case reflect.TypeFor[db.Recipe]():
		row, err = factories.Recipe().Create(b.ctx, tx)
	case reflect.TypeFor[[]db.Food]():
		row, err = factories.Food().CreateMany(b.ctx, tx, 2)
	default:
		return traitArg(t, typ)
	}
	require.NoError(t, err)
	return reflect.ValueOf(row)
}

// tableRowCounts counts the rows of every table.
func tableRowCounts(t *testing.T, b bundle, tx pgx.Tx) map[string]int {
	rows, err := tx.Query(b.ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	counts := map[string]int{}
	for _, name := range names {
		var n int
		require.NoError(t, tx.QueryRow(b.ctx, "SELECT count(*) FROM "+pgx.Identifier{name}.Sanitize()).Scan(&n))
		counts[name] = n
	}
	return counts
}

// rowShape renders a row with its ids and times blanked (they differ between
// any two rows), keeping whether a nullable one is set.
func rowShape(v reflect.Value) string {
	var b strings.Builder
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				fmt.Fprintf(&b, "%s=nil ", v.Type().Field(i).Name)
				continue
			}
			f = f.Elem()
		}
		switch {
		case f.Type() == uuidType || f.Type() == timeType:
			fmt.Fprintf(&b, "%s=set ", v.Type().Field(i).Name)
		case f.Kind() == reflect.Struct:
			fmt.Fprintf(&b, "%s={%s} ", v.Type().Field(i).Name, rowShape(f))
		default:
			fmt.Fprintf(&b, "%s=%v ", v.Type().Field(i).Name, f.Interface())
		}
	}
	return b.String()
}

// rowDifferences lists the fields of want (an input or a row; the fields of
// its embedded groups too) that got, a row, has otherwise.
func rowDifferences(want, got reflect.Value) []string {
	var out []string
	for i := range want.NumField() {
		f, sf := want.Field(i), want.Type().Field(i)
		if sf.Anonymous && f.Kind() == reflect.Struct && f.Type() != timeType {
			out = append(out, rowDifferences(f, got)...)
			continue
		}
		g := got.FieldByName(sf.Name)
		if !g.IsValid() {
			continue
		}
		if !sameValue(f, g) {
			out = append(out, fmt.Sprintf("%s = %v, and the row has %v", sf.Name, shown(f), shown(g)))
		}
	}
	return out
}

func shown(v reflect.Value) any {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Type() == jsonType {
		return string(v.Bytes())
	}
	return v.Interface()
}

// sameValue compares a value as written with the value read back: numbers to
// the cent (numeric columns round), times as instants, JSON as documents.
func sameValue(a, b reflect.Value) bool {
	if a.Kind() == reflect.Pointer || b.Kind() == reflect.Pointer {
		if a.Kind() == reflect.Pointer {
			if a.IsNil() {
				return b.Kind() == reflect.Pointer && b.IsNil()
			}
			a = a.Elem()
		}
		if b.Kind() == reflect.Pointer {
			if b.IsNil() {
				return false
			}
			b = b.Elem()
		}
	}
	switch {
	case a.Type() == timeType && b.Type() == timeType:
		return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	case a.Type() == jsonType && b.Type() == jsonType:
		var x, y any
		if json.Unmarshal(a.Bytes(), &x) != nil || json.Unmarshal(b.Bytes(), &y) != nil {
			return bytes.Equal(a.Bytes(), b.Bytes())
		}
		return reflect.DeepEqual(x, y)
	case a.Kind() == reflect.Float64 && b.Kind() == reflect.Float64:
		return math.Abs(a.Float()-b.Float()) < 0.005
	case a.Kind() == reflect.String && b.Kind() == reflect.String:
		return a.String() == b.String()
	}
	return a.Type() == b.Type() && reflect.DeepEqual(a.Interface(), b.Interface())
}
