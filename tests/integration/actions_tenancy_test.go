package integration

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

// TestAnotherUsersUniqueValuesAreInvisible probes every unique value a
// user's input can carry (a barcode, a tag name) with one that another
// user's private rows hold and with one nobody holds: the responses are
// alike, so no user learns of, or is blocked by, another's rows. (An
// email is unique across accounts on purpose: it names the account.)
func TestAnotherUsersUniqueValuesAreInvisible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	secret := factories.Food().OwnedBy(other).WithBarcode().WithTags("secret").MustCreate(t, b.pool)
	// heldAndFree is a barcode another user's private food has, and one
	// nobody has.
	heldAndFree := func() (string, string) {
		held := factories.Food().OwnedBy(other).WithBarcode().MustCreate(t, b.pool)
		return *held.Barcode, *factories.Food().WithBarcode().Build().Barcode
	}
	withBarcode := func(code string) []actions.NewFood {
		in := newFoodInput()
		in.Barcode = code
		return []actions.NewFood{in}
	}
	mine := factories.Food().OwnedBy(me).MustCreate(t, b.pool)

	probes := []struct {
		name string
		call func(value string) *actions.Error
		held func() (string, string) // another user's value, and nobody's; default heldAndFree
		want actions.Code            // "" for success
	}{
		{name: "CreateFoods barcode", call: func(code string) *actions.Error {
			return b.acts.CreateFoods(b.ctx, me.ID, withBarcode(code)).Error
		}},
		{name: "UpdateFoods barcode", call: func(code string) *actions.Error {
			return b.acts.UpdateFoods(b.ctx, me.ID, []actions.FoodChange{{ID: mine.ID, Barcode: &code}}).Error
		}},
		{name: "ImportCatalog barcode", call: func(code string) *actions.Error {
			return b.acts.ImportCatalog(b.ctx, withBarcode(code)).Error
		}},
		{name: "GetFoodsByBarcode", want: actions.CodeNotFound, call: func(code string) *actions.Error {
			return b.acts.GetFoodsByBarcode(b.ctx, me.ID, []string{code}).Error
		}},
		{name: "CreateTags name", call: func(name string) *actions.Error {
			return b.acts.CreateTags(b.ctx, me.ID, []string{name}).Error
		}, held: func() (string, string) { return "Secret", "public" }},
		{name: "CreateFoods tags", call: func(name string) *actions.Error {
			in := newFoodInput()
			in.Tags = []string{name}
			return b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{in}).Error
		}, held: func() (string, string) { return "SECRET", "open" }},
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			values := heldAndFree
			if p.held != nil {
				values = p.held
			}
			held, free := values()
			heldErr, freeErr := p.call(held), p.call(free)
			if p.want == "" {
				require.Nil(t, freeErr)
				require.Nil(t, heldErr, "another user's value made a difference")
				return
			}
			require.Equal(t, p.want, freeErr.Code)
			require.Equal(t, freeErr.Code, heldErr.Code)
			require.Equal(t, freeErr.Message, heldErr.Message)
			require.Equal(t, freeErr.Fields, heldErr.Fields)
		})
	}

	// The other user's rows are untouched, and their tag is still theirs alone.
	theirs := ok(t, b.acts.GetFoods(b.ctx, other.ID, []uuid.UUID{secret.ID}))
	require.Equal(t, secret.Barcode, theirs[0].Barcode)
	tags := ok(t, b.acts.ListTags(b.ctx, other.ID, actions.TagSearch{}))
	require.Len(t, tags.Items, 1)
	require.Equal(t, int64(1), tags.Items[0].FoodCount)
}

// TestABarcodeIsUniqueWithinItsOwnersFoods shows the other side: a user's
// own barcode, and the catalog's, still clash within themselves, and a
// lookup prefers the user's own food to the catalog's.
func TestABarcodeIsUniqueWithinItsOwnersFoods(t *testing.T) {
	t.Parallel()
	b := setup(t)
	users := factories.User().MustCreateMany(t, b.pool, 2)
	me, other := users[0], users[1]
	catalog := factories.Food().Shared().WithBarcode().MustCreate(t, b.pool)
	onlyCatalog := factories.Food().Shared().WithBarcode().MustCreate(t, b.pool)
	code := *catalog.Barcode
	in := newFoodInput()
	in.Barcode = code

	own := ok(t, b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{in}))[0]

	fields := failed(t, b.acts.CreateFoods(b.ctx, me.ID, []actions.NewFood{newFoodInput(), in}), actions.CodeConflict)
	require.Equal(t, map[string]string{"foods[1].barcode": "is already taken"}, fields, "my own barcode clashes with my own")
	fields = failed(t, b.acts.ImportCatalog(b.ctx, []actions.NewFood{in}), actions.CodeConflict)
	require.Equal(t, map[string]string{"foods[0].barcode": "is already taken"}, fields, "the catalog's clashes with the catalog's")

	found := ok(t, b.acts.GetFoodsByBarcode(b.ctx, me.ID, []string{*onlyCatalog.Barcode, code}))
	require.Equal(t, []db.Food{onlyCatalog, own}, found, "my own food shadows the catalog's")
	found = ok(t, b.acts.GetFoodsByBarcode(b.ctx, other.ID, []string{code}))
	require.Equal(t, catalog.ID, found[0].ID, "others find the catalog's")
	fields = failed(t, b.acts.GetFoodsByBarcode(b.ctx, me.ID, []string{code, "12345678", code, "x"}), actions.CodeInvalid)
	require.Equal(t, map[string]string{"barcodes[2]": "repeats barcodes[0]", "barcodes[3]": "must be 8 to 14 digits"}, fields)
	fields = failed(t, b.acts.GetFoodsByBarcode(b.ctx, me.ID, []string{code, "12345678"}), actions.CodeNotFound)
	require.Equal(t, map[string]string{"barcodes[1]": "no food has this barcode"}, fields)
}
