package domain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds jumpseats: a pilot moving to another of the airline's
// airports without flying, when the airline allows it.

// JumpseatStreamPrefix starts every stream of a pilot's jumpseats.
const JumpseatStreamPrefix = "jumpseats-"

// JumpseatStream returns the stream id of a pilot's jumpseats.
func JumpseatStream(pilotID string) string { return JumpseatStreamPrefix + pilotID }

// PilotJumpseats is the aggregate of one pilot's jumpseats: when each was.
type PilotJumpseats struct {
	TenantID string
	Moves    []time.Time
}

// Apply implements Aggregate.
func (p *PilotJumpseats) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.PilotJumpseated)
	if !ok {
		return fmt.Errorf("jumpseats: unexpected event %T", ev)
	}
	p.TenantID = e.TenantId
	p.Moves = append(p.Moves, e.MovedAt.AsTime())
	return nil
}

// inMonth counts the jumpseats in the calendar month (UTC) of t.
func (p *PilotJumpseats) inMonth(t time.Time) int32 {
	t = t.UTC()
	n := int32(0)
	for _, m := range p.Moves {
		m = m.UTC()
		if m.Year() == t.Year() && m.Month() == t.Month() {
			n++
		}
	}
	return n
}

// Jumpseats runs the jumpseat command. Settings tells where the pilot is
// (their latest accepted arrival or jumpseat).
type Jumpseats struct {
	Runner   *Runner
	IDs      IDs
	Settings PirepSettings
}

// Move jumpseats the actor to another of the airline's airports, when the
// airline allows jumpseats: to a hub when it allows only those, and at
// most its monthly number in a calendar month (UTC, on the runner's
// clock), counted on the pilot's own stream so two at once cannot pass the
// limit. Every refusal names the field to_airport. A repeated command id
// returns the first move.
func (s *Jumpseats) Move(ctx context.Context, meta CommandMeta, airlineID, to string) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	pilotID := meta.Who.UserID
	airline := &Airline{}
	if _, err := s.Runner.load(ctx, AirlineStream(airlineID), airline); err != nil {
		return AppendResult{}, err
	}
	rules := airline.PirepRules.Jumpseats
	if !airline.Created || !rules.Allowed {
		return AppendResult{}, FieldError(EForbidden, "to_airport", "This airline does not allow jumpseats.")
	}
	to = strings.ToUpper(strings.TrimSpace(to))
	if err := textFieldError("to_airport", &to, SingleLine, 10, "Choose the airport to move to."); err != nil {
		return AppendResult{}, err
	}
	if !airportExp.MatchString(to) {
		return AppendResult{}, FieldError(EInvalid, "to_airport", "Enter the airport's 4-character ICAO code, for example EGLL.")
	}
	ap := &Airport{}
	if _, err := s.Runner.load(ctx, AirportStream(airlineID, to), ap); err != nil {
		return AppendResult{}, err
	}
	if !ap.Added || ap.Airline != airlineID {
		return AppendResult{}, FieldError(EInvalid, "to_airport", fmt.Sprintf("%s is not one of this airline's airports.", to))
	}
	if rules.HubsOnly && !ap.Hub {
		return AppendResult{}, FieldError(EInvalid, "to_airport", fmt.Sprintf("%s is not a hub: this airline's jumpseats go to its hubs only.", to))
	}
	from, err := s.Settings.PilotLocation(ctx, airlineID, pilotID)
	if err != nil {
		return AppendResult{}, err
	}
	if from == to {
		return AppendResult{}, FieldError(EInvalid, "to_airport", fmt.Sprintf("You are at %s already.", to))
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: JumpseatStream(pilotID), TenantID: airlineID}, meta,
		func() *PilotJumpseats { return &PilotJumpseats{} },
		func(p *PilotJumpseats, _ int64) (Decision, error) {
			now := s.Runner.now().UTC().Truncate(time.Microsecond)
			if rules.PerMonth > 0 && p.inMonth(now) >= rules.PerMonth {
				what := fmt.Sprintf("%d jumpseats", rules.PerMonth)
				if rules.PerMonth == 1 {
					what = "jumpseat"
				}
				return Decision{}, FieldError(EConflict, "to_airport",
					fmt.Sprintf("You have used this month's %s; the next is possible on %s.", what,
						time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format("2 January")))
			}
			return Decision{Events: []proto.Message{&eventsv1.PilotJumpseated{JumpseatId: s.IDs.NewID(), TenantId: airlineID,
				PilotId: pilotID, FromAirport: from, ToAirport: to, MovedAt: timestamppb.New(now)}}}, nil
		})
}
