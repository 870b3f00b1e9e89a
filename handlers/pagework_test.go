package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	pgstore "github.com/albatross-va/albatross/store/postgres"
)

// otherAirlines is how many airlines of the same data the page-work test
// puts beside the measured one.
const otherAirlines = 50

// seeded is one airline of the page-work test and what its pages name.
type seeded struct {
	id                 string
	pilotID, pilotOTP  string // a pilot with PIREPs, and their one-time password
	adminID, adminOTP  string
	pirep              string // one of the pilot's PIREPs
	pilots             []string
	otps               []string // the pilots' one-time passwords
	pendingPireps      []string
	acceptablePireps   []string // filed, to be accepted once filed
	aircraft, subfleet string
}

// seedAirline creates an airline with a little of everything its pages
// show: airports, a subfleet and aircraft, a rank, flights, pilots and an
// admin; seedPireps then files their PIREPs. It goes through the domain's
// commands, not HTTP, so 50 airlines take seconds.
func seedAirline(t *testing.T, a *app, n int) *seeded {
	t.Helper()
	users := a.users
	if n > 0 {
		// Nobody logs in to the other airlines: their people's one-time
		// passwords need no slow hash.
		users = &domain.Users{Runner: a.users.Runner, IDs: a.users.IDs, Passwords: unsaltedPasswords{}}
	}
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	icao := "Q" + string(rune('A'+n/26)) + string(rune('A'+n%26))
	id, _, err := a.airlines.Create(ctx, sys, domain.CreateAirline{Name: "Airline " + icao, ICAO: icao, Slug: "pagework-" + strings.ToLower(icao)})
	must(err)
	s := &seeded{id: id}
	airports := (&domain.Airports{Runner: a.runner})
	for _, ap := range []domain.AirportDetails{
		{ICAO: "EGLL", Name: "Heathrow", Latitude: 51.47, Longitude: -0.46},
		{ICAO: "KJFK", Name: "Kennedy", Latitude: 40.64, Longitude: -73.78},
		{ICAO: "LFPG", Name: "Charles de Gaulle", Latitude: 49.01, Longitude: 2.55},
	} {
		_, err := airports.Add(ctx, sys, id, ap)
		must(err)
	}
	for i, r := range [][2]string{{"EGLL", "KJFK"}, {"KJFK", "EGLL"}, {"EGLL", "LFPG"}, {"LFPG", "EGLL"}} {
		_, _, err := a.flights.Add(ctx, sys, id, domain.FlightSchedule{FlightNumber: fmt.Sprint(100 + i), DptAirport: r[0],
			ArrAirport: r[1], DptTime: fmt.Sprintf("%02d:00", 8+i), FlightTime: 120, FlightType: "J", Active: true})
		must(err)
	}
	_, _, err = a.ranks.Save(ctx, sys, id, "", domain.RankForm{Name: "Captain", MinHours: "10"})
	must(err)
	for i := range 3 {
		email := fmt.Sprintf("pilot-%d-%s@example.com", i, strings.ToLower(icao))
		uid, otp, _, err := users.CreatePerson(ctx, sys, id, domain.Person{Name: email, Email: email, Country: "GB", Role: domain.RolePilot})
		must(err)
		s.pilots, s.otps = append(s.pilots, uid), append(s.otps, otp)
		if i == 0 {
			s.pilotID, s.pilotOTP = uid, otp
		}
	}
	email := "admin-" + strings.ToLower(icao) + "@example.com"
	s.adminID, s.adminOTP, _, err = users.CreatePerson(ctx, sys, id, domain.Person{Name: email, Email: email, Country: "GB", Role: domain.RoleAirlineAdmin})
	must(err)
	return s
}

// unsaltedPasswords "hashes" a password as itself, for people of a test
// who never log in.
type unsaltedPasswords struct{}

func (unsaltedPasswords) Hash(plain string) (string, error) { return "plain:" + plain, nil }
func (unsaltedPasswords) Verify(encoded, plain string) (bool, error) {
	return encoded == "plain:"+plain, nil
}

// seedFleet adds the airline's subfleet and aircraft, once its airports
// are in the read models (the fleet checks its hub against them).
func seedFleet(t *testing.T, a *app, s *seeded) {
	t.Helper()
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	var err error
	if s.subfleet, _, err = a.fleet.CreateSubfleet(ctx, sys, s.id, domain.Subfleet{Type: "B738", ICAO: "B738", Name: "737", HubID: "EGLL"}); err != nil {
		t.Fatal(err)
	}
	for i, reg := range []string{"G-WRKA", "G-WRKB"} {
		aid, _, err := a.fleet.AddAircraft(ctx, sys, s.id, domain.NewAircraft{SubfleetID: s.subfleet, Registration: reg, Name: reg, AirportID: "EGLL"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			s.aircraft = aid
		}
	}
}

// seedPireps files two PIREPs per pilot: the first to be accepted, the
// second left pending.
func seedPireps(t *testing.T, a *app, s *seeded) {
	t.Helper()
	ctx := context.Background()
	for i, pilot := range s.pilots {
		who := domain.CommandMeta{Who: domain.Actor{UserID: pilot, Role: domain.RolePilot, TenantID: s.id}}
		for j, route := range [][2]string{{"EGLL", "KJFK"}, {"KJFK", "LFPG"}} {
			off := time.Date(2026, 11, 1+i, 9+4*j, 0, 0, 0, time.UTC)
			id, _, err := a.pireps.File(ctx, who, s.id, domain.PirepDetails{FlightNumber: fmt.Sprint(100 + j), DptAirport: route[0], ArrAirport: route[1],
				AircraftID: s.aircraft, BlockOff: off, BlockOn: off.Add(2 * time.Hour), FlightTime: 110, Distance: 3000}, true)
			if err != nil {
				t.Fatalf("file a PIREP: %v", err)
			}
			if j == 0 {
				s.acceptablePireps = append(s.acceptablePireps, id)
			} else {
				s.pendingPireps = append(s.pendingPireps, id)
			}
			if pilot == s.pilotID && s.pirep == "" {
				s.pirep = id
			}
		}
	}
}

// acceptPireps accepts the PIREPs seedPireps meant to be accepted.
func acceptPireps(t *testing.T, a *app, s *seeded) {
	t.Helper()
	staff := domain.CommandMeta{Who: domain.Actor{UserID: s.adminID, Role: domain.RoleAirlineAdmin, TenantID: s.id}}
	for _, id := range s.acceptablePireps {
		if _, err := a.pireps.Accept(context.Background(), staff, s.id, id); err != nil {
			t.Fatalf("accept a PIREP: %v", err)
		}
	}
}

// seedAirlines seeds airlines first..last-1 in phases, each phase waiting
// for the read models the next one's commands check.
func seedAirlines(t *testing.T, w *matrixWorld, first, last int) []*seeded {
	t.Helper()
	var all []*seeded
	for n := first; n < last; n++ {
		all = append(all, seedAirline(t, w.app, n))
	}
	w.settle(t)
	for _, s := range all {
		seedFleet(t, w.app, s)
	}
	w.settle(t)
	for _, s := range all {
		seedPireps(t, w.app, s)
	}
	w.settle(t)
	for _, s := range all {
		acceptPireps(t, w.app, s)
	}
	w.settle(t)
	return all
}

// pageCost is the read-model work one page did: PostgreSQL round trips and
// the rows they returned, or the rows the in-memory read models visited.
type pageCost struct{ trips, rows int64 }

func (c pageCost) minus(before pageCost) pageCost {
	return pageCost{trips: c.trips - before.trips, rows: c.rows - before.rows}
}

func (c pageCost) String() string {
	if c.trips == 0 {
		return fmt.Sprintf("%d rows", c.rows)
	}
	return fmt.Sprintf("%d round trips, %d rows", c.trips, c.rows)
}

// pageVisit is one page fetched as one of its users.
type pageVisit struct {
	name string
	as   *actor
	path string
}

// No page's work grows with other airlines' data: each page of one airline
// reads as many rows (embedded) or makes as many PostgreSQL round trips
// with 50 more airlines of the same data beside it as alone.
func TestPageWorkDoesNotGrowWithOtherAirlines(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			counter := &pgstore.QueryCounter{}
			w := &matrixWorld{app: newAppOn(t, m, nil, tracingReads(counter))}
			work := func() pageCost { return pageCost{trips: counter.RoundTrips(), rows: counter.RowsReturned()} }
			if m == embedded {
				mem := w.rm.(*memory.ReadModels)
				work = func() pageCost { return pageCost{rows: mem.RowsRead()} }
			}
			s := seedAirlines(t, w, 0, 1)[0]
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			for _, id := range []struct{ id, otp string }{{s.pilotID, s.pilotOTP}, {s.adminID, s.adminOTP}} {
				if _, err := w.users.ChangePassword(ctx, sys, id.id, id.otp, memberPassword); err != nil {
					t.Fatal(err)
				}
			}
			w.settle(t)
			pilot := &actor{name: "pilot", login: "pilot-0-qaa@example.com", role: domain.RolePilot, tenant: s.id}
			staff := &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: s.id}
			w.session(t, pilot)
			w.session(t, staff)
			base := "/airlines/" + s.id
			visits := []pageVisit{
				{"dashboard", pilot, base + "/dashboard"},
				{"dashboard /live", pilot, base + "/dashboard/live"},
				{"flights from EGLL", pilot, base + "/flights?dpt=EGLL"},
				{"flights unfiltered", pilot, base + "/flights"},
				{"my PIREPs", pilot, base + "/pireps"},
				{"a PIREP (pilot)", pilot, base + "/pireps/" + s.pirep},
				{"roster", pilot, base + "/roster"},
				{"roster /live", pilot, base + "/roster/live"},
				{"staff PIREP list", staff, base + "/pireps/all"},
				{"review queue", staff, base + "/pireps/queue"},
				{"review queue /live", staff, base + "/pireps/queue/live"},
				{"a PIREP (staff)", staff, base + "/pireps/" + s.pirep},
				{"fleet", staff, base + "/fleet"},
				{"people", staff, base + "/people"},
				{"admin home", staff, "/"},
				{"admin home /live", staff, base + "/home/live"},
			}
			measure := func() map[string]pageCost {
				t.Helper()
				got := map[string]pageCost{}
				for _, v := range visits {
					before := work()
					resp, _ := getAs(t, v.as.client, w.URL+v.path, nil)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s: %d", v.name, resp.StatusCode)
					}
					got[v.name] = work().minus(before)
				}
				return got
			}
			alone := measure()
			start := time.Now()
			seedAirlines(t, w, 1, 1+otherAirlines)
			t.Logf("seeded %d more airlines in %v", otherAirlines, time.Since(start).Round(time.Millisecond))
			among := measure()
			var table []string
			for _, v := range visits {
				if alone[v.name].rows == 0 {
					t.Errorf("%s: no rows read; the test measures nothing", v.name)
				}
				if among[v.name] != alone[v.name] {
					t.Errorf("%s: %v beside %d airlines, %v alone", v.name, among[v.name], otherAirlines, alone[v.name])
				}
				table = append(table, fmt.Sprintf("%-20s alone %-24v beside %d airlines %v", v.name, alone[v.name], otherAirlines, among[v.name]))
			}
			t.Logf("work per page (%s):\n%s", m, strings.Join(table, "\n"))

			// Nor does the staff's PIREP list grow with the roster: 200
			// more pilots of the airline, who filed nothing, add no work
			// and no bytes (its pilot filter suggests as staff type; it
			// lists no one).
			listBytes := func() int {
				t.Helper()
				_, body := getAs(t, staff.client, w.URL+base+"/pireps/all", nil)
				return len(body)
			}
			bytesBefore := listBytes()
			roster := &domain.Users{Runner: w.users.Runner, IDs: w.users.IDs, Passwords: unsaltedPasswords{}}
			for i := range 200 {
				email := fmt.Sprintf("roster-%d@example.com", i)
				if _, _, _, err := roster.CreatePerson(ctx, sys, s.id, domain.Person{Name: email, Email: email, Country: "GB", Role: domain.RolePilot}); err != nil {
					t.Fatal(err)
				}
			}
			w.settle(t)
			bigRoster := measure()
			if bigRoster["staff PIREP list"] != among["staff PIREP list"] {
				t.Errorf("staff PIREP list: %v with 200 more pilots, %v before", bigRoster["staff PIREP list"], among["staff PIREP list"])
			}
			if after := listBytes(); after > bytesBefore+64 {
				t.Errorf("staff PIREP list: %d bytes with 200 more pilots, %d before", after, bytesBefore)
			}

			// Nor do the PIREP pages grow with the fleet: 50 more aircraft,
			// none flown, add no work to the pages that name the aircraft
			// of the PIREPs they show (the staff list's aircraft filter
			// offers the fleet, so it is left out).
			for i := range 50 {
				reg := fmt.Sprintf("G-F%03d", i)
				if _, _, err := w.fleet.AddAircraft(ctx, sys, s.id, domain.NewAircraft{SubfleetID: s.subfleet, Registration: reg, Name: reg, AirportID: "EGLL"}); err != nil {
					t.Fatal(err)
				}
			}
			w.settle(t)
			bigFleet := measure()
			for _, name := range []string{"my PIREPs", "a PIREP (pilot)", "a PIREP (staff)", "review queue", "review queue /live"} {
				if bigFleet[name] != bigRoster[name] {
					t.Errorf("%s: %v with 50 more aircraft, %v before", name, bigFleet[name], bigRoster[name])
				}
			}

			// A list's round trips do not grow with the pilots it names
			// either: twice the pilots, each with PIREPs, name in as many.
			if m != postgres {
				return
			}
			more := &seeded{id: s.id, aircraft: s.aircraft, adminID: s.adminID}
			for i := range len(s.pilots) {
				email := fmt.Sprintf("more-%d@example.com", i)
				uid, _, _, err := w.users.CreatePerson(ctx, sys, s.id, domain.Person{Name: email, Email: email, Country: "GB", Role: domain.RolePilot})
				if err != nil {
					t.Fatal(err)
				}
				more.pilots = append(more.pilots, uid)
			}
			w.settle(t)
			seedPireps(t, w.app, more)
			w.settle(t)
			acceptPireps(t, w.app, more)
			w.settle(t)
			morePilots := measure()
			for _, name := range []string{"staff PIREP list", "review queue", "review queue /live"} {
				if morePilots[name].trips != alone[name].trips {
					t.Errorf("%s: %d round trips with %d pilots, %d with %d", name, morePilots[name].trips, 2*len(s.pilots), alone[name].trips, len(s.pilots))
				}
			}
		})
	}
}
