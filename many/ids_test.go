package many

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestNewIDsAreTimeOrderedV7(t *testing.T) {
	t.Parallel()
	before := time.Now()
	first, err := NewIDs(10_000) // more than one millisecond's 4,096
	require.NoError(t, err)
	second, err := NewIDs(1)
	require.NoError(t, err)
	ids := append(first, second...)
	for i, id := range ids {
		require.Equal(t, uuid.Version(7), id.Version())
		require.Equal(t, uuid.RFC4122, id.Variant())
		if i > 0 {
			require.Negative(t, CompareUUID(ids[i-1], id), "ids must ascend, across batches too")
		}
	}
	sec, nsec := ids[0].Time().UnixTime()
	require.WithinDuration(t, before, time.Unix(sec, nsec), time.Second)
}

func TestNewIDsFromManyGoroutinesAreDistinct(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[uuid.UUID]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			ids, err := NewIDs(2000)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if seen[id] {
					t.Errorf("%s made twice", id)
				}
				seen[id] = true
			}
		})
	}
	wg.Wait()
	require.Len(t, seen, 16_000)
}

func TestNewIDsAllocateOncePerBatch(t *testing.T) {
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := NewIDs(1000); err != nil {
			t.Fatal(err)
		}
	})
	require.LessOrEqual(t, allocs, 2.0, "the ids and the random bytes")
}
