package db

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sqlcQuery is one query of a queries/*.sql file.
type sqlcQuery struct {
	name, command, sql string
}

var queryHeader = regexp.MustCompile(`(?m)^-- name: (\w+) :(\w+)\s*$`)

// parseQueries splits a sqlc query file into its queries.
func parseQueries(src string) []sqlcQuery {
	var out []sqlcQuery
	heads := queryHeader.FindAllStringSubmatchIndex(src, -1)
	for i, h := range heads {
		end := len(src)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		out = append(out, sqlcQuery{name: src[h[2]:h[3]], command: src[h[4]:h[5]], sql: src[h[1]:end]})
	}
	return out
}

var (
	writeStatement = regexp.MustCompile(`(?i)\b(INSERT\s+INTO|UPDATE\s+\w+(\s+AS\s+\w+)?\s+SET|DELETE\s+FROM)\b`)
	arrayParam     = regexp.MustCompile(`(@\w+|sqlc\.arg\(\w+\))::\w+\[\]`)
	limitParam     = regexp.MustCompile(`(?i)\bLIMIT\s+@\w+`)
	valuesList     = regexp.MustCompile(`(?i)\bVALUES\s*\(`)
)

// singleRowWrite says why q is a single-row write, or "" when it is not:
// every write must return its rows (:many) and take them as arrays, or
// select a set of them bounded by a LIMIT parameter (the queue's claims).
// A :copyfrom query is COPY, whose one-row VALUES only names the columns:
// sqlc sends it any number of rows.
func singleRowWrite(q sqlcQuery) string {
	body := stripComments(q.sql)
	if !writeStatement.MatchString(body) || q.command == "copyfrom" {
		return ""
	}
	switch {
	case q.command != "many":
		return "a write annotated :" + q.command + ", not :many"
	case valuesList.MatchString(body):
		return "a VALUES (...) list writes a fixed number of rows"
	case q.command == "many" && !arrayParam.MatchString(body) && !limitParam.MatchString(body):
		return "a write without an array parameter or a LIMIT parameter writes one row"
	}
	return ""
}

func stripComments(sql string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(sql, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func TestSingleRowWriteDetector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give sqlcQuery
		bad  bool
	}{
		{name: "unnest insert", give: sqlcQuery{"InsertTags", "many", "INSERT INTO tags (name) SELECT unnest(@names::text[]) RETURNING *;"}},
		{name: "array delete", give: sqlcQuery{"DeleteTags", "many", "DELETE FROM tags WHERE id = ANY(@ids::uuid[]) RETURNING *;"}},
		{name: "a read", give: sqlcQuery{"SelectTags", "one", "SELECT * FROM tags WHERE id = @id;"}},
		{name: "a set bounded by a limit", give: sqlcQuery{"ClaimJobs", "many",
			"WITH p AS (SELECT id FROM jobs LIMIT @row_limit FOR UPDATE SKIP LOCKED) UPDATE jobs SET state = 'running' WHERE id = ANY(ARRAY(SELECT id FROM p)) RETURNING id;"}},
		{name: "a bulk load", give: sqlcQuery{"CopyTags", "copyfrom", "INSERT INTO tags (name) VALUES (@name);"}},
		{name: "exec insert", give: sqlcQuery{"InsertTag", "exec", "INSERT INTO tags (name) SELECT unnest(@names::text[]);"}, bad: true},
		{name: "one row by VALUES", give: sqlcQuery{"InsertTag", "many", "INSERT INTO tags (name) VALUES (@name) RETURNING *;"}, bad: true},
		{name: "scalar update", give: sqlcQuery{"UpdateTag", "many", "UPDATE tags SET name = @name WHERE id = @id RETURNING *;"}, bad: true},
		{name: "scalar delete", give: sqlcQuery{"DeleteTag", "one", "DELETE FROM tags WHERE id = @id RETURNING *;"}, bad: true},
		{name: "commented-out arrays do not count", give: sqlcQuery{"UpdateTag", "many", "-- @ids::uuid[]\nUPDATE tags AS t SET name = @name WHERE id = @id RETURNING *;"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.bad, singleRowWrite(tt.give) != "")
		})
	}
}

// TestNoSingleRowWrites holds queries/ to the many-first rule: no query
// writes a single row.
func TestNoSingleRowWrites(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../queries/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	writes := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		queries := parseQueries(string(src))
		require.NotEmpty(t, queries, file)
		for _, q := range queries {
			why := singleRowWrite(q)
			require.Empty(t, why, "%s: %s is a single-row write: %s", filepath.Base(file), q.name, why)
			if writeStatement.MatchString(stripComments(q.sql)) {
				writes++
			}
		}
	}
	require.GreaterOrEqual(t, writes, 30, "the detector found too few writes to be looking at the right files")
}
