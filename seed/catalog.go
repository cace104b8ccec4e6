package seed

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"

	"github.com/larderhq/larder/actions"
	"github.com/larderhq/larder/db"
)

// foodsCSV is the sample catalog: common foods with their nutrients per
// 100 g, from public food composition tables (USDA FoodData Central's SR
// Legacy and Foundation Foods, rounded).
//
//go:embed foods.csv
var foodsCSV []byte

// catalogHeader is foods.csv's first line.
var catalogHeader = []string{"name", "kind", "category", "energy_kcal", "protein_g", "fat_g", "carbs_g", "fiber_g", "sugar_g", "sodium_mg"}

// Catalog returns the sample catalog, as ImportCatalog takes it.
func Catalog() ([]actions.NewFood, error) {
	r := csv.NewReader(bytes.NewReader(foodsCSV))
	r.FieldsPerRecord = len(catalogHeader)
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("foods.csv: %w", err)
	}
	if len(records) == 0 || !slices.Equal(records[0], catalogHeader) {
		return nil, fmt.Errorf("foods.csv: the header must be %v", catalogHeader)
	}
	foods := make([]actions.NewFood, 0, len(records)-1)
	for i, rec := range records[1:] {
		var n [7]float64
		for j := range n {
			v, err := strconv.ParseFloat(rec[3+j], 64)
			if err != nil {
				return nil, fmt.Errorf("foods.csv line %d: %s: %w", i+2, catalogHeader[3+j], err)
			}
			n[j] = v
		}
		foods = append(foods, actions.NewFood{
			Name: rec[0], Kind: rec[1], Category: rec[2],
			Nutrients: db.Nutrients{EnergyKcal: n[0], ProteinG: n[1], FatG: n[2], CarbsG: n[3], FiberG: n[4], SugarG: n[5], SodiumMg: n[6]},
		})
	}
	return foods, nil
}
