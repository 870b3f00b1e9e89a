package domain

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// SetPirepRules sets an airline's optional PIREP filing rules: whether the
// aircraft and the pilot must be at the departure airport. The rules live
// in the airline's stream, so every filing of the airline reads one answer;
// setting the rules the airline already has records nothing.
func (s *Airlines) SetPirepRules(ctx context.Context, meta CommandMeta, airlineID string, r PirepRules) (AppendResult, error) {
	if r.Jumpseats.PerMonth < 0 || r.Jumpseats.PerMonth > MaxJumpseatsPerMonth {
		return AppendResult{}, FieldError(EInvalid, "jumpseats_per_month",
			fmt.Sprintf("Enter from 1 to %d jumpseats a month, or leave it empty for no limit.", MaxJumpseatsPerMonth))
	}
	if r.AbandonAfterMinutes != 0 {
		d := time.Duration(r.AbandonAfterMinutes) * time.Minute
		if d < MinAbandonAfter || d > MaxAbandonAfter {
			return AppendResult{}, FieldError(EInvalid, "abandon_after", "Enter from 0:15 to 48 hours, or leave it empty for 2 hours.")
		}
	}
	return s.airlineCommand(ctx, meta, airlineID, ManagePirepRules, func(a *Airline, now time.Time) ([]proto.Message, error) {
		if a.PirepRules == r {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PirepRulesChanged{AirlineId: airlineID,
			AircraftAtDeparture: r.AircraftAtDeparture, PilotAtDeparture: r.PilotAtDeparture, ChangedAt: timestamppb.New(now),
			AbandonAfterMinutes: r.AbandonAfterMinutes, PublicLiveMapOff: r.PublicLiveMapOff, AllowCharters: r.AllowCharters,
			AllowJumpseats: r.Jumpseats.Allowed, JumpseatsPerMonth: r.Jumpseats.PerMonth, JumpseatHubsOnly: r.Jumpseats.HubsOnly}}, nil
	})
}
