package dashboard

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/many"
)

const token = "0123456789abcdef-test-token"

// noDatabase is a many.DBTX whose every call fails: these tests stop
// before the database, or check that a failure is a 500.
type noDatabase struct{}

var errNoDatabase = errors.New("no database in unit tests")

func (noDatabase) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errNoDatabase
}
func (noDatabase) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, errNoDatabase }
func (noDatabase) QueryRow(context.Context, string, ...any) pgx.Row        { return errRow{} }
func (noDatabase) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errNoDatabase
}
func (noDatabase) Begin(context.Context) (pgx.Tx, error) { return nil, errNoDatabase }

type errRow struct{}

func (errRow) Scan(...any) error { return errNoDatabase }

var _ many.DBTX = noDatabase{}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// serve runs one request through a dashboard with opts.
func serve(opts Options, r *http.Request) *httptest.ResponseRecorder {
	opts.Logger = quiet()
	w := httptest.NewRecorder()
	New(noDatabase{}, opts).ServeHTTP(w, r)
	return w
}

func TestTokenGuardsEveryRequest(t *testing.T) {
	t.Parallel()
	session := newTokenGuard(token, "").session
	tests := []struct {
		name     string
		method   string
		target   string
		header   map[string]string
		cookie   string
		want     int
		location string
	}{
		{name: "no token", method: "GET", target: "/static/style.css", want: http.StatusUnauthorized},
		{name: "a wrong bearer token", method: "GET", target: "/static/style.css", header: map[string]string{"Authorization": "Bearer nope"}, want: http.StatusUnauthorized},
		{name: "the bearer token", method: "GET", target: "/static/style.css", header: map[string]string{"Authorization": "Bearer " + token}, want: http.StatusOK},
		{name: "a wrong cookie", method: "GET", target: "/static/style.css", cookie: "forged", want: http.StatusUnauthorized},
		{name: "the cookie", method: "GET", target: "/static/style.css", cookie: session, want: http.StatusOK},
		{name: "a wrong ?token", method: "GET", target: "/?token=nope", want: http.StatusUnauthorized},
		{name: "?token sets the cookie and drops itself", method: "GET", target: "/jobs?state=discarded&token=" + token, want: http.StatusSeeOther, location: "/jobs?state=discarded"},
		{name: "?token redirects within the site", method: "GET", target: "//evil.example/?token=" + token, want: http.StatusSeeOther, location: "/evil.example/"},
		{name: "?token does not authorize a POST", method: "POST", target: "/jobs/1/retry?token=" + token, want: http.StatusUnauthorized},
		{name: "the token as a cookie value is not the session", method: "GET", target: "/static/style.css", cookie: token, want: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, tt.target, nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tt.cookie})
			}
			w := serve(Options{Token: token}, r)
			require.Equal(t, tt.want, w.Code, w.Body.String())
			require.Equal(t, tt.location, w.Header().Get("Location"))
		})
	}
}

func TestTokenCookieIsStrict(t *testing.T) {
	t.Parallel()
	w := serve(Options{Token: token, Path: "/admin/jobs"}, httptest.NewRequest("GET", "/admin/jobs/?token="+token, nil))
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, "/admin/jobs/", w.Header().Get("Location"))
	cookies := w.Result().Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	require.Equal(t, sessionCookie, c.Name)
	require.NotContains(t, c.Value, token, "the cookie holds a proof, not the token")
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteStrictMode, c.SameSite)
	require.Equal(t, "/admin/jobs", c.Path)
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{name: "from another site", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, want: http.StatusForbidden},
		{name: "another origin, an old browser", header: map[string]string{"Origin": "https://evil.example"}, want: http.StatusForbidden},
		{name: "a sibling site", header: map[string]string{"Sec-Fetch-Site": "same-site"}, want: http.StatusForbidden},
		// Past the guard, the database fails: a 500, not a 403.
		{name: "from the dashboard's page", header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}, want: http.StatusInternalServerError},
		{name: "not a browser", want: http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/jobs/7/retry", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := serve(Options{}, r)
			require.Equal(t, tt.want, w.Code, w.Body.String())
		})
	}
}

func TestResponsesForbidScriptsFramingAndCaching(t *testing.T) {
	t.Parallel()
	for _, opts := range []Options{{}, {Token: token}} {
		w := serve(opts, httptest.NewRequest("GET", "/", nil))
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "default-src 'none'")
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	}
}

func TestADatabaseErrorIsAGenericPage(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"/", "/jobs", "/jobs/7"} {
		w := serve(Options{}, httptest.NewRequest("GET", target, nil))
		require.Equal(t, http.StatusInternalServerError, w.Code, target)
		require.Contains(t, w.Body.String(), "could not read the queue", target)
		require.NotContains(t, w.Body.String(), errNoDatabase.Error(), "the error stays in the log")
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   Options
		method string
		target string
		want   int
	}{
		{name: "the stylesheet", method: "GET", target: "/static/style.css", want: http.StatusOK},
		{name: "not a job id", method: "GET", target: "/jobs/abc", want: http.StatusNotFound},
		{name: "no such page", method: "GET", target: "/nope", want: http.StatusNotFound},
		{name: "a button needs a POST", method: "GET", target: "/jobs/7/retry", want: http.StatusMethodNotAllowed},
		{name: "mounted: the stylesheet", opts: Options{Path: "/admin/jobs/"}, method: "GET", target: "/admin/jobs/static/style.css", want: http.StatusOK},
		{name: "mounted: the bare path", opts: Options{Path: "/admin/jobs"}, method: "GET", target: "/admin/jobs", want: http.StatusMovedPermanently},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := serve(tt.opts, httptest.NewRequest(tt.method, tt.target, nil))
			require.Equal(t, tt.want, w.Code, w.Body.String())
		})
	}
}

func TestFormatting(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "a small count", got: formatCount(999), want: "999"},
		{name: "a large count", got: formatCount(1234567), want: "1,234,567"},
		{name: "a negative count", got: formatCount(-1234), want: "-1,234"},
		{name: "a window in minutes", got: span(5 * time.Minute), want: "5m"},
		{name: "a window in hours", got: span(2 * time.Hour), want: "2h"},
		{name: "a window of both", got: span(90 * time.Minute), want: "1h30m"},
		{name: "just now", got: ago(now, now.Add(-300*time.Millisecond)), want: "now"},
		{name: "seconds ago", got: ago(now, now.Add(-42*time.Second)), want: "42s ago"},
		{name: "hours ago", got: ago(now, now.Add(-3*time.Hour)), want: "3h ago"},
		{name: "days ago", got: ago(now, now.Add(-72*time.Hour)), want: "3d ago"},
		{name: "to come", got: ago(now, now.Add(5*time.Minute)), want: "in 5m"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.got, tt.name)
	}
}
