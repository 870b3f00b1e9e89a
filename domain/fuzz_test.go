package domain_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The command fuzzers send hostile text through a command and assert what
// the issue asks of every command: no panic, no internal error, and either a
// clear refusal or events that every projection applies. They run on the
// embedded adapters (a SQLite log and the in-memory read models), as the
// single-binary deployment does.

// hostileText is the seed text of every fuzzer: what an attacker types
// (a NUL, invalid UTF-8, control characters, a huge value, Latin-1 bytes of
// an old phpVMS export) and some ordinary values beside them.
var hostileText = []string{
	"a\x00b",
	"\x00",
	"\xff",
	"Jos\xe9 Mour\xe3o",     // Latin-1
	"S\xc3\xa3o Paulo \xc3", // UTF-8 cut in the middle of a character
	"a\x01b",
	"bell\x07",
	"esc\x1b[31mred",
	"del\x7f",
	"c1\u0085next",
	"line\u2028sep",
	"tab\there",
	"two\nlines",
	"cr\r\nlf",
	"   ",
	"",
	strings.Repeat("x", 1<<16),
	strings.Repeat("é", 5000),
	"<script>alert(1)</script>",
	"'; DROP TABLE users; --",
	"=cmd|' /C calc'!A0",
}

// seedEach adds one seed per hostile text in each position of valid, with
// the other positions valid, and valid itself.
func seedEach(f *testing.F, valid ...string) {
	f.Helper()
	args := func(vs []string) []any {
		out := make([]any, len(vs))
		for i, v := range vs {
			out[i] = v
		}
		return out
	}
	f.Add(args(valid)...)
	for i := range valid {
		for _, h := range hostileText {
			vs := append([]string(nil), valid...)
			vs[i] = h
			f.Add(args(vs)...)
		}
	}
}

// fuzzWorld is one airline on the embedded adapters, with an admin, an
// approved pilot, two airports, an aircraft and a filed PIREP.
type fuzzWorld struct {
	es       *sqlite.EventStore
	proj     *projector.Projector
	runner   *domain.Runner
	users    *domain.Users
	airlines *domain.Airlines
	airports *domain.Airports
	fleet    *domain.Fleet
	flights  *domain.Flights
	pireps   *domain.Pireps
	apiKeys  *domain.APIKeys

	airline    string
	admin      domain.Actor
	pilot      domain.Actor
	subfleetID string
	aircraftID string
	pirepID    string
	// broken is set when a projection failed: its checkpoint is stuck, so
	// the next input gets a new world instead of reporting the same event.
	broken bool
}

// fuzzWorlds hands out a world and replaces it once it is broken.
type fuzzWorlds struct {
	dir string
	w   *fuzzWorld
}

func newFuzzWorlds(f *testing.F) *fuzzWorlds {
	ws := &fuzzWorlds{dir: f.TempDir()}
	f.Cleanup(func() {
		if ws.w != nil {
			_ = ws.w.es.Close()
		}
	})
	return ws
}

// get returns a working world, building a new one when needed.
func (ws *fuzzWorlds) get(t *testing.T) *fuzzWorld {
	t.Helper()
	if ws.w != nil && !ws.w.broken {
		return ws.w
	}
	if ws.w != nil {
		_ = ws.w.es.Close()
		ws.w = nil
	}
	dir, err := os.MkdirTemp(ws.dir, "world")
	if err != nil {
		t.Fatal(err)
	}
	w, err := buildFuzzWorld(dir)
	if err != nil {
		t.Fatalf("build the fuzz world: %v", err)
	}
	ws.w = w
	return w
}

func buildFuzzWorld(dir string) (*fuzzWorld, error) {
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), nil)
	if err != nil {
		return nil, err
	}
	mem := memory.New()
	reg := events.NewRegistry()
	w := &fuzzWorld{es: es, proj: projector.New(es, mem, reg, nil, nil, projector.All()...)}
	r := &domain.Runner{Store: es, Registry: reg, Clock: domain.SystemClock{}}
	ops := reads.Operations{Q: reads.New(mem)}
	w.runner = r
	w.users = &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	w.airlines = &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	w.airports = &domain.Airports{Runner: r}
	w.fleet = &domain.Fleet{Runner: r, IDs: domain.RandomIDs{}, Airports: ops}
	w.flights = &domain.Flights{Runner: r, Airports: ops, Subfleets: ops}
	w.pireps = &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Airports: ops, Aircraft: ops,
		Settings: reads.PirepSettings{Q: reads.New(mem), Rules: domain.PirepRules{AllowCharters: true}}}
	w.apiKeys = &domain.APIKeys{Runner: r, IDs: domain.RandomIDs{}}

	fail := func(err error) (*fuzzWorld, error) { _ = es.Close(); return nil, err }
	sys := domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}
	w.airline, _, err = w.airlines.Create(ctx, sys, domain.CreateAirline{Name: "Fuzz Virtual", ICAO: "FZV", Slug: "fzv"})
	if err != nil {
		return fail(err)
	}
	w.admin = domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: w.airline}
	adm := func() domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin} }
	for _, a := range []domain.AirportDetails{
		{ICAO: "EGLL", IATA: "LHR", Name: "Heathrow", Country: "GB", Latitude: 51.4706, Longitude: -0.461941, Hub: true},
		{ICAO: "LPPT", IATA: "LIS", Name: "Lisbon", Country: "PT", Latitude: 38.7813, Longitude: -9.13592},
	} {
		if _, err := w.airports.Add(ctx, adm(), w.airline, a); err != nil {
			return fail(err)
		}
	}
	if err := w.proj.CatchUp(ctx); err != nil {
		return fail(err)
	}
	pilotID, _, err := w.users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, w.airline,
		domain.Person{Name: "Ana Pilot", Email: "ana@example.com", Country: "PT", Password: "a long enough password"})
	if err != nil {
		return fail(err)
	}
	if _, _, err := w.users.Approve(ctx, adm(), w.airline, pilotID); err != nil {
		return fail(err)
	}
	w.pilot = domain.Actor{UserID: pilotID, Role: domain.RolePilot, TenantID: w.airline}
	w.subfleetID, _, err = w.fleet.CreateSubfleet(ctx, adm(), w.airline,
		domain.Subfleet{Type: "B738-FZ", ICAO: "B738", Name: "Boeing 737-800", HubID: "EGLL"})
	if err != nil {
		return fail(err)
	}
	if err := w.proj.CatchUp(ctx); err != nil {
		return fail(err)
	}
	w.aircraftID, _, err = w.fleet.AddAircraft(ctx, adm(), w.airline,
		domain.NewAircraft{SubfleetID: w.subfleetID, Registration: "G-FUZZ", Name: "Fuzzy", AirportID: "EGLL"})
	if err != nil {
		return fail(err)
	}
	if err := w.proj.CatchUp(ctx); err != nil {
		return fail(err)
	}
	d := fuzzPirep()
	d.AircraftID = w.aircraftID
	w.pirepID, _, err = w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d, true)
	if err != nil {
		return fail(err)
	}
	if err := w.proj.CatchUp(ctx); err != nil {
		return fail(err)
	}
	return w, nil
}

// fuzzPirep is a PIREP the world's pilot may file.
func fuzzPirep() domain.PirepDetails {
	off := time.Now().UTC().Add(-4 * time.Hour).Truncate(time.Minute)
	return domain.PirepDetails{
		FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: "",
		BlockOff: off, BlockOn: off.Add(2*time.Hour + 45*time.Minute), FlightTime: 150, Level: 37000,
		FuelUsed: 11000, LandingRate: -142, Route: "DET L6 DVR", Source: domain.PirepSourceManual,
	}
}

// check asserts the outcome of one command: a clear refusal, or events that
// every projection applies.
func (w *fuzzWorld) check(t *testing.T, what string, err error) {
	if os.Getenv("FUZZDEBUG") != "" {
		t.Logf("%s: %v", what, err)
	}
	t.Helper()
	if err != nil {
		if code := domain.ErrorCode(err); code == domain.EInternal {
			t.Errorf("%s: internal error instead of a clear refusal: %v", what, err)
		}
		return
	}
	if err := w.proj.CatchUp(context.Background()); err != nil {
		w.broken = true
		t.Errorf("%s: accepted, but a projection cannot apply its events: %v", what, err)
	}
}

func FuzzRegister(f *testing.F) {
	seedEach(f, "Ana Pilot", "ana@example.com", "PT", "a long enough password")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, name, email, country, password string) {
		w := ws.get(t)
		_, _, err := w.users.Register(context.Background(), domain.CommandMeta{ID: domain.NewUUID()}, w.airline,
			domain.Person{Name: name, Email: email, Country: country, Password: password})
		w.check(t, "register", err)
	})
}

func FuzzCreateAirline(f *testing.F) {
	seedEach(f, "Albatross Virtual", "ALB", "AB", "alb", "ALB")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, name, icao, iata, slug, prefix string) {
		w := ws.get(t)
		_, _, err := w.airlines.Create(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System},
			domain.CreateAirline{Name: name, ICAO: icao, IATA: iata, Slug: slug, PilotIDPrefix: prefix})
		w.check(t, "create airline", err)
	})
}

func FuzzSaveAirport(f *testing.F) {
	seedEach(f, "LPFR", "FAO", "Faro", "Faro", "Algarve", "PT", "Europe/Lisbon", "Runway 28 in use")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, icao, iata, name, city, region, country, tz, notes string) {
		w := ws.get(t)
		// Save, not Add: the same code again changes the airport, so every
		// input reaches the projections, not only the first.
		_, _, err := w.airports.Save(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline,
			domain.AirportDetails{ICAO: icao, IATA: iata, Name: name, City: city, Region: region, Country: country,
				Timezone: tz, Notes: notes, Latitude: 37.0144, Longitude: -7.96591})
		w.check(t, "save airport", err)
	})
}

func FuzzFilePirep(f *testing.F) {
	seedEach(f, "1234", "", "EGLL", "LPPT", "", "DET L6 DVR", "Smooth flight.\nThanks ATC.", "manual")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, number, routeCode, dpt, arr, alt, route, remarks, source string) {
		w := ws.get(t)
		d := fuzzPirep()
		d.AircraftID = w.aircraftID
		d.FlightNumber, d.RouteCode, d.DptAirport, d.ArrAirport, d.AltAirport = number, routeCode, dpt, arr, alt
		d.Route, d.Remarks, d.Source = route, remarks, source
		_, _, err := w.pireps.File(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d, true)
		w.check(t, "file pirep", err)
	})
}

func FuzzCommentPirep(f *testing.F) {
	seedEach(f, "Nice landing.\nSee you next time.")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, text string) {
		w := ws.get(t)
		_, _, err := w.pireps.Comment(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline, w.pirepID, text)
		w.check(t, "comment pirep", err)
	})
}

func FuzzRejectPirep(f *testing.F) {
	seedEach(f, "The landing rate was not realistic.")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, reason string) {
		w := ws.get(t)
		ctx := context.Background()
		id, _, err := w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline,
			func() domain.PirepDetails {
				d := fuzzPirep()
				d.AircraftID = w.aircraftID
				d.FlightNumber = domain.NewUUID()[:4]
				return d
			}(), true)
		if err != nil {
			t.Skipf("file the PIREP to reject: %v", err) // not the input's fault
		}
		_, err = w.pireps.Reject(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline, id, reason)
		w.check(t, "reject pirep", err)
	})
}

func FuzzAddFlight(f *testing.F) {
	seedEach(f, "100", "", "FZV1", "EGLL", "LPPT", "09:00", "11:45", "J", "DET L6 DVR", "Daily service.")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, number, routeCode, callsign, dpt, arr, dptTime, arrTime, flightType, route, notes string) {
		w := ws.get(t)
		_, _, err := w.flights.Add(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline,
			domain.FlightSchedule{FlightNumber: number, RouteCode: routeCode, Callsign: callsign, DptAirport: dpt, ArrAirport: arr,
				DptTime: dptTime, ArrTime: arrTime, FlightType: flightType, Route: route, Notes: notes,
				Days: 127, FlightTime: 165, Level: 37000, SubfleetIDs: []string{w.subfleetID}, Active: true})
		w.check(t, "add flight", err)
	})
}

func FuzzCreateAPIKey(f *testing.F) {
	seedEach(f, "My ACARS")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, name string) {
		w := ws.get(t)
		_, _, err := w.apiKeys.Create(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.pilot.UserID,
			domain.CreateAPIKey{Name: name})
		w.check(t, "create api key", err)
	})
}

func FuzzCreateSubfleetAndAircraft(f *testing.F) {
	seedEach(f, "A320-FZ", "A320", "Airbus A320", "CS-FUZ", "Lisbon Girl")
	ws := newFuzzWorlds(f)
	f.Fuzz(func(t *testing.T, typ, icao, name, registration, acName string) {
		w := ws.get(t)
		ctx := context.Background()
		id, _, err := w.fleet.CreateSubfleet(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline,
			domain.Subfleet{Type: typ, ICAO: icao, Name: name, HubID: "EGLL"})
		w.check(t, "create subfleet", err)
		if err != nil || t.Failed() {
			id = w.subfleetID
		}
		_, _, err = w.fleet.AddAircraft(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline,
			domain.NewAircraft{SubfleetID: id, Registration: registration, Name: acName, AirportID: "EGLL"})
		w.check(t, "add aircraft", err)
	})
}
