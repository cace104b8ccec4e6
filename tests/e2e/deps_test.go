package e2e

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPackagesCompileOnlyWhatTheirJobNeeds lists, with go list -deps, the
// modules each of Larder's library packages brings into a program that
// imports it, and fails on any beyond its job: the data layer needs pgx
// and uuid; actions, jobs (and its dashboard) and agents add the
// validator. The OpenAI SDK
// comes only with agents/chat, dbmate and lib/pq only with db/migrate,
// OpenTelemetry only with telemetry, and there its API alone: no SDK, no
// exporter.
func TestPackagesCompileOnlyWhatTheirJobNeeds(t *testing.T) {
	t.Parallel()
	data := []string{
		"github.com/larderhq/larder",
		"github.com/jackc/pgx/v5", "github.com/jackc/pgpassfile", "github.com/jackc/pgservicefile", "github.com/jackc/puddle/v2",
		"github.com/google/uuid", "github.com/vgarvardt/pgx-google-uuid/v5",
		"golang.org/x/crypto", "golang.org/x/sync", "golang.org/x/text", "golang.org/x/sys",
	}
	validation := append(slices.Clone(data),
		"github.com/go-playground/validator/v10", "github.com/go-playground/locales", "github.com/go-playground/universal-translator",
		"github.com/gabriel-vasile/mimetype", "github.com/leodido/go-urn")
	openTelemetry := append(slices.Clone(validation),
		"go.opentelemetry.io/otel", "go.opentelemetry.io/otel/metric", "go.opentelemetry.io/otel/trace",
		"go.opentelemetry.io/otel/log", "go.opentelemetry.io/auto/sdk",
		"github.com/go-logr/logr", "github.com/go-logr/stdr", "github.com/cespare/xxhash/v2")
	allowed := map[string][]string{
		"./many": data, "./db": data,
		"./actions": validation, "./jobs": validation, "./jobs/dashboard": validation, "./agents": validation, "./factories": validation,
		"./telemetry": openTelemetry,
	}
	for pkg, ok := range allowed {
		t.Run(strings.TrimPrefix(pkg, "./"), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", pkg)
			cmd.Dir = root(t)
			out, err := cmd.Output()
			require.NoError(t, err, "go list -deps %s", pkg)
			var extra []string
			for _, mod := range strings.Fields(string(out)) {
				if !slices.Contains(ok, mod) && !slices.Contains(extra, mod) {
					extra = append(extra, mod)
				}
			}
			require.Empty(t, extra, "%s compiles modules beyond its job", pkg)
		})
	}
}
