package migrations

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/larderhq/larder/internal/pgserver"
)

// scratch makes throwaway databases on a server, and drops them all on
// close.
type scratch struct {
	server string
	names  []string
}

// database creates an empty database and returns its URL.
func (s *scratch) database(ctx context.Context) (string, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "larder_migrations_" + hex.EncodeToString(b)
	u, err := pgserver.EnsureDatabase(ctx, s.server, name)
	if err != nil {
		return "", err
	}
	s.names = append(s.names, name)
	return u, nil
}

// close drops the databases.
func (s *scratch) close(ctx context.Context) error {
	var errs []error
	for _, name := range s.names {
		errs = append(errs, pgserver.DropDatabase(context.WithoutCancel(ctx), s.server, name))
	}
	s.names = nil
	return errors.Join(errs...)
}

// stage is a directory of migration files for dbmate to read: some of the
// migrations, perhaps under new names.
type stage struct{ dir string }

func newStage() (*stage, error) {
	dir, err := os.MkdirTemp("", "larder-migrations-")
	if err != nil {
		return nil, fmt.Errorf("stage migrations: %w", err)
	}
	return &stage{dir: dir}, nil
}

// add copies the migration src to the stage as name.
func (s *stage) add(src, name string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("stage migrations: %w", err)
	}
	return os.WriteFile(filepath.Join(s.dir, name), b, 0o644)
}

// reset empties the stage.
func (s *stage) reset() error {
	if err := os.RemoveAll(s.dir); err != nil {
		return err
	}
	return os.Mkdir(s.dir, 0o755)
}

func (s *stage) remove() { _ = os.RemoveAll(s.dir) }
