package factories

import (
	"fmt"

	"github.com/larderhq/larder/db"
)

// foodSample is a common food, nutrients per 100 g (rounded values from
// public food composition tables; every one meets the foods CHECKs).
type foodSample struct {
	name     string
	kind     db.FoodKind
	category db.FoodCategory
	db.Nutrients
}

const (
	whole = db.FoodKindWhole
	proc  = db.FoodKindProcessed
	ultra = db.FoodKindUltraProcessed
)

var foodSamples = []foodSample{
	{"Apple", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 52, ProteinG: 0.3, FatG: 0.2, CarbsG: 13.8, FiberG: 2.4, SugarG: 10.4, SodiumMg: 1}},
	{"Banana", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 89, ProteinG: 1.1, FatG: 0.3, CarbsG: 22.8, FiberG: 2.6, SugarG: 12.2, SodiumMg: 1}},
	{"Orange", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 47, ProteinG: 0.9, FatG: 0.1, CarbsG: 11.8, FiberG: 2.4, SugarG: 9.4}},
	{"Avocado", whole, db.FoodCategoryFruit, db.Nutrients{EnergyKcal: 160, ProteinG: 2, FatG: 14.7, CarbsG: 8.5, FiberG: 6.7, SugarG: 0.7, SodiumMg: 7}},
	{"Broccoli", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 34, ProteinG: 2.8, FatG: 0.4, CarbsG: 6.6, FiberG: 2.6, SugarG: 1.7, SodiumMg: 33}},
	{"Carrot", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 41, ProteinG: 0.9, FatG: 0.2, CarbsG: 9.6, FiberG: 2.8, SugarG: 4.7, SodiumMg: 69}},
	{"Spinach", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 23, ProteinG: 2.9, FatG: 0.4, CarbsG: 3.6, FiberG: 2.2, SugarG: 0.4, SodiumMg: 79}},
	{"Sweet potato", whole, db.FoodCategoryVegetable, db.Nutrients{EnergyKcal: 86, ProteinG: 1.6, FatG: 0.1, CarbsG: 20.1, FiberG: 3, SugarG: 4.2, SodiumMg: 55}},
	{"Brown rice, cooked", whole, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 123, ProteinG: 2.7, FatG: 1, CarbsG: 25.6, FiberG: 1.6, SugarG: 0.2, SodiumMg: 4}},
	{"Rolled oats", whole, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 379, ProteinG: 13.2, FatG: 6.5, CarbsG: 67.7, FiberG: 10.1, SugarG: 1, SodiumMg: 6}},
	{"Quinoa, cooked", whole, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 120, ProteinG: 4.4, FatG: 1.9, CarbsG: 21.3, FiberG: 2.8, SugarG: 0.9, SodiumMg: 7}},
	{"Chicken breast", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 165, ProteinG: 31, FatG: 3.6, SodiumMg: 74}},
	{"Salmon", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 208, ProteinG: 20.4, FatG: 13.4, SodiumMg: 59}},
	{"Egg", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 143, ProteinG: 12.6, FatG: 9.5, CarbsG: 0.7, SugarG: 0.4, SodiumMg: 142}},
	{"Lentils, cooked", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 116, ProteinG: 9, FatG: 0.4, CarbsG: 20.1, FiberG: 7.9, SugarG: 1.8, SodiumMg: 2}},
	{"Beef mince, 20% fat", whole, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 254, ProteinG: 17.2, FatG: 20, SodiumMg: 66}},
	{"Almonds", whole, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 579, ProteinG: 21.2, FatG: 49.9, CarbsG: 21.6, FiberG: 12.5, SugarG: 4.4, SodiumMg: 1}},
	{"Walnuts", whole, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 654, ProteinG: 15.2, FatG: 65.2, CarbsG: 13.7, FiberG: 6.7, SugarG: 2.6, SodiumMg: 2}},
	{"Water", whole, db.FoodCategoryBeverage, db.Nutrients{}},
	{"Whole milk", proc, db.FoodCategoryDairy, db.Nutrients{EnergyKcal: 64, ProteinG: 3.3, FatG: 3.6, CarbsG: 4.7, SugarG: 4.7, SodiumMg: 44}},
	{"Greek yogurt", proc, db.FoodCategoryDairy, db.Nutrients{EnergyKcal: 97, ProteinG: 9, FatG: 5, CarbsG: 3.9, SugarG: 3.6, SodiumMg: 35}},
	{"Cheddar", proc, db.FoodCategoryDairy, db.Nutrients{EnergyKcal: 403, ProteinG: 24.9, FatG: 33.1, CarbsG: 1.3, SugarG: 0.5, SodiumMg: 621}},
	{"Butter", proc, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 717, ProteinG: 0.9, FatG: 81.1, CarbsG: 0.1, SugarG: 0.1, SodiumMg: 11}},
	{"Olive oil", proc, db.FoodCategoryFat, db.Nutrients{EnergyKcal: 884, FatG: 100, SodiumMg: 2}},
	{"Tofu", proc, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 76, ProteinG: 8.1, FatG: 4.8, CarbsG: 1.9, FiberG: 0.3, SugarG: 0.6, SodiumMg: 7}},
	{"Tuna in water", proc, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 116, ProteinG: 25.5, FatG: 0.8, SodiumMg: 338}},
	{"Wholemeal bread", proc, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 247, ProteinG: 13, FatG: 3.4, CarbsG: 41, FiberG: 7, SugarG: 6, SodiumMg: 450}},
	{"Orange juice", proc, db.FoodCategoryBeverage, db.Nutrients{EnergyKcal: 45, ProteinG: 0.7, FatG: 0.2, CarbsG: 10.4, FiberG: 0.2, SugarG: 8.4, SodiumMg: 1}},
	{"Cola", ultra, db.FoodCategoryBeverage, db.Nutrients{EnergyKcal: 42, CarbsG: 10.6, SugarG: 10.6, SodiumMg: 4}},
	{"Potato crisps", ultra, db.FoodCategoryOther, db.Nutrients{EnergyKcal: 536, ProteinG: 7, FatG: 34.6, CarbsG: 53, FiberG: 4.4, SugarG: 0.3, SodiumMg: 525}},
	{"Milk chocolate", ultra, db.FoodCategorySweet, db.Nutrients{EnergyKcal: 535, ProteinG: 7.7, FatG: 29.7, CarbsG: 59.4, FiberG: 3.4, SugarG: 51.5, SodiumMg: 79}},
	{"Chocolate chip cookie", ultra, db.FoodCategorySweet, db.Nutrients{EnergyKcal: 488, ProteinG: 5.4, FatG: 24, CarbsG: 64, FiberG: 2.4, SugarG: 35, SodiumMg: 320}},
	{"Ice cream", ultra, db.FoodCategorySweet, db.Nutrients{EnergyKcal: 207, ProteinG: 3.5, FatG: 11, CarbsG: 23.6, FiberG: 0.7, SugarG: 21.2, SodiumMg: 80}},
	{"Frosted cornflakes", ultra, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 375, ProteinG: 4.5, FatG: 0.6, CarbsG: 89, FiberG: 2, SugarG: 37, SodiumMg: 480}},
	{"Instant noodles", ultra, db.FoodCategoryGrain, db.Nutrients{EnergyKcal: 436, ProteinG: 9.4, FatG: 17, CarbsG: 60, FiberG: 2.4, SugarG: 2, SodiumMg: 1160}},
	{"Protein bar", ultra, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 370, ProteinG: 30, FatG: 10, CarbsG: 40, FiberG: 5, SugarG: 15, SodiumMg: 300}},
	{"Frankfurter", ultra, db.FoodCategoryProtein, db.Nutrients{EnergyKcal: 290, ProteinG: 11, FatG: 26, CarbsG: 3, SugarG: 1, SodiumMg: 1000}},
}

// Thresholds of the nutrient traits, per 100 g.
const (
	highFatG      = 20
	highProteinG  = 20
	highSugarG    = 20
	lowCalorieMax = 60
)

// pickFood is the defaults of a food: a sample meeting as many wants as any
// does (all of them, unless they contradict: HighFat with LowCalorie).
func pickFood(wants []func(foodSample) bool) func(Seq) db.NewFood {
	return func(row Seq) db.NewFood {
		var best []foodSample
		bestScore := -1
		for _, s := range foodSamples {
			score := 0
			for _, ok := range wants {
				if ok(s) {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = nil, score
			}
			if score == bestScore {
				best = append(best, s)
			}
		}
		s := best[row.Rand.IntN(len(best))]
		return db.NewFood{Name: fmt.Sprintf("%s #%d", s.name, row.N), Kind: s.kind, Category: s.category, Nutrients: s.Nutrients}
	}
}

// The names the other builders pick from.
var tagWords = []string{"breakfast", "quick", "vegan", "spicy", "comfort", "high-fibre", "batch-cook", "snack", "budget", "festive"}

var displayNames = []string{"Ada Moreau", "Bo Lindqvist", "Chidi Okafor", "Dana Weiss", "Emeka Eze", "Farah Haddad",
	"Giulia Conti", "Hana Sato", "Ines Duarte", "José Álvarez", "Kai Müller", "Lena Novak", "Mei Chen", "Noor Rahman"}

var recipeTitles = []string{"Overnight oats", "Lentil soup", "Chicken stir-fry", "Greek salad", "Banana bread",
	"Veggie chilli", "Salmon traybake", "Mushroom risotto", "Shakshuka", "Pesto pasta"}

var descriptions = []string{"a ripe banana", "two slices of sourdough toast", "a bowl of tomato soup",
	"a handful of salted peanuts", "a glass of oat milk", "grilled chicken thigh with skin"}
