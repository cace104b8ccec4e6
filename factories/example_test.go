package factories_test

import (
	"fmt"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
)

// Traits say what a test needs; Build makes the insert input without a
// database. In a test, MustCreate(t, pool) inserts it instead.
func ExampleFoodBuilder_Build() {
	f := factories.Food().Processed().HighFat().Build()
	fmt.Println(f.Kind, f.FatG >= 20)
	// Output: processed true
}

// A base builder can be shared: each trait returns a copy.
func ExamplePantryItemBuilder() {
	food := db.Food{Name: "Whole milk"}
	milk := factories.PantryItem().Of(food).Millilitres(1000)
	soon, later := milk.ExpiringIn(1).Build(), milk.ExpiringIn(10).Build()
	fmt.Println(soon.Quantity, soon.Unit, later.ExpiresOn.Sub(*soon.ExpiresOn).Hours()/24)
	// Output: 1000 ml 9
}
