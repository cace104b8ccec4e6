package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/jobs"
)

// TestJobsUsageErrors runs the jobs commands without a database (not
// parallel: it sets DATABASE_URL to one that answers nowhere): every usage
// error is found before the database is needed.
func TestJobsUsageErrors(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "the jobs help", args: []string{"jobs", "-h"}, code: 0, want: "larder jobs list -state discarded -since 1h"},
		{name: "a subcommand's help", args: []string{"jobs", "retry", "-h"}, code: 0, want: "With neither IDs\nnor a filter it refuses"},
		{name: "serve's help names the rules", args: []string{"jobs", "serve", "-h"}, code: 0, want: "needs a\ntoken of at least 16 characters"},
		{name: "no subcommand", args: []string{"jobs"}, code: 2, want: "want list, show, retry, cancel, stats or serve"},
		{name: "an unknown subcommand", args: []string{"jobs", "purge"}, code: 2, want: `unknown command "purge"`},
		{name: "a bad state", args: []string{"jobs", "list", "-state", "failed"}, code: 2, want: `-state "failed" is not a state`},
		{name: "a bad format", args: []string{"jobs", "list", "-format", "xml"}, code: 2, want: "-format is table or json"},
		{name: "a bad limit", args: []string{"jobs", "list", "-limit", "5000"}, code: 2, want: "-limit is 1 to 1000"},
		{name: "a bad time", args: []string{"jobs", "list", "-from", "yesterday"}, code: 2, want: "-from wants an RFC 3339 time"},
		{name: "since and from", args: []string{"jobs", "list", "-since", "1h", "-from", "2026-11-25T09:00:00Z"}, code: 2, want: "give -since or -from, not both"},
		{name: "an empty range", args: []string{"jobs", "retry", "-from", "2026-11-25T09:00:00Z", "-before", "2026-11-25T08:00:00Z"}, code: 2, want: "the time range is empty"},
		{name: "show without an id", args: []string{"jobs", "show"}, code: 2, want: "want one job id"},
		{name: "show with two", args: []string{"jobs", "show", "1", "2"}, code: 2, want: "want one job id"},
		{name: "not an id", args: []string{"jobs", "cancel", "abc"}, code: 2, want: `"abc" is not a job id`},
		{name: "a flag after the id", args: []string{"jobs", "show", "7", "-format", "yaml"}, code: 2, want: "-format is table or json"},
		{name: "a tiny window", args: []string{"jobs", "stats", "-window", "10ms"}, code: 2, want: "-window is at least 1s"},
		{name: "serve on every interface without a token", args: []string{"jobs", "serve", "-addr", ":8089"}, code: 2, want: "is not a loopback address"},
		{name: "serve on a LAN address without a token", args: []string{"jobs", "serve", "-addr", "192.168.1.20:8089"}, code: 2, want: "give it a token"},
		{name: "serve with a short token", args: []string{"jobs", "serve", "-addr", "0.0.0.0:8089", "-token", "secret"}, code: 2, want: "use at least 16"},
		{name: "serve with no port", args: []string{"jobs", "serve", "-addr", "localhost"}, code: 2, want: "-addr wants host:port"},
		// Past the checks, the database does not answer: a failure.
		{name: "list without a database", args: []string{"jobs", "list"}, code: 1, want: "larder jobs: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			require.Equal(t, tt.code, code, "%s%s", stdout.String(), stderr.String())
			require.Contains(t, stdout.String()+stderr.String(), tt.want)
		})
	}
}

func TestJobsFilterFromFlags(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	from := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		flags jobsFlags
		ids   []int64
		want  jobs.Filter
	}{
		{name: "nothing", want: jobs.Filter{}},
		{name: "ids", ids: []int64{3, 1}, want: jobs.Filter{IDs: []int64{3, 1}}},
		{name: "kind, queue and state", flags: jobsFlags{kind: "k", queue: "q", state: "discarded"}, want: jobs.Filter{Kind: "k", Queue: "q", State: jobs.StateDiscarded}},
		{name: "since", flags: jobsFlags{since: time.Hour}, want: jobs.Filter{CreatedFrom: now.Add(-time.Hour)}},
		{name: "from and before", flags: jobsFlags{from: "2026-11-25T08:00:00Z", before: "2026-11-25T10:00:00+01:00"},
			want: jobs.Filter{CreatedFrom: from, CreatedBefore: from.Add(time.Hour)}},
	}
	for _, tt := range tests {
		got, err := tt.flags.filter(now, tt.ids)
		require.NoError(t, err, tt.name)
		require.True(t, tt.want.CreatedBefore.Equal(got.CreatedBefore), tt.name)
		got.CreatedBefore = tt.want.CreatedBefore
		require.Equal(t, tt.want, got, tt.name)
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true}, {"127.0.0.2", true}, {"::1", true}, {"localhost", true},
		{"", false}, {"0.0.0.0", false}, {"::", false}, {"192.168.1.20", false}, {"example.com", false}, {"localhost.example.com", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, isLoopback(tt.host), tt.host)
	}
}

func TestLoopbackHostsOnly(t *testing.T) {
	t.Parallel()
	h := loopbackHostsOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8089", http.StatusOK}, {"localhost:8089", http.StatusOK}, {"[::1]:8089", http.StatusOK}, {"localhost", http.StatusOK},
		{"rebound.example:8089", http.StatusForbidden}, {"192.168.1.20:8089", http.StatusForbidden}, {"", http.StatusForbidden},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = tt.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, tt.want, w.Code, tt.host)
	}
}

func TestJobsTables(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	finished := at.Add(time.Minute)
	rows := []jobs.Row{
		{ID: 1, Kind: "pantry.digest", Queue: "default", State: jobs.StatePending, MaxAttempts: 25, RunAt: at, Errors: json.RawMessage(`[]`)},
		{ID: 22, Kind: "agents.generate", Queue: "agents", State: jobs.StateDiscarded, Attempt: 3, MaxAttempts: 3, RunAt: at, FinishedAt: &finished,
			Errors: json.RawMessage(`[{"attempt":3,"error":"model: 503\nbody","at":"2026-11-25T09:31:00Z"}]`)},
	}
	var b strings.Builder
	require.NoError(t, writeJobsTable(&b, rows))
	require.Equal(t, ""+
		"id  kind             queue    state      attempt  run at                finished              last error\n"+
		"1   pantry.digest    default  pending    0/25     2026-11-25T09:30:00Z  -                     \n"+
		"22  agents.generate  agents   discarded  3/3      2026-11-25T09:30:00Z  2026-11-25T09:31:00Z  model: 503…\n", b.String())

	b.Reset()
	require.NoError(t, writeChanged(&b, "cancel", []int64{22, 5}, []jobs.Row{
		{ID: 22, Kind: "agents.generate", Queue: "agents", State: jobs.StateRunning, Attempt: 1, MaxAttempts: 3},
	}))
	require.Contains(t, b.String(), "cancelled 0 jobs; asked the workers of 1 running job to stop\n")
	require.Contains(t, b.String(), "left alone: 5 (already finished")

	b.Reset()
	require.NoError(t, writeStats(&b, 5*time.Minute, statsReport{
		Counts: []jobs.Count{{Queue: "agents", State: jobs.StatePending, Jobs: 2}, {Queue: "default", State: jobs.StateDiscarded, Jobs: 1}},
		Queues: []queueActivity{{QueueStats: jobs.QueueStats{Queue: "default", Completed: 300, WaitP50Ms: 1.5, WaitP99Ms: 40, RunP50Ms: 0.25, RunP99Ms: 1500}, Finished: 300, JobsPerSecond: 1}},
	}))
	require.Regexp(t, `agents\s+2\s+0\s+0\s+0\s+0\s+2`, b.String())
	require.Regexp(t, `all\s+2\s+0\s+0\s+0\s+1\s+3`, b.String())
	require.Contains(t, b.String(), "the last 5m0s:")
	require.Regexp(t, `default\s+300\s+300\s+0\s+0\s+1.00\s+1.5ms\s+40ms\s+250µs\s+1.5s`, b.String())
}
