package jobs_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/jobs"
)

func TestHistory(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		errors   string
		want     []jobs.AttemptError
		wantLast string
	}{
		{name: "never failed", errors: `[]`, want: []jobs.AttemptError{}},
		{name: "no history at all", errors: ``, want: nil},
		{name: "two attempts and a panic", errors: `[{"attempt":1,"error":"timeout","at":"2026-11-25T09:30:00Z"},` +
			`{"attempt":2,"error":"panic: boom","at":"2026-11-25T09:30:00+00:00","trace":"goroutine 1"}]`,
			want:     []jobs.AttemptError{{Attempt: 1, Error: "timeout", At: at}, {Attempt: 2, Error: "panic: boom", At: at, Trace: "goroutine 1"}},
			wantLast: "panic: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			row := jobs.Row{ID: 7, Errors: json.RawMessage(tt.errors)}
			got, err := jobs.History(&row)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i, want := range tt.want {
				require.True(t, want.At.Equal(got[i].At), "attempt %d at %v", want.Attempt, got[i].At)
				got[i].At = want.At // the same instant, in another zone
				require.Equal(t, want, got[i])
			}
			last, ok := jobs.LastError(&row)
			require.Equal(t, tt.wantLast != "", ok)
			require.Equal(t, tt.wantLast, last.Error)
		})
	}
}

func TestHistoryThatDoesNotDecode(t *testing.T) {
	t.Parallel()
	_, err := jobs.History(&jobs.Row{ID: 7, Errors: json.RawMessage(`{"not":"an array"}`)})
	require.ErrorContains(t, err, "job 7: error history")
}
