package many

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	pgxuuid "github.com/vgarvardt/pgx-google-uuid/v5"
)

// uuidCodec is the uuid codec Register installs: pgxuuid's, which
// reads and writes github.com/google/uuid's UUID as the 16 bytes it is,
// with the binary reads and writes of a uuid.UUID and a *uuid.UUID (a
// nullable id, such as a food's owner) done in place.
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

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if format == pgtype.BinaryFormatCode {
		switch target.(type) {
		case *uuid.UUID, **uuid.UUID:
			return uuidFromBytes{}
		}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

// uuidFromBytes reads 16 bytes into a uuid.UUID, or a *uuid.UUID (NULL is
// nil). pgx would find uuid.UUID's database/sql Scanner first and go
// through text: four allocations an id, six a nullable one. NULL read into
// a uuid.UUID is the zero UUID, as that Scanner has it.
type uuidFromBytes struct{}

func (uuidFromBytes) Scan(src []byte, dst any) error {
	if src != nil && len(src) != len(uuid.UUID{}) {
		return fmt.Errorf("uuid: %d bytes, want 16", len(src))
	}
	switch d := dst.(type) {
	case *uuid.UUID:
		*d = uuid.UUID{}
		if src != nil {
			*d = uuid.UUID(src)
		}
	case **uuid.UUID:
		*d = nil
		if src != nil {
			id := uuid.UUID(src)
			*d = &id
		}
	default:
		return fmt.Errorf("uuid: cannot read into %T", dst) // not planned for it
	}
	return nil
}

// registerUUID teaches m github.com/google/uuid's UUID. pgxuuid.Register
// installs the wrappers pgx needs for the uuid types it does not plan
// itself (arrays of them, among others); the uuid type it registers is
// then replaced by uuidCodec, which reads and writes one faster.
func registerUUID(m *pgtype.Map) {
	pgxuuid.Register(m)
	m.RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
}
