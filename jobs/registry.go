package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"github.com/larderhq/larder/internal/validation"
	"github.com/larderhq/larder/jobs/store"
)

// Registry maps job kinds to their handlers. Register handlers with Handle
// before a Worker runs it.
type Registry struct {
	mu       sync.Mutex
	handlers map[string]handler
	problems []string // kinds registered twice: reported when a worker starts
	validate *validator.Validate
}

// handler runs one job of a kind, its payload still JSON.
type handler func(ctx context.Context, job store.FetchedJob) error

// NewRegistry returns an empty Registry. Payloads are validated with
// Larder's validator (internal/validation): validate tags on the payload
// type, JSON field names in messages.
func NewRegistry() *Registry {
	return &Registry{handlers: map[string]handler{}, validate: validation.New()}
}

// Handle registers fn as the handler of kind. A run decodes the payload
// into P and validates it before fn sees it; a payload that does not
// decode or validate fails for good (the job is discarded with the reason):
// no retry can fix it.
func Handle[P any](r *Registry, kind string, fn func(ctx context.Context, job Job[P]) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.handlers[kind]; taken {
		r.problems = append(r.problems, fmt.Sprintf("kind %q is handled twice", kind))
	}
	r.handlers[kind] = func(ctx context.Context, row store.FetchedJob) error {
		var payload P
		if err := json.Unmarshal(row.Payload, &payload); err != nil {
			return &payloadError{fmt.Errorf("payload does not decode into %T: %w", payload, err)}
		}
		if err := r.check(payload); err != nil {
			return &payloadError{err}
		}
		return fn(ctx, Job[P]{
			ID: row.ID, Kind: row.Kind, Queue: row.Queue, Priority: row.Priority,
			Attempt: row.Attempt, MaxAttempts: row.MaxAttempts, EnqueuedAt: row.CreatedAt, Payload: payload,
		})
	}
}

// check validates a payload that is a struct (or points to one).
func (r *Registry) check(payload any) error {
	v := reflect.ValueOf(payload)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	fields := validation.Fields(r.validate.Struct(v.Interface()), "", nil)
	if len(fields) == 0 {
		return nil
	}
	rules := make([]string, 0, len(fields))
	for path, rule := range fields {
		rules = append(rules, path+" "+rule)
	}
	sort.Strings(rules)
	return errors.New("invalid payload: " + strings.Join(rules, "; "))
}

// payloadError marks a payload no retry can fix.
type payloadError struct{ err error }

func (e *payloadError) Error() string { return e.err.Error() }
func (e *payloadError) Unwrap() error { return e.err }

// err reports registration mistakes.
func (r *Registry) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.problems) == 0 {
		return nil
	}
	return errors.New("jobs registry: " + strings.Join(r.problems, "; "))
}
