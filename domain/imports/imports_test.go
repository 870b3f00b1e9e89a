package imports_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
)

// airports is the airports file type with its real row check.
var airports = imports.Kind{Name: "airports", Columns: imports.AirportColumns,
	Check: func(r imports.Row) (any, map[string]string) { return imports.CheckAirport(r) },
	Key:   func(rec any) string { return rec.(domain.AirportDetails).ICAO },
}

// rawAirports reads an airports file's names and cities as they are, to see
// what decoding made of them whatever the row check thinks of the rest.
var rawAirports = imports.Kind{Name: "airports", Columns: imports.AirportColumns,
	Check: func(r imports.Row) (any, map[string]string) { return [2]string{r.Get("name"), r.Get("location")}, nil },
	Key:   func(rec any) string { return rec.([2]string)[0] },
}

func check(t *testing.T, k imports.Kind, file string) imports.Checked {
	t.Helper()
	c, err := imports.Check(k, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func problems(c imports.Checked) map[string]string {
	out := map[string]string{}
	for _, p := range c.Problems {
		out[p.String()[:strings.Index(p.String(), ":")]] = p.Message
	}
	return out
}

const airportHead = "icao,iata,name,location,country,lat,lon,notes\n"

// A Latin-1 file (older phpVMS exports, spreadsheets on Windows) is read as
// Windows-1252 and its names come out as the letters it meant.
func TestLatin1FileIsReadAsWindows1252(t *testing.T) {
	file := airportHead + "LEMG,AGP,Aeropuerto de M\xe1laga,M\xe1laga,ES,36.6749,-4.4991,Caf\xe9 \x96 terminal 3\n" +
		"LFPG,CDG,A\xe9roport Charles-de-Gaulle,Roissy,FR,49.0097,2.5479,\n"
	c := check(t, airports, file)
	if c.Encoding != imports.Windows1252 || len(c.Problems) != 0 || len(c.Records) != 2 {
		t.Fatalf("encoding %q, problems %v, %d records", c.Encoding, c.Problems, len(c.Records))
	}
	got := c.Records[0].Value.(domain.AirportDetails)
	if got.Name != "Aeropuerto de Málaga" || got.City != "Málaga" || got.Notes != "Café – terminal 3" {
		t.Errorf("read as %q, %q, %q", got.Name, got.City, got.Notes)
	}
	if name := c.Records[1].Value.(domain.AirportDetails).Name; name != "Aéroport Charles-de-Gaulle" {
		t.Errorf("second row: %q", name)
	}

	// UTF-8, with or without a byte order mark, is read as it is.
	utf := airportHead + "LEMG,AGP,Aeropuerto de Málaga,Málaga,ES,36.6749,-4.4991,\n"
	for _, f := range []string{utf, "\ufeff" + utf} {
		c := check(t, airports, f)
		if c.Encoding != imports.UTF8 || len(c.Records) != 1 || c.Records[0].Value.(domain.AirportDetails).Name != "Aeropuerto de Málaga" {
			t.Errorf("UTF-8 file: %q, %v, %v", c.Encoding, c.Problems, c.Records)
		}
	}
}

// phpVMS's own file of special characters, saved as Windows-1252, reads as
// the UTF-8 original does, letter for letter (the en dash too).
func TestPhpVMSSpecialCharsInWindows1252(t *testing.T) {
	orig, err := os.ReadFile("testdata/phpvms-7.0.10/airports_special_chars.csv")
	if err != nil {
		t.Fatal(err)
	}
	latin, err := charmap.Windows1252.NewEncoder().Bytes(orig)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(latin) {
		t.Fatal("the encoded file is still UTF-8: the test proves nothing")
	}
	want, got := check(t, rawAirports, string(orig)), check(t, rawAirports, string(latin))
	if want.Encoding != imports.UTF8 || got.Encoding != imports.Windows1252 {
		t.Fatalf("encodings %q and %q", want.Encoding, got.Encoding)
	}
	if len(got.Records) != len(want.Records) || len(got.Records) != 9 {
		t.Fatalf("%d and %d records", len(want.Records), len(got.Records))
	}
	for i := range want.Records {
		if got.Records[i].Value != want.Records[i].Value {
			t.Errorf("row %d: %q, want %q", want.Records[i].Line, got.Records[i].Value, want.Records[i].Value)
		}
	}
	if names := got.Records[5].Value.([2]string); names[0] != "Adolfo Suárez Madrid–Barajas Airport" {
		t.Errorf("LEMD: %q", names[0])
	}
	// And the real check says the same of both.
	a, b := check(t, airports, string(orig)), check(t, airports, string(latin))
	if len(a.Records) != len(b.Records) || len(a.Problems) != len(b.Problems) {
		t.Errorf("UTF-8: %d records %v; Windows-1252: %d records %v", len(a.Records), a.Problems, len(b.Records), b.Problems)
	}
}

// Every cell is checked with the domain's text check before its row is
// read, and each bad one is reported at its row and column.
func TestCellsAreCheckedAsText(t *testing.T) {
	file := airportHead +
		"EGLL,LHR,Heath\x00row,London,GB,51.47,-0.46,\n" + // NUL in a name
		"EGKK,LGW,Gatwick,Craw\x07ley,GB,51.15,-0.18,\n" + // a bell in the city
		"\"EGSS\",STN,\"Stan\nsted\",London,GB,51.88,0.23,\n" + // a line break in a one-line cell
		"EGGW,LTN,Luton,Luton,GB,51.87,-0.36,\"Two\nlines\tand a tab\"\n" + // notes may be multi-line
		"EGLC,LCY,City,London,GB,51.50,0.05,bad\x00note\n" +
		"EGBB,BHX,Birmingham,Birmingham,GB,52.45,-1.74,\xff\n" // not UTF-8: the file is Windows-1252, ÿ is a letter
	c := check(t, airports, file)
	p := problems(c)
	want := map[string]string{
		"row 2, name":     "NUL",
		"row 3, location": "control character",
		"row 4, name":     "one line",
		"row 6, notes":    "NUL",
	}
	for k, msg := range want {
		if !strings.Contains(p[k], msg) {
			t.Errorf("%s: %q, want %q", k, p[k], msg)
		}
	}
	if len(p) != len(want) {
		t.Errorf("problems %v", p)
	}
	if len(c.Records) != 2 || c.Records[0].Key != "EGGW" || c.Records[0].Value.(domain.AirportDetails).Notes != "Two\nlines\tand a tab" {
		t.Errorf("records %v", c.Records)
	}
	// A byte that Windows-1252 leaves undefined (0x81) is refused, not
	// saved as a lost letter.
	c = check(t, airports, airportHead+"EGLL,LHR,Heath\x81row,London,GB,51.47,-0.46,\n")
	if c.Encoding != imports.Windows1252 || !strings.Contains(problems(c)["row 2, name"], "neither UTF-8 nor Windows-1252") {
		t.Errorf("0x81: %q %v", c.Encoding, c.Problems)
	}
}

// A rejected cell of megabytes is quoted cut, not whole, in its problem.
func TestHugeCellIsCutInProblems(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	for _, file := range []string{
		airportHead + "EGLL,LHR,Heathrow,London,GB," + huge + ",-0.46,\n",          // a number that is not
		airportHead + "EGLL," + huge + ",Heathrow,London,GB,51.47,-0.46,\n",        // a code the domain quotes
		airportHead + "EGLL,LHR,Heathrow,London,GB,51.47,-0.46," + huge + "\x00\n", // a bad character
	} {
		c := check(t, airports, file)
		if len(c.Problems) == 0 {
			t.Fatal("no problem")
		}
		for _, p := range c.Problems {
			if len(p.Message) > 300 || len(p.Column) > 120 {
				t.Errorf("problem of %d bytes at a column of %d: %.200s", len(p.Message), len(p.Column), p.Message)
			}
			if strings.Contains(p.Message, "xxx") && !strings.Contains(p.Message, strings.Repeat("x", 100)+"…\"") {
				t.Errorf("the quoted value is not cut to 100 characters with an ellipsis: %.300s", p.Message)
			}
		}
	}
}

// A column of megabytes that phpVMS does not know is ignored with a note
// that names it cut.
func TestHugeUnknownColumnIsCutInItsNote(t *testing.T) {
	huge := strings.Repeat("x", 5<<20)
	c := check(t, airports, strings.Replace(airportHead, "notes", huge, 1)+"EGLL,LHR,H,L,GB,51.47,-0.46,\n")
	if len(c.Problems) != 0 || len(c.Records) != 1 || len(c.Notes) != 1 || len(c.Notes[0]) > 300 ||
		!strings.Contains(c.Notes[0], strings.Repeat("x", 100)+"…") {
		t.Errorf("problems %v, %d records, notes %.300q", c.Problems, len(c.Records), c.Notes)
	}
}

func TestRanges(t *testing.T) {
	for _, tc := range []struct {
		lines []int
		want  string
	}{
		{nil, ""}, {[]int{2}, "2"}, {[]int{4, 2, 3}, "2-4"}, {[]int{2, 3, 5, 7, 8, 9}, "2-3, 5, 7-9"},
	} {
		if got := imports.Ranges(tc.lines); got != tc.want {
			t.Errorf("Ranges(%v) = %q, want %q", tc.lines, got, tc.want)
		}
	}
}

// memStore is a JobStore in a map.
type memStore struct {
	mu   sync.Mutex
	jobs map[string]imports.Status
}

func (m *memStore) Save(_ context.Context, s imports.Status) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.jobs == nil {
		m.jobs = map[string]imports.Status{}
	}
	m.jobs[s.ID] = s
	return nil
}

func (m *memStore) Get(_ context.Context, airlineID, id string) (imports.Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.jobs[id]
	if !ok || s.AirlineID != airlineID {
		return imports.Status{}, imports.ErrNoSuchJob
	}
	return s, nil
}

func (m *memStore) List(context.Context, string) ([]imports.Status, error) { return nil, nil }
func (m *memStore) KeepFile(context.Context, string, string, []byte) error { return nil }
func (m *memStore) TakeFile(context.Context, string, string) ([]byte, error) {
	return nil, imports.ErrNoValidRows
}

// runJob imports file with apply refusing the airports named in refuse, and
// returns the job's final status and the airports applied.
func runJob(t *testing.T, file string, refuse ...string) (imports.Status, []string) {
	t.Helper()
	var (
		mu      sync.Mutex
		applied []string
	)
	k := airports
	k.Workers = 2
	k.Apply = func(_ context.Context, _ domain.CommandMeta, _ string, rec any) (domain.Outcome, domain.AppendResult, error) {
		d := rec.(domain.AirportDetails)
		for _, r := range refuse {
			if d.ICAO == r {
				return 0, domain.AppendResult{}, domain.FieldError(domain.EInvalid, "name", "The command refuses "+r+".")
			}
		}
		mu.Lock()
		applied = append(applied, d.ICAO)
		mu.Unlock()
		return domain.Created, domain.AppendResult{}, nil
	}
	store := &memStore{}
	js := imports.NewJobs(store, nil, nil)
	defer js.Close()
	st, err := js.Start(context.Background(), k, domain.CommandMeta{}, "airline", "airports.csv", []byte(file), false)
	if err != nil {
		t.Fatal(err)
	}
	js.Wait()
	st, err = js.Get(context.Background(), "airline", st.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st, applied
}

// A job applies all its checked rows and says done, or says exactly which
// rows it applied and which not, and why; never done with a failed row.
func TestJobReportsRowsThatFailToApply(t *testing.T) {
	file := airportHead +
		"EGLL,LHR,Heathrow,London,GB,51.47,-0.46,\n" +
		"EGKK,LGW,Gatwick,Crawley,GB,51.15,-0.18,\n" +
		"EGSS,STN,Stansted,London,GB,51.88,0.23,\n" +
		"EGGW,LTN,Luton,Luton,GB,51.87,-0.36,\n"

	st, applied := runJob(t, file)
	if st.State != imports.Done || st.Created != 4 || len(applied) != 4 || st.NotApplied != "" || st.ProblemCount != 0 {
		t.Errorf("all rows: %+v", st)
	}

	st, applied = runJob(t, file, "EGKK", "EGSS")
	if st.State != imports.Partial || st.Created != 2 || len(applied) != 2 || st.Applied != "2, 5" || st.NotApplied != "3-4" {
		t.Errorf("two rows refused: state %s, %d created, applied %q, not applied %q", st.State, st.Created, st.Applied, st.NotApplied)
	}
	if len(st.Problems) != 2 || st.Problems[0].Line != 3 || st.Problems[0].Column != "name" ||
		st.Problems[0].Message != "The command refuses EGKK." || st.Problems[1].Line != 4 {
		t.Errorf("problems %v", st.Problems)
	}
	if !st.Finished() || st.Running() || !strings.Contains(st.Message, "import the file again") {
		t.Errorf("a partial job: finished %v, running %v, message %q", st.Finished(), st.Running(), st.Message)
	}

	st, _ = runJob(t, file, "EGLL", "EGKK", "EGSS", "EGGW")
	if st.State != imports.Failed || st.Applied != "" || st.NotApplied != "2-5" || st.ProblemCount != 4 {
		t.Errorf("every row refused: %s, applied %q, not applied %q, %d problems", st.State, st.Applied, st.NotApplied, st.ProblemCount)
	}
}

// Cells a spreadsheet would read as formulas are exported exactly as they
// are, as phpVMS writes them, and read back unchanged.
func TestExportKeepsFormulaLikeCellsExact(t *testing.T) {
	d := domain.AirportDetails{ICAO: "EGLL", IATA: "LHR", Name: "=HYPERLINK(\"http://x\")", City: "+44 London", Country: "GB",
		Latitude: 51.47, Longitude: -0.46, Elevation: -5, Notes: "@home\n-minus"}
	k := airports
	k.Export = func(context.Context, string) ([][]string, error) { return [][]string{imports.AirportRow(d)}, nil }
	var b strings.Builder
	if err := imports.Export(context.Background(), k, "airline", &b); err != nil {
		t.Fatal(err)
	}
	want := "EGLL,LHR,\"=HYPERLINK(\"\"http://x\"\")\",+44 London,,GB,,0,51.47,-0.46,-5,0,0,0,0,\"@home\n-minus\"\n"
	if _, row, _ := strings.Cut(b.String(), "\n"); row != want {
		t.Errorf("exported\n%q, want\n%q", row, want)
	}
	c := check(t, airports, b.String())
	if len(c.Problems) != 0 || len(c.Records) != 1 || c.Records[0].Value.(domain.AirportDetails) != d {
		t.Errorf("read back: %v %+v", c.Problems, c.Records)
	}
}

// Countries as phpVMS files write them: codes, English names, short forms.
func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{"": "", "gb": "GB", "Maldives": "MV", "Canada": "CA", "United States": "US",
		"united  states": "US", "Spain": "ES", "Cayman": "KY", "United Kingdom": "GB", "Trinidad & Tobago": "TT"} {
		if got, ok := imports.CountryCode(in); !ok || got != want {
			t.Errorf("CountryCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := imports.CountryCode("Atlantis"); ok {
		t.Errorf("CountryCode(Atlantis) = %q, ok", got)
	}
}

// A flights row's times with a zone, fares and custom fields, as phpVMS
// writes them, and the refusals of ones it could not read.
func TestFlightCells(t *testing.T) {
	a := imports.NewAirline("al", "VMS")
	a.Airports["KAUS"] = domain.AirportPosition{Known: true, Coordinates: domain.Coordinates{Lat: 30.19, Lon: -97.67}}
	a.Airports["KJFK"] = domain.AirportPosition{Known: true, Coordinates: domain.Coordinates{Lat: 40.64, Lon: -73.78}}
	k := imports.Kind{Name: "flights", Columns: imports.FlightColumns,
		Check: func(r imports.Row) (any, map[string]string) { return imports.CheckFlight(a, r) },
		Key:   func(rec any) string { return imports.FlightKey(rec.(imports.FlightRecord).Schedule) }}
	head := "flight_number,dpt_airport,arr_airport,flight_time,flight_type,dpt_time,arr_time,fares,fields,active\n"
	c := check(t, k, head+"1,KAUS,KJFK,207,J,0810 CST,2330 EST,Y?price=300&cost=100&capacity=130;F?price=120%;B?,Departure Gate=4;Arrival Gate=C41,1\n"+
		"2,KAUS,KJFK,207,J,0810 XYZ,,Y?seats=3,Gate,1\n"+
		"3,KAUS,KJFK,207,J,,,Y?price=cheap,=4,1\n")
	if len(c.Records) != 1 {
		t.Fatalf("records %v, problems %v", c.Records, c.Problems)
	}
	s := c.Records[0].Value.(imports.FlightRecord).Schedule
	if s.DptTime != "14:10" || s.ArrTime != "04:30" || !s.Active ||
		s.Fares != "Y?price=300&cost=100&capacity=130;F?price=120%;B?" ||
		!slices.Equal(s.Fields, []domain.FlightField{{Name: "Departure Gate", Value: "4"}, {Name: "Arrival Gate", Value: "C41"}}) {
		t.Errorf("row 2 read as %+v", s)
	}
	p := problems(c)
	for at, want := range map[string]string{"row 3, dpt_time": `"0810 XYZ" is not a time of day`, "row 3, fares": `"seats" of fare Y`,
		"row 4, fares": `"cheap" of fare Y`, "row 4, fields": "a value without a name"} {
		if !strings.Contains(p[at], want) {
			t.Errorf("%s: %q, want %q", at, p[at], want)
		}
	}
	if len(p) != 4 {
		t.Errorf("problems %v", p)
	}
}
