package handlers_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
)

// fixtureWorld is the world reference of the fixture tests: the airports
// phpVMS's flights file names that its airports files do not give.
const fixtureWorld = "KJFK\tJFK\tJohn F Kennedy International Airport\tNew York\tUS\t40.639801\t-73.7789\t13\n" +
	"KLGA\tLGA\tLa Guardia Airport\tNew York\tUS\t40.777199\t-73.872597\t21\n" +
	"KDFW\tDFW\tDallas Fort Worth International Airport\tDallas\tUS\t32.896801\t-97.038002\t607\n" +
	"EGPH\tEDI\tEdinburgh Airport\tEdinburgh\tGB\t55.950145\t-3.372288\t135\n"

// fixture reads one of phpVMS 7.0.10's own import files.
func fixture(t *testing.T, name string) string {
	t.Helper()
	return string(phpvmsfixtures.Read(t, "7.0.10/"+name))
}

// jobResult is what a job page says of a file: its state, its counts and
// its problems by "row column".
type jobResult struct {
	state, counts string
	problems      map[string]string
	notes         []string
	doc           *goquery.Document
	url           string
}

func importFixture(t *testing.T, a *app, c *http.Client, airline, kind, file string) jobResult {
	t.Helper()
	u := uploadKind(t, a, c, airline, kind, file, false)
	return jobAt(t, a, c, u)
}

func jobAt(t *testing.T, a *app, c *http.Client, u string) jobResult {
	t.Helper()
	d := job(t, a, c, u)
	r := jobResult{state: d.Find(`[data-testid="import-job"]`).AttrOr("data-state", ""), counts: counts(d),
		problems: problemsOf(d), doc: d, url: u}
	d.Find(`[data-testid="job-note"]`).Each(func(_ int, s *goquery.Selection) { r.notes = append(r.notes, s.Text()) })
	return r
}

// applyValidRows presses "Import only the valid rows" on a refused job.
func applyValidRows(t *testing.T, a *app, c *http.Client, r jobResult) jobResult {
	t.Helper()
	token := r.doc.Find(`[data-testid="apply-valid"]`).Parent().Find(`input[name="_csrf"]`).AttrOr("value", "")
	if resp, _ := post(t, c, r.url+"/apply-valid", url.Values{"_csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply valid rows: %d", resp.StatusCode)
	}
	return jobAt(t, a, c, r.url)
}

// text is a job page's state line, one space between words.
func (r jobResult) text() string {
	return strings.Join(strings.Fields(r.doc.Find(`[data-testid="job-state"]`).Text()), " ")
}

// refusedAt checks that a job was refused with problems at exactly the
// "row column" places given, each message containing its text.
func refusedAt(t *testing.T, file string, r jobResult, want map[string]string) {
	t.Helper()
	if r.state != "refused" {
		t.Errorf("%s: %s %s, want refused", file, r.state, r.counts)
	}
	got := slices.Sorted(maps.Keys(r.problems))
	if !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Errorf("%s: problems at %v, want at %v: %v", file, got, slices.Sorted(maps.Keys(want)), r.problems)
	}
	for at, msg := range want {
		if !strings.Contains(r.problems[at], msg) {
			t.Errorf("%s: problem at %s %q, want it to say %q", file, at, r.problems[at], msg)
		}
	}
}

// csvRow finds the exported row whose first cells are prefix.
func csvRow(t *testing.T, export, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(export, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	t.Errorf("no row %q in the export:\n%s", prefix, export)
	return ""
}

// phpVMS 7.0.10's own test files, uploaded into an airline with ICAO VMS in
// the order an admin coming from phpVMS would (airports, subfleets,
// aircraft, flights): each imports what phpVMS imports of it, refuses the
// rows phpVMS cannot read at their row and column, reads the values back as
// the file has them, and each export imports back with nothing changed.
func TestPhpvmsOwnCSVFiles(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil, withWorldAirports(fixtureWorld))
			c, id := a.staffAirline(t, "VMS")
			imp := func(kind, file string) jobResult { return importFixture(t, a, c, id, kind, fixture(t, file)) }
			done := func(file string, r jobResult, counts string) {
				t.Helper()
				if r.state != "done" || r.counts != counts {
					t.Errorf("%s: %s %s, want done %s (problems %v)", file, r.state, r.counts, counts, r.problems)
				}
			}

			// airports.csv: KJFK's longitude is not a number.
			r := imp("airports", "airports.csv")
			refusedAt(t, "airports.csv", r, map[string]string{"4 lon": `"abcd" is not a number`})
			done("airports.csv valid rows", applyValidRows(t, a, c, r), "2/0/0")

			// subfleets.csv: the second subfleet has no type.
			r = imp("subfleets", "subfleets.csv")
			refusedAt(t, "subfleets.csv", r, map[string]string{"3 type": "The code is", "3 simbrief_type": "ICAO aircraft type"})
			done("subfleets.csv valid rows", applyValidRows(t, a, c, r), "1/0/0")

			// aircraft.csv: the 747 row names a subfleet that the file
			// refused, and has no name or registration.
			aircraftRow3 := map[string]string{"3 subfleet": `unknown subfleet "74X"`, "3 name": "Enter a name",
				"3 registration": "registration", "3 airport_id": "location"}
			r = imp("aircraft", "aircraft.csv")
			refusedAt(t, "aircraft.csv", r, aircraftRow3)
			done("aircraft.csv valid rows", applyValidRows(t, a, c, r), "1/0/0")
			if row := csvRow(t, exportKind(t, a, c, id, "aircraft"), "A32X,"); row != "A32X,,A32X,,KAUS,A320-211,N309US,,,,,,,,A," {
				t.Errorf("aircraft.csv: N309US exported as %q", row)
			}
			// aircraft-update.csv: N309US goes into storage.
			r = imp("aircraft", "aircraft-update.csv")
			refusedAt(t, "aircraft-update.csv", r, aircraftRow3)
			done("aircraft-update.csv valid rows", applyValidRows(t, a, c, r), "0/1/0")
			if row := csvRow(t, exportKind(t, a, c, id, "aircraft"), "A32X,"); !strings.HasSuffix(row, ",N309US,,,,,,,,S,") {
				t.Errorf("aircraft-update.csv: N309US exported as %q, want status S", row)
			}
			// aircraft_empty_cols.csv: its cells are in the wrong columns;
			// no row has a name and a registration.
			r = imp("aircraft", "aircraft_empty_cols.csv")
			refusedAt(t, "aircraft_empty_cols.csv", r, map[string]string{
				"2 name": "Enter a name", "2 registration": "registration", "2 airport_id": "location",
				"3 subfleet": "required", "3 name": "Enter a name", "3 registration": "registration", "3 airport_id": `unknown airport "N304"`})
			if r.doc.Find(`[data-testid="apply-valid"]`).Length() != 0 {
				t.Error("aircraft_empty_cols.csv: offers to import valid rows; it has none")
			}

			// flights.csv: active is read as enabled; the second row repeats
			// the first's flight number; KJFK, KLGA and KDFW come from the
			// world reference and subfleet B737 is created.
			r = imp("flights", "flights.csv")
			refusedAt(t, "flights.csv", r, map[string]string{"3 flight_number": "1972 is also on row 2"})
			if r.text() != "Nothing was imported: 1 problem in 4 rows." || len(r.notes) != 0 {
				t.Errorf("flights.csv: %q, notes %q", r.text(), r.notes)
			}
			r = applyValidRows(t, a, c, r)
			done("flights.csv valid rows", r, "3/0/0")
			notes := strings.Join(r.notes, "\n")
			for _, want := range []string{"added from the world reference: KJFK (John F Kennedy International Airport), KLGA (La Guardia Airport), KDFW (Dallas Fort Worth International Airport).",
				"Subfleets created for the flights that name them", ": B737."} {
				if !strings.Contains(notes, want) {
					t.Errorf("flights.csv: the job page's notes %q lack %q", r.notes, want)
				}
			}
			flights := exportKind(t, a, c, id, "flights")
			const route = "ILEXY2 ZENZI LFK ELD J29 MEM Q29 JHW J70 STENT J70 MAGIO J70 LVZ LENDY6"
			for prefix, want := range map[string]string{
				// 0810 CST and 1235 EST are 14:10 and 17:35 UTC.
				// load_factor 85 (its variance 0 is none, written empty).
				"VMS,1972,": "VMS,1972,,,,KAUS,KJFK,KLGA,15,1410,1735,350,1477,207,J,85,,," + route + ",Just a flight,,,1,A32X," +
					"Y?price=300&cost=100&capacity=130;F?price=600&cost=400;B?,Departure Gate=4;Arrival Gate=C41,,",
				// No distance: the great circle between the airports.
				"VMS,113,": "VMS,113,,,,KJFK,KAUS,KDFW,15,1310,1635,350,1320,207,J,70,2,,,Empty distance,,,1,A32X," +
					"Y?price=300&cost=100&capacity=130;F?price=600&cost=400;B?,Departure Gate=C41;Arrival Gate=2,,",
				"VMS,999,": "VMS,999,,,,KAUS,KJFK,KLGA,15,1410,1735,350,1477,207,J,85,,," + route + ",Just a flight,,,1,A32X;B737," +
					"Y?price=300&cost=100&capacity=130;F?price=600&cost=400;B?,Departure Gate=4;Arrival Gate=C41,,",
			} {
				if got := csvRow(t, flights, prefix); got != want {
					t.Errorf("flights.csv exported\n%s\nwant\n%s", got, want)
				}
			}
			if row := csvRow(t, exportKind(t, a, c, id, "subfleets"), "VMS,KAUS,B737,"); row != "VMS,KAUS,B737,B737,B737,,,,100,," {
				t.Errorf("the subfleet created for flight 999: %q", row)
			}
			// The flight's page shows its custom fields.
			_, body := getAs(t, c, a.URL+"/airlines/"+id+"/flights/"+domain.FlightID(id, "1972", "", 0), nil)
			var fields []string
			doc(t, body).Find(`[data-testid="flight-fields"] dt`).Each(func(_ int, s *goquery.Selection) {
				fields = append(fields, s.Text()+"="+s.Next().Text())
			})
			if !slices.Equal(fields, []string{"Departure Gate=4", "Arrival Gate=C41"}) {
				t.Errorf("flight 1972's page shows custom fields %q", fields)
			}

			// flights_empty_fields.csv: flight 1972 without custom fields.
			r = imp("flights", "flights_empty_fields.csv")
			done("flights_empty_fields.csv", r, "0/1/0")
			if got := csvRow(t, exportKind(t, a, c, id, "flights"), "VMS,1972,"); !strings.HasSuffix(got, ",1,A32X,Y?price=300&cost=100&capacity=130;F?price=600&cost=400;B?,,,") {
				t.Errorf("flights_empty_fields.csv: 1972 exported as %q", got)
			}

			// airports_special_chars.csv: country names, UTF-8 names exact,
			// EGLL below sea level; KAUS and KJFK are updated.
			r = imp("airports", "airports_special_chars.csv")
			done("airports_special_chars.csv", r, "7/2/0")
			airports := exportKind(t, a, c, id, "airports")
			for prefix, want := range map[string]string{
				"EGLL,": `EGLL,LHR,London Heathrow,"London, England",,,Europe/London,0,51.4775,-0.4614,-156,500,0,0,0,`,
				"LEMD,": "LEMD,MAD,Adolfo Suárez Madrid–Barajas Airport,Madrid,,ES,Europe/Madrid,0,40.4719,-3.5626,0,0,0,0,0,",
				"MWCR,": "MWCR,GCM,Owen Roberts International Airport,Georgetown,,KY,America/Cayman,0,19.2928,-81.3577,459,50,0,0,0,",
				"KAUS,": `KAUS,AUS,Austin-Bergstrom,"Austin, Texas, USA",Texas,US,America/Chicago,1,30.1945,-97.6699,0,0,0,0,0,Test Note`,
			} {
				if got := csvRow(t, airports, prefix); got != want {
					t.Errorf("airports_special_chars.csv exported\n%s\nwant\n%s", got, want)
				}
			}

			// airports_errors.csv: \N is empty (so the first row has no
			// ICAO code), countries are names.
			r = imp("airports", "airports_errors.csv")
			refusedAt(t, "airports_errors.csv", r, map[string]string{"2 icao": "ICAO code"})
			if r.text() != "Nothing was imported: 1 problem in 6 rows." {
				t.Errorf("airports_errors.csv: %q", r.text())
			}
			done("airports_errors.csv valid rows", applyValidRows(t, a, c, r), "5/0/0")
			airports = exportKind(t, a, c, id, "airports")
			if got := csvRow(t, airports, "CYAV,"); got != "CYAV,,Winnipeg / St. Andrews Airport,Winnipeg,,CA,America/Winnipeg,0,50.0564003,-97.03250122,0,0,0,0,0," {
				t.Errorf("airports_errors.csv: CYAV exported as %q", got)
			}
			if got := csvRow(t, airports, "CYDF,"); !strings.HasPrefix(got, "CYDF,YDF,Deer Lake Airport,Deer Lake,,CA,") {
				t.Errorf("airports_errors.csv: CYDF exported as %q", got)
			}

			// A subfleet's hub from the world reference; an unknown column
			// is ignored with a note.
			d, got := importFile(t, a, c, id, "subfleets", "airline,hub_id,type,simbrief_type,name,tail_colour\nVMS,EGPH,B744,,Boeing 747-400,red\n")
			if got != "done 1/0/0" || !strings.Contains(d.Find(`[data-testid="job-notes"]`).Text(), "Ignored a column Albatross does not know: tail_colour.") ||
				!strings.Contains(d.Find(`[data-testid="job-notes"]`).Text(), "added from the world reference: EGPH (Edinburgh Airport)") {
				t.Errorf("a subfleet at EGPH with a tail_colour: %s, notes %q", got, d.Find(`[data-testid="job-notes"]`).Text())
			}

			// subfleets.csv's fares cell is kept on A32X and written back.
			if row := csvRow(t, exportKind(t, a, c, id, "subfleets"), "VMS,KAUS,A32X,"); row != "VMS,KAUS,A32X,A32X,Airbus A320,,1000.00,,100,Y;B?capacity=100&price=500%," {
				t.Errorf("subfleets.csv: A32X exported as %q, want its fares Y;B?capacity=100&price=500%%", row)
			}

			// fares.csv: every fare, each value as the file has it.
			done("fares.csv", imp("fares", "fares.csv"), "4/0/0")
			fares := exportKind(t, a, c, id, "fares")
			if want := "code,name,type,price,cost,capacity,notes,active\n" +
				"B,Business,0,500,250,10,This is business class,0\n" +
				"C,Cargo,1,20,0,10,,1\n" +
				"F,First-Class,0,800,350,5,,1\n" +
				"Y,Economy,0,100,0,200,This is the economy class,1\n"; fares != want {
				t.Errorf("fares.csv exported\n%s\nwant\n%s", fares, want)
			}
			// A bad fare is refused at its row and columns.
			r = importFixture(t, a, c, id, "fares", "code,name,type,price,cost,capacity,notes,active\nY,Economy,0,100,0,200,,1\nQ!,,2,abc,0,-1,,maybe\n")
			refusedAt(t, "a bad fares file", r, map[string]string{"3 code": "The code is", "3 name": "Enter the fare's name",
				"3 type": `"2" is not a fare type`, "3 price": `"abc" is not an amount`, "3 capacity": `"-1" is not a capacity`,
				"3 active": `"maybe" is not 1 or 0`})
			// The fleet page shows the fares to staff.
			_, body = getAs(t, c, a.URL+"/airlines/"+id+"/fleet", nil)
			var shown []string
			doc(t, body).Find(`[data-testid="fare-row"]`).Each(func(_ int, s *goquery.Selection) {
				shown = append(shown, strings.Join(s.Find("td").Map(func(_ int, td *goquery.Selection) string { return strings.TrimSpace(td.Text()) }), " "))
			})
			if !slices.Equal(shown, []string{"B Business Passengers 500.00 250.00 10 No", "C Cargo Cargo 20.00 0.00 10 Yes",
				"F First-Class Passengers 800.00 350.00 5 Yes", "Y Economy Passengers 100.00 0.00 200 Yes"}) {
				t.Errorf("the fleet page's fares: %q", shown)
			}

			// expenses.csv: every expense, VMS's own and the airline's,
			// Catering of the subfleet, Maintenance of an aircraft.
			done("expenses.csv", imp("expenses", "expenses.csv"), "8/0/0")
			expenses := exportKind(t, a, c, id, "expenses")
			if want := "airline,name,amount,type,flight_type,charge_to_user,multiplier,active,ref_model,ref_model_id\n" +
				",Per-Flight (no muliplier),100,F,,0,0,1,,\n" +
				",Per-Flight (multiplier),100,F,,0,1,1,,\n" +
				"VMS,\"Per-Flight (multiplier, on airline)\",200,F,,0,1,1,,\n" +
				",A daily fee,800,D,,0,0,1,,\n" +
				",A monthly fee,5000,M,,0,0,1,,\n" +
				",Catering,1000,F,J,0,0,1,Subfleet,744-3X-RB211\n" +
				",Catering Staff,1000,D,J,0,0,1,Subfleet,744-3X-RB211\n" +
				",Maintenance,1000,D,F,0,0,1,App\\Models\\Aircraft,001Z\n"; expenses != want {
				t.Errorf("expenses.csv exported\n%s\nwant\n%s", expenses, want)
			}
			// expenses_empty_rows.csv: its two empty rows are skipped; the
			// three expenses that lose their flight type change.
			r = imp("expenses", "expenses_empty_rows.csv")
			done("expenses_empty_rows.csv", r, "0/3/5")
			if !strings.Contains(r.text(), "8 rows") {
				t.Errorf("expenses_empty_rows.csv: %q, want 8 rows (the empty ones skipped)", r.text())
			}
			if got := csvRow(t, exportKind(t, a, c, id, "expenses"), ",Maintenance,"); got != ",Maintenance,1000,D,,0,0,1,App\\Models\\Aircraft,001Z" {
				t.Errorf("expenses_empty_rows.csv: Maintenance exported as %q", got)
			}
			// Another airline's expense, a bad type and amount are refused.
			r = importFixture(t, a, c, id, "expenses", "airline,name,amount,type,flight_type,charge_to_user,multiplier,active,ref_model,ref_model_id\n"+
				"OTH,Fee,100,F,,0,0,1,,\n,Fee,ten,X,,0,0,1,,\n")
			refusedAt(t, "a bad expenses file", r, map[string]string{"2 airline": `"OTH" is not this airline (VMS)`,
				"3 amount": `"ten" is not an amount`, "3 type": "F (per flight), D (daily) or M (monthly)"})

			// Round trip: every export imports back with nothing changed.
			before := a.countEvents(t)
			for _, kind := range []string{"airports", "subfleets", "aircraft", "flights", "fares", "expenses"} {
				ex := exportKind(t, a, c, id, kind)
				n := strings.Count(strings.TrimSpace(ex), "\n")
				if _, got := importFile(t, a, c, id, kind, ex); got != fmt.Sprintf("done 0/0/%d", n) {
					t.Errorf("re-import of the %s export: %s, want done 0/0/%d", kind, got, n)
				}
				if again := exportKind(t, a, c, id, kind); again != ex {
					t.Errorf("%s: the export changed after importing it back:\n%s\n%s", kind, ex, again)
				}
			}
			if after := a.countEvents(t); after != before {
				t.Errorf("importing the exports back appended %d events", after-before)
			}
		})
	}
}
