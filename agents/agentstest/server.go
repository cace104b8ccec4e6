// Package agentstest runs an in-process server of the Chat Completions API
// for tests of agents: it checks that each request is one the protocol
// allows (and that a structured-output client sends), records it, and
// answers as the test scripts. Point a chat.Client at it with Server.Model.
package agentstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/agents/chat"
)

// ModelName is the model a Server's chat.Client asks for, and APIKey the key
// it sends.
const (
	ModelName = "larder-test-model"
	APIKey    = "test-key"
)

// Request is a request the server received.
type Request struct {
	Model          string
	Messages       []agents.Message
	SchemaName     string
	Schema         map[string]any
	Strict         bool
	Temperature    *float64
	MaxTokens      int
	Authorization  string
	At             time.Time
	ResponseFormat string // "json_schema" for structured output
}

// LastUser is the content of the request's last user message.
func (r Request) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == agents.RoleUser {
			return r.Messages[i].Content
		}
	}
	return ""
}

// Answer is how the server answers one request.
type Answer struct {
	Status       int               // default 200
	Content      string            // the answer's message content (200)
	Refusal      string            // a refusal instead (200)
	FinishReason string            // default "stop"
	Message      string            // the error's message (not 200)
	Header       map[string]string // extra response headers: Retry-After...
	Delay        time.Duration     // wait this long before answering
	Tokens       [2]int            // prompt and completion tokens; default 10 and 5
}

// JSON answers with v marshalled as the content (a 500 naming the error if
// v does not marshal).
func JSON(v any) Answer {
	b, err := json.Marshal(v)
	if err != nil {
		return Fail(http.StatusInternalServerError, "agentstest.JSON: "+err.Error())
	}
	return Answer{Content: string(b)}
}

// Text answers with content as it is (malformed JSON, say).
func Text(content string) Answer { return Answer{Content: content} }

// Fail answers with an HTTP error status and message.
func Fail(status int, message string) Answer { return Answer{Status: status, Message: message} }

// Server is a Chat Completions server for a test.
type Server struct {
	URL string // the API's root, ending in /v1

	t      testing.TB
	answer func(Request) Answer
	mu     sync.Mutex
	reqs   []Request
}

// NewServer starts a server that answers each request with answer(request)
// (called concurrently), and stops it when the test ends.
func NewServer(t testing.TB, answer func(Request) Answer) *Server {
	s := &Server{t: t, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v1"
	return s
}

// Model returns a chat.Client pointed at the server, with a per-call timeout
// (zero: the default).
func (s *Server) Model(timeout time.Duration) *chat.Client {
	m, err := chat.New(chat.Config{Model: ModelName, BaseURL: s.URL, APIKey: APIKey, Timeout: timeout})
	if err != nil {
		s.t.Fatalf("agentstest: %v", err)
	}
	return m
}

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Count is how many requests the server received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// wire is the part of a Chat Completions request the server reads.
type wire struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat struct {
		Type       string `json:"type"`
		JSONSchema struct {
			Name   string         `json:"name"`
			Strict bool           `json:"strict"`
			Schema map[string]any `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
	Temperature         *float64 `json:"temperature"`
	MaxCompletionTokens int      `json:"max_completion_tokens"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	var body wire
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions":
		s.reject(w, http.StatusNotFound, fmt.Sprintf("%s %s is not the Chat Completions endpoint", r.Method, r.URL.Path))
		return
	case json.NewDecoder(r.Body).Decode(&body) != nil:
		s.reject(w, http.StatusBadRequest, "the body is not JSON")
		return
	case body.Model == "" || len(body.Messages) == 0:
		s.reject(w, http.StatusBadRequest, "a request needs a model and messages")
		return
	case body.ResponseFormat.Type != "json_schema" || !body.ResponseFormat.JSONSchema.Strict || body.ResponseFormat.JSONSchema.Name == "":
		s.reject(w, http.StatusBadRequest, "a request asks for structured output: a named json_schema response format, strict")
		return
	}
	if problems := strictProblems(body.ResponseFormat.JSONSchema.Schema, "schema"); len(problems) > 0 {
		s.reject(w, http.StatusBadRequest, "the schema is not one strict structured output accepts: "+strings.Join(problems, "; "))
		return
	}
	req := Request{
		Model: body.Model, SchemaName: body.ResponseFormat.JSONSchema.Name, Schema: body.ResponseFormat.JSONSchema.Schema,
		Strict: body.ResponseFormat.JSONSchema.Strict, Temperature: body.Temperature, MaxTokens: body.MaxCompletionTokens,
		Authorization: r.Header.Get("Authorization"), At: time.Now(), ResponseFormat: body.ResponseFormat.Type,
	}
	for _, m := range body.Messages {
		req.Messages = append(req.Messages, agents.Message{Role: agents.Role(m.Role), Content: m.Content})
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()

	a := s.answer(req)
	if a.Delay > 0 {
		select {
		case <-time.After(a.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range a.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if a.Status != 0 && a.Status != http.StatusOK {
		w.WriteHeader(a.Status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": a.Message, "type": "test_error", "code": strconv.Itoa(a.Status)}})
		return
	}
	finish := a.FinishReason
	if finish == "" {
		finish = "stop"
	}
	tokens := a.Tokens
	if tokens == [2]int{} {
		tokens = [2]int{10, 5}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": a.Content, "refusal": nullable(a.Refusal)},
		}},
		"usage": map[string]any{"prompt_tokens": tokens[0], "completion_tokens": tokens[1], "total_tokens": tokens[0] + tokens[1]},
	})
}

// strictKeywords are the JSON Schema keywords strict structured output
// accepts.
var strictKeywords = map[string]bool{
	"type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"enum": true, "const": true, "description": true, "anyOf": true, "$defs": true, "$ref": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minItems": true, "maxItems": true, "pattern": true, "format": true,
}

// strictProblems lists what keeps schema (at path at) from being one that
// strict structured output accepts: an unknown keyword, an object that
// does not require every property or allows others, an enum value of
// another type than its schema's.
func strictProblems(schema map[string]any, at string) []string {
	if schema == nil {
		return []string{at + ": missing"}
	}
	var problems []string
	for k := range schema {
		if !strictKeywords[k] {
			problems = append(problems, fmt.Sprintf("%s: keyword %q", at, k))
		}
	}
	sub := func(v any, path string) {
		m, ok := v.(map[string]any)
		if !ok {
			problems = append(problems, path+": not a schema")
			return
		}
		problems = append(problems, strictProblems(m, path)...)
	}
	switch schema["type"] {
	case "object":
		props, _ := schema["properties"].(map[string]any)
		required := map[string]bool{}
		list, _ := schema["required"].([]any)
		for _, r := range list {
			name, _ := r.(string)
			required[name] = true
		}
		for name, p := range props {
			if !required[name] {
				problems = append(problems, fmt.Sprintf("%s: property %q is not required", at, name))
			}
			sub(p, at+"."+name)
		}
		if len(required) != len(props) {
			problems = append(problems, at+": required names properties it does not have")
		}
		if schema["additionalProperties"] != false {
			problems = append(problems, at+": additionalProperties must be false")
		}
	case "array":
		sub(schema["items"], at+"[]")
	}
	if anyOf, ok := schema["anyOf"].([]any); ok {
		for i, alt := range anyOf {
			sub(alt, fmt.Sprintf("%s.anyOf[%d]", at, i))
		}
	}
	if enum, ok := schema["enum"].([]any); ok {
		for _, v := range enum {
			_, isString := v.(string)
			_, isNumber := v.(float64)
			if schema["type"] == "string" && !isString || (schema["type"] == "integer" || schema["type"] == "number") && !isNumber {
				problems = append(problems, fmt.Sprintf("%s: enum value %v is not a %v", at, v, schema["type"]))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// reject answers a request the protocol does not allow, and fails the test.
func (s *Server) reject(w http.ResponseWriter, status int, why string) {
	s.t.Errorf("agentstest: %s", why)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": why}})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
