// Package agents is Larder's database-first AI generation: a generation is
// a row before it is a model call.
//
// A request (Request, called by an action) writes, in one transaction, one
// generations row per input (pending, with the input and the agent's
// name) and one job per row, and returns the rows at once. A worker that
// registered a Runner's jobs then runs each: it takes the row to running,
// renders the agent's prompt from the input, asks the model for JSON
// following the schema derived from the agent's output type, decodes and
// validates the answer (sending it back with the reasons, up to
// MaxRepairs times, when it does not hold) and records the output, the
// model, the tokens and the latency (succeeded), or the reason (failed).
// Callers read the rows (db.SelectGenerations, db.ListGenerations, or the
// actions over them) and decode outputs with Agent.Output.
//
// Failures that may pass (a rate limit, honouring Retry-After; a timeout;
// a 5xx) are retried by the job queue with its backoff; the row is pending
// meanwhile, its error saying why. A generation that succeeded or failed is
// never sent to the model again, however often its job runs.
//
// An agent is one Define call: a name, the input and output types (Go
// structs with validate tags), a system message, a prompt template and
// model settings (see nutrition_estimator.go).
package agents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"text/template"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/internal/validation"
)

// Spec defines an agent over its input type In and output type Out.
type Spec[In, Out any] struct {
	// Name is the agent's name in generations rows; unique among agents.
	Name string
	// System is the system message: the agent's role and rules.
	System string
	// Prompt is a text/template executed with the input: the user message.
	// The function json writes a value as JSON.
	Prompt string
	// Settings choose the model and how it samples.
	Settings Settings
	// MaxRepairs is how often an answer that does not decode or validate is
	// sent back with the reasons before the generation fails. Default 2;
	// negative for none.
	MaxRepairs int
	// Check holds the rules of an answer that validate tags cannot say,
	// such as "every food id is one the input offered". Its error is sent
	// back to the model like a broken validate rule. Optional.
	Check func(in In, out Out) error
}

// Settings choose the model and how it samples; zero values leave the
// server's defaults.
type Settings struct {
	Model       string   // overrides the model the Runner's Model names
	Temperature *float64 // unset for models that take none
	MaxTokens   int      // the most tokens an answer may take
}

// Agent is a defined agent. Make it with Define, once, as a package-level
// variable.
type Agent[In, Out any] struct {
	spec   Spec[In, Out]
	prompt *template.Template
	schema map[string]any
	err    error
}

// defaultRepairs is MaxRepairs' default.
const defaultRepairs = 2

// Define makes an agent from its spec. A spec that cannot work (no name, a
// prompt that does not parse, an output type with no JSON Schema) gives an
// agent whose Err says why; NewRunner and Request refuse it.
func Define[In, Out any](spec Spec[In, Out]) *Agent[In, Out] {
	a := &Agent[In, Out]{spec: spec}
	if a.spec.MaxRepairs == 0 {
		a.spec.MaxRepairs = defaultRepairs
	}
	if spec.Name == "" || len(spec.Name) > 64 || strings.ContainsFunc(spec.Name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		a.err = fmt.Errorf("agent %q: a name is 1 to 64 letters, digits, '-' or '_'", spec.Name)
		return a
	}
	if reflect.TypeFor[In]().Kind() != reflect.Struct {
		a.err = fmt.Errorf("agent %q: the input must be a struct (its validate tags are checked)", spec.Name)
		return a
	}
	a.prompt, a.err = template.New(spec.Name).Funcs(template.FuncMap{"json": toJSON}).Option("missingkey=error").Parse(spec.Prompt)
	if a.err != nil {
		a.err = fmt.Errorf("agent %q: prompt: %w", spec.Name, a.err)
		return a
	}
	if a.schema, a.err = schemaOf(reflect.TypeFor[Out]()); a.err != nil {
		a.err = fmt.Errorf("agent %q: output: %w", spec.Name, a.err)
	} else if a.schema["type"] != "object" {
		a.err = fmt.Errorf("agent %q: the output must be a struct (structured output answers with an object)", spec.Name)
	}
	return a
}

// Name is the agent's name.
func (a *Agent[In, Out]) Name() string { return a.spec.Name }

// Err says why the agent cannot work, or is nil.
func (a *Agent[In, Out]) Err() error { return a.err }

// Schema is the JSON Schema of the agent's output, as the model is given
// it.
func (a *Agent[In, Out]) Schema() json.RawMessage {
	raw, _ := json.Marshal(a.schema) // maps, strings, numbers: cannot fail
	return raw
}

// Input decodes a generation's input.
func (a *Agent[In, Out]) Input(g db.Generation) (In, error) {
	var in In
	if g.Agent != a.spec.Name {
		return in, fmt.Errorf("generation %s is of agent %q, not %q", g.ID, g.Agent, a.spec.Name)
	}
	if err := json.Unmarshal(g.Input, &in); err != nil {
		return in, fmt.Errorf("generation %s: input: %w", g.ID, err)
	}
	return in, nil
}

// Output decodes the output of a generation that succeeded.
func (a *Agent[In, Out]) Output(g db.Generation) (Out, error) {
	var out Out
	if g.Agent != a.spec.Name {
		return out, fmt.Errorf("generation %s is of agent %q, not %q", g.ID, g.Agent, a.spec.Name)
	}
	if g.Status != db.GenerationStatusSucceeded {
		return out, fmt.Errorf("generation %s is %s: %w", g.ID, g.Status, ErrNotSucceeded)
	}
	if err := json.Unmarshal(g.Output, &out); err != nil {
		return out, fmt.Errorf("generation %s: output: %w", g.ID, err)
	}
	return out, nil
}

// ErrNotSucceeded: the generation has no output (yet).
var ErrNotSucceeded = errors.New("the generation has not succeeded")

// definition is an agent with its types hidden, as the Runner holds it.
type definition interface {
	Name() string
	Err() error
	completion(input json.RawMessage) (Completion, error)
	repairs() int
	parse(input json.RawMessage, answer string) (json.RawMessage, error)
}

// completion is the first request of a generation: the system message and
// the prompt rendered from the input.
func (a *Agent[In, Out]) completion(input json.RawMessage) (Completion, error) {
	var in In
	if err := json.Unmarshal(input, &in); err != nil {
		return Completion{}, fmt.Errorf("input does not decode into %T: %w", in, err)
	}
	var prompt bytes.Buffer
	if err := a.prompt.Execute(&prompt, in); err != nil {
		return Completion{}, fmt.Errorf("render the prompt: %w", err)
	}
	var msgs []Message
	if a.spec.System != "" {
		msgs = append(msgs, Message{RoleSystem, a.spec.System})
	}
	msgs = append(msgs, Message{RoleUser, prompt.String()})
	return Completion{Messages: msgs, SchemaName: a.spec.Name, Schema: a.schema, Settings: a.spec.Settings}, nil
}

func (a *Agent[In, Out]) repairs() int { return max(a.spec.MaxRepairs, 0) }

// parse decodes and checks an answer, returning it as the output to
// store. Its error is an *InvalidAnswerError, meant for the model.
func (a *Agent[In, Out]) parse(input json.RawMessage, answer string) (json.RawMessage, error) {
	var out Out
	dec := json.NewDecoder(strings.NewReader(answer))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return nil, &InvalidAnswerError{Reasons: []string{"the answer is not the JSON object the schema describes: " + err.Error()}}
	}
	if dec.More() {
		return nil, &InvalidAnswerError{Reasons: []string{"the answer has more than one JSON value"}}
	}
	if reasons := brokenRules(out); len(reasons) > 0 {
		return nil, &InvalidAnswerError{Reasons: reasons}
	}
	if a.spec.Check != nil {
		var in In
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("input does not decode into %T: %w", in, err)
		}
		if err := a.spec.Check(in, out); err != nil {
			return nil, &InvalidAnswerError{Reasons: []string{err.Error()}}
		}
	}
	stored, err := json.Marshal(out)
	if err != nil {
		return nil, &InvalidAnswerError{Reasons: []string{err.Error()}}
	}
	if hasNUL(stored) {
		return nil, &InvalidAnswerError{Reasons: []string{`the answer contains the NUL character (\u0000), which text cannot hold`}}
	}
	return stored, nil
}

// hasNUL reports whether JSON holds the NUL character (escaped, as
// encoding/json writes it), which PostgreSQL's jsonb refuses. A \u0000
// after an odd number of backslashes is the text "\u0000", not NUL.
func hasNUL(doc []byte) bool {
	esc := []byte(`\u0000`)
	for at := 0; ; {
		i := bytes.Index(doc[at:], esc)
		if i < 0 {
			return false
		}
		i += at
		slashes := 0
		for j := i - 1; j >= 0 && doc[j] == '\\'; j-- {
			slashes++
		}
		if slashes%2 == 0 {
			return true
		}
		at = i + 1
	}
}

// InvalidAnswerError is an answer that does not decode or breaks a rule.
type InvalidAnswerError struct{ Reasons []string }

func (e *InvalidAnswerError) Error() string { return strings.Join(e.Reasons, "; ") }

// validate checks inputs and answers with Larder's rules.
var validate = validation.New()

// brokenRules lists the validate rules v breaks, as "path: message",
// sorted.
func brokenRules(v any) []string {
	var reasons []string
	for path, msg := range validation.Fields(validate.Struct(v), "", nil) {
		reasons = append(reasons, path+": "+msg)
	}
	sort.Strings(reasons)
	return reasons
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// All are Larder's agents, for a Runner.
func All() []Definition {
	return []Definition{NutritionEstimator, RecipeSuggester, AutoTagger}
}
