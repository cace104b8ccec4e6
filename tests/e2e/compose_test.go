package e2e

import (
	"os/exec"
	"testing"
)

// TestComposeFileIsValid checks docker-compose.yml with compose's own
// parser (`docker compose config`, or v1's `docker-compose config`). It
// needs no Docker engine; .ci/run installs docker-compose when neither
// is present.
func TestComposeFileIsValid(t *testing.T) {
	t.Parallel()
	dir := root(t)
	if _, _, err := runCmd(dir, nil, "docker", "compose", "version"); err == nil {
		run(t, dir, nil, "docker", "compose", "config", "--quiet")
		return
	}
	if path, err := exec.LookPath("docker-compose"); err == nil {
		run(t, dir, nil, path, "config", "--quiet")
		return
	}
	t.Skip("neither docker compose nor docker-compose is installed (.ci/run installs one)")
}
