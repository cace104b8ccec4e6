package integration

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/factories"
)

// TestEveryEmptyResultMarshalsItsSlicesAsArrays calls every action that
// returns a Result with empty input (a nil batch, a zero search) for a
// user with nothing: what succeeds marshals every slice as [], never null,
// and an action whose input is only batches (slices) sends nothing to the
// database, not even a transaction.
func TestEveryEmptyResultMarshalsItsSlicesAsArrays(t *testing.T) {
	t.Parallel()
	pool, stmts := tracedPool(t)
	b := bundle{ctx: t.Context(), pool: pool, acts: actions.New(pool, actions.WithLogger(testLogger(t)))}
	acts := reflect.ValueOf(b.acts)
	called := 0
	for i := range acts.NumMethod() {
		method := acts.Type().Method(i)
		fn := acts.Method(i)
		if fn.Type().NumOut() != 1 || !strings.HasPrefix(fn.Type().Out(0).Name(), "Result[") {
			continue
		}
		me := factories.User().MustCreate(t, b.pool) // one each: DeleteAccount takes it
		args := make([]reflect.Value, fn.Type().NumIn())
		batches, slices := true, 0 // every input is a batch, and there is one
		for j := range args {
			switch in := fn.Type().In(j); {
			case in == reflect.TypeFor[context.Context]():
				args[j] = reflect.ValueOf(b.ctx)
			case in == reflect.TypeFor[uuid.UUID]():
				args[j] = reflect.ValueOf(me.ID)
			default:
				args[j] = reflect.Zero(in)
				batches = batches && in.Kind() == reflect.Slice
				if in.Kind() == reflect.Slice {
					slices++
				}
			}
		}
		t.Run(method.Name, func(t *testing.T) {
			before := stmts.all()
			res := fn.Call(args)[0]
			if batches && slices > 0 {
				require.Empty(t, stmts.since(before), "an empty batch makes no round trip")
			}
			if !res.FieldByName("Success").Bool() {
				t.Skipf("fails on empty input: %v", res.FieldByName("Error").Interface())
			}
			called++
			out, err := json.Marshal(res.Interface())
			require.NoError(t, err)
			var decoded struct{ Data any }
			require.NoError(t, json.Unmarshal(out, &decoded))
			require.Empty(t, nulls(decoded.Data, "data"), "%s", out)
		})
	}
	require.Greater(t, called, 20, "most actions take an empty batch")
}

// nulls lists the paths in v (decoded JSON) that hold null.
func nulls(v any, at string) []string {
	switch v := v.(type) {
	case nil:
		return []string{at}
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(out, nulls(e, at+"."+k)...)
		}
		return out
	case []any:
		var out []string
		for i, e := range v {
			out = append(out, nulls(e, at+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	}
	return nil
}
