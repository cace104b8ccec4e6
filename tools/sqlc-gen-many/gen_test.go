package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/sqlc-dev/plugin-sdk-go/plugin"
)

var update = flag.Bool("update", false, "rewrite testdata/widgets/golden with what the plugin generates")

// TestGoldenOutput runs sqlc generate, the pinned sqlc of this module
// (go tool sqlc), with the plugin built from this directory, on
// testdata/widgets, and compares what the plugin writes with
// testdata/widgets/golden. go test -update rewrites the golden files.
func TestGoldenOutput(t *testing.T) {
	dir := t.TempDir()
	plugin := filepath.Join(dir, "sqlc-gen-many")
	if out, err := exec.Command("go", "build", "-o", plugin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build the plugin: %v\n%s", err, out)
	}
	src := filepath.Join("testdata", "widgets")
	for _, f := range []string{"migrations/20261203000000_create_widgets.sql", "queries/widgets.sql"} {
		copyFile(t, filepath.Join(src, f), filepath.Join(dir, f))
	}
	config, err := os.ReadFile(filepath.Join(src, "sqlc.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "sqlc.yaml"), strings.Replace(string(config), "cmd: PLUGIN", "cmd: "+plugin, 1))

	if out, err := exec.Command("go", "tool", "sqlc", "-f", filepath.Join(dir, "sqlc.yaml"), "generate").CombinedOutput(); err != nil {
		t.Fatalf("sqlc generate: %v\n%s", err, out)
	}

	got, err := filepath.Glob(filepath.Join(dir, "out", "widgets", "*.go"))
	if err != nil || len(got) != 2 {
		t.Fatalf("the plugin wrote %v (%v), want widgets.many.go and types.many.go", got, err)
	}
	for _, g := range got {
		golden := filepath.Join(src, "golden", filepath.Base(g))
		body, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			writeFile(t, golden, string(body))
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (go test -update writes it)", err)
		}
		if string(want) != string(body) {
			t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", filepath.Base(g), golden, body)
		}
	}
}

// TestMarksThatCannotHoldAreErrors gives the plugin queries whose marks
// do not fit them: each is an error that names the query.
func TestMarksThatCannotHoldAreErrors(t *testing.T) {
	uuidType := &pb.Identifier{Name: "uuid"}
	column := func(name string, array bool) *pb.Column {
		return &pb.Column{Name: name, Type: uuidType, NotNull: true, IsArray: array, Table: &pb.Identifier{Name: "widgets"}}
	}
	query := func(name, mark, text string, params ...*pb.Parameter) *pb.Query {
		return &pb.Query{Name: name, Cmd: ":many", Filename: "widgets.sql", Text: text, Comments: []string{" " + mark},
			Params: params, Columns: []*pb.Column{column("id", false), column("owner_id", false)}}
	}
	ids := &pb.Parameter{Number: 1, Column: column("ids", true)}
	id := &pb.Parameter{Number: 1, Column: column("id", true)}
	owner := &pb.Parameter{Number: 1, Column: column("owner_id", true)}
	tests := []struct {
		name  string
		query *pb.Query
		want  string
	}{
		{"an unknown mark", query("InsertWidgets", "many: upsert NewWidget", "INSERT INTO widgets (id) SELECT unnest($1::uuid[]) RETURNING *", id),
			`InsertWidgets (widgets.sql): unknown mark "upsert"`},
		{"an insert without its input's name", query("InsertWidgets", "many: insert", "INSERT INTO widgets (id) SELECT unnest($1::uuid[]) RETURNING *", id),
			"InsertWidgets (widgets.sql): many: insert needs the name of its input type"},
		{"an update without an id", query("UpdateWidgets", "many: update WidgetPatch", "UPDATE widgets SET owner_id = u.owner_id FROM (SELECT unnest($1::uuid[]) AS owner_id) AS u RETURNING *", owner),
			"UpdateWidgets: many: update needs an unnest column id"},
		{"a select of keys the rows do not return", query("SelectWidgets", "many: select", "SELECT id, owner_id FROM widgets WHERE food_id = ANY($1::uuid[])",
			&pb.Parameter{Number: 1, Column: column("food_ids", true)}),
			"SelectWidgets: its keys food_ids name a column food_id its rows do not return"},
		{"a list without a cursor", query("ListWidgets", "many: list", "SELECT * FROM widgets ORDER BY id"),
			"ListWidgets: many: list needs after_<column> parameters"},
		{"a write that returns nothing", &pb.Query{Name: "DeleteWidgets", Cmd: ":exec", Filename: "widgets.sql", Comments: []string{" many: delete"},
			Text: "DELETE FROM widgets WHERE id = ANY($1::uuid[])", Params: []*pb.Parameter{ids}},
			"DeleteWidgets (widgets.sql): a many-first query returns its rows (:many), not :exec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := generate(context.Background(), &pb.GenerateRequest{
				PluginOptions: []byte(`{"package": "widgets", "sqlc_package": "example.com/widgets/dbsqlc"}`),
				Catalog:       &pb.Catalog{},
				Queries:       []*pb.Query{tt.query},
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
