package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/readmodel"
)

// quarantineCases are the suite's cases of queries/quarantine.sql.
var quarantineCases = map[string]func(t *testing.T, q readmodel.Querier){
	"QuarantineEvent":        testQuarantine,
	"ListQuarantinedEvents":  testQuarantine,
	"DeleteQuarantinedEvent": testQuarantine,
}

func testQuarantine(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func() []readmodel.QuarantinedEvent {
		t.Helper()
		got, err := q.ListQuarantinedEvents(ctx)
		if err != nil {
			t.Fatalf("ListQuarantinedEvents: %v", err)
		}
		return got
	}
	if got := list(); got != nil {
		t.Errorf("ListQuarantinedEvents on an empty table = %#v, want nil as sqlc returns", got)
	}
	ev := func(projection string, commit, seq int64, msg string, when time.Time) readmodel.QuarantineEventParams {
		return readmodel.QuarantineEventParams{Projection: projection, CommitTx: commit, Seq: seq,
			StreamID: "user-1", Version: seq, EventType: "UserCreated", Error: msg, QuarantinedAt: when}
	}
	for _, p := range []readmodel.QuarantineEventParams{
		ev("users", 9, 3, "late", at),
		ev("users", 5, 2, "first", at),
		ev("airlines", 5, 2, "other projection", at),
		// The same event again keeps its first time and takes the new error.
		ev("users", 5, 2, "again\x00", at.Add(time.Hour)),
	} {
		if err := q.QuarantineEvent(ctx, p); err != nil {
			t.Fatalf("QuarantineEvent(%+v): %v", p, err)
		}
	}
	got := list()
	if len(got) != 3 {
		t.Fatalf("ListQuarantinedEvents = %+v, want 3 rows", got)
	}
	if got[0].Projection != "airlines" || got[1].Projection != "users" || got[1].Seq != 2 || got[2].Seq != 3 {
		t.Errorf("ListQuarantinedEvents = %+v, want log order, then projection", got)
	}
	if !storedText(got[1].Error, "again\x00") || !got[1].QuarantinedAt.Equal(at.Truncate(time.Microsecond)) ||
		got[1].StreamID != "user-1" || got[1].Version != 2 || got[1].EventType != "UserCreated" {
		t.Errorf("the event quarantined twice = %+v, want the newer error and the first time", got[1])
	}
	if err := q.DeleteQuarantinedEvent(ctx, readmodel.DeleteQuarantinedEventParams{Projection: "users", CommitTx: 5, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteQuarantinedEvent(ctx, readmodel.DeleteQuarantinedEventParams{Projection: "nobody", CommitTx: 5, Seq: 2}); err != nil {
		t.Fatalf("DeleteQuarantinedEvent of no row: %v", err)
	}
	if got := list(); len(got) != 2 || got[0].Projection != "airlines" || got[1].Seq != 3 {
		t.Errorf("after the delete: %+v", got)
	}
}
