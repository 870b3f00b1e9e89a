package domain_test

import (
	"context"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

var (
	cadet        = domain.Rank{ID: "cadet", Name: "Cadet", MinMinutes: 0, AutoPromote: true}
	firstOfficer = domain.Rank{ID: "fo", Name: "First Officer", MinMinutes: 10 * 60, AutoPromote: true}
	captain      = domain.Rank{ID: "captain", Name: "Captain", MinMinutes: 20 * 60} // by hand only
	senior       = domain.Rank{ID: "senior", Name: "Senior Captain", MinMinutes: 50 * 60, AutoPromote: true}
	ranks        = []domain.Rank{senior, captain, cadet, firstOfficer} // order does not matter
)

func TestRankFor(t *testing.T) {
	cases := []struct {
		name    string
		minutes int64
		floor   string
		want    string
	}{
		{"a new pilot", 0, "", "cadet"},
		{"just short of ten hours", 10*60 - 1, "", "cadet"},
		{"ten hours reach First Officer", 10 * 60, "", "fo"},
		{"a rank without auto-promote keeps the pilot", 30 * 60, "", "fo"},
		{"past it to the next auto-promote rank", 50 * 60, "", "senior"},
		{"set by hand: never demoted below", 0, "captain", "captain"},
		{"set by hand: still promoted above", 60 * 60, "captain", "senior"},
		{"set by hand lower than reached", 12 * 60, "cadet", "fo"},
		{"no ranks", 100, "", ""},
	}
	for _, c := range cases {
		rs := ranks
		if c.name == "no ranks" {
			rs = nil
		}
		if got := domain.RankFor(rs, c.minutes, c.floor); got != c.want {
			t.Errorf("%s: RankFor(%d min, floor %q) = %q, want %q", c.name, c.minutes, c.floor, got, c.want)
		}
	}
}

// TestTwoAcceptedSixHourPirepsPromoteToATenHourRank is phpVMS's own rank
// test: two accepted 6-hour PIREPs promote the pilot to a 10-hour rank, and
// rejecting one of them afterwards takes the promotion back.
func TestTwoAcceptedSixHourPirepsPromoteToATenHourRank(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	rk := &domain.Ranks{Runner: w.r, IDs: domain.RandomIDs{}}
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	var rs []domain.Rank
	for _, f := range []domain.RankForm{{Name: "Cadet", MinHours: "0", AutoPromote: true}, {Name: "First Officer", MinHours: "10", AutoPromote: true}} {
		id, _, err := rk.Save(ctx, meta(w.admin), w.airline, "", f)
		if err != nil {
			t.Fatal(err)
		}
		r := &domain.RankState{}
		replay(t, w.r, domain.RankStream(id), r)
		rs = append(rs, r.Rank)
	}
	if _, _, err := rk.Save(ctx, meta(w.admin), w.airline, "", domain.RankForm{Name: " cadet ", MinHours: "5"}); domain.ErrorFields(err)["name"] == "" {
		t.Errorf("a second rank named cadet: %v", err)
	}
	var ids []string
	for i := range 2 {
		d := heathrowLisbon()
		d.FlightNumber = []string{"1", "2"}[i]
		d.BlockOn = d.BlockOff.Add(6*time.Hour + 20*time.Minute)
		d.FlightTime = 6 * 60
		id, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.pireps.Accept(ctx, meta(w.admin), w.airline, id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	acceptedMinutes := func() int64 {
		var sum int64
		for _, id := range ids {
			p := &domain.Pirep{}
			replay(t, w.r, domain.PirepStream(id), p)
			if p.State == domain.PirepAccepted {
				sum += int64(p.Details.FlightTime)
			}
		}
		return sum
	}
	career := func() domain.Career {
		if _, err := rk.Recalculate(ctx, meta(domain.System), w.airline, w.pilot.UserID, rs, acceptedMinutes()); err != nil {
			t.Fatal(err)
		}
		c := &domain.Career{}
		replay(t, w.r, domain.CareerStream(w.pilot.UserID), c)
		return *c
	}
	if c := career(); c.RankID != rs[1].ID {
		t.Fatalf("after two 6-hour PIREPs the pilot is %q, want First Officer %q", c.RankID, rs[1].ID)
	}
	if _, err := w.pireps.Reject(ctx, meta(w.admin), w.airline, ids[0], "Not flown on the network"); err != nil {
		t.Fatal(err)
	}
	if c := career(); c.RankID != rs[0].ID {
		t.Errorf("after rejecting one, the pilot is %q, want back to Cadet %q", c.RankID, rs[0].ID)
	}
	if _, err := rk.SetByHand(ctx, meta(w.admin), w.airline, w.pilot.UserID, rs[1].ID); err != nil {
		t.Fatal(err)
	}
	if c := career(); c.RankID != rs[1].ID || c.Floor != rs[1].ID {
		t.Errorf("set by hand to First Officer with 6 hours: %+v", c)
	}
	if _, err := rk.SetByHand(ctx, meta(w.pilot), w.airline, w.pilot.UserID, rs[1].ID); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot setting their own rank: %v", err)
	}
}

// A pilot whose rank auto-accepts has a submitted PIREP accepted at once,
// recorded as an automatic acceptance; a draft waits.
func TestAnAutoAcceptRankAcceptsSubmittedPirepsAtOnce(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	rk := &domain.Ranks{Runner: w.r, IDs: domain.RandomIDs{}}
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	state := func(id string) string {
		p := &domain.Pirep{}
		replay(t, w.r, domain.PirepStream(id), p)
		return p.State
	}
	first, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, heathrowLisbon(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := state(first); got != domain.PirepPending {
		t.Fatalf("a pilot without a rank: %s, want pending", got)
	}
	trusted, _, err := rk.Save(ctx, meta(w.admin), w.airline, "", domain.RankForm{Name: "Captain", MinHours: "0", AutoAccept: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rk.SetByHand(ctx, meta(w.admin), w.airline, w.pilot.UserID, trusted); err != nil {
		t.Fatal(err)
	}
	d := heathrowLisbon()
	d.FlightNumber = "77"
	id, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := state(id); got != domain.PirepAccepted {
		t.Errorf("a pilot whose rank auto-accepts: %s, want accepted", got)
	}
	recs, err := w.r.Store.ReadStream(ctx, domain.PirepStream(id), 0)
	if err != nil || len(recs) != 2 || recs[1].Type != "albatross.events.v1.PirepAccepted" || recs[1].Meta.Actor != w.pilot.UserID {
		t.Fatalf("history %+v (%v), want filed then accepted in one append", recs, err)
	}
	if msg, err := w.r.Registry.Decode(recs[1].Type, recs[1].Data); err != nil || !msg.(*eventsv1.PirepAccepted).Automatic {
		t.Errorf("the acceptance %+v (%v) is not marked automatic", msg, err)
	}
	d.FlightNumber = "78"
	draft, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := state(draft); got != domain.PirepDraft {
		t.Errorf("a draft: %s, want draft", got)
	}
}
