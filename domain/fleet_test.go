package domain_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// onlyAirports is an AirportChecker that knows a fixed list, as the
// airline's airport list will.
type onlyAirports []string

func (o onlyAirports) AirportExists(_ context.Context, _, icao string) (bool, error) {
	return slices.Contains(o, icao), nil
}

func newFleet(m *membership) *domain.Fleet {
	return &domain.Fleet{Runner: m.r, IDs: domain.RandomIDs{}, Airports: domain.AnyAirport{}}
}

var b738 = domain.Subfleet{Type: " b738-spb ", ICAO: "b738", Name: " Boeing 737-800 ", HubID: "egll", CostBlockHour: "2500.5"}

func loadSubfleet(t *testing.T, r *domain.Runner, id string) *domain.SubfleetState {
	t.Helper()
	s := &domain.SubfleetState{}
	replay(t, r, domain.SubfleetStream(id), s)
	return s
}

func loadAircraft(t *testing.T, r *domain.Runner, id string) *domain.AircraftState {
	t.Helper()
	a := &domain.AircraftState{}
	replay(t, r, domain.AircraftStream(id), a)
	return a
}

func replay(t *testing.T, r *domain.Runner, stream string, agg domain.Aggregate) {
	t.Helper()
	recs, err := r.Store.ReadStream(context.Background(), stream, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		msg, err := r.Registry.Decode(rec.Type, rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := agg.Apply(msg); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSubfleetsAreNormalizedValidatedAndTheirCodesUnique(t *testing.T) {
	m := newMembership(t, newRunner(t))
	f := newFleet(m)
	ctx := context.Background()
	admin := domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}

	_, _, err := f.CreateSubfleet(ctx, admin, m.airline, domain.Subfleet{Type: "B 738", ICAO: "7378", Name: "", HubID: "EGL", CostBlockHour: "12.345"})
	fields := domain.ErrorFields(err)
	for _, name := range []string{"type", "icao", "name", "hub_id", "cost_block_hour"} {
		if fields[name] == "" {
			t.Errorf("bad subfleet: no message on %s (%v)", name, fields)
		}
	}

	id, _, err := f.CreateSubfleet(ctx, admin, m.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	s := loadSubfleet(t, m.r, id)
	if s.Type != "B738-SPB" || s.ICAO != "B738" || s.Name != "Boeing 737-800" || s.HubID != "EGLL" ||
		s.CostBlockHour == nil || *s.CostBlockHour != 250050 || s.TenantID != m.airline {
		t.Errorf("created %+v, want codes upper-cased and the cost as 250050 cents", s)
	}
	// A repeated command id (a double submit) creates nothing new.
	again, _, err := f.CreateSubfleet(ctx, admin, m.airline, b738)
	if err != nil || again != id {
		t.Errorf("double submit: %q %v, want the first subfleet %q", again, err, id)
	}
	// Another subfleet with the code is refused beside the field.
	_, _, err = f.CreateSubfleet(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, b738)
	if domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["type"] == "" {
		t.Errorf("a second B738-SPB: %v, want a conflict on type", err)
	}
	// Another airline may use the same code.
	other := newMembership(t, m.r)
	if _, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: other.admin}, other.airline, b738); err != nil {
		t.Errorf("the same code in another airline: %v", err)
	}

	// An edit claims a new code; the former stays reserved to the subfleet.
	edit := domain.Subfleet{Type: "B738-WL", ICAO: "B738", Name: "737 winglets", HubID: "EGKK"}
	if _, err := f.ChangeSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id, edit); err != nil {
		t.Fatal(err)
	}
	if s := loadSubfleet(t, m.r, id); s.Type != "B738-WL" || s.HubID != "EGKK" || s.CostBlockHour != nil {
		t.Errorf("after the edit %+v, want the new code and no cost", s)
	}
	old := b738
	old.Type = "b738-spb"
	if _, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, old); domain.ErrorFields(err)["type"] == "" {
		t.Errorf("the former code went to a new subfleet: %v", err)
	}
	// An edit that changes nothing appends nothing.
	before, _ := m.r.Store.ReadStream(ctx, domain.SubfleetStream(id), 0)
	if _, err := f.ChangeSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id, edit); err != nil {
		t.Fatal(err)
	}
	if after, _ := m.r.Store.ReadStream(ctx, domain.SubfleetStream(id), 0); len(after) != len(before) {
		t.Errorf("an unchanged edit appended %d events", len(after)-len(before))
	}
}

func TestAircraftAreAddedToASubfleetAndEdited(t *testing.T) {
	m := newMembership(t, newRunner(t))
	f := newFleet(m)
	ctx := context.Background()
	sf, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.AddAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.NewAircraft{
		SubfleetID: sf, Registration: "G ABCD", Name: "", Status: "flying", AirportID: "LONDON", FlightTime: "12:75"})
	fields := domain.ErrorFields(err)
	for _, name := range []string{"registration", "name", "status", "airport_id", "flight_time"} {
		if fields[name] == "" {
			t.Errorf("bad aircraft: no message on %s (%v)", name, fields)
		}
	}
	id, _, err := f.AddAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.NewAircraft{
		SubfleetID: sf, Registration: " g-abcd ", Name: "City of London", AirportID: "egll", FlightTime: "1234:05"})
	if err != nil {
		t.Fatal(err)
	}
	a := loadAircraft(t, m.r, id)
	if a.Registration != "G-ABCD" || a.Status != domain.AircraftActive || a.AirportID != "EGLL" || a.FlightTime != 1234*60+5 || a.SubfleetID != sf {
		t.Errorf("added %+v, want G-ABCD, active at EGLL with 74045 minutes", a)
	}
	if got := domain.FormatFlightTime(a.FlightTime); got != "1234:05" {
		t.Errorf("flight time shown as %q", got)
	}

	// The registration is unique within the airline, whatever its case.
	_, _, err = f.AddAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.NewAircraft{
		SubfleetID: sf, Registration: "G-abcd", Name: "Twin", AirportID: "EGLL"})
	if domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["registration"] == "" {
		t.Errorf("a second G-ABCD: %v, want a conflict on registration", err)
	}

	// A subfleet of another airline cannot take the aircraft.
	other := newMembership(t, m.r)
	foreign, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: other.admin}, other.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ChangeAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id,
		domain.AircraftChange{SubfleetID: foreign, Name: "x", Status: domain.AircraftActive}); domain.ErrorFields(err)["subfleet_id"] == "" {
		t.Errorf("moving the aircraft to another airline's subfleet: %v, want a message on subfleet_id", err)
	}
	// The other airline may register G-ABCD too.
	if _, _, err := f.AddAircraft(ctx, domain.CommandMeta{Who: other.admin}, other.airline, domain.NewAircraft{
		SubfleetID: foreign, Registration: "G-ABCD", Name: "Theirs", AirportID: "EGLL"}); err != nil {
		t.Errorf("G-ABCD in another airline: %v", err)
	}

	a320, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.Subfleet{Type: "A320", ICAO: "A320", Name: "A320", HubID: "LPPT"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ChangeAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id,
		domain.AircraftChange{SubfleetID: a320, Name: "City of Lisbon", Status: domain.AircraftMaintenance}); err != nil {
		t.Fatal(err)
	}
	if a := loadAircraft(t, m.r, id); a.SubfleetID != a320 || a.Name != "City of Lisbon" || a.Status != domain.AircraftMaintenance || a.AirportID != "EGLL" {
		t.Errorf("after the edit %+v, want it in the A320 subfleet, in maintenance, still at EGLL", a)
	}
}

func TestTheAirportSeamRefusesAirportsTheAirlineDoesNotHave(t *testing.T) {
	m := newMembership(t, newRunner(t))
	f := newFleet(m)
	f.Airports = onlyAirports{"EGLL"}
	ctx := context.Background()
	_, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.Subfleet{Type: "A320", ICAO: "A320", Name: "A320", HubID: "LPPT"})
	if msg := domain.ErrorFields(err)["hub_id"]; msg != "LPPT is not one of the airline's airports." {
		t.Errorf("a hub the airline does not have: %v", err)
	}
	sf, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.AddAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.NewAircraft{SubfleetID: sf, Registration: "G-ABCD", Name: "x", AirportID: "KJFK"})
	if domain.ErrorFields(err)["airport_id"] == "" {
		t.Errorf("a location the airline does not have: %v", err)
	}
}

func TestFleetCommandsFollowTheAccessMatrix(t *testing.T) {
	m := newMembership(t, newRunner(t))
	f := newFleet(m)
	ctx := context.Background()
	sf, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	ac, _, err := f.AddAircraft(ctx, domain.CommandMeta{Who: m.admin}, m.airline, domain.NewAircraft{SubfleetID: sf, Registration: "G-ABCD", Name: "x", AirportID: "EGLL"})
	if err != nil {
		t.Fatal(err)
	}
	otherAdmin := domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: domain.NewUUID()}
	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	for _, c := range []struct {
		who  domain.Actor
		want string
	}{{otherAdmin, domain.ENotFound}, {pilot, domain.EForbidden}, {domain.Actor{}, domain.EForbidden}} {
		meta := domain.CommandMeta{Who: c.who}
		if _, _, err := f.CreateSubfleet(ctx, meta, m.airline, domain.Subfleet{Type: "NEW", ICAO: "A320", Name: "x", HubID: "EGLL"}); domain.ErrorCode(err) != c.want {
			t.Errorf("create a subfleet as %+v: %v, want %s", c.who, err, c.want)
		}
		if _, err := f.ChangeSubfleet(ctx, meta, m.airline, sf, domain.Subfleet{Type: "NEW", ICAO: "A320", Name: "x", HubID: "EGLL"}); domain.ErrorCode(err) != c.want {
			t.Errorf("edit a subfleet as %+v: %v, want %s", c.who, err, c.want)
		}
		if _, _, err := f.AddAircraft(ctx, meta, m.airline, domain.NewAircraft{SubfleetID: sf, Registration: "G-NEWW", Name: "x", AirportID: "EGLL"}); domain.ErrorCode(err) != c.want {
			t.Errorf("add an aircraft as %+v: %v, want %s", c.who, err, c.want)
		}
		if _, err := f.ChangeAircraft(ctx, meta, m.airline, ac, domain.AircraftChange{SubfleetID: sf, Name: "y", Status: domain.AircraftRetired}); domain.ErrorCode(err) != c.want {
			t.Errorf("edit an aircraft as %+v: %v, want %s", c.who, err, c.want)
		}
	}
	// Staff of another airline acting through their own airline find
	// nothing of this one.
	other := newMembership(t, m.r)
	otherSF, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: other.admin}, other.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ChangeSubfleet(ctx, domain.CommandMeta{Who: other.admin}, other.airline, sf, b738); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("edit another airline's subfleet through one's own: %v, want not found", err)
	}
	if _, err := f.ChangeAircraft(ctx, domain.CommandMeta{Who: other.admin}, other.airline, ac,
		domain.AircraftChange{SubfleetID: otherSF, Name: "stolen", Status: domain.AircraftActive}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("edit another airline's aircraft through one's own: %v, want not found", err)
	}
	if a := loadAircraft(t, m.r, ac); a.Name != "x" || a.Status != domain.AircraftActive {
		t.Errorf("refused commands changed the aircraft: %+v", a)
	}
}

func TestConcurrentAdditionsOfOneRegistrationMakeOneAircraft(t *testing.T) {
	for name, r := range concurrentRunners(t) {
		t.Run(name, func(t *testing.T) {
			m := newMembership(t, r)
			f := newFleet(m)
			ctx := context.Background()
			sf, _, err := f.CreateSubfleet(ctx, domain.CommandMeta{Who: m.admin}, m.airline, b738)
			if err != nil {
				t.Fatal(err)
			}
			admins := []domain.Actor{m.admin, {UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: m.airline}}
			const n = 4
			var wg sync.WaitGroup
			var mu sync.Mutex
			var made []string
			var conflicts int
			for i := range n {
				wg.Go(func() {
					id, _, err := f.AddAircraft(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admins[i%2]}, m.airline,
						domain.NewAircraft{SubfleetID: sf, Registration: []string{"G-TWIN", "g-twin"}[i%2], Name: "Twin", AirportID: "EGLL"})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						made = append(made, id)
					case domain.ErrorFields(err)["registration"] != "":
						conflicts++
					default:
						t.Errorf("add: %v", err)
					}
				})
			}
			wg.Wait()
			if len(made) != 1 || conflicts != n-1 {
				t.Fatalf("%d aircraft added and %d refused for one registration, want 1 and %d", len(made), conflicts, n-1)
			}
			// Count every aircraft in the log, once the winner is readable
			// in the global order.
			var recs []domain.RecordedEvent
			for deadline := time.Now().Add(30 * time.Second); ; {
				if recs, err = r.Store.ReadAll(ctx, domain.Start, 100000); err != nil {
					t.Fatal(err)
				}
				if slices.ContainsFunc(recs, func(e domain.RecordedEvent) bool { return e.StreamID == domain.AircraftStream(made[0]) }) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the aircraft never became readable")
				}
				time.Sleep(10 * time.Millisecond)
			}
			added := 0
			for _, rec := range recs {
				if rec.Type == events.TypeName(&eventsv1.AircraftAdded{}) && rec.TenantID == m.airline {
					added++
				}
			}
			if added != 1 {
				t.Errorf("the log holds %d aircraft for one registration, want 1", added)
			}
		})
	}
}

func TestMoneyFlightTimeAndPhpVMSStatus(t *testing.T) {
	for in, want := range map[string]int64{"2500": 250000, "2500.5": 250050, "2,500.05": 250005, "0": 0} {
		if got, set, err := domain.ParseMoney(in); err != nil || !set || got != want {
			t.Errorf("ParseMoney(%q) = %d %v %v, want %d", in, got, set, err, want)
		}
	}
	if _, set, err := domain.ParseMoney(""); set || err != nil {
		t.Errorf("an empty cost is set or refused")
	}
	for _, bad := range []string{"-1", "1.234", "ten", "1e5"} {
		if _, _, err := domain.ParseMoney(bad); err == nil {
			t.Errorf("ParseMoney(%q) accepted", bad)
		}
	}
	if domain.FormatMoney(250005) != "2500.05" {
		t.Errorf("FormatMoney(250005) = %q", domain.FormatMoney(250005))
	}
	for in, want := range map[string]int64{"": 0, "12": 720, "12:07": 727, "0:59": 59} {
		if got, err := domain.ParseFlightTime(in); err != nil || got != want {
			t.Errorf("ParseFlightTime(%q) = %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"12:60", "1.5", "-3", "12:5"} {
		if _, err := domain.ParseFlightTime(bad); err == nil {
			t.Errorf("ParseFlightTime(%q) accepted", bad)
		}
	}
	for code, want := range map[string]string{"A": "active", "m": "maintenance", "S": "stored", "R": "retired", "retired": "retired"} {
		if got, ok := domain.StatusFromPhpVMS(code); !ok || got != want {
			t.Errorf("StatusFromPhpVMS(%q) = %q %v, want %q", code, got, ok, want)
		}
	}
	if _, ok := domain.StatusFromPhpVMS("W"); ok {
		t.Error("phpVMS's written-off status has no status here but was read as one")
	}
	if domain.PhpVMSStatus(domain.AircraftMaintenance) != "M" {
		t.Error("maintenance is M in phpVMS")
	}
}
