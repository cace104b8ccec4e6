package agents

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Model answers chat completions. The one Larder ships is chat.Client
// (package agents/chat: any server of the OpenAI-compatible Chat
// Completions API); another provider fits behind this interface.
type Model interface {
	// Complete sends one request and returns the answer. Errors worth a
	// retry are *ModelError with Temporary set.
	Complete(ctx context.Context, c Completion) (Reply, error)
}

// Role is who says a Message.
type Role string

// Roles of a conversation.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role
	Content string
}

// Completion is one request to a model: the conversation so far, and the
// JSON Schema the answer must follow.
type Completion struct {
	Messages   []Message
	SchemaName string         // names the schema (the agent's name)
	Schema     map[string]any // the answer's JSON Schema, strict
	Settings   Settings
}

// Reply is a model's answer.
type Reply struct {
	Content          string // the JSON the model wrote
	Model            string // the model that answered, as the server names it
	PromptTokens     int
	CompletionTokens int
	Truncated        bool // cut off at the token limit
}

// ModelError is a failed model call: what the server answered, and
// whether trying again may help.
type ModelError struct {
	Status     int           // the HTTP status, 0 if no answer came
	Temporary  bool          // a rate limit, a timeout, a 5xx, a dropped connection
	RetryAfter time.Duration // the server's Retry-After, if it sent one
	// Summary says what went wrong in words fit for the person who asked
	// ("HTTP 429 Too Many Requests"); a generation's error holds it.
	Summary string
	// Err is the detail: the server's message, the network's error. It
	// may name hosts or part of a key, so it goes to the logs and the
	// job's history, not to the generation.
	Err error
}

func (e *ModelError) Error() string {
	if e.Err == nil {
		return "model call: " + e.Summary
	}
	return fmt.Sprintf("model call: %s: %v", e.Summary, e.Err)
}

func (e *ModelError) Unwrap() error { return e.Err }

// ErrNoModel is the failure of generations run by a worker that has no
// model configured.
var ErrNoModel = errors.New("no model configured: set LARDER_MODEL (and LARDER_MODEL_BASE_URL, LARDER_MODEL_API_KEY for a server other than OpenAI's)")

// temporary reports whether err is worth a retry, and after how long the
// model's server asked to wait (zero: the queue's backoff decides).
func temporary(err error) (bool, time.Duration) {
	var me *ModelError
	if errors.As(err, &me) {
		return me.Temporary, me.RetryAfter
	}
	return false, 0
}
