package db

import "embed"

// migrationFiles are Larder's dbmate migrations, built into every binary
// that imports this package, so migrating needs no checkout. Package
// db/migrate applies them.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration files (the directory
// "migrations").
func Migrations() embed.FS { return migrationFiles }
