package phpvmsdb_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/imports/phpvmsdb"
	"github.com/albatross-va/albatross/store/sqlite"
)

func newImporter(t *testing.T, dry bool, out *bytes.Buffer) *phpvmsdb.Importer {
	t.Helper()
	es, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { es.Close() })
	clock := &phpvmsdb.Clock{}
	tenant := domain.NewUUID()
	return &phpvmsdb.Importer{Runner: &domain.Runner{Store: es, Registry: events.NewRegistry(), Clock: clock}, Clock: clock,
		Source: "test:3306/phpvms", DryRun: dry, Out: out,
		Airline: func(context.Context, phpvmsdb.Airline, bool) (phpvmsdb.Target, bool, error) {
			return phpvmsdb.Target{TenantID: tenant, PilotIDPrefix: "VMS"}, true, nil
		}}
}

// data is a tiny phpVMS airline: one pilot with an accepted and a pending
// PIREP, and a PIREP of an aircraft that no longer exists.
func data() *phpvmsdb.Data {
	filed := time.Date(2024, 5, 3, 17, 2, 0, 0, time.UTC)
	return &phpvmsdb.Data{
		Airlines:  []phpvmsdb.Airline{{ID: 1, ICAO: "VMS", Name: "phpVMS Air"}},
		Airports:  []phpvmsdb.Airport{{ICAO: "KAUS", Name: "Austin", Hub: true, Lat: 30.19, Lon: -97.67}, {ICAO: "KJFK", Name: "Kennedy", Lat: 40.6, Lon: -73.8}},
		Subfleets: []phpvmsdb.Subfleet{{ID: 1, AirlineID: 1, Type: "B738-VMS", SimbriefType: "B738", Name: "Boeing 737-800", HubID: "KAUS"}},
		Aircraft:  []phpvmsdb.Aircraft{{ID: 1, SubfleetID: 1, Name: "N738VM", Registration: "N738VM", AirportID: "KJFK", Status: "A", FlightTime: 212}},
		Users: []phpvmsdb.User{{ID: 2, PilotID: 2, AirlineID: 1, Name: "Paul Pilot", Email: "pilot@example.com",
			Password: "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi", APIKey: "9b2e5a8c1f4d7a0e3b6c", State: 1, Flights: 1, FlightTime: 212}},
		Pireps: []phpvmsdb.Pirep{
			{ID: "Pa7Bc2De9Fg4Hj6K", UserID: 2, AirlineID: 1, AircraftID: 1, FlightNumber: "100", Dpt: "KAUS", Arr: "KJFK", FlightTime: 212, State: 2, Status: "ARR", Submitted: filed, Updated: filed.Add(time.Hour)},
			{ID: "Qm3Nn8Pp1Rr6Ss9T", UserID: 2, AirlineID: 1, AircraftID: 1, FlightNumber: "101", Dpt: "KJFK", Arr: "KAUS", FlightTime: 230, State: 1, Status: "ARR", Submitted: filed.AddDate(0, 1, 0)},
			{ID: "Or1Ph2An3Ai4Rc5F", UserID: 2, AirlineID: 1, AircraftID: 9, Dpt: "KAUS", Arr: "KJFK", State: 1, Status: "ARR", Submitted: filed},
		},
	}
}

func TestTheImportAppendsOnceAtPhpvmsTimesAndReportsOrphans(t *testing.T) {
	var out bytes.Buffer
	im := newImporter(t, false, &out)
	ctx := context.Background()
	rep, err := im.Run(ctx, data(), "VMS")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Appended == 0 || !strings.Contains(out.String(), "pireps Or1Ph2An3Ai4Rc5F: orphan: its aircraft 9 is deleted or missing") {
		t.Errorf("first run: %d appends\n%s", rep.Appended, out.String())
	}
	recs, err := im.Runner.Store.ReadStream(ctx, domain.PirepStream(im.ID("pireps", "pa7bc2de9fg4hj6k")), 0)
	if err != nil || len(recs) != 2 {
		t.Fatalf("the accepted PIREP's stream: %d events, %v", len(recs), err)
	}
	if !recs[0].Meta.RecordedAt.Equal(time.Date(2024, 5, 3, 17, 2, 0, 0, time.UTC)) || !recs[1].Meta.RecordedAt.Equal(time.Date(2024, 5, 3, 18, 2, 0, 0, time.UTC)) {
		t.Errorf("filed at %v and accepted at %v, want phpVMS's times", recs[0].Meta.RecordedAt, recs[1].Meta.RecordedAt)
	}
	// The aircraft starts with what phpVMS counts beyond the accepted PIREP.
	ac, _ := im.Runner.Store.ReadStream(ctx, domain.AircraftStream(im.ID("aircraft", 1)), 0)
	if m, _ := im.Runner.Registry.Decode(ac[0].Type, ac[0].Data); m.(*eventsv1.AircraftAdded).FlightTime != 0 {
		t.Errorf("the aircraft starts with %d minutes, want 0 (its 212 are the accepted PIREP's)", m.(*eventsv1.AircraftAdded).FlightTime)
	}
	// The API key is stored as its hash only.
	key, _ := im.Runner.Store.ReadStream(ctx, domain.APIKeyStream(im.ID("api_key/9b2e5a8c1f4d7a0e3b6c", 2)), 0)
	if len(key) != 1 || bytes.Contains(key[0].Data, []byte("9b2e5a8c1f4d7a0e3b6c")) {
		t.Errorf("the API key's stream: %d events, or the key in plain text", len(key))
	}

	again, err := im.Run(ctx, data(), "VMS")
	if err != nil || again.Appended != 0 {
		t.Errorf("a second run appended %d (%v)", again.Appended, err)
	}
	moved := data()
	moved.Pireps[1].State, moved.Pireps[1].Updated = 6, time.Date(2024, 6, 4, 0, 0, 0, 0, time.UTC)
	third, err := im.Run(ctx, moved, "VMS")
	if err != nil || third.Appended != 1 {
		t.Errorf("after a rejection in phpVMS the run appended %d (%v), want the rejection only", third.Appended, err)
	}
}

func TestADryRunAppendsNothing(t *testing.T) {
	var out bytes.Buffer
	im := newImporter(t, true, &out)
	rep, err := im.Run(context.Background(), data(), "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Appended == 0 || !strings.Contains(out.String(), "dry run: nothing was written") {
		t.Errorf("the dry run reports %d appends:\n%s", rep.Appended, out.String())
	}
	if recs, _ := im.Runner.Store.ReadStream(context.Background(), domain.UserStream(im.ID("users", 2)), 0); len(recs) != 0 {
		t.Errorf("the dry run appended %d events to the pilot", len(recs))
	}
}
