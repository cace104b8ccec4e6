package agents_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/larderhq/larder/agents"
)

// A portion guesser: one small file defines it. Its input and output are
// Go structs; validate tags check them, and the output's JSON Schema (the
// model is held to it) comes from the output type.
type PortionQuestion struct {
	Dish string `json:"dish" validate:"required,text,notblank,max=200"`
}

type PortionGuess struct {
	Grams float64 `json:"grams" validate:"finite,gt=0,lte=5000" desc:"a typical single portion"`
	Unit  string  `json:"unit" validate:"oneof=g ml"`
}

var PortionGuesser = agents.Define(agents.Spec[PortionQuestion, PortionGuess]{
	Name:   "portion-guesser",
	System: "You know how much people eat. Answer with a typical single portion.",
	Prompt: "How big is one portion of {{.Dish}}?",
})

func ExampleDefine() {
	if err := PortionGuesser.Err(); err != nil {
		fmt.Println(err)
		return
	}
	var schema bytes.Buffer
	_ = json.Indent(&schema, PortionGuesser.Schema(), "", "  ")
	fmt.Println(PortionGuesser.Name())
	fmt.Println(schema.String())

	// An action requests generations in its transaction:
	//	gens, err := agents.Request(ctx, tx, PortionGuesser, userID, []PortionQuestion{{Dish: "risotto"}})
	// a worker runs them (NewRunner(pool, model, []agents.Definition{PortionGuesser}).RegisterJobs(registry)),
	// and the caller reads the result:
	//	guess, err := PortionGuesser.Output(generation)

	// Output:
	// portion-guesser
	// {
	//   "additionalProperties": false,
	//   "properties": {
	//     "grams": {
	//       "description": "a typical single portion",
	//       "exclusiveMinimum": 0,
	//       "maximum": 5000,
	//       "type": "number"
	//     },
	//     "unit": {
	//       "enum": [
	//         "g",
	//         "ml"
	//       ],
	//       "type": "string"
	//     }
	//   },
	//   "required": [
	//     "grams",
	//     "unit"
	//   ],
	//   "type": "object"
	// }
}
