package many

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// enumTypes lists the database's enum types; its first line names it in
// logs and traces.
const enumTypes = "-- many: enum types, for a new connection\nSELECT oid, typname FROM pg_type WHERE typtype = 'e'"

// registerEnums registers the database's enum types in conn's type map,
// so that their values are read as the strings they are, each label
// allocated once per connection (pgtype.EnumCodec's cache) instead of once
// per row. pgx knows nothing of a type it has not been told about: it
// asks for such a column as text and copies every value into a new string.
// An enum created after the connection opened is read the plain way.
func registerEnums(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, enumTypes, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return fmt.Errorf("many: list enum types: %w", err)
	}
	var types []*pgtype.Type
	for rows.Next() {
		var oid uint32
		var name string
		if err := rows.Scan(&oid, &name); err != nil {
			return fmt.Errorf("many: list enum types: %w", err)
		}
		types = append(types, &pgtype.Type{Name: name, OID: oid, Codec: enumCodec{&pgtype.EnumCodec{}}})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("many: list enum types: %w", err)
	}
	for _, t := range types {
		conn.TypeMap().RegisterType(t)
	}
	return nil
}

// enumCodec is pgtype.EnumCodec with results asked for in binary, which
// for an enum is its label's text as well: pgx reads a text result into a
// *string by copying, before it looks at the column's codec, so only a
// binary one reaches the codec's cache of labels.
type enumCodec struct{ *pgtype.EnumCodec }

func (enumCodec) PreferredFormat() int16 { return pgtype.BinaryFormatCode }
