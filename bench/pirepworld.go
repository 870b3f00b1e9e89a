package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/passwords"
)

// The PIREP benchmarks' airlines: each with csvAirports' 12 airports, one
// subfleet, aircraft, an airline admin and pilots who can all log in,
// created through the domain commands before the server starts; their
// PIREPs are appended in bulk through the event store.

// pirepPassword is every seeded person's chosen password.
const pirepPassword = "a benchmark pilot's password"

// cheapHashes hash the seeded people's passwords with a small argon2id
// cost: the server verifies with each hash's own parameters, and the
// bench times no login, only the seeding it would slow down.
var cheapHashes = passwords.Argon2id{Params: passwords.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}

// pirepAirline is one seeded airline.
type pirepAirline struct {
	id, icao    string
	staffEmail  string
	staffID     string
	pilotEmails []string
	pilotIDs    []string
	aircraft    []string
	subfleet    string
}

// seeder creates airlines and PIREPs in one event store.
type seeder struct {
	es     domain.EventStore
	reg    *events.Registry
	runner *domain.Runner
	users  *domain.Users
}

func newSeeder(es domain.EventStore) *seeder {
	reg := events.NewRegistry()
	r := &domain.Runner{Store: es, Registry: reg, Clock: domain.SystemClock{}}
	return &seeder{es: es, reg: reg, runner: r, users: &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: cheapHashes}}
}

// airline creates an airline with its airports, a subfleet, aircraft
// aircraft at EGLL, an airline admin and pilots pilots.
func (s *seeder) airline(ctx context.Context, icao string, pilots, aircraft int) (*pirepAirline, error) {
	sys := domain.CommandMeta{Who: domain.System}
	slug := strings.ToLower(icao) + "-pireps"
	id, _, err := (&domain.Airlines{Runner: s.runner, IDs: domain.RandomIDs{}}).Create(ctx, sys,
		domain.CreateAirline{Name: "PIREP bench " + icao, ICAO: icao, Slug: slug})
	if err != nil {
		return nil, fmt.Errorf("create airline %s: %w", icao, err)
	}
	a := &pirepAirline{id: id, icao: icao}
	// The bench's PIREPs (filed by hand, by ACARS clients, or seeded) are
	// of flights not on a schedule, which an airline allows by choice.
	if _, err := (&domain.Airlines{Runner: s.runner}).SetPirepRules(ctx, sys, id, domain.PirepRules{AllowCharters: true}); err != nil {
		return nil, fmt.Errorf("allow charters in %s: %w", icao, err)
	}

	for _, code := range csvAirportCodes {
		c := csvAirports[code]
		if _, err := (&domain.Airports{Runner: s.runner}).Add(ctx, sys, id, domain.AirportDetails{ICAO: code, Name: code, Latitude: c.Lat, Longitude: c.Lon}); err != nil {
			return nil, fmt.Errorf("add airport %s: %w", code, err)
		}
	}
	fleet := &domain.Fleet{Runner: s.runner, IDs: domain.RandomIDs{}, Airports: domain.AnyAirport{}}
	sub, _, err := fleet.CreateSubfleet(ctx, sys, id, domain.Subfleet{Type: "B738-" + icao, ICAO: "B738", Name: "737-800", HubID: "EGLL"})
	if err != nil {
		return nil, fmt.Errorf("create subfleet: %w", err)
	}
	a.subfleet = sub
	for i := range aircraft {
		ac, _, err := fleet.AddAircraft(ctx, sys, id, domain.NewAircraft{SubfleetID: sub, Registration: "G-" + letters(uint64(i), 4),
			Name: "Ship " + fmt.Sprint(i+1), AirportID: "EGLL"})
		if err != nil {
			return nil, fmt.Errorf("add aircraft: %w", err)
		}
		a.aircraft = append(a.aircraft, ac)
	}
	a.staffEmail = "staff@" + slug + ".example.com"
	if a.staffID, err = s.person(ctx, id, domain.RoleAirlineAdmin, a.staffEmail); err != nil {
		return nil, err
	}
	for i := range pilots {
		email := fmt.Sprintf("pilot%d@%s.example.com", i, slug)
		uid, err := s.person(ctx, id, domain.RolePilot, email)
		if err != nil {
			return nil, err
		}
		a.pilotEmails, a.pilotIDs = append(a.pilotEmails, email), append(a.pilotIDs, uid)
	}
	return a, nil
}

// person creates someone of the airline with pirepPassword chosen, as
// staff's "add a person" and the first login do.
func (s *seeder) person(ctx context.Context, airlineID, role, email string) (string, error) {
	sys := domain.CommandMeta{Who: domain.System}
	// The person's id is chosen here, so that when their admission (a
	// second append, to the airline's stream) loses a race with the other
	// seeding writers, it can be completed with Approve.
	id := domain.NewUUID()
	users := *s.users
	users.IDs = fixedID(id)
	_, otp, _, err := users.CreatePerson(ctx, sys, airlineID, domain.Person{Name: strings.Split(email, "@")[0], Email: email, Country: "GB", Role: role})
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.EConflict && otp == "" && role == domain.RolePilot && !strings.Contains(de.Message, "email") {
		// Created, not yet admitted; the one-time password is lost, so
		// reset it through the staff's path as well.
		err = retryConflicts(func() error { _, _, err := users.Approve(ctx, sys, airlineID, id); return err })
		if err == nil {
			otp, _, err = users.IssueOneTimePassword(ctx, sys, id)
		}
	}
	if err != nil {
		return "", fmt.Errorf("create %s: %w", email, err)
	}
	if err := retryConflicts(func() error { _, err := s.users.ChangePassword(ctx, sys, id, otp, pirepPassword); return err }); err != nil {
		return "", fmt.Errorf("choose a password for %s: %w", email, err)
	}
	return id, nil
}

// fixedID is an IDs that hands out one id chosen beforehand.
type fixedID string

func (f fixedID) NewID() string { return string(f) }

// retryConflicts runs f again while it fails with a conflict, as a person
// would press save again: the seeders' concurrent writers contend for an
// airline's shared streams more than the runner's own retries absorb.
func retryConflicts(f func() error) error {
	for range 50 {
		err := f()
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EConflict {
			return err
		}
	}
	return f()
}

// pirepState is the state seeded PIREP i ends in: out of every 100, 94
// accepted, 1 pending, 3 rejected, 1 cancelled and 1 draft, a VA whose
// staff keep up with the queue.
func pirepState(i int) string {
	switch i % 100 {
	case 10:
		return domain.PirepPending
	case 20, 50, 80:
		return domain.PirepRejected
	case 30:
		return domain.PirepCancelled
	case 40:
		return domain.PirepDraft
	default:
		return domain.PirepAccepted
	}
}

// seedPireps appends n PIREPs of the airline through the event store with
// writers concurrent writers: PIREP i is flown by pilot i mod pilots, in a
// random aircraft between two of the airports, its block-off times spread
// over the two years before the last, filed just after landing. An
// accepted one is filed and accepted in one append, as a rank that
// auto-accepts does; a rejected or cancelled one gets a second append by
// the staff member or the pilot. state says which state each ends in.
func (s *seeder) seedPireps(ctx context.Context, a *pirepAirline, n, writers int, last time.Time, state func(int) string) ([]string, error) {
	span := 2 * 365 * 24 * time.Hour
	ids := make([]string, n)
	work := make([][]int, writers)
	for i := range n {
		ids[i] = domain.NewUUID()
		work[i%writers] = append(work[i%writers], i)
	}
	_, err := runWriters(ctx, work, func(ctx context.Context, i int) error {
		rng := rand.New(rand.NewPCG(uint64(i), 99))
		dpt := csvAirportCodes[rng.IntN(len(csvAirportCodes))]
		arr := csvAirportCodes[(1+rng.IntN(len(csvAirportCodes)-1)+slices.Index(csvAirportCodes, dpt))%len(csvAirportCodes)]
		minutes := 45 + rng.Int32N(600)
		off := last.Add(-span + time.Duration(int64(span)/int64(n)*int64(i))).Truncate(time.Minute)
		on := off.Add(time.Duration(minutes+15) * time.Minute)
		filed := on.Add(5 * time.Minute)
		pilot := a.pilotIDs[i%len(a.pilotIDs)]
		st := state(i / len(a.pilotIDs)) // every pilot gets the same mix
		d := &eventsv1.PirepFiled_Details{
			FlightNumber: fmt.Sprint(i%9999 + 1), DptAirport: dpt, ArrAirport: arr, AircraftId: a.aircraft[rng.IntN(len(a.aircraft))],
			BlockOff: timestamppb.New(off), BlockOn: timestamppb.New(on), FlightTime: minutes,
			Distance: int32(max(1, domain.GreatCircleNM(csvAirports[dpt], csvAirports[arr]))), Level: 30000 + 1000*rng.Int32N(10),
			FuelUsed: 2000 + 20*minutes, LandingRate: -50 - rng.Int32N(400), Route: "DCT", Source: domain.PirepSourceManual,
		}
		first := []proto.Message{&eventsv1.PirepFiled{PirepId: ids[i], TenantId: a.id, PilotId: pilot, Details: d,
			Submitted: st != domain.PirepDraft, FiledAt: timestamppb.New(filed)}}
		if st == domain.PirepAccepted {
			first = append(first, &eventsv1.PirepAccepted{PirepId: ids[i], ReviewerId: domain.System.UserID, Automatic: true, AcceptedAt: timestamppb.New(filed)})
		}
		if err := s.append(ctx, a.id, domain.PirepStream(ids[i]), domain.NoStream, pilot, first...); err != nil {
			return err
		}
		later := filed.Add(6 * time.Hour)
		switch st {
		case domain.PirepRejected:
			return s.append(ctx, a.id, domain.PirepStream(ids[i]), 1, a.staffID, &eventsv1.PirepRejected{PirepId: ids[i], ReviewerId: a.staffID,
				Reason: "The landing rate is not plausible.", RejectedAt: timestamppb.New(later)})
		case domain.PirepCancelled:
			return s.append(ctx, a.id, domain.PirepStream(ids[i]), 1, pilot, &eventsv1.PirepCancelled{PirepId: ids[i], By: pilot, CancelledAt: timestamppb.New(later)})
		}
		return nil
	})
	return ids, err
}

// append writes events to a stream as the runner would.
func (s *seeder) append(ctx context.Context, tenant, streamID string, expected domain.ExpectedVersion, actor string, msgs ...proto.Message) error {
	req := domain.AppendRequest{StreamID: streamID, TenantID: tenant, Expected: expected,
		Meta: domain.Metadata{Actor: actor, CommandID: domain.NewUUID(), CorrelationID: domain.NewUUID()}}
	for _, m := range msgs {
		name, data, err := s.reg.Encode(m)
		if err != nil {
			return err
		}
		req.Events = append(req.Events, domain.NewEvent{Type: name, SchemaVersion: events.SchemaVersion, Data: data})
	}
	_, err := s.es.Append(ctx, req)
	return err
}
