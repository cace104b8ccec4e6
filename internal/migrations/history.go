package migrations

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// landing is a commit of a branch's first-parent history and the
// migrations it added to it (a merge: those its other parents brought).
type landing struct {
	Commit  string // abbreviated hash
	Subject string
	Files   []string // file names
}

// git runs git in repo and returns its output.
func git(ctx context.Context, repo string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

// isRepo reports whether repo is inside a git work tree.
func isRepo(ctx context.Context, repo string) bool {
	out, err := git(ctx, repo, "rev-parse", "--is-inside-work-tree")
	return err == nil && strings.TrimSpace(out) == "true"
}

// landings returns, oldest first, the commits of ref's first-parent
// history that added migrations to dir (relative to repo), each with the
// file names it added. Renames count as additions of the new name.
func landings(ctx context.Context, repo, ref, dir string) ([]landing, error) {
	out, err := git(ctx, repo, "log", "--first-parent", "--diff-merges=first-parent", "--reverse", "--no-renames",
		"--diff-filter=A", "--name-only", "--format=%x00%h %s", ref, "--", dir)
	if err != nil {
		return nil, err
	}
	var ls []landing
	for _, block := range strings.Split(out, "\x00")[1:] {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		commit, subject, _ := strings.Cut(lines[0], " ")
		l := landing{Commit: commit, Subject: subject}
		for _, line := range lines[1:] {
			if line = strings.TrimSpace(line); strings.HasSuffix(line, ".sql") {
				l.Files = append(l.Files, filepath.Base(line))
			}
		}
		if len(l.Files) > 0 {
			ls = append(ls, l)
		}
	}
	return ls, nil
}

// tracked reports whether git tracks path (relative to repo).
func tracked(ctx context.Context, repo, path string) bool {
	_, err := git(ctx, repo, "ls-files", "--error-unmatch", "--", path)
	return err == nil
}

// unmerged reports whether path (relative to repo) is in conflict.
func unmerged(ctx context.Context, repo, path string) bool {
	out, err := git(ctx, repo, "ls-files", "--unmerged", "--", path)
	return err == nil && strings.TrimSpace(out) != ""
}
