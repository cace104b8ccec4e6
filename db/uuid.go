package db

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	pgxuuid "github.com/vgarvardt/pgx-google-uuid/v5"
)

// uuidCodec is the uuid codec AfterConnect registers: pgxuuid's, which
// reads and writes github.com/google/uuid's UUID as the 16 bytes it is,
// with the binary writes of a uuid.UUID and a *uuid.UUID (a nullable id,
// such as a food's owner) done in place.
//
// pgx will not look through a pointer to a database/sql Valuer, which
// uuid.UUID is. A *uuid.UUID went through Value: the id printed as text,
// a failed attempt to send that text as binary (with its error message
// formatted), the text parsed back and sent: 23 allocations an id
// (BenchmarkWriteNullableUUID). pgxuuid's own write converts each id to
// its type on the way, an allocation a value.
type uuidCodec struct{ pgxuuid.UUIDCodec }

func (c uuidCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if format == pgtype.BinaryFormatCode {
		switch value.(type) {
		case uuid.UUID, *uuid.UUID:
			return uuidBytes{}
		}
	}
	return c.UUIDCodec.PlanEncode(m, oid, format, value)
}

// uuidBytes writes a uuid.UUID, or a *uuid.UUID (nil is NULL), as its 16
// bytes.
type uuidBytes struct{}

func (uuidBytes) Encode(value any, buf []byte) ([]byte, error) {
	switch id := value.(type) {
	case uuid.UUID:
		return append(buf, id[:]...), nil
	case *uuid.UUID:
		if id == nil {
			return nil, nil
		}
		return append(buf, id[:]...), nil
	}
	return nil, fmt.Errorf("uuid: cannot write %T", value) // not planned for it
}

// registerUUID teaches m github.com/google/uuid's UUID. pgxuuid.Register
// installs the wrappers that let pgx scan into a uuid.UUID; the uuid type
// it registers is then replaced by uuidCodec, which writes one faster.
func registerUUID(m *pgtype.Map) {
	pgxuuid.Register(m)
	m.RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
}
