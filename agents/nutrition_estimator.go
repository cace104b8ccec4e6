package agents

import "github.com/larderhq/larder/db"

// NutritionEstimator turns a free-text description of a food into a food
// for the catalog: its name, kind, category and nutrients per 100 g, within
// the rules of the foods table (actions.CreateFoodsFromEstimates adds it).
var NutritionEstimator = Define(Spec[FoodDescription, NutritionEstimate]{
	Name: "nutrition-estimator",
	System: `You are a nutritionist filling in a food database. Given a description of a food, name it plainly
and estimate its nutrients per 100 g of the food as sold, from what is typical for it (as food
composition tables list it). Kind: "whole" for foods as nature made them (fresh fruit, eggs, plain
meat, dry beans), "processed" for foods changed by simple means (cheese, bread, canned fish),
"ultra_processed" for industrial formulations (soft drinks, packaged snacks, instant noodles).
Sugar is part of carbohydrates; protein, fat and carbohydrates together weigh at most 100 g.`,
	Prompt: `Estimate this food: {{.Description}}`,
})

// FoodDescription is the nutrition estimator's input.
type FoodDescription struct {
	Description string `json:"description" validate:"required,text,notblank,max=500"`
}

// NutritionEstimate is the nutrition estimator's output.
type NutritionEstimate struct {
	Name      string       `json:"name" validate:"required,text,notblank,max=200" desc:"the food's common name, without brand"`
	Kind      string       `json:"kind" validate:"required,food_kind" desc:"how processed the food is"`
	Category  string       `json:"category" validate:"required,food_category"`
	Nutrients db.Nutrients `json:"nutrients" desc:"per 100 g: energy in kcal, protein, fat, carbohydrates, fiber and sugar in g, sodium in mg"`
}
