package many

// SetChunkSize changes the chunk size for a benchmark and returns the
// function that restores it. Tests that change it must not run in
// parallel with other tests of this package.
func SetChunkSize(n int) (restore func()) {
	chunkSize = n
	return func() { chunkSize = ChunkSize }
}
