package many

import (
	"reflect"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	pgxuuid "github.com/vgarvardt/pgx-google-uuid/v5"
)

func TestUUIDsAreWrittenAsTheirBytes(t *testing.T) {
	m := pgtype.NewMap()
	registerUUID(m)
	id := uuid.MustParse("0193a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b")
	var nilID *uuid.UUID
	for _, tc := range []struct {
		name   string
		value  any
		format int16
		want   []byte // nil: NULL
	}{
		{"a uuid.UUID", id, pgtype.BinaryFormatCode, id[:]},
		{"a *uuid.UUID", &id, pgtype.BinaryFormatCode, id[:]},
		{"a nil *uuid.UUID", nilID, pgtype.BinaryFormatCode, nil},
		{"a uuid.UUID as text", id, pgtype.TextFormatCode, []byte(id.String())},
		{"a *uuid.UUID as text", &id, pgtype.TextFormatCode, []byte(id.String())},
	} {
		got, err := m.Encode(pgtype.UUIDOID, tc.format, tc.value, nil)
		if err != nil || string(got) != string(tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	var back uuid.UUID
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, id[:], &back); err != nil || back != id {
		t.Errorf("read back: %v, %v", back, err)
	}
	var value, pointer any = id, &id // boxed once, as a COPY row's values are
	buf := make([]byte, 0, 16)
	for _, v := range []any{value, pointer} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, v, buf); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 0 {
			t.Errorf("a %T took %v allocations to write", v, allocs)
		}
	}
}

func TestUUIDsAreReadFromTheirBytes(t *testing.T) {
	m := pgtype.NewMap()
	registerUUID(m)
	id := uuid.MustParse("0193a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b")
	var got uuid.UUID
	var owner *uuid.UUID
	for _, tc := range []struct {
		name string
		src  []byte
		dst  any
		want any
	}{
		{"a uuid.UUID", id[:], &got, id},
		{"NULL into a uuid.UUID", nil, &got, uuid.UUID{}},
		{"a *uuid.UUID", id[:], &owner, &id},
		{"NULL into a *uuid.UUID", nil, &owner, (*uuid.UUID)(nil)},
	} {
		got, owner = uuid.New(), &uuid.UUID{1} // left over from a read before
		if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, tc.src, tc.dst); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if read := reflect.ValueOf(tc.dst).Elem().Interface(); !reflect.DeepEqual(read, tc.want) {
			t.Errorf("%s: read %v, want %v", tc.name, read, tc.want)
		}
	}
	if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, id[:15], &got); err == nil {
		t.Error("15 bytes read as a uuid")
	}
	for _, tc := range []struct {
		dst  any
		most float64 // a *uuid.UUID needs its UUID
	}{{&got, 0}, {&owner, 1}} {
		allocs := testing.AllocsPerRun(100, func() {
			if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, id[:], tc.dst); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > tc.most {
			t.Errorf("reading into a %T took %v allocations", tc.dst, allocs)
		}
	}
}

// BenchmarkWriteNullableUUID writes a *uuid.UUID (a food's owner) as a
// uuid through pgxuuid's registration alone and through registerUUID:
// `go test -run '^$' -bench WriteNullableUUID -benchmem ./db/`.
func BenchmarkWriteNullableUUID(b *testing.B) {
	id := uuid.Must(uuid.NewV7())
	var owner any = &id // boxed once, as a COPY row's values are
	pgxOnly, larder := pgtype.NewMap(), pgtype.NewMap()
	pgxuuid.Register(pgxOnly)
	registerUUID(larder)
	for _, m := range []struct {
		name string
		m    *pgtype.Map
	}{{"pgxuuid", pgxOnly}, {"larder", larder}} {
		b.Run(m.name, func(b *testing.B) {
			buf := make([]byte, 0, 16)
			for b.Loop() {
				if _, err := m.m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, owner, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
