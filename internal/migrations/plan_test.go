package migrations

import (
	"testing"
	"time"
)

func files(names ...string) []File {
	out := make([]File, len(names))
	for i, n := range names {
		out[i] = File{Version: n[:14], Name: n}
	}
	return out
}

func TestPlan(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	const (
		a  = "20260101000000_a.sql"
		b  = "20260102000000_b.sql"
		c1 = "20260103000000_c1.sql"
		c2 = "20260104000000_c2.sql"
		d  = "20260105000000_d.sql"
	)
	tests := []struct {
		name    string
		files   []File
		main    []landing
		applied map[string]bool
		want    map[string]string // from -> to
	}{
		{"in order", files(a, b, c1), []landing{{Files: []string{a, b}}, {Files: []string{c1}}}, nil, nil},
		{"a branch's migration is older than main's newest", files(a, b, c1, c2),
			[]landing{{Files: []string{a, b}}, {Files: []string{c2}}}, nil,
			map[string]string{c1: "20261125120000_c1.sql"}},
		{"what the branch wrote after it moves too, in order", files(a, b, c1, c2, d),
			[]landing{{Files: []string{a, b}}, {Files: []string{c2}}}, nil,
			map[string]string{c1: "20261125120000_c1.sql", d: "20261125120001_d.sql"}},
		{"merged into main already: it landed after a newer one", files(a, b, c1, c2),
			[]landing{{Files: []string{a, b}}, {Files: []string{c2}}, {Files: []string{c1}}}, nil,
			map[string]string{c1: "20261125120000_c1.sql"}},
		{"one landing's migrations apply by version", files(a, b, c1, c2, d),
			[]landing{{Files: []string{a}}, {Files: []string{c2, b}}, {Files: []string{d, c1}}}, nil,
			map[string]string{c1: "20261125120000_c1.sql", d: "20261125120001_d.sql"}},
		{"the development database applied a later one", files(a, b, c1),
			[]landing{{Files: []string{a, b}}}, map[string]bool{a[:14]: true, b[:14]: true, "20260110000000": true},
			map[string]string{c1: "20261125120000_c1.sql"}},
		{"applied in the development database itself", files(a, b, c1),
			[]landing{{Files: []string{a, b}}}, map[string]bool{a[:14]: true, b[:14]: true, c1[:14]: true}, nil},
		{"fresh versions come after the newest", files(a, b, c1, "20270101000000_future.sql"),
			[]landing{{Files: []string{a, "20270101000000_future.sql"}}}, nil,
			map[string]string{b: "20270101000001_b.sql", c1: "20270101000002_c1.sql"}},
		{"files deleted since are ignored", files(a, c1),
			[]landing{{Files: []string{a, "20261231000000_gone.sql"}}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			moves := plan(tt.files, "main", tt.main, tt.applied, now)
			got := map[string]string{}
			for _, m := range moves {
				got[m.File.Name] = m.To
			}
			if len(got) != len(tt.want) {
				t.Fatalf("moves %v, want %v", got, tt.want)
			}
			for from, to := range tt.want {
				if got[from] != to {
					t.Errorf("%s -> %s, want %s", from, got[from], to)
				}
			}
		})
	}
}

func TestFirstMoveSaysWhy(t *testing.T) {
	moves := plan(files("20260101000000_a.sql", "20260103000000_c1.sql", "20260104000000_c2.sql"), "main",
		[]landing{{Commit: "abc1234", Subject: "add c2", Files: []string{"20260101000000_a.sql", "20260104000000_c2.sql"}}}, nil, time.Now())
	if len(moves) != 1 || moves[0].Reason != "sorts before 20260104000000_c2.sql, which main already has" {
		t.Errorf("moves %+v", moves)
	}
}
