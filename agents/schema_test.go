package agents

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSchemaOfAnOutputType(t *testing.T) {
	type item struct {
		ID    uuid.UUID  `json:"id"`
		When  *time.Time `json:"when"`
		Grams float64    `json:"grams" validate:"finite,gte=0.01,lte=100000"`
		Count int32      `json:"count" validate:"gt=0,lt=10"`
	}
	type out struct {
		Name   string   `json:"name" validate:"required,text,max=200" desc:"what it is called"`
		Kind   string   `json:"kind" validate:"required,food_kind"`
		Mood   string   `json:"mood" validate:"oneof=happy sad"`
		Ok     bool     `json:"ok"`
		Tags   []string `json:"tags" validate:"max=5,dive,required,max=50"`
		Items  []item   `json:"items" validate:"required,min=1,max=3,dive"`
		Pair   []int    `json:"pair" validate:"len=2,dive,gte=1"`
		hidden string
		Skip   string `json:"-"`
	}
	got, err := schemaOf(reflect.TypeFor[out]())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"additionalProperties":false,"properties":{` +
		`"items":{"items":{"additionalProperties":false,"properties":{` +
		`"count":{"exclusiveMaximum":10,"exclusiveMinimum":0,"type":"integer"},` +
		`"grams":{"maximum":100000,"minimum":0.01,"type":"number"},` +
		`"id":{"type":"string"},` +
		`"when":{"anyOf":[{"type":"string"},{"type":"null"}]}},` +
		`"required":["id","when","grams","count"],"type":"object"},"maxItems":3,"minItems":1,"type":"array"},` +
		`"kind":{"enum":["whole","processed","ultra_processed"],"type":"string"},` +
		`"mood":{"enum":["happy","sad"],"type":"string"},` +
		`"name":{"description":"what it is called","type":"string"},` +
		`"ok":{"type":"boolean"},` +
		`"pair":{"items":{"minimum":1,"type":"integer"},"maxItems":2,"minItems":2,"type":"array"},` +
		`"tags":{"items":{"type":"string"},"maxItems":5,"type":"array"}},` +
		`"required":["name","kind","mood","ok","tags","items","pair"],"type":"object"}`
	raw, _ := json.Marshal(got)
	if string(raw) != want {
		t.Errorf("schema\n got %s\nwant %s", raw, want)
	}
	_ = out{hidden: ""}
}

func TestSchemaOfUnsupportedTypes(t *testing.T) {
	type embedded struct{ A string }
	tests := []struct {
		name string
		give reflect.Type
		want string
	}{
		{"map", reflect.TypeFor[struct {
			M map[string]int `json:"m"`
		}](), "map[string]int has no JSON Schema"},
		{"interface", reflect.TypeFor[struct {
			V any `json:"v"`
		}](), "has no JSON Schema"},
		{"no JSON name", reflect.TypeFor[struct{ Plain string }](), "give every field a JSON name"},
		{"recursive", reflect.TypeFor[node](), "contains itself"},
		{"own JSON encoding", reflect.TypeFor[struct {
			R json.RawMessage `json:"r"`
		}](), "has its own JSON encoding"},
		{"embedded", reflect.TypeFor[struct{ embedded }](), "give every field a JSON name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schemaOf(tt.give)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
}

type node struct {
	Children []node `json:"children"`
}

func TestSchemaOfRulesThatNeedCare(t *testing.T) {
	type out struct {
		Size   int      `json:"size" validate:"oneof=1 2 3"`
		Mood   string   `json:"mood" validate:"oneof='very happy' sad"`
		Tags   []string `json:"tags" validate:"dive,oneof=a b"`
		Bytes  []byte   `json:"bytes"`
		Shared *item2   `json:"shared"`
		Again  *item2   `json:"again"`
	}
	got, err := schemaOf(reflect.TypeFor[out]())
	if err != nil {
		t.Fatal(err)
	}
	props := got["properties"].(map[string]any)
	raw, _ := json.Marshal(props["size"])
	if string(raw) != `{"enum":[1,2,3],"type":"integer"}` {
		t.Errorf("a numeric oneof: %s", raw)
	}
	raw, _ = json.Marshal(props["mood"])
	if string(raw) != `{"enum":["very happy","sad"],"type":"string"}` {
		t.Errorf("a quoted oneof: %s", raw)
	}
	raw, _ = json.Marshal(props["tags"])
	if string(raw) != `{"items":{"enum":["a","b"],"type":"string"},"type":"array"}` {
		t.Errorf("rules that begin with dive: %s", raw)
	}
	raw, _ = json.Marshal(props["bytes"])
	if string(raw) != `{"type":"string"}` {
		t.Errorf("bytes: %s", raw)
	}
	if props["again"] == nil {
		t.Error("a type used twice (not recursive) has a schema each time")
	}
}

type item2 struct {
	N int `json:"n"`
}
