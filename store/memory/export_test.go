package memory

import (
	"time"
	"unsafe"
)

// SetEncodeHook makes EncodeSnapshot call f once it has copied the state
// and let the projections go, before it encodes the copy: a test holds the
// encoder there.
func SetEncodeHook(m *ReadModels, f func()) { m.encodeHook = f }

// EncodeHoldingProjections encodes the state as EncodeSnapshot did before
// it copied the state: under the store's lock throughout, which is how
// long the projections waited. It returns that time, the baseline of
// BenchmarkSnapshotHold.
func EncodeHoldingProjections(m *ReadModels) time.Duration {
	sch, err := snapshotSchema()
	if err != nil {
		panic(err)
	}
	start := time.Now()
	m.mu.RLock()
	e := &snapEncoder{ptrs: map[unsafe.Pointer]uint64{}, strs: map[strKey]uint32{}, buf: make([]byte, 0, m.snapshotSize.Load()+4096)}
	sch.codec.enc(e, unsafe.Pointer(m.st))
	m.mu.RUnlock()
	return time.Since(start)
}
