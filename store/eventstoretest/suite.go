// Package eventstoretest is the conformance suite every domain.EventStore
// adapter runs from its own tests, so the PostgreSQL and the embedded
// stores keep one contract.
package eventstoretest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// Harness adapts the suite to one event store adapter.
type Harness struct {
	// New returns an empty store of its own, closed when t ends.
	New func(t *testing.T) domain.EventStore
	// SetBeforeCommit installs fn on a store from New: every later Append
	// calls fn inside its transaction after its rows are inserted and
	// before it commits; an error from fn rolls the append back and is
	// returned (wrapped) by Append. The suite calls it before appending.
	SetBeforeCommit func(s domain.EventStore, fn func(ctx context.Context, req domain.AppendRequest) error)
	// SerialWriters is true when appends commit one at a time, so that an
	// append waits while another holds its transaction open (SQLite).
	SerialWriters bool
	// RollbackLeavesGap is true when a rolled-back append consumes sequence
	// numbers (PostgreSQL), so the suite can check that followers read
	// across the gap.
	RollbackLeavesGap bool
}

// waitFor bounds every wait in the suite. PostgreSQL readers wait for the
// oldest transaction of the whole cluster, which other tests may hold open
// for a moment, so reads poll until this deadline rather than expecting an
// append to be readable at once.
const waitFor = 60 * time.Second

// Run runs the conformance suite against the adapter h describes.
func Run(t *testing.T, h Harness) {
	if h.New == nil || h.SetBeforeCommit == nil {
		t.Fatal("eventstoretest: Harness.New and Harness.SetBeforeCommit are required")
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"Validation", testValidation},
		{"ExpectedVersionMatrix", testExpectedVersionMatrix},
		{"MetadataRoundTrip", testMetadataRoundTrip},
		{"ReadStreamAfterVersion", testReadStreamAfterVersion},
		{"ReadAllLimit", testReadAllLimit},
		{"SameExpectedVersionRace", testSameExpectedVersionRace},
		{"AnyVersionWriters", testAnyVersionWriters},
		{"DuplicateCommandSequential", testDuplicateCommandSequential},
		{"DuplicateCommandConcurrentSameStream", testDuplicateCommandConcurrentSameStream},
		{"DuplicateCommandConcurrentStreams", testDuplicateCommandConcurrentStreams},
		{"UniqueClaims", testUniqueClaims},
		{"UniqueClaimRace", testUniqueClaimRace},
		{"ClaimRelease", testClaimRelease},
		{"HeldTransaction", testHeldTransaction},
		{"RolledBackAppend", testRolledBackAppend},
		{"RandomWritersFollower", testRandomWritersFollower},
		{"ResumeFromCheckpoint", testResumeFromCheckpoint},
		{"Subscribe", testSubscribe},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // every subtest has a store of its own
			tc.fn(t, h)
		})
	}
}

// --- helpers ---------------------------------------------------------------

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitFor)
	t.Cleanup(cancel)
	return ctx
}

func newEvent(data string) domain.NewEvent {
	return domain.NewEvent{Type: "albatross.test.v1.Happened", SchemaVersion: 1, Data: []byte(data)}
}

func events(data ...string) []domain.NewEvent {
	out := make([]domain.NewEvent, len(data))
	for i, d := range data {
		out[i] = newEvent(d)
	}
	return out
}

func mustAppend(t *testing.T, s domain.EventStore, req domain.AppendRequest) domain.AppendResult {
	t.Helper()
	if req.TenantID == "" {
		req.TenantID = "tenant-1"
	}
	res, err := s.Append(ctxFor(t), req)
	if err != nil {
		t.Fatalf("append to %s: %v", req.StreamID, err)
	}
	return res
}

func readStream(t *testing.T, s domain.EventStore, stream string) []domain.RecordedEvent {
	t.Helper()
	evs, err := s.ReadStream(ctxFor(t), stream, 0)
	if err != nil {
		t.Fatalf("read stream %s: %v", stream, err)
	}
	return evs
}

func dataOf(evs []domain.RecordedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = string(e.Data)
	}
	return out
}

func versionsOf(evs []domain.RecordedEvent) []int64 {
	out := make([]int64, len(evs))
	for i, e := range evs {
		out[i] = e.Version
	}
	return out
}

func oneTo(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// readExactly follows the log from after until it has n events, and fails if
// it gets more, if they are out of order, or if they do not come in time.
func readExactly(t *testing.T, s domain.EventStore, after domain.Position, n int) []domain.RecordedEvent {
	t.Helper()
	ctx := ctxFor(t)
	deadline := time.Now().Add(waitFor)
	var out []domain.RecordedEvent
	pos := after
	for len(out) < n {
		evs, err := s.ReadAll(ctx, pos, 100)
		if err != nil {
			t.Fatalf("read all after %s: %v", pos, err)
		}
		for _, e := range evs {
			if !e.Position.After(pos) {
				t.Fatalf("read all after %s returned %s, which is not after it", pos, e.Position)
			}
			pos = e.Position
		}
		out = append(out, evs...)
		if len(out) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("read %d events after %s, want %d: %v", len(out), after, n, dataOf(out))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if len(out) > n {
		t.Fatalf("read %d events after %s, want exactly %d: %v", len(out), after, n, dataOf(out))
	}
	return out
}

// readNothing checks that nothing can be read after pos now.
func readNothing(t *testing.T, s domain.EventStore, pos domain.Position) {
	t.Helper()
	evs, err := s.ReadAll(ctxFor(t), pos, 100)
	if err != nil {
		t.Fatalf("read all after %s: %v", pos, err)
	}
	if len(evs) != 0 {
		t.Fatalf("read all after %s = %v, want nothing", pos, dataOf(evs))
	}
}

// gate releases goroutines together, to make races likely.
func gate(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

func uniqueID(prefix string) string { return prefix + "-" + domain.NewUUID()[:8] }

// --- tests -----------------------------------------------------------------

func testValidation(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	cases := map[string]domain.AppendRequest{
		"empty stream id":  {Events: events("x")},
		"no events":        {StreamID: "s"},
		"bad expected":     {StreamID: "s", Expected: -3, Events: events("x")},
		"event lacks type": {StreamID: "s", Events: []domain.NewEvent{{Data: []byte("x")}}},
	}
	for name, req := range cases {
		_, err := s.Append(ctx, req)
		if code := domain.ErrorCode(err); code != domain.EInvalid {
			t.Errorf("%s: error %v has code %q, want %q", name, err, code, domain.EInvalid)
		}
	}
	head, err := s.Head(ctx)
	if err != nil || head != domain.Start {
		t.Fatalf("head after rejected appends = %v, %v; want start", head, err)
	}
}

func testExpectedVersionMatrix(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	cases := []struct {
		name     string
		existing int // events in the stream before the append
		expected domain.ExpectedVersion
		ok       bool
	}{
		{"any on empty", 0, domain.AnyVersion, true},
		{"no stream on empty", 0, domain.NoStream, true},
		{"stream exists on empty", 0, domain.StreamExists, false},
		{"exact 1 on empty", 0, 1, false},
		{"any on two", 2, domain.AnyVersion, true},
		{"no stream on two", 2, domain.NoStream, false},
		{"stream exists on two", 2, domain.StreamExists, true},
		{"exact match on two", 2, 2, true},
		{"exact behind on two", 2, 1, false},
		{"exact ahead on two", 2, 3, false},
	}
	for _, tc := range cases {
		stream := uniqueID("matrix")
		for i := range tc.existing {
			mustAppend(t, s, domain.AppendRequest{StreamID: stream, Expected: domain.AnyVersion, Events: events(fmt.Sprint("seed", i))})
		}
		res, err := s.Append(ctx, domain.AppendRequest{StreamID: stream, TenantID: "tenant-1", Expected: tc.expected,
			Events: events("a", "b")})
		evs := readStream(t, s, stream)
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			want := domain.AppendResult{StreamID: stream, FromVersion: int64(tc.existing + 1),
				ToVersion: int64(tc.existing + 2), Position: evs[len(evs)-1].Position}
			if !reflect.DeepEqual(res, want) {
				t.Errorf("%s: result %+v, want %+v", tc.name, res, want)
			}
			if got := versionsOf(evs); !reflect.DeepEqual(got, oneTo(tc.existing+2)) {
				t.Errorf("%s: versions %v", tc.name, got)
			}
			continue
		}
		if !errors.Is(err, domain.ErrVersionConflict) {
			t.Errorf("%s: error %v, want a version conflict", tc.name, err)
			continue
		}
		var vc *domain.VersionConflict
		if !errors.As(err, &vc) || vc.StreamID != stream || vc.Expected != tc.expected || vc.Actual != int64(tc.existing) {
			t.Errorf("%s: conflict %+v, want stream %s expected %d actual %d", tc.name, vc, stream, tc.expected, tc.existing)
		}
		if len(evs) != tc.existing {
			t.Errorf("%s: a refused append wrote events: %v", tc.name, dataOf(evs))
		}
	}
}

func testMetadataRoundTrip(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	at := time.Date(2026, 11, 28, 13, 14, 15, 123456789, time.FixedZone("CET", 3600))
	req := domain.AppendRequest{
		StreamID: "airline-1",
		TenantID: "tenant-7",
		Expected: domain.NoStream,
		Events: []domain.NewEvent{
			{Type: "albatross.events.v1.AirlineCreated", SchemaVersion: 3, Data: []byte{0, 1, 2, 0xff, 0}},
			{Type: "albatross.events.v1.Empty", SchemaVersion: 1, Data: nil},
		},
		Meta: domain.Metadata{Actor: "user-9", CommandID: "cmd-1", CorrelationID: "corr-1",
			CausationID: "cause-1", RecordedAt: at},
	}
	res, err := s.Append(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StreamID != "airline-1" || res.FromVersion != 1 || res.ToVersion != 2 || res.Duplicate {
		t.Fatalf("result %+v", res)
	}
	evs := readStream(t, s, "airline-1")
	if len(evs) != 2 {
		t.Fatalf("read %d events, want 2", len(evs))
	}
	wantMeta := req.Meta
	wantMeta.RecordedAt = at.UTC().Truncate(time.Microsecond)
	for i, e := range evs {
		if e.StreamID != "airline-1" || e.Version != int64(i+1) || e.TenantID != "tenant-7" ||
			e.Type != req.Events[i].Type || e.SchemaVersion != req.Events[i].SchemaVersion ||
			string(e.Data) != string(req.Events[i].Data) {
			t.Errorf("event %d = %+v, want the appended %+v", i, e, req.Events[i])
		}
		if e.Meta != wantMeta || e.Meta.RecordedAt.Location() != time.UTC {
			t.Errorf("event %d metadata = %+v (%v), want %+v in UTC", i, e.Meta, e.Meta.RecordedAt.Location(), wantMeta)
		}
	}
	if evs[1].Data == nil {
		t.Error("empty data read back as nil, want an empty slice")
	}
	if evs[1].Position != res.Position || !evs[1].Position.After(evs[0].Position) {
		t.Errorf("positions %s, %s; result position %s", evs[0].Position, evs[1].Position, res.Position)
	}
	all := readExactly(t, s, domain.Start, 2)
	if !reflect.DeepEqual(all, evs) {
		t.Errorf("read all = %+v, want what read stream returned: %+v", all, evs)
	}

	// A zero RecordedAt is filled in from the store's clock.
	before := time.Now().UTC().Truncate(time.Microsecond)
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "airline-2", Events: events("x")})
	after := time.Now().UTC()
	got := readStream(t, s, "airline-2")[0].Meta.RecordedAt
	if got.Before(before) || got.After(after) || got.Location() != time.UTC {
		t.Errorf("default recorded time %v, want a UTC time between %v and %v", got, before, after)
	}
}

func testReadStreamAfterVersion(t *testing.T, h Harness) {
	s := h.New(t)
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "a", Events: events("a1", "a2")})
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "b", Events: events("b1")})
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "a", Events: events("a3")})
	evs, err := s.ReadStream(ctxFor(t), "a", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := dataOf(evs); !reflect.DeepEqual(got, []string{"a2", "a3"}) {
		t.Errorf("read stream a after 1 = %v, want [a2 a3]", got)
	}
	if evs, err := s.ReadStream(ctxFor(t), "missing", 0); err != nil || len(evs) != 0 {
		t.Errorf("read missing stream = %v, %v; want nothing and no error", evs, err)
	}
}

func testReadAllLimit(t *testing.T, h Harness) {
	s := h.New(t)
	for i := range 5 {
		mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: fmt.Sprint("s", i%2), Events: events(fmt.Sprint("e", i))})
	}
	all := readExactly(t, s, domain.Start, 5)
	if got := dataOf(all); !reflect.DeepEqual(got, []string{"e0", "e1", "e2", "e3", "e4"}) {
		t.Fatalf("read all = %v", got)
	}
	evs, err := s.ReadAll(ctxFor(t), domain.Start, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := dataOf(evs); !reflect.DeepEqual(got, []string{"e0", "e1"}) {
		t.Errorf("read all limit 2 = %v, want [e0 e1]", got)
	}
	evs, err = s.ReadAll(ctxFor(t), evs[1].Position, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := dataOf(evs); !reflect.DeepEqual(got, []string{"e2", "e3"}) {
		t.Errorf("read all after e1, limit 2 = %v, want [e2 e3]", got)
	}
}

// testSameExpectedVersionRace: of N appends that expect the same version,
// exactly one wins and the rest get a version conflict.
func testSameExpectedVersionRace(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	for _, seeded := range []int{0, 1} {
		stream := uniqueID("race")
		if seeded > 0 {
			mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: stream, Events: events("seed")})
		}
		const n = 20
		var (
			mu     sync.Mutex
			wins   []string
			others []error
		)
		gate(n, func(i int) {
			data := fmt.Sprint("writer", i)
			_, err := s.Append(ctx, domain.AppendRequest{StreamID: stream, TenantID: "t",
				Expected: domain.ExpectedVersion(seeded), Events: events(data)})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins = append(wins, data)
			} else {
				others = append(others, err)
			}
		})
		if len(wins) != 1 {
			t.Fatalf("seeded %d: %d appends won, want exactly 1", seeded, len(wins))
		}
		for _, err := range others {
			var vc *domain.VersionConflict
			if !errors.Is(err, domain.ErrVersionConflict) || !errors.As(err, &vc) || vc.Actual != int64(seeded+1) {
				t.Errorf("seeded %d: loser got %v, want a version conflict finding version %d", seeded, err, seeded+1)
			}
		}
		evs := readStream(t, s, stream)
		if got := versionsOf(evs); !reflect.DeepEqual(got, oneTo(seeded+1)) {
			t.Errorf("seeded %d: versions %v", seeded, got)
		}
		if got := string(evs[len(evs)-1].Data); got != wins[0] {
			t.Errorf("seeded %d: last event %q, want the winner's %q", seeded, got, wins[0])
		}
	}
}

// testAnyVersionWriters: concurrent AnyVersion appends to one stream all
// land, each exactly once, at contiguous versions.
func testAnyVersionWriters(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	const writers, each = 10, 5
	var (
		mu      sync.Mutex
		results = map[string]domain.AppendResult{} // first event's data -> result
		total   int
	)
	gate(writers, func(w int) {
		for i := range each {
			n := 1 + (w+i)%2
			data := make([]string, n)
			for j := range data {
				data[j] = fmt.Sprintf("w%d-%d-%d", w, i, j)
			}
			res, err := s.Append(ctx, domain.AppendRequest{StreamID: "busy", TenantID: "t",
				Expected: domain.AnyVersion, Events: events(data...)})
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
				return
			}
			mu.Lock()
			results[data[0]] = res
			total += n
			mu.Unlock()
		}
	})
	evs := readStream(t, s, "busy")
	if got := versionsOf(evs); !reflect.DeepEqual(got, oneTo(total)) {
		t.Fatalf("versions %v, want 1..%d", got, total)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		if seen[string(e.Data)] {
			t.Errorf("event %s stored twice", e.Data)
		}
		seen[string(e.Data)] = true
	}
	for first, res := range results {
		if string(evs[res.FromVersion-1].Data) != first {
			t.Errorf("result %+v: version %d holds %s, want %s", res, res.FromVersion, evs[res.FromVersion-1].Data, first)
		}
		if evs[res.ToVersion-1].Position != res.Position {
			t.Errorf("result %+v: last event is at %s", res, evs[res.ToVersion-1].Position)
		}
	}
}

func testDuplicateCommandSequential(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "s", Events: events("before")})
	req := domain.AppendRequest{StreamID: "s", TenantID: "t", Expected: 1, Events: events("a", "b"),
		Meta: domain.Metadata{CommandID: "cmd-42"}}
	first, err := s.Append(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Duplicate {
		t.Fatal("first append reported as duplicate")
	}
	want := first
	want.Duplicate = true
	// The repeat is answered from the first append, whatever it expects and
	// carries, and wherever it is aimed.
	for _, again := range []domain.AppendRequest{
		req,
		{StreamID: "s", TenantID: "t", Expected: domain.NoStream, Events: events("c"), Meta: req.Meta},
		{StreamID: "other", TenantID: "t", Expected: domain.AnyVersion, Events: events("d"), Meta: req.Meta},
	} {
		res, err := s.Append(ctx, again)
		if err != nil {
			t.Fatalf("repeat to %s: %v", again.StreamID, err)
		}
		if !reflect.DeepEqual(res, want) {
			t.Errorf("repeat to %s = %+v, want %+v", again.StreamID, res, want)
		}
	}
	if got := dataOf(readStream(t, s, "s")); !reflect.DeepEqual(got, []string{"before", "a", "b"}) {
		t.Errorf("stream s = %v", got)
	}
	if got := readStream(t, s, "other"); len(got) != 0 {
		t.Errorf("stream other = %v, want nothing", dataOf(got))
	}
	readExactly(t, s, domain.Start, 3)
}

func testDuplicateCommandConcurrentSameStream(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	const n = 10
	results := make([]domain.AppendResult, n)
	errs := make([]error, n)
	gate(n, func(i int) {
		results[i], errs[i] = s.Append(ctx, domain.AppendRequest{StreamID: "s", TenantID: "t",
			Expected: domain.AnyVersion, Events: events(fmt.Sprint("try", i)), Meta: domain.Metadata{CommandID: "once"}})
	})
	checkOneOf(t, results, errs)
	if evs := readStream(t, s, "s"); len(evs) != 1 {
		t.Errorf("stream has %v, want exactly one event", dataOf(evs))
	}
}

// testDuplicateCommandConcurrentStreams is a double submit of a create: each
// try makes a new stream with the same unique values, and the first holds
// its transaction open while the others arrive. Every try must get the first
// result, not a "value already taken" conflict.
func testDuplicateCommandConcurrentStreams(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	const n = 10
	var held sync.Once
	h.SetBeforeCommit(s, func(context.Context, domain.AppendRequest) error {
		held.Do(func() { time.Sleep(200 * time.Millisecond) })
		return nil
	})
	results := make([]domain.AppendResult, n)
	errs := make([]error, n)
	gate(n, func(i int) {
		results[i], errs[i] = s.Append(ctx, domain.AppendRequest{StreamID: fmt.Sprint("s", i), TenantID: "t",
			Expected: domain.NoStream, Events: events(fmt.Sprint("try", i)), Meta: domain.Metadata{CommandID: "once"},
			Claims: []domain.UniqueClaim{{Field: "slug", Value: "acme"}, {Field: "icao", Value: "ACM"}}})
	})
	winner := checkOneOf(t, results, errs)
	total := 0
	for i := range n {
		evs := readStream(t, s, fmt.Sprint("s", i))
		total += len(evs)
		if len(evs) > 0 && fmt.Sprint("s", i) != winner.StreamID {
			t.Errorf("stream s%d got %v, but the command's result names %s", i, dataOf(evs), winner.StreamID)
		}
	}
	if total != 1 {
		t.Errorf("%d events across the streams, want exactly 1", total)
	}
	readExactly(t, s, domain.Start, 1)
}

// checkOneOf checks that every call returned the same result and exactly
// one of them was not a duplicate; it returns that one.
func checkOneOf(t *testing.T, results []domain.AppendResult, errs []error) domain.AppendResult {
	t.Helper()
	var first domain.AppendResult
	fresh := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if !results[i].Duplicate {
			fresh++
			first = results[i]
		}
	}
	if fresh != 1 {
		t.Fatalf("%d calls appended, want exactly 1: %+v", fresh, results)
	}
	for i, r := range results {
		r.Duplicate = false
		if !reflect.DeepEqual(r, first) {
			t.Errorf("call %d returned %+v, want %+v", i, r, first)
		}
	}
	return first
}

func testUniqueClaims(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	slug := domain.UniqueClaim{Scope: "", Field: "slug", Value: "acme"}
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "airline-a", Events: events("a1"),
		Claims: []domain.UniqueClaim{slug, {Field: "icao", Value: "ACM"}}})

	// Another stream may not take the slug, and nothing of its append stays:
	// not its events, not its other claims, not its command id.
	loser := domain.AppendRequest{StreamID: "airline-b", TenantID: "t", Events: events("b1"),
		Claims: []domain.UniqueClaim{{Field: "name", Value: "Acme Air"}, slug},
		Meta:   domain.Metadata{CommandID: "create-b"}}
	_, err := s.Append(ctx, loser)
	if domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("second claim of the slug: error %v, want code %s", err, domain.EConflict)
	}
	if _, ok := domain.ErrorFields(err)["slug"]; !ok {
		t.Errorf("conflict fields %v do not name slug", domain.ErrorFields(err))
	}
	if errors.Is(err, domain.ErrVersionConflict) {
		t.Errorf("claim conflict %v looks like a version conflict", err)
	}
	if evs := readStream(t, s, "airline-b"); len(evs) != 0 {
		t.Errorf("refused append wrote %v", dataOf(evs))
	}
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "airline-c", Events: events("c1"),
		Claims: []domain.UniqueClaim{{Field: "name", Value: "Acme Air"}}})
	loser.Claims = nil
	if res, err := s.Append(ctx, loser); err != nil || res.Duplicate {
		t.Errorf("retry of the refused command = %+v, %v; want a fresh append", res, err)
	}

	// The holder may claim again; another scope is another namespace.
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "airline-a", Events: events("a2"),
		Claims: []domain.UniqueClaim{slug, slug}})
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "aircraft-1", Events: events("x1"),
		Claims: []domain.UniqueClaim{{Scope: "tenant-9", Field: "slug", Value: "acme"}}})
	if got := dataOf(readStream(t, s, "airline-a")); !reflect.DeepEqual(got, []string{"a1", "a2"}) {
		t.Errorf("airline-a = %v", got)
	}
	readExactly(t, s, domain.Start, 5)
}

// testClaimRelease: a holder gives a claim back with an append, and then
// another stream may take it; a stream that does not hold a claim cannot
// release it.
func testClaimRelease(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	flight := domain.UniqueClaim{Scope: "t", Field: "bid_flight", Value: "f1"}
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "bids-a", Events: events("a1"),
		Claims: []domain.UniqueClaim{flight}})
	// B releasing A's claim does nothing: B still cannot claim it.
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "bids-b", Events: events("b0"),
		Releases: []domain.UniqueClaim{flight}})
	if _, err := s.Append(ctx, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "bids-b", Events: events("b1"),
		Claims: []domain.UniqueClaim{flight}}); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("claim held by another stream: %v, want a conflict", err)
	}
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "bids-a", Events: events("a2"),
		Releases: []domain.UniqueClaim{flight}})
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "bids-b", Events: events("b2"),
		Claims: []domain.UniqueClaim{flight}})
	if _, err := s.Append(ctx, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "bids-a", Events: events("a3"),
		Claims: []domain.UniqueClaim{flight}}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("claim after its release was taken by another stream: %v, want a conflict", err)
	}
}

func testUniqueClaimRace(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	const n = 10
	errs := make([]error, n)
	gate(n, func(i int) {
		_, errs[i] = s.Append(ctx, domain.AppendRequest{StreamID: fmt.Sprint("user-", i), TenantID: "t",
			Expected: domain.NoStream, Events: events(fmt.Sprint("u", i)),
			Claims: []domain.UniqueClaim{{Field: "email", Value: "pilot@example.com"}}})
	})
	wins, total := 0, 0
	for i, err := range errs {
		n := len(readStream(t, s, fmt.Sprint("user-", i)))
		total += n
		if err == nil {
			wins++
			continue
		}
		if domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["email"] == "" {
			t.Errorf("claimer %d: %v, want a conflict on email", i, err)
		}
		if n != 0 {
			t.Errorf("refused claimer %d wrote %d events", i, n)
		}
	}
	if wins != 1 || total != 1 {
		t.Errorf("%d claimers won with %d events, want exactly 1 and 1", wins, total)
	}
}

// testHeldTransaction: while one append holds its transaction open after
// inserting, a later append must not become visible to a follower ahead
// of it; once both commit, the follower gets both, in commit-safe order.
func testHeldTransaction(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	inserted := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseAll)
	h.SetBeforeCommit(s, func(ctx context.Context, req domain.AppendRequest) error {
		if req.StreamID == "held" {
			close(inserted)
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})

	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "seed", Events: events("seed")})
	cp := readExactly(t, s, domain.Start, 1)[0].Position

	type outcome struct {
		res domain.AppendResult
		err error
	}
	heldDone := make(chan outcome, 1)
	go func() {
		res, err := s.Append(ctx, domain.AppendRequest{StreamID: "held", TenantID: "t", Events: events("held")})
		heldDone <- outcome{res, err}
	}()
	select {
	case <-inserted:
	case <-time.After(waitFor):
		t.Fatal("the held append never inserted its events")
	}
	laterDone := make(chan outcome, 1)
	go func() {
		res, err := s.Append(ctx, domain.AppendRequest{StreamID: "later", TenantID: "t", Events: events("later")})
		laterDone <- outcome{res, err}
	}()
	var later outcome
	if !h.SerialWriters {
		// The later append commits while the held one is still open...
		select {
		case later = <-laterDone:
		case <-time.After(waitFor):
			t.Fatal("the later append waited for the held one")
		}
		if later.err != nil {
			t.Fatal(later.err)
		}
		if evs := readStream(t, s, "later"); len(evs) != 1 {
			t.Fatalf("later stream = %v, want its committed event", dataOf(evs))
		}
	}
	// ...but a follower must not get past the held transaction.
	readNothing(t, s, cp)
	if head, err := s.Head(ctx); err != nil || head != cp {
		t.Errorf("head while an append is held = %v, %v; want %v", head, err, cp)
	}

	releaseAll()
	held := <-heldDone
	if held.err != nil {
		t.Fatal(held.err)
	}
	if h.SerialWriters {
		later = <-laterDone
		if later.err != nil {
			t.Fatal(later.err)
		}
	}
	evs := readExactly(t, s, cp, 2)
	if got := dataOf(evs); !reflect.DeepEqual(got, []string{"held", "later"}) {
		t.Fatalf("follower read %v, want [held later]", got)
	}
	if evs[0].Position != held.res.Position || evs[1].Position != later.res.Position {
		t.Errorf("positions %s, %s; appends reported %s, %s",
			evs[0].Position, evs[1].Position, held.res.Position, later.res.Position)
	}
}

// testRolledBackAppend: appends that fail after inserting roll back, may
// leave gaps in the sequence, and never stall a follower.
func testRolledBackAppend(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	boom := errors.New("forced failure")
	var fail atomic.Bool
	fail.Store(true)
	h.SetBeforeCommit(s, func(_ context.Context, req domain.AppendRequest) error {
		if req.StreamID == "doomed" && fail.Load() {
			return boom
		}
		return nil
	})
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "first", Events: events("first"),
		Claims: []domain.UniqueClaim{{Field: "slug", Value: "taken"}}})
	doomed := domain.AppendRequest{StreamID: "doomed", TenantID: "t", Events: events("d1", "d2", "d3"),
		Claims: []domain.UniqueClaim{{Field: "icao", Value: "DOOM"}}, Meta: domain.Metadata{CommandID: "doomed-1"}}
	for range 3 {
		if _, err := s.Append(ctx, doomed); !errors.Is(err, boom) {
			t.Fatalf("append with a failing hook: %v, want the hook's error", err)
		}
	}
	// A claim conflict on an append with several events also rolls back.
	for range 3 {
		_, err := s.Append(ctx, domain.AppendRequest{StreamID: "claimer", TenantID: "t", Events: events("c1", "c2"),
			Claims: []domain.UniqueClaim{{Field: "slug", Value: "taken"}}})
		if domain.ErrorCode(err) != domain.EConflict {
			t.Fatalf("conflicting claim: %v, want a conflict", err)
		}
	}
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "second", Events: events("second")})

	evs := readExactly(t, s, domain.Start, 2)
	if got := dataOf(evs); !reflect.DeepEqual(got, []string{"first", "second"}) {
		t.Fatalf("follower read %v, want [first second]", got)
	}
	if h.RollbackLeavesGap && evs[1].Position.Seq == evs[0].Position.Seq+1 {
		t.Errorf("seq %d follows %d with no gap; the rolled-back appends should have consumed numbers",
			evs[1].Position.Seq, evs[0].Position.Seq)
	}
	for _, stream := range []string{"doomed", "claimer"} {
		if got := readStream(t, s, stream); len(got) != 0 {
			t.Errorf("rolled-back stream %s holds %v", stream, dataOf(got))
		}
	}
	// Nothing of the rolled-back append survived: not its claim, not its
	// command id.
	fail.Store(false)
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "other", Events: events("o"),
		Claims: []domain.UniqueClaim{{Field: "icao", Value: "DOOM"}}})
	doomed.Claims = nil
	if res := mustAppend(t, s, doomed); res.Duplicate || res.FromVersion != 1 {
		t.Errorf("retry of the rolled-back command = %+v, want a fresh append at version 1", res)
	}
	more := readExactly(t, s, evs[1].Position, 4)
	if got := dataOf(more); !reflect.DeepEqual(got, []string{"o", "d1", "d2", "d3"}) {
		t.Errorf("follower read %v after the gap, want [o d1 d2 d3]", got)
	}
}

// testRandomWritersFollower: concurrent writers append batches to random
// streams while a follower reads the global order; the follower must see
// every stream in version order, every event exactly once, with strictly
// increasing positions.
func testRandomWritersFollower(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	const writers, appends, streams = 8, 50, 10
	var (
		mu         sync.Mutex
		written    = map[string]string{} // data -> stream
		wg         sync.WaitGroup
		followerOK atomic.Bool
	)
	wg.Add(writers)
	for w := range writers {
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range appends {
				stream := fmt.Sprint("stream-", rng.IntN(streams))
				data := make([]string, 1+rng.IntN(3))
				for j := range data {
					data[j] = fmt.Sprintf("w%d-a%d-e%d", w, i, j)
				}
				_, err := s.Append(ctx, domain.AppendRequest{StreamID: stream, TenantID: "t",
					Expected: domain.AnyVersion, Events: events(data...)})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				for _, d := range data {
					written[d] = stream
				}
				mu.Unlock()
			}
		}()
	}
	followerDone := make(chan struct{})
	var writersDone atomic.Bool
	go func() {
		defer close(followerDone)
		pos := domain.Start
		last := map[string]int64{}
		seen := map[string]bool{}
		deadline := time.Now().Add(2 * waitFor)
		for {
			evs, err := s.ReadAll(ctx, pos, 37)
			if err != nil {
				t.Errorf("follower: %v", err)
				return
			}
			for _, e := range evs {
				if !e.Position.After(pos) {
					t.Errorf("follower: position %s after %s", e.Position, pos)
				}
				pos = e.Position
				if e.Version != last[e.StreamID]+1 {
					t.Errorf("follower: %s version %d after %d", e.StreamID, e.Version, last[e.StreamID])
				}
				last[e.StreamID] = e.Version
				if seen[string(e.Data)] {
					t.Errorf("follower: %s twice", e.Data)
				}
				seen[string(e.Data)] = true
			}
			if len(evs) > 0 {
				continue
			}
			if writersDone.Load() {
				mu.Lock()
				want := len(written)
				mu.Unlock()
				if len(seen) >= want {
					followerOK.Store(true)
					mu.Lock()
					for d := range written {
						if !seen[d] {
							t.Errorf("follower: %s missing", d)
						}
					}
					mu.Unlock()
					return
				}
			}
			if time.Now().After(deadline) {
				t.Errorf("follower: gave up with %d events", len(seen))
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	wg.Wait()
	writersDone.Store(true)
	<-followerDone
	if !followerOK.Load() {
		t.Fatal("follower did not read every event")
	}
	total := 0
	for i := range streams {
		evs := readStream(t, s, fmt.Sprint("stream-", i))
		if got := versionsOf(evs); !reflect.DeepEqual(got, oneTo(len(evs))) {
			t.Errorf("stream-%d versions %v", i, got)
		}
		total += len(evs)
	}
	if total != len(written) {
		t.Errorf("streams hold %d events, writers wrote %d", total, len(written))
	}
}

// testResumeFromCheckpoint: a follower that reads nothing at the head keeps
// its checkpoint and later reads exactly the new events.
func testResumeFromCheckpoint(t *testing.T, h Harness) {
	s := h.New(t)
	ctx := ctxFor(t)
	head, err := s.Head(ctx)
	if err != nil || head != domain.Start {
		t.Fatalf("head of an empty log = %v, %v; want start", head, err)
	}
	readNothing(t, s, domain.Start)

	r1 := mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "a", Events: events("a1", "a2")})
	evs := readExactly(t, s, domain.Start, 2)
	cp := evs[1].Position
	if cp != r1.Position {
		t.Errorf("last event at %s, append reported %s", cp, r1.Position)
	}
	readNothing(t, s, cp)
	readNothing(t, s, cp)
	if head, err := s.Head(ctx); err != nil || head != cp {
		t.Errorf("head = %v, %v; want %v", head, err, cp)
	}

	r2 := mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "b", Events: events("b1")})
	evs = readExactly(t, s, cp, 1)
	if string(evs[0].Data) != "b1" || evs[0].Position != r2.Position {
		t.Errorf("resumed read = %s at %s, want b1 at %s", evs[0].Data, evs[0].Position, r2.Position)
	}
	readNothing(t, s, evs[0].Position)
	if head, err := s.Head(ctx); err != nil || head != r2.Position {
		t.Errorf("head = %v, %v; want %v", head, err, r2.Position)
	}
}

func testSubscribe(t *testing.T, h Harness) {
	s := h.New(t)
	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	ch := s.Subscribe(ctx)
	other := s.Subscribe(context.Background())
	wait := func(what string) {
		t.Helper()
		select {
		case _, ok := <-ch:
			if !ok {
				t.Fatalf("%s: channel closed", what)
			}
		case <-time.After(waitFor):
			t.Fatalf("%s: no signal", what)
		}
	}
	// The first signal may come from the store getting ready; the second
	// can only come from the append after it.
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "s", Events: events("1")})
	wait("first append")
	select { // drop a signal that the first append may have left pending
	case <-ch:
	default:
	}
	mustAppend(t, s, domain.AppendRequest{Expected: domain.AnyVersion, StreamID: "s", Events: events("2")})
	wait("second append")

	cancel()
	deadline := time.After(waitFor)
	for closed := false; !closed; {
		select {
		case _, ok := <-ch:
			closed = !ok
		case <-deadline:
			t.Fatal("channel not closed after its context ended")
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for closed := false; !closed; {
		select {
		case _, ok := <-other:
			closed = !ok
		case <-time.After(waitFor):
			t.Fatal("channel not closed by Close")
		}
	}
	if _, ok := <-s.Subscribe(context.Background()); ok {
		t.Error("subscribing to a closed store gave an open channel")
	}
}
