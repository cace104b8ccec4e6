package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/dashboard"
)

// dashboardToken is the token the browser test serves the dashboard with.
const dashboardToken = "e2e-dashboard-token-0123456789"

// chromium returns the path of a Chromium or Chrome to drive. Without
// one the test is skipped, except in CI (CI set; .ci/run installs
// Debian's chromium), where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium to drive the dashboard: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("no chromium or chrome on PATH: install Debian's chromium (apt-get install chromium) to run the dashboard's browser test")
	return ""
}

// browser starts a headless chromium for the test and returns its
// context. The network is closed in CI: the flags keep chromium from
// trying its own connections.
func browser(t *testing.T) context.Context {
	t.Helper()
	var output bytes.Buffer
	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // as root, in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
		chromedp.CombinedOutput(&output),
	)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		if t.Failed() {
			t.Logf("chromium's output:\n%s", output.String())
		}
	})
	return ctx
}

// serveDashboard runs "larder jobs serve" on a free loopback port with a
// token and returns its URL; the server is stopped with SIGTERM at the
// end, and must exit 0.
func serveDashboard(t *testing.T, env []string) string {
	t.Helper()
	cmd := exec.Command(larderBin(t), "jobs", "serve", "-addr", "127.0.0.1:0", "-token", dashboardToken)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("larder jobs serve after SIGTERM: %v\n%s", err, stderr.String())
		}
	})
	lines := bufio.NewScanner(stdout)
	require.True(t, lines.Scan(), "larder jobs serve printed nothing\n%s", stderr.String())
	base, ok := strings.CutPrefix(lines.Text(), "the jobs dashboard: ")
	require.True(t, ok, "the first line names the URL: %q", lines.Text())
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return strings.TrimSuffix(base, "/")
}

// artifact returns the path of a test artifact (tests/e2e/artifacts,
// ignored by git), making the directory.
func artifact(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs("artifacts")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return filepath.Join(dir, name)
}

// countCell is a cell of the overview's counts, as the page shows it.
type countCell struct {
	Queue string `json:"queue"`
	State string `json:"state"`
	Jobs  int64  `json:"jobs"`
}

// readCounts reads the overview's counts from the DOM: the number each
// cell shows (its text, separators removed), by queue and state.
func readCounts(t *testing.T, ctx context.Context) map[string]int64 {
	t.Helper()
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]countCell](`[...document.querySelectorAll('#counts tbody td[data-state]')]
		.map(td => ({queue: td.dataset.queue, state: td.dataset.state, jobs: Number(td.textContent.trim().replaceAll(',', ''))}))`))
	require.NoError(t, err)
	require.NotEmpty(t, cells)
	out := map[string]int64{}
	for _, c := range cells {
		if c.Jobs != 0 {
			out[c.Queue+"/"+c.State] = c.Jobs
		}
	}
	return out
}

// databaseCounts is Client.Counts in readCounts' shape.
func databaseCounts(t *testing.T, client *jobs.Client, pool *pgxpool.Pool) map[string]int64 {
	t.Helper()
	counts, err := client.Counts(t.Context(), pool)
	require.NoError(t, err)
	out := map[string]int64{}
	for _, c := range counts {
		out[c.Queue+"/"+string(c.State)] = c.Jobs
	}
	return out
}

// TestDashboardInABrowser drives the dashboard that "larder jobs serve"
// serves with headless chromium: the token's cookie, the overview's
// counts against the database's, a discarded job's page with its error
// history, and its Retry button. It saves screenshots of the overview and
// of the job's page in tests/e2e/artifacts.
func TestDashboardInABrowser(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	env, pool, q := jobsSetup(t)
	client := jobs.NewClient()
	base := serveDashboard(t, env)

	// Without the token: refused. With it once: a cookie, and the page
	// again without the token in its URL.
	resp, err := http.Get(base + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/?token="+url.QueryEscape(dashboardToken)), chromedp.WaitVisible(chromedp.CSS("#counts"))))
	location, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	require.Equal(t, base+"/", location, "the token is dropped from the address")

	require.Equal(t, databaseCounts(t, client, pool), readCounts(t, ctx), "the overview's counts are the database's")
	failures, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#failures")))
	require.NoError(t, err)
	require.Contains(t, failures, "panic: nil map", "a discarded job's last error")
	require.Contains(t, failures, "model: 429 rate limited", "a retrying job's")
	alerted, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelectorAll('script').length > 0`))
	require.NoError(t, err)
	require.False(t, alerted, "no script on the page")

	// A discarded job: its page, its history, its Retry button.
	id := q.discarded[0]
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#failure-%d a", id))),
		chromedp.WaitVisible(chromedp.CSS("#history")),
	))
	history, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#history")))
	require.NoError(t, err)
	require.Contains(t, history, "smtp: 451 <try again later>")
	payload, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#payload")))
	require.NoError(t, err)
	require.Contains(t, payload, `"note": "<script>alert('not run')</script>"`, "the payload, as text")
	jobPage, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("retry")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash")))
	require.NoError(t, err)
	require.Contains(t, flash, "Retried")
	require.Equal(t, []jobs.State{jobs.StatePending}, jobStates(t, pool, id), "no worker runs: the job waits, pending")
	state, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("job"), "data-state"))
	require.NoError(t, err)
	require.Equal(t, "pending", state.Value)

	// The overview again: the counts follow.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#counts"))))
	counts := readCounts(t, ctx)
	require.Equal(t, databaseCounts(t, client, pool), counts)
	require.EqualValues(t, 1, counts["default/discarded"])
	overview, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	for name, png := range map[string][]byte{"dashboard.png": overview, "dashboard-job.png": jobPage} {
		require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), "%s is a PNG", name)
		path := artifact(t, name)
		require.NoError(t, os.WriteFile(path, png, 0o644))
		t.Logf("screenshot: %s", path)
	}
}

// TestDashboardPages serves the dashboard in the test process, mounted
// under a path as an application would, and checks its pages without a
// browser: escaping, lists by filter, a job that is not there, Cancel.
func TestDashboardPages(t *testing.T) {
	t.Parallel()
	_, pool, q := jobsSetup(t)
	mux := http.NewServeMux()
	mux.Handle("/admin/jobs/", dashboard.New(pool, dashboard.Options{Path: "/admin/jobs", Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}))
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(server.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}

	code, body := get("/admin/jobs/")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `href="/admin/jobs/static/style.css"`, "links under the mount point")
	require.Contains(t, body, "panic: nil map", "recent failures, with their last error")
	require.Contains(t, body, fmt.Sprintf(`id="failure-%d"`, q.cancelled[0]), "a cancelled job is a failure")

	code, body = get(fmt.Sprintf("/admin/jobs/jobs/%d", q.discarded[0]))
	require.Equal(t, http.StatusOK, code)
	require.NotContains(t, body, "<script>", "the payload is escaped")
	require.Contains(t, body, "&lt;script&gt;alert(&#39;not run&#39;)&lt;/script&gt;")
	require.Contains(t, body, "smtp: 451 &lt;try again later&gt;")
	require.Contains(t, body, `<details><summary>stack</summary><pre>goroutine 7 [running]:`)
	require.Contains(t, body, `id="retry"`)
	require.NotContains(t, body, `id="cancel"`, "a discarded job cannot be cancelled")

	code, body = get("/admin/jobs/jobs?queue=agents&state=pending")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, fmt.Sprintf(`id="job-%d"`, q.retrying[0]))
	require.Equal(t, 1, strings.Count(body, `<tr id="job-`), "only the agents queue's pending job")

	code, _ = get("/admin/jobs/jobs/999999")
	require.Equal(t, http.StatusNotFound, code)
	code, _ = get("/admin/jobs/jobs?state=failed")
	require.Equal(t, http.StatusBadRequest, code)

	// The Cancel button's POST, from the dashboard's own page.
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/admin/jobs/jobs/%d/cancel", server.URL, q.pending[0]), nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, fmt.Sprintf("/admin/jobs/jobs/%d?done=cancelled", q.pending[0]), resp.Header.Get("Location"))
	require.Equal(t, []jobs.State{jobs.StateCancelled}, jobStates(t, pool, q.pending[0]))

	// From another site: refused, and the job is left as it was.
	req, err = http.NewRequest("POST", fmt.Sprintf("%s/admin/jobs/jobs/%d/cancel", server.URL, q.pending[1]), nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Equal(t, []jobs.State{jobs.StatePending}, jobStates(t, pool, q.pending[1]))
}
