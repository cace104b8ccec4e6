package jobs

import (
	"encoding/json"
	"fmt"
	"time"
)

// AttemptError is one entry of a job's error history (Row.Errors): the
// attempt that failed, its error, when, and a panic's stack. A rescued
// job's lost run is an entry too ("lease expired: ...").
type AttemptError struct {
	Attempt int32     `json:"attempt"`
	Error   string    `json:"error"`
	At      time.Time `json:"at"`
	Trace   string    `json:"trace,omitempty"`
}

// History decodes a job's error history, oldest first; a job that never
// failed has none.
func History(row *Row) ([]AttemptError, error) {
	if len(row.Errors) == 0 {
		return nil, nil
	}
	var out []AttemptError
	if err := json.Unmarshal(row.Errors, &out); err != nil {
		return nil, fmt.Errorf("job %d: error history: %w", row.ID, err)
	}
	return out, nil
}

// LastError is the newest entry of a job's error history, and false when
// it has none (or the history does not decode).
func LastError(row *Row) (AttemptError, bool) {
	history, err := History(row)
	if err != nil || len(history) == 0 {
		return AttemptError{}, false
	}
	return history[len(history)-1], true
}
