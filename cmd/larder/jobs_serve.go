package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/larderhq/larder/jobs/dashboard"
)

// envJobsToken is the dashboard's token when -token is not given.
const envJobsToken = "LARDER_JOBS_TOKEN"

// minTokenLen is the shortest token serve accepts: a token guards the
// queue from a network, so it should not be guessable.
const minTokenLen = 16

const jobsServeSynopsis = `jobs serve [-addr host:port] [-token TOKEN]

Serves the job queue's dashboard (package jobs/dashboard) until SIGINT or
SIGTERM: the jobs per queue and state, the throughput and latency of the
last 5 minutes, the recent failures with their errors, lists of jobs by
state, queue and kind, and a page per job (payload, attempts, error
history) with Retry and Cancel buttons. Plain HTML, no JavaScript.

Security: it binds to 127.0.0.1:8089 by default. On a loopback address
without a token it answers only requests whose Host is a loopback name
(127.0.0.1, localhost, [::1]), which keeps other sites out through DNS
rebinding. Any other address (0.0.0.0, a LAN address, ":8089") needs a
token of at least 16 characters (-token, or LARDER_JOBS_TOKEN) and is
refused without one (exit 2). With a token, every request must carry it:
open the page once as /?token=TOKEN (the dashboard sets a cookie,
HttpOnly and SameSite=Strict, and reloads the page without the token), or
send "Authorization: Bearer TOKEN". POSTs from another origin are refused.
Serve it over TLS (a reverse proxy) beyond a trusted network.`

// runJobsServe serves "larder jobs serve".
func runJobsServe(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("jobs serve", jobsServeSynopsis)
	addr := fs.String("addr", "127.0.0.1:8089", "the `host:port` to listen on (port 0: a free one)")
	token := fs.String("token", os.Getenv(envJobsToken), "the `token` every request must carry (env "+envJobsToken+"); required off loopback")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments, not %q", errUsage, fs.Arg(0))
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("%w: -addr wants host:port, such as 127.0.0.1:8089: %v", errUsage, err)
	}
	loopback := isLoopback(host)
	switch {
	case !loopback && *token == "":
		return fmt.Errorf("%w: -addr %s is not a loopback address: the dashboard can retry and cancel jobs, so give it a token (-token or %s)", errUsage, *addr, envJobsToken)
	case *token != "" && len(*token) < minTokenLen:
		return fmt.Errorf("%w: the token is %d characters; use at least %d (e.g. openssl rand -hex 16)", errUsage, len(*token), minTokenLen)
	}

	pool, err := openJobs(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	handler := dashboard.New(pool, dashboard.Options{Token: *token, Logger: c.log})
	if *token == "" {
		handler = loopbackHostsOnly(handler)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second, // a page's queries are bounded by the pool's statement limit (5s)
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(c.stdout, "the jobs dashboard: http://%s/\n", ln.Addr())
	if *token != "" {
		fmt.Fprintln(c.stdout, "every request needs the token: open the page once with ?token=TOKEN, or send Authorization: Bearer TOKEN")
	}

	stopped := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		stopped <- srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-stopped
}

// isLoopback reports whether a listen address's host is a loopback one;
// "" (every interface) is not.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackHostsOnly answers 403 to a request whose Host is not a loopback
// name: a page of another site that made its name resolve to 127.0.0.1
// (DNS rebinding) is same-origin to the browser, and would get through
// the dashboard's cross-origin check.
func loopbackHostsOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if name, _, err := net.SplitHostPort(host); err == nil {
			host = name
		}
		if !isLoopback(strings.Trim(host, "[]")) {
			http.Error(w, "this dashboard answers only at a loopback address (127.0.0.1, localhost, [::1])", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}
