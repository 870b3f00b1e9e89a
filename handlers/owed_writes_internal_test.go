package handlers

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// recordingWaiter records what it is asked to wait for.
type recordingWaiter struct {
	pos   []domain.Position
	types [][]string
}

func (w *recordingWaiter) WaitFor(_ context.Context, pos domain.Position, types ...string) error {
	w.pos, w.types = append(w.pos, pos), append(w.types, slices.Sorted(slices.Values(types)))
	return nil
}

// A key that wrote twice waits once, for the later position and for the
// projections of both writes; then it owes nothing; another key owes
// nothing of it; and owed writes older than the wait bound are let go
// once many keys owe.
func TestOwedWritesWaitOnceForTheLatestOfAKey(t *testing.T) {
	rec := &recordingWaiter{}
	o := newOwedWrites(readYourWrites{waiter: rec, bound: time.Minute, log: slog.Default()})
	c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	o.owe("k1", domain.AppendResult{Position: domain.Position{Commit: 5}, EventTypes: []string{"A"}})
	o.owe("k1", domain.AppendResult{Position: domain.Position{Commit: 3}, EventTypes: []string{"B"}})
	o.settle(c, "k2")
	if len(rec.pos) != 0 {
		t.Fatalf("another key waited for %v", rec.pos)
	}
	o.settle(c, "k1")
	o.settle(c, "k1")
	if len(rec.pos) != 1 || rec.pos[0] != (domain.Position{Commit: 5}) || !slices.Equal(rec.types[0], []string{"A", "B"}) {
		t.Errorf("the key waited for %v %v, want once for 5.0 and both writes' types", rec.pos, rec.types)
	}
	o.owe("stale", domain.AppendResult{Position: domain.Position{Commit: 9}})
	o.mu.Lock()
	w := o.owed["stale"]
	w.at = time.Now().Add(-2 * time.Minute)
	o.owed["stale"] = w
	o.mu.Unlock()
	for i := range owedSweepAt {
		o.owe(string(rune('a'+i%26))+time.Duration(i).String(), domain.AppendResult{Position: domain.Position{Commit: 10}})
	}
	o.mu.Lock()
	_, kept := o.owed["stale"]
	o.mu.Unlock()
	if kept {
		t.Errorf("an owed write older than the wait bound was kept among %d", owedSweepAt)
	}
}
