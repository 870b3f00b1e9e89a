package events_test

import (
	"bytes"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// goldenPirepDetails is a PIREP with every field set.
var goldenPirepDetails = &eventsv1.PirepFiled_Details{
	FlightNumber: "1234", RouteCode: "A", RouteLeg: 2, FlightId: "6b1e0a37-520c-5e2f-9d64-3a517c0e8812",
	DptAirport: "EGLL", ArrAirport: "LPPT", AltAirport: "LPFR", AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4",
	BlockOff:   timestamppb.New(time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)),
	BlockOn:    timestamppb.New(time.Date(2026, 11, 28, 20, 45, 0, 0, time.UTC)),
	FlightTime: 150, Distance: 850, Level: 37000, FuelUsed: 11023, LandingRate: -142,
	Route: "DET L6 DVR UL9 KONAN", Remarks: "Smooth — pas de problème", Source: "manual",
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the messages in golden_test.go")

// goldenCases are fixed events whose encoding is frozen in testdata: events
// already in a log must decode the same way for ever, so a change to field
// numbers or types fails here. Add a case for every new event type; never
// edit a golden file by hand or regenerate one to make a failure go away.
var goldenCases = []struct {
	file string
	msg  proto.Message
}{
	{"email_verified", &eventsv1.EmailVerified{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", Email: "ana@example.com",
		VerifiedAt: timestamppb.New(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)),
	}},
	{"pirep_filed", &eventsv1.PirepFiled{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", Details: goldenPirepDetails, Submitted: true,
		FiledAt: timestamppb.New(time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)),
	}},
	{"pirep_prefiled", &eventsv1.PirepFiled{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", InProgress: true, Phase: "INI",
		Details: &eventsv1.PirepFiled_Details{FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT",
			AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", Distance: 850, Source: "acars", SourceName: "vmsACARS"},
		FiledAt: timestamppb.New(time.Date(2026, 11, 28, 17, 30, 0, 0, time.UTC)),
	}},
	{"pirep_progressed", &eventsv1.PirepProgressed{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e", Phase: "ENR",
		Details: &eventsv1.PirepFiled_Details{FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT",
			AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", FlightTime: 42, Distance: 310, FuelUsed: 4100, Source: "acars", SourceName: "vmsACARS"},
		UpdatedAt: timestamppb.New(time.Date(2026, 11, 28, 18, 12, 0, 0, time.UTC)),
	}},
	{"pirep_positions_added", &eventsv1.PirepPositionsAdded{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e",
		Positions: []*eventsv1.PirepPositionsAdded_Position{
			{Id: "p1", Lat: 50.9, Lon: -1.2, AltitudeMsl: 35000, AltitudeAgl: 34900, Heading: 215, Gs: 455, Ias: 270, Vs: -5,
				Distance: 310.4, FuelFlow: 5400, Status: "ENR", Log: "cruise", Transponder: "2000", Autopilot: "NAV",
				SimTime: timestamppb.New(time.Date(2026, 11, 28, 18, 11, 0, 0, time.UTC)), At: timestamppb.New(time.Date(2026, 11, 28, 18, 11, 5, 0, time.UTC))},
			{Lat: 50.8, Lon: -1.3},
		},
		AddedAt: timestamppb.New(time.Date(2026, 11, 28, 18, 12, 0, 0, time.UTC)),
	}},
	{"pirep_logs_added", &eventsv1.PirepLogsAdded{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e",
		Lines: []*eventsv1.PirepLogsAdded_Line{
			{Id: "l1", Text: "Pushback approved — çà", Lat: 51.47, Lon: -0.46, SimTime: timestamppb.New(time.Date(2026, 11, 28, 17, 40, 0, 0, time.UTC)),
				At: timestamppb.New(time.Date(2026, 11, 28, 17, 40, 2, 0, time.UTC))},
			{Text: "Takeoff", Event: true, At: timestamppb.New(time.Date(2026, 11, 28, 17, 55, 0, 0, time.UTC))},
		},
		AddedAt: timestamppb.New(time.Date(2026, 11, 28, 17, 55, 1, 0, time.UTC)),
	}},
	{"pirep_route_set", &eventsv1.PirepRouteSet{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e",
		Points:  []*eventsv1.PirepRouteSet_Point{{Name: "DVR", Order: 1, NavType: 2, Lat: 51.16, Lon: 1.36}, {Name: "KONAN", Order: 2, NavType: 5, Lat: 51.1, Lon: 2.26}},
		SetAt:   timestamppb.New(time.Date(2026, 11, 28, 17, 31, 0, 0, time.UTC)),
	}},
	{"pirep_fields_set", &eventsv1.PirepFieldsSet{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e", Fields: map[string]string{"Departure Gate": "4", "Arrival Gate": "C41"},
		SetAt: timestamppb.New(time.Date(2026, 11, 28, 17, 32, 0, 0, time.UTC)),
	}},
	{"aircraft_reserved", &eventsv1.AircraftReserved{
		AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2e",
		ReservedAt: timestamppb.New(time.Date(2026, 11, 28, 17, 30, 0, 0, time.UTC)),
	}},
	{"pirep_edited", &eventsv1.PirepEdited{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", Details: goldenPirepDetails,
		EditedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 1, 0, 0, time.UTC)),
	}},
	{"pirep_submitted", &eventsv1.PirepSubmitted{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", SubmittedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 2, 0, 0, time.UTC)),
	}},
	{"pirep_cancelled", &eventsv1.PirepCancelled{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		CancelledAt: timestamppb.New(time.Date(2026, 11, 28, 21, 3, 0, 0, time.UTC)),
	}},
	{"pirep_accepted", &eventsv1.PirepAccepted{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", ReviewerId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", Automatic: true,
		AcceptedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 4, 0, 0, time.UTC)),
	}},
	{"pirep_rejected", &eventsv1.PirepRejected{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", ReviewerId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901",
		Reason: "Landing rate not plausible", RejectedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 5, 0, 0, time.UTC)),
	}},
	{"rank_saved", &eventsv1.RankSaved{
		RankId: "3d4e5f60-7182-493a-a4b5-c6d7e8f90112", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "First Officer", MinMinutes: 600, AutoPromote: true, AutoAccept: true,
		SavedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 6, 0, 0, time.UTC)),
	}},
	{"pilot_rank_set", &eventsv1.PilotRankSet{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		RankId: "3d4e5f60-7182-493a-a4b5-c6d7e8f90112", ByHand: true, By: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901",
		SetAt: timestamppb.New(time.Date(2026, 11, 28, 21, 7, 0, 0, time.UTC)),
	}},
	{"pirep_rules_changed", &eventsv1.PirepRulesChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", AircraftAtDeparture: true, PilotAtDeparture: true,
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 8, 0, 0, time.UTC)),
	}},
	{"bid_rules_changed", &eventsv1.BidRulesChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", AllowMultipleBids: true, OnePilotPerFlight: true,
		BlockAircraft: true, ExpireAfterHours: 24, ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 9, 0, 0, time.UTC)),
	}},
	{"bid_placed", &eventsv1.BidPlaced{
		BidId: "3c4d5e6f-7081-4a92-b3c4-d5e6f7a8b9c0", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", FlightId: "6b1e0a37-520c-5e2f-9d64-3a517c0e8812",
		AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", FlightNumber: "ALB1234", DptAirport: "EGLL", ArrAirport: "LPPT",
		ClaimedFlight: true, ClaimedAircraft: true, PlacedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 10, 0, 0, time.UTC)),
	}},
	{"bid_placed_charter", &eventsv1.BidPlaced{
		BidId: "4d5e6f70-8192-4aa3-b4c5-d6e7f8a9b0c1", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4",
		FlightNumber: "42", DptAirport: "EGLL", ArrAirport: "LPPT", ClaimedAircraft: true,
		PlacedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 10, 0, 0, time.UTC)), Charter: true, Route: "DCT BOMUP DCT",
		Level: 36000, Distance: 839, Cargo: true, DptTime: "09:30", ArrTime: "12:05", FlightTime: 155,
	}},
	{"pilot_jumpseated", &eventsv1.PilotJumpseated{
		JumpseatId: "5e6f7081-92a3-4bb4-c5d6-e7f8a9b0c1d2", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", FromAirport: "EGLL", ToAirport: "LPPT",
		MovedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 12, 0, 0, time.UTC)),
	}},
	{"news_posted", &eventsv1.NewsPosted{
		NewsId: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Title: "New routes to Lisbon — été", Body: "We now fly **EGLL–LPPT** daily.\n\n- from 1 December\n- [timetable](https://example.com/t)",
		AuthorId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", PostedAt: timestamppb.New(time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)),
	}},
	{"news_edited", &eventsv1.NewsEdited{
		NewsId: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Title: "New routes to Lisbon and Faro", Body: "We now fly to *LPPT* and *LPFR*.",
		EditorId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", EditedAt: timestamppb.New(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)),
	}},
	{"fare_saved", &eventsv1.FareSaved{
		TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Code: "Y", Name: "Economy — été", Type: 0, PriceCents: 10000,
		CostCents: 2550, Capacity: 200, Notes: "This is the economy class", Active: true, Created: true,
		SavedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 30, 0, 0, time.UTC)),
	}},
	{"expense_saved", &eventsv1.ExpenseSaved{
		TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Key: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", Airline: "VMS", Name: "Maintenance",
		AmountCents: 100000, Type: "D", FlightType: "J", ChargeToUser: true, Multiplier: true, Active: true,
		RefModel: `App\Models\Aircraft`, RefModelId: "001Z", Created: true,
		SavedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 31, 0, 0, time.UTC)),
	}},
	{"award_defined", &eventsv1.AwardDefined{
		AwardId: "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d6", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "Lisbon regular — été", Description: "Land at LPPT.",
		Rule:  &eventsv1.AwardDefined_Rule{Kind: "route", Number: 0, Code: "EGLL", Code2: "LPPT"},
		Image: []byte("\x89PNG\r\n\x1a\n"), ImageType: "image/png", By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		DefinedAt: timestamppb.New(time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)),
	}},
	{"award_granted", &eventsv1.AwardGranted{
		AwardId: "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d6", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", AwardName: "Lisbon regular", Reason: "Flew EGLL–LPPT",
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", ByHand: true, By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		GrantedAt: timestamppb.New(time.Date(2026, 12, 7, 9, 31, 0, 0, time.UTC)),
	}},
	{"award_revoked", &eventsv1.AwardRevoked{
		AwardId: "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d6", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", AwardName: "Lisbon regular", Reason: "The PIREP was rejected.",
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", By: "system",
		RevokedAt: timestamppb.New(time.Date(2026, 12, 7, 9, 32, 0, 0, time.UTC)),
	}},
	{"tour_saved", &eventsv1.TourSaved{
		TourId: "4e5f6071-8293-4a4b-8c5d-6e7f8091a2b3", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "Iberian hop — été", Description: "Three legs.", AnyOrder: true, StartsOn: "2026-12-01", EndsOn: "2026-12-31",
		Legs: []*eventsv1.TourSaved_Leg{{Dpt: "EGLL", Arr: "LPPT", FlightNumber: "117", AircraftIcao: "A320"}, {Dpt: "LPPT", Arr: "LEMD"}},
		By:   "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", SavedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)),
	}},
	{"tour_deleted", &eventsv1.TourDeleted{
		TourId: "4e5f6071-8293-4a4b-8c5d-6e7f8091a2b3", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", DeletedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 5, 0, 0, time.UTC)),
	}},
	{"tour_leg_flown", &eventsv1.TourLegFlown{
		TourId: "4e5f6071-8293-4a4b-8c5d-6e7f8091a2b3", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", Leg: 1, PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", TourName: "Iberian hop",
		FlownAt: timestamppb.New(time.Date(2026, 12, 8, 9, 10, 0, 0, time.UTC)),
	}},
	{"tour_leg_taken_back", &eventsv1.TourLegTakenBack{
		TourId: "4e5f6071-8293-4a4b-8c5d-6e7f8091a2b3", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", Leg: 1, PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", Reason: "The PIREP was rejected.",
		TakenBackAt: timestamppb.New(time.Date(2026, 12, 8, 9, 20, 0, 0, time.UTC)),
	}},
	{"tour_completed", &eventsv1.TourCompleted{
		TourId: "4e5f6071-8293-4a4b-8c5d-6e7f8091a2b3", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", TourName: "Iberian hop", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d",
		CompletedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 10, 0, 0, time.UTC)),
	}},
	{"tour_completion_taken_back", &eventsv1.TourCompletionTakenBack{
		TourId: "4e5f6071-8293-4a4b-8c5d-6e7f8091a2b3", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", TourName: "Iberian hop", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d",
		TakenBackAt: timestamppb.New(time.Date(2026, 12, 8, 9, 20, 0, 0, time.UTC)),
	}},
	{"airline_event_scheduled", &eventsv1.AirlineEventScheduled{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "Christmas Eve — Lisboa", Description: "Fly to Lisbon.\nAll welcome.",
		StartsAt: timestamppb.New(time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC)), EndsAt: timestamppb.New(time.Date(2026, 12, 24, 22, 0, 0, 0, time.UTC)),
		Match: &eventsv1.AirlineEventScheduled_Match{Kind: "flights", FlightNumbers: []string{"100", "101"}},
		By:    "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", At: timestamppb.New(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)),
	}},
	{"airline_event_changed", &eventsv1.AirlineEventChanged{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Name: "Christmas Eve",
		StartsAt: timestamppb.New(time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC)), EndsAt: timestamppb.New(time.Date(2026, 12, 24, 23, 0, 0, 0, time.UTC)),
		Match: &eventsv1.AirlineEventScheduled_Match{Kind: "airport", Airport: "LPPT"},
		By:    "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", At: timestamppb.New(time.Date(2026, 12, 8, 9, 5, 0, 0, time.UTC)),
	}},
	{"airline_event_cancelled", &eventsv1.AirlineEventCancelled{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Reason: "Servers down",
		By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", At: timestamppb.New(time.Date(2026, 12, 8, 9, 10, 0, 0, time.UTC)),
	}},
	{"airline_event_signed_up", &eventsv1.AirlineEventSignedUp{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", At: timestamppb.New(time.Date(2026, 12, 8, 9, 1, 0, 0, time.UTC)),
	}},
	{"airline_event_withdrawn", &eventsv1.AirlineEventWithdrawn{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", At: timestamppb.New(time.Date(2026, 12, 8, 9, 2, 0, 0, time.UTC)),
	}},
	{"airline_event_flight_counted", &eventsv1.AirlineEventFlightCounted{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", EventName: "Christmas Eve",
		FlightNumber: "100", DptAirport: "EGLL", ArrAirport: "LPPT", BlockOn: timestamppb.New(time.Date(2026, 12, 24, 21, 0, 0, 0, time.UTC)),
		At: timestamppb.New(time.Date(2026, 12, 24, 21, 30, 0, 0, time.UTC)),
	}},
	{"airline_event_flight_uncounted", &eventsv1.AirlineEventFlightUncounted{
		EventId: "3e4f5061-7283-4a94-8b5c-6d7e8f9a0b1c", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", PilotFlightsLeft: 1,
		EventName: "Christmas Eve", At: timestamppb.New(time.Date(2026, 12, 25, 9, 0, 0, 0, time.UTC)),
	}},
	{"scoring_bands_set", &eventsv1.ScoringBandsSet{
		TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Version: 2,
		Bands: []*eventsv1.ScoringBandsSet_Band{{From: 0, To: 100, HasTo: true, Points: 100}, {From: 100, To: 300, HasTo: true, Points: 80},
			{From: 300, Points: 0}},
		Rules: []*eventsv1.ScoringBandsSet_Rule{{Kind: "fuel_over", Threshold: 20000, Points: 10}, {Kind: "short_flight", Threshold: 20, Points: 100}},
		By:    "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", SetAt: timestamppb.New(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)),
	}},
	{"pirep_scored", &eventsv1.PirepScored{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", Score: 70, BandsVersion: 2, LandingRate: -142,
		Breakdown: "-100 to -300 ft/min: 80\nFuel used over 20000 lb: -10", ScoredAt: timestamppb.New(time.Date(2026, 12, 8, 0, 1, 0, 0, time.UTC)),
	}},
	{"profile_visibility_set", &eventsv1.ProfileVisibilitySet{
		TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", UserId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", Public: false,
		By: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", SetAt: timestamppb.New(time.Date(2026, 12, 8, 0, 5, 0, 0, time.UTC)),
	}},
	{"award_edited", &eventsv1.AwardEdited{
		AwardId: "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d6", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "Lisbon regular — hiver", Description: "Land at LPPT twice.",
		Rule:         &eventsv1.AwardDefined_Rule{Kind: "flights", Number: 2},
		ImageChanged: true, Image: []byte("\x89PNG\r\n\x1a\n"), ImageType: "image/png", By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		EditedAt: timestamppb.New(time.Date(2026, 12, 8, 0, 6, 0, 0, time.UTC)),
	}},
	{"award_deleted", &eventsv1.AwardDeleted{
		AwardId: "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d6", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "Lisbon regular — hiver", By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		DeletedAt: timestamppb.New(time.Date(2026, 12, 8, 0, 7, 0, 0, time.UTC)),
	}},
	{"news_deleted", &eventsv1.NewsDeleted{
		NewsId: "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		DeletedBy: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", DeletedAt: timestamppb.New(time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)),
	}},
	{"type_rating_saved", &eventsv1.TypeRatingSaved{
		RatingId: "7a0d1e2f-3a4b-4c5d-8e6f-708192a3b4c5", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Name: "Boeing 737NG", Code: "B737",
		SubfleetIds: []string{"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}, By: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		SavedAt: timestamppb.New(time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)),
	}},
	{"pilot_type_rating_granted", &eventsv1.PilotTypeRatingGranted{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		RatingId: "7a0d1e2f-3a4b-4c5d-8e6f-708192a3b4c5", Reason: "Checkride passed", By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		GrantedAt: timestamppb.New(time.Date(2026, 12, 7, 15, 5, 0, 0, time.UTC)),
	}},
	{"pilot_type_rating_revoked", &eventsv1.PilotTypeRatingRevoked{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		RatingId: "7a0d1e2f-3a4b-4c5d-8e6f-708192a3b4c5", Reason: "Currency lapsed", By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		RevokedAt: timestamppb.New(time.Date(2026, 12, 7, 15, 10, 0, 0, time.UTC)),
	}},
	{"rank_allowances_set", &eventsv1.RankAllowancesSet{
		RankId: "8a0d1e2f-3a4b-4c5d-8e6f-708192a3b4c5", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		SubfleetIds: []string{"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}, RatingIds: []string{"7a0d1e2f-3a4b-4c5d-8e6f-708192a3b4c5"},
		By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", SetAt: timestamppb.New(time.Date(2026, 12, 7, 15, 15, 0, 0, time.UTC)),
	}},
	{"flying_rules_changed", &eventsv1.FlyingRulesChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", RestrictToRank: true, RestrictToTypeRating: true,
		ChangedAt: timestamppb.New(time.Date(2026, 12, 7, 15, 20, 0, 0, time.UTC)),
	}},
	{"flying_rules_changed_transfer", &eventsv1.FlyingRulesChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", CountTransferHours: true,
		ChangedAt: timestamppb.New(time.Date(2026, 12, 7, 15, 40, 0, 0, time.UTC)),
	}},
	{"pilot_transfer_hours_set", &eventsv1.PilotTransferHoursSet{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", Minutes: 7230,
		Reason: "Hours from Virtual Skies", By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		SetAt: timestamppb.New(time.Date(2026, 12, 7, 15, 45, 0, 0, time.UTC)),
	}},
	{"leave_rules_changed", &eventsv1.LeaveRulesChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", AutoApprove: true, AutoLeaveDays: 30, By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		ChangedAt: timestamppb.New(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)),
	}},
	{"leave_requested", &eventsv1.LeaveRequested{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		LeaveId: "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3", StartDate: "2026-12-20", EndDate: "2027-01-03", Note: "Holidays",
		RequestedAt: timestamppb.New(time.Date(2026, 12, 8, 0, 1, 0, 0, time.UTC)),
	}},
	{"leave_approved", &eventsv1.LeaveApproved{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		LeaveId: "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3", By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		ApprovedAt: timestamppb.New(time.Date(2026, 12, 8, 0, 2, 0, 0, time.UTC)),
	}},
	{"leave_declined", &eventsv1.LeaveDeclined{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		LeaveId: "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3", By: "2b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", Reason: "Event week",
		DeclinedAt: timestamppb.New(time.Date(2026, 12, 8, 0, 3, 0, 0, time.UTC)),
	}},
	{"pilot_put_on_leave", &eventsv1.PilotPutOnLeave{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", IdleDays: 31,
		LastFlightAt: timestamppb.New(time.Date(2026, 11, 7, 10, 0, 0, 0, time.UTC)), Day: "2026-12-08",
		At: timestamppb.New(time.Date(2026, 12, 8, 0, 4, 0, 0, time.UTC)),
	}},
	{"pilot_back_from_leave", &eventsv1.PilotBackFromLeave{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", At: timestamppb.New(time.Date(2026, 12, 9, 8, 0, 0, 0, time.UTC)),
	}},
	{"bid_removed", &eventsv1.BidRemoved{
		BidId: "3c4d5e6f-7081-4a92-b3c4-d5e6f7a8b9c0", PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		FlightId: "6b1e0a37-520c-5e2f-9d64-3a517c0e8812", Reason: "filed", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d",
		FlightNumber: "ALB1234", DptAirport: "EGLL", ArrAirport: "LPPT",
		RemovedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 11, 0, 0, time.UTC)),
	}},
	{"pirep_comment_added", &eventsv1.PirepCommentAdded{
		PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", CommentId: "4e5f6071-8293-4a4b-b5c6-d7e8f9011223",
		AuthorId: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", Text: "Please add your fuel — merci",
		AddedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 8, 0, 0, time.UTC)),
	}},
	{"notice_dismissed", &eventsv1.NoticeDismissed{
		UserId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		NoticeId:    "pirep-7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d@2",
		DismissedAt: timestamppb.New(time.Date(2026, 11, 28, 21, 9, 0, 0, time.UTC)),
	}},
	{"airport_added", &eventsv1.AirportAdded{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13",
		Airport: &eventsv1.AirportAdded_State{Icao: "EGLL", Iata: "LHR", Name: "London Heathrow Airport", City: "London",
			Region: "GB-ENG", Country: "GB", Timezone: "Europe/London", Hub: true, Latitude: 51.470748, Longitude: -0.459909,
			ElevationFt: 83, GroundHandlingCost: 150.5, Fuel_100LlCost: 1.2, FuelJetaCost: 0.9, FuelMogasCost: 1.1, Notes: "Terminal 5"},
		AddedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)),
	}},
	{"airport_changed", &eventsv1.AirportChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13",
		Airport: &eventsv1.AirportAdded_State{Icao: "LPPT", Iata: "LIS", Name: "Lisboa – Humberto Delgado", City: "Lisboa",
			Country: "PT", Latitude: 38.7813, Longitude: -9.13592, ElevationFt: -12},
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 1, 0, 0, time.UTC)),
	}},
	{"airline_created_full", &eventsv1.AirlineCreated{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name:      "Albatross Virtual",
		Icao:      "ABV",
		Iata:      "AB",
		Slug:      "albatross-virtual",
		CreatedAt: timestamppb.New(time.Date(2026, 11, 28, 13, 14, 15, 123456000, time.UTC)),
	}},
	{"airline_created_minimal", &eventsv1.AirlineCreated{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d12",
		Name:      "Nord Süd Éclair", // non-ASCII survives
		Icao:      "NSE",
		Slug:      "nord-sud",
	}},
	{"user_created", &eventsv1.UserCreated{
		UserId:             "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31",
		TenantId:           "",
		Email:              "admin",
		Name:               "Platform admin",
		Role:               "platform_admin",
		PasswordHash:       "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		MustChangePassword: true,
		CreatedAt:          timestamppb.New(time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)),
	}},
	{"password_changed", &eventsv1.PasswordChanged{
		UserId:       "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$bmV3c2FsdG5ld3NhbHQ$bmV3aGFzaG5ld2hhc2huZXdoYXNobmV3aGFzaG5ldw",
		OneTime:      false,
		ChangedAt:    timestamppb.New(time.Date(2026, 11, 28, 18, 5, 0, 0, time.UTC)),
	}},
	{"airline_created_with_settings", &eventsv1.AirlineCreated{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13", Name: "Albatross Virtual", Icao: "ABV",
		Slug: "abv", PilotIdPrefix: "ALB", Registration: "open",
		CreatedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 0, 0, 0, time.UTC)),
	}},
	{"airline_profile_changed", &eventsv1.AirlineProfileChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13", Name: "Albatross Air", Iata: "AB",
		PilotIdPrefix: "ABA", Registration: "closed",
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 1, 0, 0, time.UTC)),
	}},
	{"airline_suspended", &eventsv1.AirlineSuspended{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13", Reason: "Unpaid hosting",
		SuspendedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 2, 0, 0, time.UTC)),
	}},
	{"airline_profile_changed_codes", &eventsv1.AirlineProfileChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13", Name: "Albatross Air", Icao: "ABA", Slug: "albatross-air",
		PilotIdPrefix: "ABA", Registration: "approval",
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 1, 30, 0, time.UTC)),
	}},
	{"airline_reactivated", &eventsv1.AirlineReactivated{
		AirlineId:     "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13",
		ReactivatedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 3, 0, 0, time.UTC)),
	}},
	{"membership_decided", &eventsv1.MembershipDecided{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13", UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32",
		Approved: true, PilotNumber: 7,
		DecidedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 4, 0, 0, time.UTC)),
	}},
	{"pilot_registered", &eventsv1.PilotRegistered{
		UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13",
		Email: "pilot@example.com", Name: "Ana Pilot", Country: "PT",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		RegisteredAt: timestamppb.New(time.Date(2026, 11, 28, 19, 5, 0, 0, time.UTC)),
	}},
	{"pilot_registered_home_airport", &eventsv1.PilotRegistered{
		UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d13",
		Email: "pilot@example.com", Name: "Ana Pilot", Country: "PT",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		RegisteredAt: timestamppb.New(time.Date(2026, 11, 28, 19, 5, 0, 0, time.UTC)),
		HomeAirport:  proto.String("LPPT"),
	}},
	{"pilot_approved", &eventsv1.PilotApproved{
		UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", PilotNumber: 7, PilotId: "ALB0007",
		ApprovedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 6, 0, 0, time.UTC)),
	}},
	{"registration_rejected", &eventsv1.RegistrationRejected{
		UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", Reason: "Please register with your real name.",
		RejectedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 7, 0, 0, time.UTC)),
	}},
	{"user_suspended", &eventsv1.UserSuspended{
		UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", Reason: "Inactive",
		SuspendedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 8, 0, 0, time.UTC)),
	}},
	{"user_reactivated", &eventsv1.UserReactivated{
		UserId:        "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32",
		ReactivatedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 9, 0, 0, time.UTC)),
	}},
	{"role_changed", &eventsv1.RoleChanged{
		UserId: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", Role: "airline_admin",
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 10, 0, 0, time.UTC)),
	}},
	{"api_key_created", &eventsv1.ApiKeyCreated{
		KeyId:     "7d3c2b1a-0f9e-4d8c-b7a6-958473625140",
		UserId:    "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31",
		TenantId:  "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name:      "ACARS laptop",
		Prefix:    "alb_Qk3xZ9pL",
		Hash:      "3f7a1c0e9b8d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19",
		CreatedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 0, 0, 250000000, time.UTC)),
	}},
	{"api_key_revoked", &eventsv1.ApiKeyRevoked{
		KeyId:     "7d3c2b1a-0f9e-4d8c-b7a6-958473625140",
		UserId:    "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31",
		RevokedAt: timestamppb.New(time.Date(2026, 11, 28, 19, 30, 0, 0, time.UTC)),
	}},
	{"subfleet_created", &eventsv1.SubfleetCreated{
		SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e51", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Type: "B738-SPB", Icao: "B738", Name: "Boeing 737-800", HubId: "EGLL", CostBlockHourCents: proto.Int64(250000),
		CreatedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)),
	}},
	{"subfleet_created_without_cost", &eventsv1.SubfleetCreated{
		SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e52", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Type: "A320", Icao: "A320", Name: "Airbus A320", HubId: "LPPT",
		CreatedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 1, 0, 0, time.UTC)),
	}},
	{"subfleet_changed", &eventsv1.SubfleetChanged{
		SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e51", Type: "B738-WL", Icao: "B738", Name: "Boeing 737-800 winglets",
		HubId: "EGKK", CostBlockHourCents: proto.Int64(0),
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 2, 0, 0, time.UTC)),
	}},
	{"subfleet_created_with_fares", &eventsv1.SubfleetCreated{
		SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e53", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Type: "A32X", Icao: "A320", Name: "Airbus A320", HubId: "KAUS", Fares: "Y;B?capacity=100&price=500%",
		CreatedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)),
	}},
	{"subfleet_changed_with_fares", &eventsv1.SubfleetChanged{
		SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e53", Type: "A32X", Icao: "A320", Name: "Airbus A320",
		HubId: "KAUS", Fares: "Y?capacity=150",
		ChangedAt: timestamppb.New(time.Date(2026, 12, 8, 9, 1, 0, 0, time.UTC)),
	}},
	{"aircraft_added", &eventsv1.AircraftAdded{
		AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e51", Registration: "G-ABCD", Name: "City of London",
		Status: "active", AirportId: "EGLL", FlightTime: 754321,
		AddedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 3, 0, 0, time.UTC)),
	}},
	{"aircraft_changed", &eventsv1.AircraftChanged{
		AircraftId: "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4", SubfleetId: "2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e52",
		Name: "City of Lisbon", Status: "maintenance",
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 4, 0, 0, time.UTC)),
	}},
	{"flight_added", &eventsv1.FlightAdded{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c1e", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		FlightNumber: "1234", RouteCode: "EU", RouteLeg: 2, Callsign: "12AB",
		DptAirport: "EGLL", ArrAirport: "KJFK", AltAirport: "KEWR", DptTime: "09:30", ArrTime: "17:25",
		Days: 0b0011111, StartDate: "2026-12-01", EndDate: "2027-03-31", Distance: 2999, FlightTime: 475,
		Level: 37000, FlightType: "J", Route: "CPT L9 KENET", Notes: "Non-stop",
		SubfleetIds: []string{"b-777", "b-787"}, SubfleetTypes: []string{"B77W", "B789"}, Active: true,
		AddedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)),
	}},
	{"flight_added_minimal", &eventsv1.FlightAdded{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c1f", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		FlightNumber: "7", DptAirport: "LFPG", ArrAirport: "EDDF", Distance: 243, FlightTime: 70, FlightType: "F",
	}},
	{"flight_changed", &eventsv1.FlightChanged{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c1e", DptAirport: "EGLL", ArrAirport: "KBOS",
		DptTime: "10:00", ArrTime: "17:10", Days: 64, Distance: 2832, FlightTime: 430, FlightType: "C",
		SubfleetIds: []string{"b-787"}, SubfleetTypes: []string{"B789"},
		ChangedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 5, 0, 0, time.UTC)),
	}},
	{"flight_added_with_load_factor", &eventsv1.FlightAdded{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c20", TenantId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		FlightNumber: "8", DptAirport: "LFPG", ArrAirport: "EDDF", Distance: 243, FlightTime: 70, FlightType: "J",
		LoadFactor: 82.5, LoadFactorVariance: 5,
	}},
	{"flight_changed_with_load_factor", &eventsv1.FlightChanged{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c20", DptAirport: "LFPG", ArrAirport: "EDDF", Distance: 243,
		FlightTime: 75, FlightType: "J", LoadFactor: 77.25, LoadFactorVariance: 2.5,
		ChangedAt: timestamppb.New(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)),
	}},
	{"flight_deactivated", &eventsv1.FlightDeactivated{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c1e", DeactivatedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 6, 0, 0, time.UTC)),
	}},
	{"flight_activated", &eventsv1.FlightActivated{
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c1e", ActivatedAt: timestamppb.New(time.Date(2026, 11, 28, 20, 7, 0, 0, time.UTC)),
	}},
	{"simbrief_settings_changed", &eventsv1.SimbriefSettingsChanged{
		AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", ApiKey: "k3y", ExpireHours: 12,
		ChangedAt: timestamppb.New(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)),
	}},
	{"simbrief_ofp_fetched", &eventsv1.SimbriefOfpFetched{
		OfpId: "a1b2c3", AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11", PilotId: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
		FlightId: "8a0e2c44-1b6d-5f3a-9c7e-2d4f6a8b0c1e", AircraftId: "ac", BidId: "bid", Source: "xml",
		AcarsXml: "<VMSAcars Type=\"FlightPlan\"></VMSAcars>", FetchedAt: timestamppb.New(time.Date(2026, 12, 3, 12, 1, 0, 0, time.UTC)),
		Ofp: &eventsv1.SimbriefOfpFetched_Ofp{Origin: "OMAA", Destination: "OMDB", Route: "DCT BOMUP DCT", AirDistance: 134,
			FlightLevel: 380, SchedOut: timestamppb.New(time.Date(2014, 1, 1, 12, 30, 0, 0, time.UTC)),
			Files:  []*eventsv1.SimbriefOfpFetched_Ofp_Link{{Name: "PDF Document", Url: "http://www.simbrief.com/ofp/flightplans/x.pdf"}},
			Navlog: []*eventsv1.SimbriefOfpFetched_Ofp_Fix{{Ident: "BOMUP", Type: "wpt", Lat: 24.484639, Lon: 54.578444, Altitude: 7100}},
			Prefiles: []*eventsv1.SimbriefOfpFetched_Ofp_Prefile{{Network: "VATSIM", Method: "GET", Action: "https://cert.vatsim.net/fp/file.php",
				Fields: []*eventsv1.SimbriefOfpFetched_Ofp_Prefile_Field{{Name: "2", Value: "VMS112"}}}}},
	}},
	{"simbrief_ofp_attached", &eventsv1.SimbriefOfpAttached{
		OfpId: "a1b2c3", PirepId: "7a0c1e2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d", AttachedAt: timestamppb.New(time.Date(2026, 12, 3, 12, 2, 0, 0, time.UTC)),
	}},
	{"simbrief_ofp_expired", &eventsv1.SimbriefOfpExpired{
		OfpId: "a1b2c3", ExpiredAt: timestamppb.New(time.Date(2026, 12, 3, 18, 2, 0, 0, time.UTC)),
	}},
	{"simbrief_ofp_expired_with_bid", &eventsv1.SimbriefOfpExpired{
		OfpId: "a1b2c3", ExpiredAt: timestamppb.New(time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)),
		BidId: "0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8",
	}},
	{"webhook_added", &eventsv1.WebhookAdded{
		WebhookId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", AirlineId: "5f1f3a52-8a1c-4a43-9a40-4b7e0b0c2d11",
		Name: "Discord #flights", Kind: "discord", Url: "https://discord.com/api/webhooks/123/abc",
		Events: []string{"pirep.filed", "pirep.accepted"}, SecretVersion: 1,
		AddedAt: timestamppb.New(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)),
	}},
	{"webhook_changed", &eventsv1.WebhookChanged{
		WebhookId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", Name: "Crew room", Kind: "generic",
		Url: "https://example.com/hooks/albatross", Events: []string{"flight.departed", "flight.arrived"},
		ChangedAt: timestamppb.New(time.Date(2026, 12, 6, 10, 5, 0, 0, time.UTC)),
	}},
	{"webhook_removed", &eventsv1.WebhookRemoved{
		WebhookId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
		RemovedAt: timestamppb.New(time.Date(2026, 12, 6, 10, 10, 0, 0, time.UTC)),
	}},
	{"webhook_secret_rotated", &eventsv1.WebhookSecretRotated{
		WebhookId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", SecretVersion: 2,
		RotatedAt: timestamppb.New(time.Date(2026, 12, 6, 10, 7, 0, 0, time.UTC)),
	}},
	{"webhook_delivery_resent", &eventsv1.WebhookDeliveryResent{
		WebhookId: "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", DeliveryId: 42,
		ResentAt: timestamppb.New(time.Date(2026, 12, 6, 10, 8, 0, 0, time.UTC)),
	}},
}

func goldenPath(file string) string { return filepath.Join("testdata", file+".golden") }

// The golden files hold the type name on the first line and the payload in
// hex on the second, so a diff shows what changed.
func readGolden(t *testing.T, file string) (string, []byte) {
	t.Helper()
	raw, err := os.ReadFile(goldenPath(file))
	if err != nil {
		t.Fatalf("read golden file (run go test -update once to create it): %v", err)
	}
	name, payload, ok := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	if !ok {
		t.Fatalf("%s: want a type name line and a hex line", goldenPath(file))
	}
	data, err := hex.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		t.Fatalf("%s: %v", goldenPath(file), err)
	}
	return name, data
}

func TestGoldenEvents(t *testing.T) {
	reg := events.NewRegistry()
	for _, tc := range goldenCases {
		t.Run(tc.file, func(t *testing.T) {
			name, data, err := reg.Encode(tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				content := name + "\n" + hex.EncodeToString(data) + "\n"
				if err := os.WriteFile(goldenPath(tc.file), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			goldenName, golden := readGolden(t, tc.file)
			if goldenName != name {
				t.Fatalf("golden type %s, the message is %s", goldenName, name)
			}

			decoded, err := reg.Decode(goldenName, golden)
			if err != nil {
				t.Fatalf("decode the golden payload: %v", err)
			}
			if !proto.Equal(decoded, tc.msg) {
				t.Errorf("golden payload decodes to\n  %v\nwant\n  %v", decoded, tc.msg)
			}
			if got, ok := decoded.(*eventsv1.AirlineCreated); ok {
				want := tc.msg.(*eventsv1.AirlineCreated)
				if got.GetAirlineId() != want.GetAirlineId() || got.GetName() != want.GetName() ||
					got.GetIcao() != want.GetIcao() || got.GetIata() != want.GetIata() ||
					got.GetSlug() != want.GetSlug() ||
					!got.GetCreatedAt().AsTime().Equal(want.GetCreatedAt().AsTime()) {
					t.Errorf("decoded fields %+v, want %+v", got, want)
				}
			}
			if len(decoded.ProtoReflect().GetUnknown()) != 0 {
				t.Errorf("golden payload has fields the message no longer knows: %x", decoded.ProtoReflect().GetUnknown())
			}

			_, again, err := reg.Encode(decoded)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, golden) {
				t.Errorf("re-encoding the decoded event gives\n  %x\nwant the golden\n  %x", again, golden)
			}
			if !bytes.Equal(data, golden) {
				t.Errorf("encoding the fixed event gives\n  %x\nwant the golden\n  %x", data, golden)
			}
		})
	}
}

// TestGoldenCoversRegistry: every registered event has a golden file.
func TestGoldenCoversRegistry(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range goldenCases {
		covered[events.TypeName(tc.msg)] = true
	}
	for _, name := range events.NewRegistry().Names() {
		if !covered[name] {
			t.Errorf("event %s has no golden case", name)
		}
	}
}

// TestRegistryCoversProtoFiles: every message of the albatross.events.v1
// package can be appended and decoded, so none is forgotten in the list.
func TestRegistryCoversProtoFiles(t *testing.T) {
	_ = eventsv1.File_domain_events_v1_airline_proto // make sure the package's files are registered
	var messages []string
	protoregistry.GlobalFiles.RangeFilesByPackage("albatross.events.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Messages().Len() {
			messages = append(messages, string(fd.Messages().Get(i).FullName()))
		}
		return true
	})
	if len(messages) == 0 {
		t.Fatal("found no messages in package albatross.events.v1")
	}
	reg := events.NewRegistry()
	names := reg.Names()
	for _, m := range messages {
		if !slices.Contains(names, m) {
			t.Errorf("message %s is not in the registry", m)
			continue
		}
		if _, err := events.Lookup(m); err != nil {
			t.Errorf("lookup %s: %v", m, err)
		}
		if _, err := reg.Decode(m, nil); err != nil {
			t.Errorf("decode an empty %s: %v", m, err)
		}
	}
	for _, n := range names {
		if !slices.Contains(messages, n) {
			t.Errorf("registry holds %s, which is not a message of albatross.events.v1", n)
		}
	}
}
