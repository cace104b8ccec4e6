package integration

import (
	"fmt"
	"time"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/factories"
	"github.com/larderhq/larder/many"
)

// conformanceTables are the tables the conformance suite
// (TestTablesConform, conformance_suite_test.go) holds to what every
// table's many-first calls promise. A table joins by being declared here:
// its factory, its insert, and its select, update, delete and list
// functions as package db generated them, and one change a patch can make.
// Its own test file then holds only what is special about it.
var conformanceTables = []tableConformance{
	conformance[db.NewUser, db.User, db.UserPatch]{
		table: "users", builder: factories.User(), insert: db.InsertUsers,
		selectRows: db.SelectUsers, update: db.UpdateUsers, delete: db.DeleteUsers, list: db.ListUsers,
		change: func(p *db.UserPatch, i int) { p.DisplayName = many.Set(fmt.Sprintf("Changed %d", i)) },
	},
	conformance[db.NewFood, db.Food, db.FoodPatch]{
		table: "foods", builder: factories.Food(), insert: db.InsertFoods,
		selectRows: db.SelectFoods, update: db.UpdateFoods, delete: db.DeleteFoods, list: db.ListFoods,
		change: func(p *db.FoodPatch, i int) { p.Name = many.Set(fmt.Sprintf("Changed %d", i)) },
	},
	conformance[db.NewTag, db.Tag, db.TagPatch]{
		table: "tags", builder: factories.Tag(), insert: db.InsertTags,
		selectRows: db.SelectTags, update: db.UpdateTags, delete: db.DeleteTags, list: db.ListTags,
		change: func(p *db.TagPatch, i int) { p.Name = fmt.Sprintf("changed-%d", i) },
	},
	conformance[db.NewPantryItem, db.PantryItem, db.PantryItemPatch]{
		table: "pantry_items", builder: factories.PantryItem(), insert: db.InsertPantryItems,
		selectRows: db.SelectPantryItems, update: db.UpdatePantryItems, delete: db.DeletePantryItems, list: db.ListPantryItems,
		change: func(p *db.PantryItemPatch, i int) { p.Quantity = many.Set(float64(2000 + i)) },
	},
	conformance[db.NewRecipe, db.Recipe, db.RecipePatch]{
		table: "recipes", builder: factories.Recipe(), insert: db.InsertRecipes,
		selectRows: db.SelectRecipes, update: db.UpdateRecipes, delete: db.DeleteRecipes, list: db.ListRecipes,
		change: func(p *db.RecipePatch, i int) { p.Title = many.Set(fmt.Sprintf("Changed %d", i)) },
	},
	conformance[db.NewMealEntry, db.MealEntry, db.MealEntryPatch]{
		table: "meal_entries", builder: factories.MealEntry(), insert: db.InsertMealEntries,
		selectRows: db.SelectMealEntries, update: db.UpdateMealEntries, delete: db.DeleteMealEntries, list: db.ListMealEntries,
		change: func(p *db.MealEntryPatch, i int) {
			p.EatenAt = many.Set(time.Date(2020, 1, 2, 3, i, 0, 0, time.UTC))
		},
	},
	conformance[db.NewGeneration, db.Generation, db.GenerationPatch]{
		table: "generations", builder: factories.Generation(), insert: db.InsertGenerations,
		selectRows: db.SelectGenerations, update: db.UpdateGenerations, delete: db.DeleteGenerations, list: db.ListGenerations,
		change: func(p *db.GenerationPatch, i int) { p.Error = many.Set(ptr(fmt.Sprintf("changed %d", i))) },
	},
}
