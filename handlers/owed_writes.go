package handlers

import (
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// owedWrites lets a write whose answer shows nothing of the read models
// (an ACARS client's positions: "1 positions added", smartCARS's update)
// answer as soon as its events are in the log, and still keeps
// read-your-writes for the pilot whose program sent it: the write is owed
// to them, and their next API request (phpVMS's with a key, smartCARS's
// with a session) waits, as a write's answer would have, until the read
// models include it. By then the projector has almost always applied it
// (clients report every few seconds), so that wait asks nothing of the
// database: a checkpoint this process has seen answers it.
//
// What is owed is known to this process only: a deployment of several
// behind a balancer that does not keep a client on one of them can show
// the client, on another, a read model a batch behind its write.
type owedWrites struct {
	wait readYourWrites
	mu   sync.Mutex
	owed map[string]owedWrite // by the writer's user id
	seq  uint64               // numbers the owes, so a settle lets go only of what it waited for
}

// owedWrite is the latest write a user has not yet waited for.
type owedWrite struct {
	res domain.AppendResult
	at  time.Time
	seq uint64
}

// owedSweepAt is how many users may owe a write before the ones older than
// the wait bound (which no request would still wait for) are let go.
const owedSweepAt = 4096

func newOwedWrites(wait readYourWrites) *owedWrites {
	return &owedWrites{wait: wait, owed: map[string]owedWrite{}}
}

// owe records res as owed to the user; a later write keeps the
// projections of both to wait for.
func (o *owedWrites) owe(userID string, res domain.AppendResult) {
	if res.Position == domain.Start || userID == "" {
		return
	}
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	if prev, ok := o.owed[userID]; ok {
		for _, t := range prev.res.EventTypes {
			if !slices.Contains(res.EventTypes, t) {
				res.EventTypes = append(slices.Clip(res.EventTypes), t)
			}
		}
		if prev.res.Position.After(res.Position) {
			res.Position = prev.res.Position
		}
	}
	o.seq++
	o.owed[userID] = owedWrite{res: res, at: now, seq: o.seq}
	if len(o.owed) >= owedSweepAt {
		for k, w := range o.owed {
			if now.Sub(w.at) > o.wait.bound {
				delete(o.owed, k)
			}
		}
	}
}

// settle waits, bounded, until the read models include what the user is
// owed.
func (o *owedWrites) settle(c echo.Context, userID string) {
	o.mu.Lock()
	w, ok := o.owed[userID]
	o.mu.Unlock()
	if !ok {
		return
	}
	o.wait.waitFor(c, w.res)
	o.mu.Lock()
	if cur, ok := o.owed[userID]; ok && cur.seq == w.seq {
		delete(o.owed, userID)
	}
	o.mu.Unlock()
}
