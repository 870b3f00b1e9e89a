package domain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

func TestJumpseatRefusalsNameTheAirport(t *testing.T) {
	ctx := context.Background()
	off := newCharterWorld(t, domain.PirepRules{}, domain.DefaultBidRules)
	js := &domain.Jumpseats{Runner: off.r, IDs: domain.RandomIDs{}, Settings: rulesOf{location: "EGLL"}}
	if _, err := js.Move(ctx, off.pilot(), off.airline, "LPPT"); domain.ErrorCode(err) != domain.EForbidden || domain.ErrorFields(err)["to_airport"] == "" {
		t.Errorf("jumpseats off: %v, want forbidden on to_airport", err)
	}
	w := newCharterWorld(t, domain.PirepRules{Jumpseats: domain.JumpseatRules{Allowed: true, HubsOnly: true}}, domain.DefaultBidRules)
	js = &domain.Jumpseats{Runner: w.r, IDs: domain.RandomIDs{}, Settings: rulesOf{location: "LPPT"}}
	for _, c := range []struct{ to, want string }{
		{"KJFK", "KJFK is not one of this airline's airports."},
		{"lppt", "LPPT is not a hub"},
		{"", "Choose the airport"},
		{"EG\x00L", ""},
	} {
		_, err := js.Move(ctx, w.pilot(), w.airline, c.to)
		if msg := domain.ErrorFields(err)["to_airport"]; msg == "" || !strings.Contains(msg, c.want) {
			t.Errorf("jumpseat to %q: %v, want %q on to_airport", c.to, err, c.want)
		}
	}
	js.Settings = rulesOf{location: "EGLL"}
	if _, err := js.Move(ctx, w.pilot(), w.airline, "EGLL"); !strings.Contains(domain.ErrorFields(err)["to_airport"], "already") {
		t.Errorf("a jumpseat to where the pilot is: %v", err)
	}
	other := domain.CommandMeta{Who: domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: domain.NewUUID()}}
	if _, err := js.Move(ctx, other, w.airline, "EGLL"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a pilot of another airline: %v, want not found", err)
	}
}

func TestJumpseatMonthlyLimitCountsTheCalendarMonth(t *testing.T) {
	ctx := context.Background()
	w := newCharterWorld(t, domain.PirepRules{Jumpseats: domain.JumpseatRules{Allowed: true, PerMonth: 2}}, domain.DefaultBidRules)
	clock := &fixedClock{t: time.Date(2026, 12, 30, 22, 0, 0, 0, time.UTC)}
	w.r.Clock = clock
	js := &domain.Jumpseats{Runner: w.r, IDs: domain.RandomIDs{}, Settings: rulesOf{location: "LPFR"}}
	p := w.pilot()
	for i, to := range []string{"EGLL", "LPPT"} {
		if _, err := js.Move(ctx, p, w.airline, to); err != nil {
			t.Fatalf("jumpseat %d: %v", i+1, err)
		}
	}
	_, err := js.Move(ctx, p, w.airline, "EGLL")
	if domain.ErrorCode(err) != domain.EConflict || !strings.Contains(domain.ErrorFields(err)["to_airport"], "1 January") {
		t.Errorf("a third jumpseat in December: %v, want the limit on to_airport", err)
	}
	// Another pilot has their own two.
	if _, err := js.Move(ctx, w.pilot(), w.airline, "EGLL"); err != nil {
		t.Errorf("another pilot's first: %v", err)
	}
	clock.add(3 * time.Hour) // 31 December, 01:00 → still December
	if _, err := js.Move(ctx, p, w.airline, "EGLL"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("still December: %v, want the limit", err)
	}
	clock.add(23 * time.Hour) // 1 January, 00:00
	if _, err := js.Move(ctx, p, w.airline, "EGLL"); err != nil {
		t.Errorf("a new month: %v", err)
	}
	moves := &domain.PilotJumpseats{}
	replay(t, w.r, domain.JumpseatStream(p.Who.UserID), moves)
	if len(moves.Moves) != 3 {
		t.Errorf("stream holds %d jumpseats, want 3", len(moves.Moves))
	}
}
