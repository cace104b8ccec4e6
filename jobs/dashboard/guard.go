package dashboard

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

// sessionCookie holds a visitor's proof of the token: an HMAC of a fixed
// text under the token, not the token itself.
const sessionCookie = "larder_jobs_session"

// headers every response carries: no scripts, no framing, no caching of
// the queue's data, no referrer (a page's URL names jobs).
var headers = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"X-Content-Type-Options":  "nosniff",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "no-referrer",
	"Cache-Control":           "no-store",
}

// guard wraps the dashboard in its security: the headers, the token (when
// set) and the refusal of cross-origin POSTs (CSRF), which net/http's
// CrossOriginProtection decides from Sec-Fetch-Site, or Origin against
// Host; a request with neither (not a browser's) passes.
func guard(opts Options, h http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "cross-origin request refused: use the dashboard's own buttons", http.StatusForbidden)
	}))
	h = csrf.Handler(h)
	var t *tokenGuard
	if opts.Token != "" {
		t = newTokenGuard(opts.Token, opts.Path)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		if t != nil && !t.allow(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

// tokenGuard checks the token of each request.
type tokenGuard struct {
	tokenSum [32]byte // sha256 of the token: compared sums have one length
	session  string   // the cookie's value
	path     string   // the cookie's path
}

func newTokenGuard(token, path string) *tokenGuard {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("larder jobs dashboard session"))
	if path == "" {
		path = "/"
	}
	return &tokenGuard{tokenSum: sha256.Sum256([]byte(token)), session: hex.EncodeToString(mac.Sum(nil)), path: path}
}

// isToken compares a given token with the token in constant time.
func (g *tokenGuard) isToken(given string) bool {
	sum := sha256.Sum256([]byte(given))
	return subtle.ConstantTimeCompare(sum[:], g.tokenSum[:]) == 1
}

// allow reports whether r carries the token, as a bearer token or the
// session cookie. A GET with a right ?token= gets the cookie and is
// redirected to its URL without the token (out of the address bar and
// history); anything else without the token gets 401.
func (g *tokenGuard) allow(w http.ResponseWriter, r *http.Request) bool {
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && g.isToken(bearer) {
		return true
	}
	if c, err := r.Cookie(sessionCookie); err == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(g.session)) == 1 {
		return true
	}
	q := r.URL.Query()
	if r.Method == http.MethodGet && q.Has("token") && g.isToken(q.Get("token")) {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: g.session, Path: g.path,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
		q.Del("token")
		// The path as one absolute path: "//host/" would leave the site.
		u := url.URL{Path: "/" + strings.TrimLeft(r.URL.Path, "/"), RawQuery: q.Encode()}
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="larder jobs"`)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("This dashboard needs its token: open it once with ?token=TOKEN (a cookie then keeps it), or send Authorization: Bearer TOKEN.\n"))
	return false
}
