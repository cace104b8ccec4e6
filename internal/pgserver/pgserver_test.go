package pgserver

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give, name, want string
	}{
		{give: DevURL, name: "larder", want: "postgres://postgres@127.0.0.1:54329/larder?sslmode=disable"},
		{give: "postgres://u:p%40ss@db:5432/app?x=1", name: "other", want: "postgres://u:p%40ss@db:5432/other?x=1"},
	}
	for _, tt := range tests {
		got, err := WithDatabase(tt.give, tt.name)
		require.NoError(t, err)
		require.Equal(t, tt.want, got)
	}
}

func TestWithDatabaseDoesNotEchoABadURL(t *testing.T) {
	t.Parallel()
	_, err := WithDatabase("postgres://user:secret@host:bad port/db", "x")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secret")
}

func TestRedact(t *testing.T) {
	t.Parallel()
	require.Equal(t, "postgres://u:xxxxx@db/app", redact("postgres://u:secret@db/app"))
}

func TestVersionOf(t *testing.T) {
	t.Parallel()
	require.Equal(t, 17, versionOf("/usr/lib/postgresql/17/bin"))
	require.Equal(t, 0, versionOf("/opt/pg/bin"))
}

func TestTail(t *testing.T) {
	t.Parallel()
	require.Equal(t, "cdef", tail([]byte("abcdef\n"), 5))
	require.Equal(t, "ab", tail([]byte(" ab "), 10))
}
