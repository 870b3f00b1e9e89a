// Package logfile is the file format of `albatross log export` and
// `albatross log import` (and of `albatross backup` in the PostgreSQL mode):
// the whole event log of a deployment, in global order, with the unique
// claims and the reactors' checkpoints that live beside it, in one
// versioned and checksummed file that either event store reads back.
//
// # Format, version 1
//
// All integers are varints as encoding/binary writes them: unsigned ones
// with PutUvarint, signed ones with PutVarint. A string or byte string is
// an unsigned varint length followed by that many bytes, copied exactly
// (no text encoding is assumed or checked, so every event comes back byte
// for byte). A file is:
//
//	magic    the 14 bytes "ALBATROSS-LOG\n"
//	version  uvarint, 1
//	records  each: one tag byte, a uvarint body length, the body
//
// and the records come in this order, each kind at most in its place:
//
//	'H' header, exactly one, first: written_at (varint, Unix microseconds,
//	    UTC), source (string: "embedded" or "postgres"), program (string:
//	    the Albatross version that wrote the file)
//	'E' one per event, in the source's global order: commit (varint),
//	    seq (varint) (its position in the source log), stream_id (string),
//	    version (varint, from 1 and without gaps within a stream),
//	    tenant_id, type (strings), schema_version (varint), data (bytes:
//	    the protobuf payload), actor, command_id, correlation_id,
//	    causation_id (strings), recorded_at (varint, Unix microseconds)
//	'C' one per unique claim, sorted by scope, field, value: scope,
//	    field, value, stream_id (strings)
//	'R' one per reactor checkpoint, sorted by name: name (string),
//	    at_commit, at_seq, caused_commit, caused_seq (varints)
//	'T' trailer, exactly one, last: events, claims, reactors (uvarints:
//	    how many of each came before), then the 32 bytes of the SHA-256 of
//	    every byte of the file before them (from the magic to the
//	    trailer's reactor count). Nothing may follow it.
//
// A reader refuses a file whose magic, version, order, counts or checksum
// are not as above, so a truncated or altered file is never imported. The
// idempotency records (command id to stream and versions) are not in the
// file: each is the command id of an append's events, and the importer
// derives them.
//
// # Positions in the target
//
// An imported log keeps the global order. In the target every event is at
// commit 0: that sorts before any PostgreSQL transaction id, so events
// appended after the import sort after it in a cluster whose transaction
// ids are unrelated to the source's, and it is what the embedded store
// uses anyway. An event keeps its seq when every event of the file is at
// commit 0 (an embedded log: its positions, and the causation ids and
// reaction command ids derived from them, stay exactly what they were);
// otherwise (a PostgreSQL log, whose seqs do not follow the global order)
// the events are numbered 1, 2, … in global order, and the reactors'
// checkpoints are moved to the numbers of the events they named.
package logfile

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// Magic opens every log file.
const Magic = "ALBATROSS-LOG\n"

// FormatVersion is the version this package writes and the only one it
// reads.
const FormatVersion = 1

// maxRecord bounds one record's body, so a damaged length cannot make a
// reader allocate without limit. An event's payload is far smaller.
const maxRecord = 64 << 20

// Record tags.
const (
	tagHeader  = 'H'
	tagEvent   = 'E'
	tagClaim   = 'C'
	tagReactor = 'R'
	tagTrailer = 'T'
)

// Header says where and when a file was written.
type Header struct {
	WrittenAt time.Time
	Source    string // "embedded" or "postgres"
	Program   string // the Albatross version
}

// Claim is one unique value held by a stream (an airline's slug, a
// user's email).
type Claim struct {
	Scope, Field, Value, StreamID string
}

// Reactor is how far one reactor had reacted.
type Reactor struct {
	Name   string
	At     domain.Position
	Caused domain.Position
}

// Summary counts what a file holds.
type Summary struct {
	Header   Header
	Events   int
	Claims   int
	Reactors int
	// KeepPositions is true when every event is at commit 0, so the
	// events keep their seqs in the target.
	KeepPositions bool
}

// Writer writes a log file. Call Event for every event in global order,
// then Claim, then Reactor, then Close, which writes the trailer; a file
// without its trailer is refused by every reader.
type Writer struct {
	w        *bufio.Writer
	sum      hash.Hash
	out      io.Writer // w and sum
	buf      []byte
	stage    byte
	last     domain.Position
	counts   [3]uint64
	lastKey  string
	err      error
	isClosed bool
}

// NewWriter writes the magic, version and header to w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	lw := &Writer{w: bufio.NewWriterSize(w, 1<<20), sum: sha256.New(), stage: tagHeader}
	lw.out = io.MultiWriter(lw.w, lw.sum)
	if _, err := io.WriteString(lw.out, Magic); err != nil {
		return nil, err
	}
	lw.buf = binary.AppendUvarint(lw.buf[:0], FormatVersion)
	if _, err := lw.out.Write(lw.buf); err != nil {
		return nil, err
	}
	var b []byte
	b = binary.AppendVarint(b, h.WrittenAt.UnixMicro())
	b = appendString(b, h.Source)
	b = appendString(b, h.Program)
	if err := lw.record(tagHeader, b); err != nil {
		return nil, err
	}
	return lw, nil
}

func (w *Writer) record(tag byte, body []byte) error {
	if w.err != nil {
		return w.err
	}
	head := binary.AppendUvarint([]byte{tag}, uint64(len(body)))
	if _, err := w.out.Write(head); err != nil {
		w.err = err
		return err
	}
	if _, err := w.out.Write(body); err != nil {
		w.err = err
		return err
	}
	return nil
}

// advance moves the writer to a later kind of record, refusing a record
// that comes after its place.
func (w *Writer) advance(tag byte) error {
	order := map[byte]int{tagHeader: 0, tagEvent: 1, tagClaim: 2, tagReactor: 3, tagTrailer: 4}
	if w.isClosed || order[tag] < order[w.stage] {
		return fmt.Errorf("log file: a %c record after a %c record", tag, w.stage)
	}
	if tag != w.stage {
		w.lastKey = ""
	}
	w.stage = tag
	return nil
}

// Event writes one event; events must come in global order.
func (w *Writer) Event(e domain.RecordedEvent) error {
	if err := w.advance(tagEvent); err != nil {
		return err
	}
	if w.counts[0] > 0 && !e.Position.After(w.last) {
		return fmt.Errorf("log file: event at %s after %s is out of global order", e.Position, w.last)
	}
	w.last = e.Position
	w.counts[0]++
	b := w.buf[:0]
	b = binary.AppendVarint(b, e.Position.Commit)
	b = binary.AppendVarint(b, e.Position.Seq)
	b = appendString(b, e.StreamID)
	b = binary.AppendVarint(b, e.Version)
	b = appendString(b, e.TenantID)
	b = appendString(b, e.Type)
	b = binary.AppendVarint(b, int64(e.SchemaVersion))
	b = appendBytes(b, e.Data)
	b = appendString(b, e.Meta.Actor)
	b = appendString(b, e.Meta.CommandID)
	b = appendString(b, e.Meta.CorrelationID)
	b = appendString(b, e.Meta.CausationID)
	b = binary.AppendVarint(b, e.Meta.RecordedAt.UnixMicro())
	w.buf = b
	return w.record(tagEvent, b)
}

// Claim writes one unique claim; claims must come sorted.
func (w *Writer) Claim(c Claim) error {
	if err := w.advance(tagClaim); err != nil {
		return err
	}
	key := c.Scope + "\x00" + c.Field + "\x00" + c.Value
	if w.counts[1] > 0 && key <= w.lastKey {
		return fmt.Errorf("log file: claim %s/%s/%s out of order", c.Scope, c.Field, c.Value)
	}
	w.lastKey = key
	w.counts[1]++
	b := w.buf[:0]
	b = appendString(b, c.Scope)
	b = appendString(b, c.Field)
	b = appendString(b, c.Value)
	b = appendString(b, c.StreamID)
	w.buf = b
	return w.record(tagClaim, b)
}

// Reactor writes one reactor's checkpoint; reactors must come sorted by
// name.
func (w *Writer) Reactor(r Reactor) error {
	if err := w.advance(tagReactor); err != nil {
		return err
	}
	if w.counts[2] > 0 && r.Name <= w.lastKey {
		return fmt.Errorf("log file: reactor %s out of order", r.Name)
	}
	w.lastKey = r.Name
	w.counts[2]++
	b := w.buf[:0]
	b = appendString(b, r.Name)
	b = binary.AppendVarint(b, r.At.Commit)
	b = binary.AppendVarint(b, r.At.Seq)
	b = binary.AppendVarint(b, r.Caused.Commit)
	b = binary.AppendVarint(b, r.Caused.Seq)
	w.buf = b
	return w.record(tagReactor, b)
}

// Close writes the trailer and flushes; it does not close the underlying
// writer.
func (w *Writer) Close() error {
	if err := w.advance(tagTrailer); err != nil {
		return err
	}
	w.isClosed = true
	if w.err != nil {
		return w.err
	}
	var b []byte
	for _, n := range w.counts {
		b = binary.AppendUvarint(b, n)
	}
	// The tag and length go into the checksum, the counts too; the sum
	// itself cannot.
	head := binary.AppendUvarint([]byte{tagTrailer}, uint64(len(b)+sha256.Size))
	w.sum.Write(head)
	w.sum.Write(b)
	if _, err := w.w.Write(head); err != nil {
		return err
	}
	if _, err := w.w.Write(b); err != nil {
		return err
	}
	if _, err := w.w.Write(w.sum.Sum(nil)); err != nil {
		return err
	}
	return w.w.Flush()
}

// Counts returns how many events, claims and reactors have been written.
func (w *Writer) Counts() (events, claims, reactors int) {
	return int(w.counts[0]), int(w.counts[1]), int(w.counts[2])
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// ErrDamaged is wrapped by every error about a file that is not a whole,
// unaltered log file.
var ErrDamaged = errors.New("the log file is damaged")

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrDamaged, fmt.Sprintf(format, args...))
}
