package logfile_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/logfile"
)

func sampleEvents(commit bool) []domain.RecordedEvent {
	at := time.Date(2026, 12, 4, 10, 0, 0, 123456000, time.UTC)
	var out []domain.RecordedEvent
	for i := range 6 {
		p := domain.Position{Seq: int64(i + 1)}
		if commit { // PostgreSQL: seqs that do not follow the commit order
			p = domain.Position{Commit: int64(900 + i/2), Seq: []int64{10, 11, 5, 6, 1, 2}[i]}
		}
		out = append(out, domain.RecordedEvent{
			Position: p, StreamID: []string{"airline-a", "user-b"}[i%2], Version: int64(i/2 + 1),
			TenantID: "t1", Type: "albatross.events.v1.Thing", SchemaVersion: 1,
			// Bytes no text check would let through, and an empty payload.
			Data: []byte{0, 0xff, byte(i), '\n'}[:i%4+1],
			Meta: domain.Metadata{Actor: "admin", CommandID: "cmd-" + string(rune('a'+i)), CorrelationID: "corr\x00\xfe",
				CausationID: "event 0.1", RecordedAt: at.Add(time.Duration(i) * time.Minute)},
		})
	}
	out[5].Data = []byte{}
	return out
}

func writeFile(t testing.TB, evs []domain.RecordedEvent, claims []logfile.Claim, rs []logfile.Reactor) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := logfile.NewWriter(&buf, logfile.Header{WrittenAt: time.Unix(1, 0), Source: "embedded", Program: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := w.Event(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range claims {
		if err := w.Claim(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rs {
		if err := w.Reactor(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	claims   = []logfile.Claim{{"airline", "slug", "alpha", "airline-a"}, {"user", "email", "b@x", "user-b"}}
	reactors = []logfile.Reactor{{Name: "bids", At: domain.Position{Commit: 901, Seq: 6}}, {Name: "promotions", At: domain.Position{Commit: 902, Seq: 2}, Caused: domain.Position{Commit: 902, Seq: 1}}}
)

type collect struct {
	evs    []domain.RecordedEvent
	claims []logfile.Claim
	rs     []logfile.Reactor
}

func (c *collect) Event(_ context.Context, e domain.RecordedEvent) error {
	c.evs = append(c.evs, e)
	return nil
}
func (c *collect) Claim(_ context.Context, x logfile.Claim) error {
	c.claims = append(c.claims, x)
	return nil
}
func (c *collect) Reactor(_ context.Context, r logfile.Reactor) error {
	c.rs = append(c.rs, r)
	return nil
}

func load(t *testing.T, file []byte) (*collect, logfile.Summary, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	c := &collect{}
	sum, err := logfile.Load(context.Background(), path, c)
	return c, sum, err
}

// An embedded log comes back exactly, positions included.
func TestAnEmbeddedLogComesBackByteForByte(t *testing.T) {
	evs := sampleEvents(false)
	rs := []logfile.Reactor{{Name: "promotions", At: domain.Position{Seq: 4}, Caused: domain.Position{Seq: 5}}}
	got, sum, err := load(t, writeFile(t, evs, claims, rs))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.evs, evs) || !reflect.DeepEqual(got.claims, claims) || !reflect.DeepEqual(got.rs, rs) {
		t.Errorf("read back differs:\n got %+v\nwant %+v", got.evs, evs)
	}
	if !sum.KeepPositions || sum.Events != 6 || sum.Claims != 2 || sum.Reactors != 1 || sum.Header.Program != "test" {
		t.Errorf("summary %+v", sum)
	}
}

// A PostgreSQL log keeps its order and every byte, but its events are
// numbered 1..N at commit 0, and the reactors' checkpoints name the same
// events under their new numbers.
func TestAPostgresLogIsNumberedInGlobalOrder(t *testing.T) {
	evs := sampleEvents(true)
	got, sum, err := load(t, writeFile(t, evs, claims, reactors))
	if err != nil {
		t.Fatal(err)
	}
	if sum.KeepPositions {
		t.Error("a log with transaction ids kept its positions")
	}
	for i, e := range got.evs {
		want := evs[i]
		want.Position = domain.Position{Seq: int64(i + 1)}
		if !reflect.DeepEqual(e, want) {
			t.Errorf("event %d: got %+v, want %+v", i, e, want)
		}
	}
	// bids was at (901, 6), the 4th event; promotions at (902, 2), the
	// 6th, and caused (902, 1), the 5th.
	want := []logfile.Reactor{{Name: "bids", At: domain.Position{Seq: 4}}, {Name: "promotions", At: domain.Position{Seq: 6}, Caused: domain.Position{Seq: 5}}}
	if !reflect.DeepEqual(got.rs, want) {
		t.Errorf("reactors %+v, want %+v", got.rs, want)
	}
}

// A file cut anywhere, or with any one byte changed, is refused, and the
// sink sees nothing of it (Load checks the whole file before the first
// record goes out).
func TestATruncatedOrAlteredFileIsRefused(t *testing.T) {
	file := writeFile(t, sampleEvents(true), claims, reactors)
	for n := range len(file) {
		got, _, err := load(t, file[:n])
		if err == nil {
			t.Fatalf("a file cut at byte %d of %d was read", n, len(file))
		}
		if len(got.evs)+len(got.claims)+len(got.rs) > 0 {
			t.Fatalf("cut at %d: the sink got records before the refusal", n)
		}
		if n > 20 && !errors.Is(err, logfile.ErrDamaged) {
			t.Errorf("cut at %d: %v does not say the file is damaged", n, err)
		}
	}
	if _, _, err := load(t, file[:len(file)-10]); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("a truncated file: %v, want it called truncated", err)
	}
	for i := range file {
		altered := bytes.Clone(file)
		altered[i] ^= 0x20
		got, _, err := load(t, altered)
		if err == nil {
			t.Fatalf("a file with byte %d altered was read", i)
		}
		if len(got.evs) > 0 {
			t.Fatalf("byte %d altered: the sink got events", i)
		}
	}
	altered := bytes.Clone(file)
	altered[60] ^= 1 // inside the first event
	if _, _, err := load(t, altered); err == nil || !strings.Contains(err.Error(), "altered") && !strings.Contains(err.Error(), "damaged") {
		t.Errorf("an altered file: %v", err)
	}
	if _, _, err := load(t, append(bytes.Clone(file), 0)); err == nil {
		t.Error("a file with a byte after its trailer was read")
	}
}

func TestAnotherFormatVersionOrFileIsRefused(t *testing.T) {
	file := writeFile(t, nil, nil, nil)
	v2 := bytes.Clone(file)
	v2[len(logfile.Magic)] = 2
	if _, err := logfile.Verify(bytes.NewReader(v2)); err == nil || !strings.Contains(err.Error(), "format version 2") {
		t.Errorf("version 2: %v", err)
	}
	if _, err := logfile.Verify(strings.NewReader("SQLite format 3\x00")); err == nil || !strings.Contains(err.Error(), "not an Albatross log file") {
		t.Errorf("another file: %v", err)
	}
	if sum, err := logfile.Verify(bytes.NewReader(file)); err != nil || sum.Events != 0 {
		t.Errorf("an empty log: %+v %v", sum, err)
	}
}

// The writer refuses what a reader would refuse: events out of global
// order, records out of place.
func TestTheWriterKeepsTheOrder(t *testing.T) {
	w, _ := logfile.NewWriter(io.Discard, logfile.Header{})
	evs := sampleEvents(false)
	if err := w.Event(evs[1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Event(evs[0]); err == nil {
		t.Error("an event before the previous one was written")
	}
	if err := w.Claim(claims[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.Event(evs[2]); err == nil {
		t.Error("an event after a claim was written")
	}
}

// A file from anywhere never makes the reader panic or loop, and one it
// accepts is written back byte for byte.
func FuzzReadLogFile(f *testing.F) {
	f.Add(writeFile(f, sampleEvents(true), claims, reactors))
	f.Add(writeFile(f, sampleEvents(false), nil, nil))
	f.Add([]byte(logfile.Magic))
	f.Fuzz(func(t *testing.T, file []byte) {
		r, err := logfile.NewReader(bytes.NewReader(file))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w, err := logfile.NewWriter(&buf, r.Header())
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return
			}
			switch {
			case rec.Event != nil:
				err = w.Event(*rec.Event)
			case rec.Claim != nil:
				err = w.Claim(*rec.Claim)
			case rec.Reactor != nil:
				err = w.Reactor(*rec.Reactor)
			}
			if err != nil {
				t.Fatalf("the writer refuses what the reader accepted: %v", err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), file) {
			t.Fatalf("an accepted file does not write back the same")
		}
	})
}
