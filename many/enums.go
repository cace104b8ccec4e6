package many

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// connectionFacts asks a new connection, in one round trip, for the
// database's enum types and for the process id of the server connection
// it reached; its first line names it in logs and traces.
const connectionFacts = "-- many: enum types and backend, for a new connection\n" +
	"SELECT pg_backend_pid(), coalesce(array_agg(oid), '{}'), coalesce(array_agg(typname::text), '{}') FROM pg_type WHERE typtype = 'e'"

// setUp registers the database's enum types in conn's type map, so that
// their values are read as the strings they are, each label allocated
// once per connection (pgtype.EnumCodec's cache) instead of once per row
// (pgx knows nothing of a type it has not been told about: it asks for
// such a column as text and copies every value into a new string; an enum
// created after the connection opened is read the plain way). And it marks
// conn TransactionPooled when a connection pooler is in the way: the
// server process answering is not the one the connection's start named (a
// pooler makes up the process id and cancel key it gives a client).
func setUp(ctx context.Context, conn *pgx.Conn) error {
	var pid uint32
	var oids []uint32
	var names []string
	err := conn.QueryRow(ctx, connectionFacts, pgx.QueryExecModeSimpleProtocol).Scan(&pid, &oids, &names)
	if err != nil {
		return fmt.Errorf("many: set up a new connection: %w", err)
	}
	conn.PgConn().CustomData()[pooledKey] = pid != conn.PgConn().PID()
	for i, oid := range oids {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: names[i], OID: oid, Codec: enumCodec{&pgtype.EnumCodec{}}})
	}
	return nil
}

// enumCodec is pgtype.EnumCodec with results asked for in binary, which
// for an enum is its label's text as well: pgx reads a text result into a
// *string by copying, before it looks at the column's codec, so only a
// binary one reaches the codec's cache of labels.
type enumCodec struct{ *pgtype.EnumCodec }

func (enumCodec) PreferredFormat() int16 { return pgtype.BinaryFormatCode }
