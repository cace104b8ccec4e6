package chat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/larderhq/larder/agents"
	"github.com/larderhq/larder/agents/agentstest"
	"github.com/larderhq/larder/agents/chat"
)

func completion() agents.Completion {
	temp := 0.2
	return agents.Completion{
		Messages:   []agents.Message{{Role: agents.RoleSystem, Content: "be brief"}, {Role: agents.RoleUser, Content: "hi"}, {Role: agents.RoleAssistant, Content: "{}"}, {Role: agents.RoleUser, Content: "again"}},
		SchemaName: "greeter",
		Schema:     map[string]any{"type": "object", "properties": map[string]any{}, "required": []string{}, "additionalProperties": false},
		Settings:   agents.Settings{Temperature: &temp, MaxTokens: 300},
	}
}

func TestClientSendsAStructuredOutputRequest(t *testing.T) {
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer {
		return agentstest.Answer{Content: `{"hello":"world"}`, Tokens: [2]int{42, 7}}
	})
	reply, err := srv.Model(0).Complete(t.Context(), completion())
	if err != nil {
		t.Fatal(err)
	}
	if reply.Content != `{"hello":"world"}` || reply.Model != agentstest.ModelName || reply.PromptTokens != 42 || reply.CompletionTokens != 7 || reply.Truncated {
		t.Errorf("reply %+v", reply)
	}
	req := srv.Requests()[0]
	if req.Model != agentstest.ModelName || req.Authorization != "Bearer "+agentstest.APIKey {
		t.Errorf("model %q, authorization %q", req.Model, req.Authorization)
	}
	if req.ResponseFormat != "json_schema" || req.SchemaName != "greeter" || !req.Strict || req.Schema["type"] != "object" {
		t.Errorf("response format %q %q strict=%v %v", req.ResponseFormat, req.SchemaName, req.Strict, req.Schema)
	}
	if req.Temperature == nil || *req.Temperature != 0.2 || req.MaxTokens != 300 {
		t.Errorf("settings %v %d", req.Temperature, req.MaxTokens)
	}
	roles := []agents.Role{}
	for _, m := range req.Messages {
		roles = append(roles, m.Role)
	}
	if got := len(roles); got != 4 || roles[0] != agents.RoleSystem || roles[2] != agents.RoleAssistant || req.LastUser() != "again" {
		t.Errorf("messages %+v", req.Messages)
	}

	c := completion()
	c.Settings = agents.Settings{Model: "another-model"}
	if _, err := srv.Model(0).Complete(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if req := srv.Requests()[1]; req.Model != "another-model" || req.Temperature != nil || req.MaxTokens != 0 {
		t.Errorf("an agent's settings: %+v", req)
	}
}

func TestClientErrors(t *testing.T) {
	inAMinute := time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		answer     agentstest.Answer
		status     int
		temporary  bool
		retryAfter [2]time.Duration // bounds
		message    string
	}{
		{"rate limited, seconds", agentstest.Answer{Status: 429, Message: "slow down", Header: map[string]string{"Retry-After": "3"}}, 429, true, [2]time.Duration{3 * time.Second, 3 * time.Second}, "slow down"},
		{"rate limited, ms", agentstest.Answer{Status: 429, Header: map[string]string{"Retry-After-Ms": "250", "Retry-After": "9"}}, 429, true, [2]time.Duration{250 * time.Millisecond, 250 * time.Millisecond}, "HTTP 429"},
		{"rate limited, date", agentstest.Answer{Status: 429, Header: map[string]string{"Retry-After": inAMinute}}, 429, true, [2]time.Duration{50 * time.Second, time.Minute}, "HTTP 429"},
		{"rate limited, for days", agentstest.Answer{Status: 429, Header: map[string]string{"Retry-After": "999999"}}, 429, true, [2]time.Duration{time.Hour, time.Hour}, "HTTP 429"},
		{"rate limited, no header", agentstest.Fail(429, "busy"), 429, true, [2]time.Duration{}, "busy"},
		{"server error", agentstest.Fail(503, "overloaded"), 503, true, [2]time.Duration{}, "HTTP 503 Service Unavailable: overloaded"},
		{"server error, come back later", agentstest.Answer{Status: 503, Header: map[string]string{"Retry-After": "7"}}, 503, true, [2]time.Duration{7 * time.Second, 7 * time.Second}, "HTTP 503"},
		{"bad request", agentstest.Fail(400, "Invalid schema for response_format"), 400, false, [2]time.Duration{}, "Invalid schema"},
		{"bad key", agentstest.Fail(401, "Incorrect API key provided"), 401, false, [2]time.Duration{}, "Incorrect API key"},
		{"refusal", agentstest.Answer{Refusal: "I cannot help with that"}, 0, false, [2]time.Duration{}, "the model refused: I cannot help with that"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer { return tt.answer })
			_, err := srv.Model(0).Complete(t.Context(), completion())
			var me *agents.ModelError
			if !errors.As(err, &me) {
				t.Fatalf("err %v, want a *ModelError", err)
			}
			if me.Status != tt.status || me.Temporary != tt.temporary || me.RetryAfter < tt.retryAfter[0] || me.RetryAfter > tt.retryAfter[1] {
				t.Errorf("%+v, want status %d temporary %v retry after %v", me, tt.status, tt.temporary, tt.retryAfter)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("%q lacks %q", err, tt.message)
			}
			if tt.status != 0 && me.Summary != fmt.Sprintf("HTTP %d %s", tt.status, http.StatusText(tt.status)) {
				t.Errorf("summary %q: a generation shows the status, not the server's words", me.Summary)
			}
		})
	}
}

func TestClientTimeouts(t *testing.T) {
	srv := agentstest.NewServer(t, func(agentstest.Request) agentstest.Answer {
		return agentstest.Answer{Delay: 5 * time.Second, Content: "{}"}
	})

	_, err := srv.Model(100*time.Millisecond).Complete(t.Context(), completion())
	var me *agents.ModelError
	if !errors.As(err, &me) || !me.Temporary || !strings.Contains(err.Error(), "did not answer in time (after 100ms)") {
		t.Errorf("its own timeout: %v, want a temporary ModelError", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = srv.Model(0).Complete(ctx, completion())
	if !errors.Is(err, context.Canceled) || errors.As(err, &me) {
		t.Errorf("the caller's cancellation: %v, want context.Canceled as it is", err)
	}
}

func TestClientWithoutAServer(t *testing.T) {
	m, err := chat.New(chat.Config{Model: "m", BaseURL: "http://127.0.0.1:1/v1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Complete(t.Context(), completion())
	var me *agents.ModelError
	if !errors.As(err, &me) || !me.Temporary || me.Status != 0 {
		t.Errorf("no server: %v, want a temporary ModelError", err)
	}
	if _, err := chat.New(chat.Config{}); err == nil {
		t.Error("a client without a model name")
	}
}

func TestModelFromEnv(t *testing.T) {
	t.Setenv(chat.EnvModel, "")
	if m, err := chat.FromEnv(); m != nil || err != nil {
		t.Errorf("unset: %v %v, want no model", m, err)
	}
	t.Setenv(chat.EnvModel, "llama3.1")
	t.Setenv(chat.EnvBaseURL, "http://localhost:11434/v1")
	if m, err := chat.FromEnv(); m == nil || err != nil {
		t.Errorf("set: %v %v", m, err)
	}
	for _, bad := range []string{"soon", "-1s", "4m"} {
		t.Setenv(chat.EnvTimeout, bad)
		if _, err := chat.FromEnv(); err == nil || !strings.Contains(err.Error(), "LARDER_MODEL_TIMEOUT") {
			t.Errorf("timeout %q: %v", bad, err)
		}
	}
}
