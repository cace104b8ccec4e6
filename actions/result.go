package actions

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Result is what every action returns: Success and Data, or an Error.
// Actions never panic and never return a bare error, so a caller (an HTTP
// handler, a job) can hand a Result on as it is: it marshals to
// {"success": true, "data": ...} or {"success": false, "error": {...}}.
type Result[T any] struct {
	Success bool
	Data    T
	Error   *Error
}

// Err returns the result's error as an error, or nil on success, for
// errors.Is and errors.As:
//
//	if err := res.Err(); errors.Is(err, actions.ErrNotFound) { ... }
func (r Result[T]) Err() error {
	if r.Error == nil {
		return nil
	}
	return r.Error
}

// Get returns the data and Err(), for Go callers that want the usual pair:
//
//	foods, err := acts.CreateFoods(ctx, me, in).Get()
func (r Result[T]) Get() (T, error) { return r.Data, r.Err() }

// MarshalJSON writes data on success and error on failure, never both.
func (r Result[T]) MarshalJSON() ([]byte, error) {
	if r.Error != nil {
		return json.Marshal(struct {
			Success bool   `json:"success"`
			Error   *Error `json:"error"`
		}{false, r.Error})
	}
	return json.Marshal(struct {
		Success bool `json:"success"`
		Data    T    `json:"data"`
	}{true, r.Data})
}

// Code classifies an Error; an HTTP layer maps each to a status.
type Code string

// Error codes.
const (
	// CodeInvalid: the input breaks a rule; Fields says where. Nothing was
	// written.
	CodeInvalid Code = "invalid"
	// CodeNotFound: a row the action works on does not exist, or belongs to
	// another user.
	CodeNotFound Code = "not_found"
	// CodeConflict: the action clashes with what is stored (a taken email,
	// a food still used by a recipe).
	CodeConflict Code = "conflict"
	// CodeForbidden: the acting user may not do this (no user, or a write
	// to the shared catalog).
	CodeForbidden Code = "forbidden"
	// CodeInternal: something failed that the caller cannot fix; it is
	// logged, and its message says nothing of it.
	CodeInternal Code = "internal"
)

// HTTPStatus is the HTTP status of a response that carries an Error of
// code c: 422, 404, 409, 403, and 500 for internal and any code not
// listed above.
func (c Code) HTTPStatus() int {
	switch c {
	case CodeInvalid:
		return http.StatusUnprocessableEntity
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeForbidden:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// Error is the one error type actions return: a code, a message meant for
// people, and for invalid input (and field-level conflicts) the rule each
// field breaks, keyed by its path in the input: "items[2].quantity".
type Error struct {
	Code    Code              `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// Sentinels to match an Error's code with errors.Is.
var (
	ErrInvalid   = &Error{Code: CodeInvalid}
	ErrNotFound  = &Error{Code: CodeNotFound}
	ErrConflict  = &Error{Code: CodeConflict}
	ErrForbidden = &Error{Code: CodeForbidden}
	ErrInternal  = &Error{Code: CodeInternal}
)

func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Message
}

// Is reports whether target is an Error of the same code, so that
// errors.Is(err, actions.ErrNotFound) matches every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// fieldsError builds an Error whose message names the first broken rule
// (in path order) and how many more there are.
func fieldsError(code Code, fields map[string]string) *Error {
	paths := slices.Sorted(maps.Keys(fields))
	msg := paths[0] + " " + fields[paths[0]]
	if len(paths) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(paths)-1)
	}
	return &Error{Code: code, Message: msg, Fields: fields}
}

// invalid is a one-field invalid-input error.
func invalid(path, rule string) *Error {
	return fieldsError(CodeInvalid, map[string]string{path: rule})
}

func notFound(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// internalError is what a caller sees of a failure it cannot fix.
func internalError() *Error {
	return &Error{Code: CodeInternal, Message: "internal error"}
}

// idAt is the path of the i'th id of a batch of ids: "ids[3]".
func idAt(i int) string { return path("ids", i) }

// path joins a batch's root and an element index: path("items", 2) is
// "items[2]"; with more parts, "items[2].quantity".
func path(root string, i int, parts ...string) string {
	p := fmt.Sprintf("%s[%d]", root, i)
	if len(parts) > 0 {
		p += "." + strings.Join(parts, ".")
	}
	return p
}
