package seed

import (
	"strings"
	"testing"

	"github.com/larderhq/larder/internal/validation"
)

func TestTheCatalogHoldsEveryRule(t *testing.T) {
	foods, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(foods) < 300 {
		t.Errorf("%d foods, want at least 300", len(foods))
	}
	v := validation.New()
	seen := map[string]bool{}
	for i, f := range foods {
		if broken := validation.Fields(v.Struct(f), f.Name, nil); len(broken) > 0 {
			t.Errorf("line %d: %v", i+2, broken)
		}
		key := strings.ToLower(f.Name)
		if seen[key] {
			t.Errorf("line %d: %q twice", i+2, f.Name)
		}
		seen[key] = true
	}
}

func TestDemoUsersUseCatalogFoods(t *testing.T) {
	foods, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range foods {
		have[strings.ToLower(f.Name)] = true
	}
	for _, u := range demoUsers {
		var names []string
		for _, s := range u.Pantry {
			names = append(names, s.Food)
		}
		for _, foods := range u.Tags {
			names = append(names, foods...)
		}
		for _, d := range u.Recipes {
			for _, p := range d.Ingredients {
				names = append(names, p.Food)
			}
		}
		for _, day := range u.Days {
			for _, m := range day {
				if m.Recipe == "" {
					names = append(names, m.Food)
				}
			}
		}
		for _, n := range names {
			if !have[strings.ToLower(n)] {
				t.Errorf("%s: the catalog has no %q", u.Email, n)
			}
		}
	}
}
