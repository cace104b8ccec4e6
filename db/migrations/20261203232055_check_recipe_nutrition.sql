-- migrate:up

-- The nutrients per serving are computed (RecomputeRecipeNutrition) from
-- checked grams and nutrients, so they are never negative; the CHECK keeps
-- any other writer to that.
ALTER TABLE recipes ADD CONSTRAINT recipes_nutrition_check CHECK (
    energy_kcal_per_serving >= 0 AND protein_g_per_serving >= 0
    AND fat_g_per_serving >= 0 AND carbs_g_per_serving >= 0
);

-- migrate:down
ALTER TABLE recipes DROP CONSTRAINT recipes_nutrition_check;
