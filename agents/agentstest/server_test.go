package agentstest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/larderhq/larder/agents"
)

func TestLarderAgentsSchemasAreStrict(t *testing.T) {
	for _, a := range []interface {
		Name() string
		Schema() json.RawMessage
	}{agents.NutritionEstimator, agents.RecipeSuggester, agents.AutoTagger} {
		var schema map[string]any
		if err := json.Unmarshal(a.Schema(), &schema); err != nil {
			t.Fatal(err)
		}
		if problems := strictProblems(schema, "schema"); len(problems) > 0 {
			t.Errorf("%s: %v", a.Name(), problems)
		}
	}
}

func TestStrictProblems(t *testing.T) {
	var schema map[string]any
	_ = json.Unmarshal([]byte(`{
		"type": "object", "additionalProperties": true, "required": ["a"],
		"properties": {
			"a": {"type": "string", "minLength": 1},
			"b": {"type": "integer", "enum": ["1"]},
			"c": {"type": "array", "items": {"type": "object", "properties": {}, "required": []}}
		}
	}`), &schema)
	got := strings.Join(strictProblems(schema, "schema"), "\n")
	for _, want := range []string{
		`schema: additionalProperties must be false`,
		`schema: property "b" is not required`,
		`schema.a: keyword "minLength"`,
		`schema.b: enum value 1 is not a integer`,
		`schema.c[]: additionalProperties must be false`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
