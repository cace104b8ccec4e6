package db

import (
	"time"

	"github.com/google/uuid"
)

// The queries send "no value" in arrays as a sentinel that SQL turns back
// into NULL with nullif: sqlc types array elements as non-null. These
// helpers build the optional scalar parameters of list filters.

// nonEmpty is s, or nil (no filter) when s is empty.
// nonEmptyIn is s itself, or nil when *s is empty: nonEmpty without a
// copy, for bulk loads that point into their input.
func nonEmptyIn(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

func nonEmpty[S ~string](s S) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}

// nonNil is id, or nil (no filter) when id is the nil uuid.
func nonNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// orNil is the uuid a pointer holds, or the nil uuid (NULL in the insert
// queries' nullif) for a nil pointer.
func orNil(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}

// noDate is the date sent for "no date": 0001-01-01, NULL after nullif.
var noDate = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// dateOr is the date a pointer holds (see dateOf), or noDate.
func dateOr(d *time.Time) time.Time {
	if d == nil {
		return noDate
	}
	return dateOf(*d)
}

// dateOf is t's calendar date (in t's location) at midnight UTC: the form
// pgx sends for a date parameter without shifting the day.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// deref is what p points to, or T's zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
