package widgets

// The test the e2e test TestThePluginsCodeRuns runs on the code the plugin
// generates from this directory: every mark, against a real database
// (DATABASE_URL), through package many's engine.

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/larderhq/larder/many"
)

func TestWidgets(t *testing.T) {
	ctx := context.Background()
	config, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	many.Configure(config)
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	migration, err := os.ReadFile("../../migrations/20261203000000_create_widgets.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, _ := strings.Cut(strings.SplitN(string(migration), "-- migrate:up", 2)[1], "-- migrate:down")
	if _, err := pool.Exec(ctx, up); err != nil {
		t.Fatal(err)
	}

	owner := uuid.New()
	in := []NewWidget{
		{OwnerID: &owner, Name: "a", Kind: "small", Size: Size{WeightG: 1.5, HeightMm: 2}},
		{Name: "b", Kind: "large"},
	}
	rows, err := InsertWidgets(ctx, pool, in)
	if err != nil || len(rows) != 2 || rows[0].ID != in[0].ID || *rows[0].OwnerID != owner || rows[0].WeightG != 1.5 || rows[1].Kind != "large" || rows[1].OwnerID != nil {
		t.Fatalf("insert: %+v, %v", rows, err)
	}
	if n, err := CopyWidgets(ctx, pool, []NewWidget{{Name: "c", Kind: "small"}}); err != nil || n != 1 {
		t.Fatalf("copy: %d, %v", n, err)
	}
	got, err := SelectWidgets(ctx, pool, nil, []uuid.UUID{in[1].ID, in[0].ID})
	if err != nil || len(got) != 1 || got[0].Name != "b" {
		t.Fatalf("select of the ownerless: %+v, %v", got, err)
	}
	changed, err := UpdateWidgets(ctx, pool, []WidgetPatch{{ID: in[1].ID, Size: many.Set(Size{3, 4})}, {ID: in[0].ID, Name: many.Set("A")}})
	if err != nil || changed[0].HeightMm != 4 || changed[0].Name != "b" || changed[1].Name != "A" || changed[1].WeightG != 1.5 {
		t.Fatalf("update: %+v, %v", changed, err)
	}
	// No row sets the size: its columns travel as empty arrays, and stay.
	renamed, err := UpdateWidgets(ctx, pool, []WidgetPatch{{ID: in[1].ID, Name: many.Set("B")}})
	if err != nil || len(renamed) != 1 || renamed[0].Name != "B" || renamed[0].WeightG != 3 || renamed[0].HeightMm != 4 {
		t.Fatalf("an update no row of which sets the size: %+v, %v", renamed, err)
	}
	page, err := ListWidgets(ctx, pool, WidgetFilter{Limit: 2})
	if err != nil || len(page.Items) != 2 || page.Next == "" {
		t.Fatalf("list: %+v, %v", page, err)
	}
	rest, err := ListWidgets(ctx, pool, WidgetFilter{After: page.Next, Limit: 2})
	if err != nil || len(rest.Items) != 1 || rest.Next != "" || rest.Items[0].Name != "c" {
		t.Fatalf("the next page: %+v, %v", rest, err)
	}
	deleted, err := DeleteWidgets(ctx, pool, []uuid.UUID{in[0].ID})
	if err != nil || len(deleted) != 1 || deleted[0].ID != in[0].ID {
		t.Fatalf("delete: %+v, %v", deleted, err)
	}
}
