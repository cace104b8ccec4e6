package many

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// NewIDs returns n new UUIDv7s, in ascending order: time-ordered keys,
// which keep a primary key index growing at its right edge.
func NewIDs(n int) ([]uuid.UUID, error) {
	ids := make([]uuid.UUID, n)
	b, err := newV7Batch(n)
	if err != nil {
		return nil, fmt.Errorf("new ids: %w", err)
	}
	for i := range ids {
		ids[i] = b.next()
	}
	return ids, nil
}

// clock is the newest time a UUIDv7 of this package holds: Unix
// milliseconds << 12 | a 12-bit count within the millisecond. Each batch
// starts after the one before, so the ids of a process ascend even within
// a millisecond; past 4,096 ids in one, the count carries into the
// milliseconds, running the clock ahead until time catches up (RFC 9562,
// 6.2, methods 1 and 3).
var clock struct {
	sync.Mutex
	last int64
}

// v7Batch hands out n UUIDv7s, from one read of random bytes.
type v7Batch struct {
	at     int64  // the next id's time, as clock.last counts it
	random []byte // 8 bytes per id not yet handed out
}

func newV7Batch(n int) (v7Batch, error) {
	random := make([]byte, 8*n)
	if _, err := rand.Read(random); err != nil {
		return v7Batch{}, err
	}
	clock.Lock()
	at := max(time.Now().UnixMilli()<<12, clock.last+1)
	clock.last = at + int64(n) - 1
	clock.Unlock()
	return v7Batch{at: at, random: random}, nil
}

// next is the batch's next id: 48 bits of milliseconds, the version, the
// 12-bit count, the variant and 62 random bits.
func (b *v7Batch) next() uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[:8], uint64(b.at>>12)<<16|0x7000|uint64(b.at&0xfff))
	copy(id[8:], b.random[:8])
	id[8] = id[8]&0x3f | 0x80
	b.at++
	b.random = b.random[8:]
	return id
}
