package telemetry

import "testing"

func TestDescribeNamesAStatement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                          string
		give                          string
		wantName, wantSummary, wantOp string
	}{
		{"plain", "SELECT 1", "SELECT", "", "SELECT"},
		{"lower case", "  insert into t values (1)", "INSERT", "", "INSERT"},
		{"sqlc", "-- name: InsertFoods :many\nINSERT INTO foods SELECT ...", "InsertFoods", "InsertFoods", "INSERT"},
		{"sqlc with comments", "-- name: FetchJobs :many\n-- why\nWITH picked AS (SELECT 1) UPDATE jobs ...", "FetchJobs", "FetchJobs", ""},
		{"a call", "begin", "BEGIN", "", "BEGIN"},
		{"a parenthesis", "(SELECT 1) UNION (SELECT 2)", "postgresql", "", ""},
		{"empty", "", "postgresql", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, summary, op := describe(tt.give)
			if name != tt.wantName || summary != tt.wantSummary || op != tt.wantOp {
				t.Errorf("describe(%q) = %q, %q, %q; want %q, %q, %q", tt.give, name, summary, op, tt.wantName, tt.wantSummary, tt.wantOp)
			}
		})
	}
}

func TestTruncateCutsOnACharactersBoundary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		n    int
		want string
	}{
		{"short", "abc", 5, "abc"},
		{"cut", "abcdef", 3, "abc"},
		{"inside a character", "aé", 2, "a"}, // é is 2 bytes
		{"after a character", "aéb", 3, "aé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := truncate(tt.give, tt.n); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.give, tt.n, got, tt.want)
			}
		})
	}
}
