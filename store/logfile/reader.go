package logfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// Record is one record of a file: exactly one of its pointers is set.
type Record struct {
	Event   *domain.RecordedEvent
	Claim   *Claim
	Reactor *Reactor
}

// Reader reads a log file record by record, checking its order as it goes
// and its counts and checksum at the end: Next returns io.EOF only after a
// trailer that matches. Until then, what it returned may belong to a
// damaged file, so an importer applies it in a transaction it commits only
// after io.EOF.
type Reader struct {
	r       *bufio.Reader
	sum     hash.Hash
	header  Header
	stage   byte
	counts  [3]uint64
	last    domain.Position
	lastKey string
	streams map[string]int64 // the last version of each stream
	offset  int64
	done    bool
	allZero bool
}

// NewReader reads the magic, version and header of a file.
func NewReader(r io.Reader) (*Reader, error) {
	lr := &Reader{r: bufio.NewReaderSize(r, 1<<20), sum: sha256.New(), stage: tagHeader,
		streams: map[string]int64{}, allZero: true}
	magic := make([]byte, len(Magic))
	if _, err := io.ReadFull(lr.r, magic); err != nil || string(magic) != Magic {
		return nil, fmt.Errorf("not an Albatross log file (it does not start with %q)", Magic[:len(Magic)-1])
	}
	lr.sum.Write(magic)
	lr.offset = int64(len(magic))
	v, err := lr.uvarint()
	if err != nil {
		return nil, damaged("no format version: %v", err)
	}
	if v != FormatVersion {
		return nil, fmt.Errorf("the log file has format version %d; this Albatross reads version %d", v, FormatVersion)
	}
	tag, body, err := lr.record()
	if err != nil {
		return nil, err
	}
	if tag != tagHeader {
		return nil, damaged("the first record is %q, not the header", tag)
	}
	d := decoder{b: body}
	lr.header = Header{WrittenAt: time.UnixMicro(d.varint()).UTC(), Source: d.string(), Program: d.string()}
	if err := d.end("header"); err != nil {
		return nil, err
	}
	return lr, nil
}

// Header returns the file's header.
func (r *Reader) Header() Header { return r.header }

// KeepPositions reports whether every event read so far is at commit 0.
func (r *Reader) KeepPositions() bool { return r.allZero }

// uvarint reads one uvarint into the checksum.
func (r *Reader) uvarint() (uint64, error) {
	var buf [binary.MaxVarintLen64]byte
	for i := range buf {
		c, err := r.r.ReadByte()
		if err != nil {
			return 0, err
		}
		buf[i] = c
		if c < 0x80 {
			r.sum.Write(buf[:i+1])
			r.offset += int64(i + 1)
			v, n := binary.Uvarint(buf[:i+1])
			if n <= 0 {
				return 0, errors.New("varint overflows")
			}
			return v, nil
		}
	}
	return 0, errors.New("varint overflows")
}

// record reads one tag, length and body; everything but the trailer's
// checksum goes into the running sum.
func (r *Reader) record() (byte, []byte, error) {
	at := r.offset
	tag, err := r.r.ReadByte()
	if errors.Is(err, io.EOF) {
		return 0, nil, damaged("it ends at byte %d without its trailer: the file is truncated", at)
	}
	if err != nil {
		return 0, nil, err
	}
	r.sum.Write([]byte{tag})
	r.offset++
	n, err := r.uvarint()
	if err != nil {
		return 0, nil, damaged("the record at byte %d has no length (truncated?): %v", at, err)
	}
	if n > maxRecord {
		return 0, nil, damaged("the record at byte %d claims %d bytes, more than any record has", at, n)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r.r, body); err != nil {
		return 0, nil, damaged("the record at byte %d is cut short: the file is truncated", at)
	}
	r.offset += int64(n)
	if tag == tagTrailer {
		if n < sha256.Size {
			return 0, nil, damaged("the trailer at byte %d is too short", at)
		}
		r.sum.Write(body[:n-sha256.Size])
	} else {
		r.sum.Write(body)
	}
	return tag, body, nil
}

// Next returns the next record, or io.EOF after a trailer whose counts
// and checksum match what came before it.
func (r *Reader) Next() (Record, error) {
	if r.done {
		return Record{}, io.EOF
	}
	at := r.offset
	tag, body, err := r.record()
	if err != nil {
		return Record{}, err
	}
	order := map[byte]int{tagEvent: 1, tagClaim: 2, tagReactor: 3, tagTrailer: 4}
	rank, known := order[tag]
	if !known {
		return Record{}, damaged("unknown record %q at byte %d", tag, at)
	}
	if rank < order[r.stage] {
		return Record{}, damaged("a %c record at byte %d after %c records", tag, at, r.stage)
	}
	if tag != r.stage {
		r.lastKey = ""
	}
	r.stage = tag
	d := decoder{b: body}
	switch tag {
	case tagEvent:
		var e domain.RecordedEvent
		e.Position.Commit = d.varint()
		e.Position.Seq = d.varint()
		e.StreamID = d.string()
		e.Version = d.varint()
		e.TenantID = d.string()
		e.Type = d.string()
		e.SchemaVersion = int32(d.varint())
		e.Data = d.bytes()
		e.Meta.Actor = d.string()
		e.Meta.CommandID = d.string()
		e.Meta.CorrelationID = d.string()
		e.Meta.CausationID = d.string()
		e.Meta.RecordedAt = time.UnixMicro(d.varint()).UTC()
		if err := d.end("event"); err != nil {
			return Record{}, err
		}
		if r.counts[0] > 0 && !e.Position.After(r.last) {
			return Record{}, damaged("the event at byte %d (position %s) is not after the one before it (%s)", at, e.Position, r.last)
		}
		if want := r.streams[e.StreamID] + 1; e.Version != want {
			return Record{}, damaged("the event at byte %d is version %d of stream %s, which is at version %d", at, e.Version, e.StreamID, want-1)
		}
		r.streams[e.StreamID] = e.Version
		if e.Position.Commit != 0 {
			r.allZero = false
		}
		r.last = e.Position
		r.counts[0]++
		return Record{Event: &e}, nil
	case tagClaim:
		c := Claim{Scope: d.string(), Field: d.string(), Value: d.string(), StreamID: d.string()}
		if err := d.end("claim"); err != nil {
			return Record{}, err
		}
		key := c.Scope + "\x00" + c.Field + "\x00" + c.Value
		if r.counts[1] > 0 && key <= r.lastKey {
			return Record{}, damaged("the claim at byte %d is out of order", at)
		}
		if _, ok := r.streams[c.StreamID]; !ok {
			return Record{}, damaged("the claim at byte %d is held by stream %s, which has no event", at, c.StreamID)
		}
		r.lastKey = key
		r.counts[1]++
		return Record{Claim: &c}, nil
	case tagReactor:
		rc := Reactor{Name: d.string()}
		rc.At = domain.Position{Commit: d.varint(), Seq: d.varint()}
		rc.Caused = domain.Position{Commit: d.varint(), Seq: d.varint()}
		if err := d.end("reactor checkpoint"); err != nil {
			return Record{}, err
		}
		if r.counts[2] > 0 && rc.Name <= r.lastKey {
			return Record{}, damaged("the reactor checkpoint at byte %d is out of order", at)
		}
		r.lastKey = rc.Name
		r.counts[2]++
		return Record{Reactor: &rc}, nil
	}
	// The trailer.
	sum := r.sum.Sum(nil)
	d = decoder{b: body[:len(body)-sha256.Size]}
	var counts [3]uint64
	for i := range counts {
		counts[i] = d.uvarint()
	}
	if err := d.end("trailer"); err != nil {
		return Record{}, err
	}
	if counts != r.counts {
		return Record{}, damaged("the trailer counts %d events, %d claims and %d reactors, the file holds %d, %d and %d",
			counts[0], counts[1], counts[2], r.counts[0], r.counts[1], r.counts[2])
	}
	if !bytes.Equal(sum, body[len(body)-sha256.Size:]) {
		return Record{}, damaged("its SHA-256 checksum does not match its content: the file was altered")
	}
	if _, err := r.r.ReadByte(); !errors.Is(err, io.EOF) {
		return Record{}, damaged("bytes follow the trailer at byte %d", r.offset)
	}
	r.done = true
	return Record{}, io.EOF
}

// Summary counts what has been read; after Next returned io.EOF it
// describes the whole file.
func (r *Reader) Summary() Summary {
	return Summary{Header: r.header, Events: int(r.counts[0]), Claims: int(r.counts[1]),
		Reactors: int(r.counts[2]), KeepPositions: r.allZero}
}

// Verify reads a whole file and returns what it holds, or why it is
// refused.
func Verify(src io.Reader) (Summary, error) {
	r, err := NewReader(src)
	if err != nil {
		return Summary{}, err
	}
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Summary(), nil
		}
		if err != nil {
			return Summary{}, err
		}
	}
}

// decoder reads the fields of one record body; the first error sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("a number is cut short")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errors.New("a number is cut short")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errors.New("a field is longer than its record")
		return nil
	}
	out := make([]byte, n)
	copy(out, d.b[:n])
	d.b = d.b[n:]
	return out
}

func (d *decoder) string() string { return string(d.bytes()) }

func (d *decoder) end(what string) error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d bytes left over", len(d.b))
	}
	if d.err != nil {
		return damaged("a malformed %s record: %v", what, d.err)
	}
	return nil
}
