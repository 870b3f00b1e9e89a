package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// A flight's load factor comes from phpVMS's flights file (load_factor and
// load_factor_variance, percent), goes back out in the export and in the
// API's Flight, survives an edit on the flight's form (which has no such
// field), and a value outside 0–100 is refused naming its column. In both
// modes.
func TestFlightLoadFactorFromFlightsFile(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil)
			c, id := a.staffAirline(t, "ABT")
			for _, k := range sampleKinds[:3] {
				if _, got := importFile(t, a, c, id, k.kind, sample(t, k.kind)); got != fmt.Sprintf("done %d/0/0", k.rows) {
					t.Fatalf("import %s: %s", k.kind, got)
				}
			}
			head := "airline,flight_number,dpt_airport,arr_airport,flight_time,flight_type,load_factor,load_factor_variance,enabled,subfleets\n"
			if _, got := importFile(t, a, c, id, "flights", head+"ABT,900,EGLL,EDDF,72,J,82.5,5,1,A320-LHR\nABT,901,EDDF,EGLL,72,J,,,1,A320-LHR\n"); got != "done 2/0/0" {
				t.Fatalf("import flights with load factors: %s", got)
			}
			ex := exportKind(t, a, c, id, "flights")
			if !strings.Contains(ex, ",72,J,82.5,5,,") || !strings.Contains(ex, "ABT,901,") || strings.Contains(ex, "ABT,901,,,,EDDF,EGLL,,,,,,353,72,J,0") {
				t.Errorf("the export's load factors:\n%s", ex)
			}
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			pilot, _, _, err := a.users.CreatePerson(ctx, sys, id, domain.Person{Name: "Lena Pilot", Email: "lena@example.com", Country: "GB", Role: domain.RolePilot})
			if err != nil {
				t.Fatal(err)
			}
			created, _, err := (&domain.APIKeys{Runner: a.runner, IDs: domain.RandomIDs{}}).Create(ctx, sys, pilot, domain.CreateAPIKey{Name: "ACARS"})
			if err != nil {
				t.Fatal(err)
			}
			key := created.Key
			(&matrixWorld{app: a}).settle(t)
			resp, body := get(t, a.URL+"/api/flights?flight_number=900", xKey(key))
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"load_factor":82.5`) || !strings.Contains(body, `"load_factor_variance":5`) {
				t.Errorf("the API's flight 900: %d %.400s", resp.StatusCode, body)
			}
			if _, body := get(t, a.URL+"/api/flights?flight_number=901", xKey(key)); !strings.Contains(body, `"load_factor":null`) {
				t.Errorf("a flight with no load factor: %.400s", body)
			}

			// The flight's form keeps the load factor it does not show.
			staff := sys
			f900 := domain.FlightID(id, "900", "", 0)
			if _, err := a.flights.Edit(ctx, staff, id, f900, domain.FlightSchedule{DptAirport: "EGLL", ArrAirport: "EDDF",
				FlightTime: 80, FlightType: "J", Active: true}); err != nil {
				t.Fatal(err)
			}
			(&matrixWorld{app: a}).settle(t)
			if _, body := get(t, a.URL+"/api/flights?flight_number=900", xKey(key)); !strings.Contains(body, `"load_factor":82.5`) || !strings.Contains(body, `"flight_time":80`) {
				t.Errorf("after an edit: %.400s", body)
			}

			// Out of range, or not a number: refused by column, nothing applied.
			before := a.countEvents(t)
			d, got := importFile(t, a, c, id, "flights", head+"ABT,902,EGLL,EDDF,72,J,120,5,1,A320-LHR\nABT,903,EGLL,EDDF,72,J,80,lots,1,A320-LHR\n")
			p := problemsOf(d)
			if got != "refused //" || !strings.Contains(p["2 load_factor"], "percentage") || !strings.Contains(p["3 load_factor_variance"], "percentage") {
				t.Errorf("bad load factors: %s %v", got, p)
			}
			if a.countEvents(t) != before {
				t.Errorf("a refused file appended events")
			}
		})
	}
}
