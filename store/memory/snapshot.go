package memory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sync"
	"time"
	"unsafe"

	"github.com/google/btree"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// A snapshot file is the whole in-memory state at a consistent point
// (every projection's writes up to its checkpoint, none past it), so that
// the embedded start loads it and replays only the events after the
// checkpoints it holds. Layout, integers little-endian:
//
//	magic "ALBSNAP\n" | format u32 | schema [32]byte | build (u32 len, bytes)
//	| position (commit i64, seq i64) | payload len u64 | payload | crc32c u32
//
// The schema is a hash of the format, the state's type description and
// the build (Albatross's version and commit), so another build's snapshot,
// whose projections may fold events differently, is never loaded; the
// position is the newest checkpoint, which must not be past the log's head;
// the CRC covers everything before it.

// SnapshotFormat is the layout version of snapshot files.
const SnapshotFormat = 2

// SnapshotFile is the snapshot's name in the data folder.
const SnapshotFile = "readmodels.snapshot"

var snapshotMagic = []byte("ALBSNAP\n")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrSnapshotUnusable is the error of LoadSnapshot for a snapshot it
// refuses (damaged, another build's, ahead of the log); the caller replays
// the whole log.
var ErrSnapshotUnusable = errors.New("snapshot unusable")

// Snapshot describes a snapshot that was written or loaded.
type Snapshot struct {
	Position domain.Position // the newest projection checkpoint it holds
	Bytes    int64
	Build    string
	// Held is how long the encode kept the projections and readers
	// waiting (the copy of the state), not counting the wait for the
	// batches in flight to end.
	Held time.Duration
}

var stateType = reflect.TypeFor[state]()

// schema is the codec of the state and the hash of its type description.
type schema struct {
	codec *snapCodec
	hash  []byte
}

// snapshotSchema is compiled once. A state field the codec cannot write
// (a channel, an interface) is an error at every snapshot, and the
// snapshot tests fail on it; the start then replays the whole log.
var snapshotSchema = sync.OnceValues(func() (sch schema, err error) {
	defer func() {
		if r := recover(); r != nil { // a google/btree whose fields changed
			sch, err = schema{}, fmt.Errorf("snapshot: %v", r)
		}
	}()
	c := newSnapCompiler(lessSites())
	cd, err := c.compile(stateType, "state")
	if err != nil {
		return schema{}, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "albatross memory snapshot %d\n%s\n%s", SnapshotFormat, c.descr.String(), buildID())
	return schema{cd, h.Sum(nil)}, nil
})

// lessSites are the ordering functions of the trees that the state makes
// on demand inside maps, by their site (struct.field), taken from the
// code that makes them, so that a changed order changes them too. A new
// such tree fails the snapshot tests until it is listed here.
func lessSites() map[string]unsafe.Pointer {
	ix := newPirepIndex()
	ix.addPilotNewest(&readmodel.Pirep{})
	var pilotNewest any
	for _, t := range ix.pilotNewest {
		pilotNewest = t
	}
	orders := newPirepOrders()
	return map[string]unsafe.Pointer{
		"state.airports":         lessOf(btree.NewG(orderDegree, byIcao)),
		"flightSet.refs":         lessOf(newFlightSet().refs),
		"pirepIndex.pilotNewest": lessOf(pilotNewest),
		"pirepIndex.queued":      lessOf(btree.NewG(orderDegree, queuedBefore)),
		"pirepOrders.newest":     lessOf(orders.newest),
		"pirepOrders.oldest":     lessOf(orders.oldest),
		"pirepOrders.longest":    lessOf(orders.longest),
		"pirepOrders.blockOff":   lessOf(orders.blockOff),
		"pirepOrders.blockOn":    lessOf(orders.blockOn),
		"airlineRoster.pilots":   lessOf(btree.NewG(orderDegree, rosterLess)),
		"airlineRoster.others":   lessOf(btree.NewG(orderDegree, rosterLess)),
	}
}

// buildID names the binary's source: its module version, VCS revision
// and whether the tree was modified.
func buildID() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	id := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" || s.Key == "vcs.time" {
			id += " " + s.Key + "=" + s.Value
		}
	}
	return id
}

// holdAll marks every projection busy, as a batch of each would, taking
// each as its batch in flight ends and keeping those it has (a projection
// held waits, as behind another process's lock), so that it gets them all
// even while batches keep coming. While held, every projection's writes
// and its checkpoint agree.
func (m *ReadModels) holdAll(ctx context.Context, projections []string) (release func(), err error) {
	held := map[string]bool{}
	release = func() {
		m.busyMu.Lock()
		for name := range held {
			delete(m.busy, name)
		}
		m.busyMu.Unlock()
	}
	for {
		m.busyMu.Lock()
		for _, name := range projections {
			if !held[name] && !m.busy[name] {
				m.busy[name] = true
				held[name] = true
			}
		}
		m.busyMu.Unlock()
		if len(held) == len(projections) {
			return release, nil
		}
		select {
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// EncodeSnapshot returns the snapshot file's bytes for the state at a
// point between batches of projections (every projection the caller's
// projector runs must be named: a batch of one not named could be half
// applied). The projections and readers wait only while the state is
// copied (see snapclone.go); the copy is then encoded while they go on.
func (m *ReadModels) EncodeSnapshot(ctx context.Context, projections []string) ([]byte, Snapshot, error) {
	sch, err := snapshotSchema()
	if err != nil {
		return nil, Snapshot{}, err
	}
	clone, err := cloneState()
	if err != nil {
		return nil, Snapshot{}, err
	}
	codec := sch.codec
	release, err := m.holdAll(ctx, projections)
	if err != nil {
		return nil, Snapshot{}, err
	}
	start := time.Now()
	m.mu.Lock()
	st := clone(m.st)
	m.mu.Unlock()
	release()
	held := time.Since(start)
	pos := newestCheckpoint(st)
	e := &snapEncoder{ptrs: map[unsafe.Pointer]uint64{}, strs: map[strKey]uint32{}, buf: make([]byte, 0, m.snapshotSize.Load()+m.snapshotSize.Load()/8+4096)}
	build := buildID()
	e.buf = append(e.buf, snapshotMagic...)
	e.buf = binary.LittleEndian.AppendUint32(e.buf, SnapshotFormat)
	e.buf = append(e.buf, sch.hash...)
	e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(len(build)))
	e.buf = append(e.buf, build...)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(pos.Commit))
	e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(pos.Seq))
	lenAt := len(e.buf)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, 0)
	if m.encodeHook != nil {
		m.encodeHook()
	}
	codec.enc(e, unsafe.Pointer(st))
	binary.LittleEndian.PutUint64(e.buf[lenAt:], uint64(len(e.buf)-lenAt-8))
	e.buf = binary.LittleEndian.AppendUint32(e.buf, crc32.Checksum(e.buf, crcTable))
	m.snapshotSize.Store(int64(len(e.buf)))
	return e.buf, Snapshot{Position: pos, Bytes: int64(len(e.buf)), Build: build, Held: held}, nil
}

// WriteSnapshot writes the snapshot to path atomically: a temporary file
// beside it, synced, renamed over it, and the folder synced, so a crash
// leaves the old snapshot or the new one, never half of one.
func (m *ReadModels) WriteSnapshot(ctx context.Context, path string, projections []string) (Snapshot, error) {
	b, s, err := m.EncodeSnapshot(ctx, projections)
	if err != nil {
		return Snapshot{}, err
	}
	return s, writeFileAtomic(path, b)
}

func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }() // gone after the rename
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return fmt.Errorf("snapshot: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("snapshot: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("snapshot: close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// newestCheckpoint is the furthest position any projection has reached.
func newestCheckpoint(st *state) domain.Position {
	var pos domain.Position
	for _, c := range st.checkpoints {
		if p := (domain.Position{Commit: c.CommitTx, Seq: c.Seq}); p.After(pos) {
			pos = p
		}
	}
	return pos
}

// LoadSnapshot reads the snapshot at path into a new store. head is the
// log's head: a snapshot past it (an older log restored beside a newer
// snapshot) is refused. Every refusal wraps ErrSnapshotUnusable with the
// reason; a missing file is os.ErrNotExist.
func LoadSnapshot(path string, head domain.Position) (*ReadModels, Snapshot, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, Snapshot{}, err
	}
	return DecodeSnapshot(b, head)
}

// DecodeSnapshot is LoadSnapshot from the file's bytes.
func DecodeSnapshot(b []byte, head domain.Position) (m *ReadModels, s Snapshot, err error) {
	unusable := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrSnapshotUnusable, fmt.Sprintf(format, args...))
	}
	sch, err := snapshotSchema()
	if err != nil {
		return nil, s, unusable("%v", err)
	}
	codec, schema := sch.codec, sch.hash
	const fixed = 8 + 4 + 32 + 4
	if len(b) < fixed+16+8+4 || !bytes.Equal(b[:8], snapshotMagic) {
		return nil, s, unusable("not a snapshot file, or truncated")
	}
	if got := crc32.Checksum(b[:len(b)-4], crcTable); got != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, s, unusable("checksum mismatch: the file is damaged or truncated")
	}
	if f := binary.LittleEndian.Uint32(b[8:]); f != SnapshotFormat {
		return nil, s, unusable("format %d, this build reads %d", f, SnapshotFormat)
	}
	n := int(binary.LittleEndian.Uint32(b[44:]))
	if n > len(b)-fixed-16-8-4 {
		return nil, s, unusable("bad header")
	}
	s.Build = string(b[fixed : fixed+n])
	if !bytes.Equal(b[12:44], schema) {
		return nil, s, unusable("written by another build of Albatross (%q; this is %q) or another read-model schema", s.Build, buildID())
	}
	at := fixed + n
	s.Position = domain.Position{Commit: int64(binary.LittleEndian.Uint64(b[at:])), Seq: int64(binary.LittleEndian.Uint64(b[at+8:]))}
	if s.Position.After(head) {
		return nil, s, unusable("it reflects the log up to %s, past the log's head %s (an older log?)", s.Position, head)
	}
	size := binary.LittleEndian.Uint64(b[at+16:])
	payload := b[at+24 : len(b)-4]
	if size != uint64(len(payload)) {
		return nil, s, unusable("payload length %d, file holds %d", size, len(payload))
	}
	s.Bytes = int64(len(b))
	m = New()
	d := &snapDecoder{buf: payload, sites: lessSites()}
	defer func() {
		if r := recover(); r != nil {
			// A decoder's own refusal, or anything else a file the codec
			// did not foresee led it into: either way the start replays
			// the whole log rather than fail.
			msg := fmt.Sprint(r)
			if de, ok := r.(snapDecodeError); ok {
				msg = de.msg
			}
			m, err = nil, unusable("%s", msg)
		}
	}()
	codec.dec(d, unsafe.Pointer(m.st))
	if d.off != len(payload) {
		return nil, s, unusable("%d bytes after the state", len(payload)-d.off)
	}
	m.st.rowsRead.Store(0)
	m.snapshotSize.Store(s.Bytes)
	return m, s, nil
}

// CanonicalState is the state in a canonical encoding (maps in key order,
// shared rows written out at each use), equal for two stores exactly when
// their tables, indexes and counters are: the snapshot tests compare a
// store loaded from a snapshot and caught up with one that replayed the
// whole log. Left out are what says when and how often this process did
// its work rather than what it holds: the read counter and the times the
// checkpoints were written.
func (m *ReadModels) CanonicalState() []byte {
	sch, err := snapshotSchema()
	if err != nil {
		panic(err) // tests only
	}
	codec := sch.codec
	var out []byte
	m.normalized(func() {
		e := &snapEncoder{canonical: true}
		codec.enc(e, unsafe.Pointer(m.st))
		out = e.buf
	})
	return out
}

// normalized runs f under the write lock with the read counter and the
// checkpoints' times set aside.
func (m *ReadModels) normalized(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	reads, checkpoints := m.st.rowsRead.Load(), m.st.checkpoints
	m.st.rowsRead.Store(0)
	m.st.checkpoints = make(map[string]readmodel.ProjectionCheckpoint, len(checkpoints))
	for name, c := range checkpoints {
		c.UpdatedAt = time.Time{}
		m.st.checkpoints[name] = c
	}
	defer func() {
		m.st.rowsRead.Store(reads)
		m.st.checkpoints = checkpoints
	}()
	f()
}

// StateDifferences names the state's fields (tables and indexes) whose
// canonical encodings differ between a and b, for a test's message.
func StateDifferences(a, b *ReadModels) []string {
	fa, fb := a.canonicalFields(), b.canonicalFields()
	var out []string
	for i := range stateType.NumField() {
		name := stateType.Field(i).Name
		if !bytes.Equal(fa[name], fb[name]) {
			out = append(out, fmt.Sprintf("%s (%d bytes against %d)", name, len(fa[name]), len(fb[name])))
		}
	}
	return out
}

func (m *ReadModels) canonicalFields() map[string][]byte {
	c := newSnapCompiler(lessSites())
	out := map[string][]byte{}
	m.normalized(func() { m.encodeFields(c, out) })
	return out
}

func (m *ReadModels) encodeFields(c *snapCompiler, out map[string][]byte) {
	for i := range stateType.NumField() {
		f := stateType.Field(i)
		if f.Type.Size() == 0 || f.Type.Kind() == reflect.Func {
			continue
		}
		cd, err := c.compile(f.Type, "state."+f.Name)
		if err != nil {
			panic(err)
		}
		e := &snapEncoder{canonical: true}
		cd.enc(e, unsafe.Add(unsafe.Pointer(m.st), f.Offset))
		out[f.Name] = e.buf
	}
}
