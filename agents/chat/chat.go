// Package chat is a model for package agents that speaks the
// OpenAI-compatible Chat Completions API through the official OpenAI Go
// SDK: OpenAI's, or a local Ollama, vLLM or llama.cpp server. It is a
// package of its own so that only a program that calls a model compiles
// the SDK; a worker passes New's or FromEnv's Client to agents.NewRunner.
package chat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/larderhq/larder/agents"
)

// Config points a Client at a server of the OpenAI-compatible Chat
// Completions API: OpenAI, or a local Ollama, vLLM or llama.cpp server.
type Config struct {
	// Model names the model to ask ("gpt-4.1-mini", "llama3.1"); an agent's
	// Settings.Model overrides it. Required.
	Model string
	// BaseURL is the API's root, up to /v1. Default: OpenAI's.
	BaseURL string
	// APIKey is sent as a bearer token; local servers need none.
	APIKey string
	// Timeout bounds each call (one attempt: retries are the job queue's).
	// Default: 2 minutes; at most agents.MaxCallTimeout, so that a run (a
	// call and its repairs) ends within the job's timeout.
	Timeout time.Duration
	// HTTPClient sends the requests. Default: http.DefaultClient.
	HTTPClient *http.Client
}

// The environment that configures the model (see FromEnv).
const (
	EnvModel   = "LARDER_MODEL"
	EnvBaseURL = "LARDER_MODEL_BASE_URL"
	EnvAPIKey  = "LARDER_MODEL_API_KEY"
	EnvTimeout = "LARDER_MODEL_TIMEOUT" // a Go duration: "90s"
)

const (
	defaultBaseURL = "https://api.openai.com/v1"
	defaultTimeout = 2 * time.Minute
	maxRetryAfter  = time.Hour
)

// FromEnv returns the model that LARDER_MODEL, LARDER_MODEL_BASE_URL,
// LARDER_MODEL_API_KEY and LARDER_MODEL_TIMEOUT configure, or nil when
// LARDER_MODEL is unset: generations then fail with agents.ErrNoModel.
func FromEnv() (agents.Model, error) {
	cfg := Config{Model: os.Getenv(EnvModel), BaseURL: os.Getenv(EnvBaseURL), APIKey: os.Getenv(EnvAPIKey)}
	if cfg.Model == "" {
		return nil, nil
	}
	if raw := os.Getenv(EnvTimeout); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 || d > agents.MaxCallTimeout {
			return nil, fmt.Errorf("%s=%q: want a duration from 1s to %v, such as 90s", EnvTimeout, raw, agents.MaxCallTimeout)
		}
		cfg.Timeout = d
	}
	m, err := New(cfg)
	if err != nil {
		return nil, err // not a nil *Client in a non-nil Model
	}
	return m, nil
}

// Client is an agents.Model that speaks the Chat Completions API through the
// official OpenAI Go SDK, asking for JSON that follows the agent's schema
// (response_format json_schema, strict). It makes one attempt per call:
// the SDK's own retries are off, so that retries go through the job
// queue, with its backoff and history.
type Client struct {
	client  openai.Client
	model   string
	timeout time.Duration
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, errors.New("chat model: a model name is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = defaultBaseURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Timeout > agents.MaxCallTimeout {
		return nil, fmt.Errorf("chat model: a timeout of %v is over %v: a run's calls must fit in the job's %v", cfg.Timeout, agents.MaxCallTimeout, agents.JobTimeout)
	}
	opts := []option.RequestOption{option.WithBaseURL(cfg.BaseURL), option.WithAPIKey(cfg.APIKey), option.WithMaxRetries(0)}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	return &Client{client: openai.NewClient(opts...), model: cfg.Model, timeout: cfg.Timeout}, nil
}

// errCallTimeout ends a call that ran past the model's Timeout.
var errCallTimeout = errors.New("the model did not answer in time")

// Complete asks the model for one answer.
func (m *Client) Complete(ctx context.Context, c agents.Completion) (agents.Reply, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, m.timeout, errCallTimeout)
	defer cancel()
	params := openai.ChatCompletionNewParams{
		Model:    m.model,
		Messages: make([]openai.ChatCompletionMessageParamUnion, len(c.Messages)),
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
			JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: c.SchemaName, Schema: c.Schema, Strict: openai.Bool(true)},
		}},
	}
	if c.Settings.Model != "" {
		params.Model = c.Settings.Model
	}
	if t := c.Settings.Temperature; t != nil {
		params.Temperature = openai.Float(*t)
	}
	if c.Settings.MaxTokens > 0 {
		params.MaxCompletionTokens = openai.Int(int64(c.Settings.MaxTokens))
	}
	for i, msg := range c.Messages {
		switch msg.Role {
		case agents.RoleSystem:
			params.Messages[i] = openai.SystemMessage(msg.Content)
		case agents.RoleAssistant:
			params.Messages[i] = openai.AssistantMessage(msg.Content)
		default:
			params.Messages[i] = openai.UserMessage(msg.Content)
		}
	}
	resp, err := m.client.Chat.Completions.New(ctx, params)
	if err != nil {
		return agents.Reply{}, m.callError(ctx, err)
	}
	reply := agents.Reply{Model: resp.Model, PromptTokens: tokens(resp.Usage.PromptTokens), CompletionTokens: tokens(resp.Usage.CompletionTokens)}
	if len(resp.Choices) == 0 {
		return reply, nil // an empty answer: the agent asks again
	}
	choice := resp.Choices[0]
	if choice.Message.Refusal != "" {
		return reply, &agents.ModelError{Summary: "the model refused: " + choice.Message.Refusal}
	}
	reply.Content, reply.Truncated = choice.Message.Content, choice.FinishReason == "length"
	return reply, nil
}

// callError makes a failed call an *agents.ModelError, temporary when trying again
// may help. A call cut short by its caller's context returns that
// context's error as it is.
func (m *Client) callError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errCallTimeout) {
			return &agents.ModelError{Temporary: true, Summary: fmt.Sprintf("%v (after %v)", errCallTimeout, m.timeout)}
		}
		return ctx.Err()
	}
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		return &agents.ModelError{Temporary: true, Summary: "no answer from the model server", Err: err}
	}
	code := apiErr.StatusCode
	e := &agents.ModelError{Status: code, Summary: fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))}
	if apiErr.Message != "" {
		e.Err = errors.New(apiErr.Message)
	}
	e.Temporary = code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code == http.StatusConflict || code >= 500
	if e.Temporary && apiErr.Response != nil {
		e.RetryAfter = retryAfter(apiErr.Response.Header, time.Now())
	}
	return e
}

// tokens is a count of tokens as a server reported it, within sense.
func tokens(n int64) int { return int(min(max(n, 0), 1<<24)) }

// retryAfter reads how long a server asked to wait: retry-after-ms (as
// OpenAI sends), or Retry-After in seconds or as an HTTP date; zero when
// absent. It is capped at an hour.
func retryAfter(h http.Header, now time.Time) time.Duration {
	var d time.Duration
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		d = time.Duration(ms * float64(time.Millisecond))
	} else if s, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && s > 0 {
		d = time.Duration(s * float64(time.Second))
	} else if at, err := http.ParseTime(h.Get("Retry-After")); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
