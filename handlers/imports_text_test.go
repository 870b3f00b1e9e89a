package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
)

const latinAirportsHead = "icao,iata,name,location,country,lat,lon,notes\n"

// A Latin-1 airports file, as older phpVMS exports are, is read as
// Windows-1252: every row is applied, the page says how the file was read,
// and the names come out as the letters they meant, in UTF-8.
func TestLatin1AirportsFileImports(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil)
			c, id := a.staffAirline(t, "LAT")
			file := latinAirportsHead +
				"LEMG,AGP,Aeropuerto de M\xe1laga,M\xe1laga,ES,36.6749,-4.4991,Caf\xe9 en la terminal\n" +
				"LFPG,CDG,A\xe9roport Charles-de-Gaulle,Roissy-en-France,FR,49.0097,2.5479,\n" +
				"EDDM,MUC,Flughafen M\xfcnchen,M\xfcnchen,DE,48.3538,11.7861,\n"
			d, got := importFile(t, a, c, id, "airports", file)
			if got != "done 3/0/0" {
				t.Fatalf("import: %s: %s %v", got, d.Find(`[data-testid="job-state"]`).Text(), problemsOf(d))
			}
			if note := d.Find(`[data-testid="job-encoding"]`).Text(); !strings.Contains(note, "read as Windows-1252 (Latin-1): it is not UTF-8") {
				t.Errorf("the page does not say how the file was read: %q", note)
			}
			var ex string
			for i := 0; i < 200; i++ { // the read models catch up with the last rows
				if ex = exportKind(t, a, c, id, "airports"); strings.Contains(ex, "EDDM") {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			for _, name := range []string{"Aeropuerto de Málaga,Málaga", "Aéroport Charles-de-Gaulle", "Flughafen München,München", "Café en la terminal"} {
				if !strings.Contains(ex, name) {
					t.Errorf("the export lacks %q:\n%s", name, ex)
				}
			}
			// A UTF-8 file says nothing of its encoding.
			d, _ = importFile(t, a, c, id, "airports", latinAirportsHead+"LEMD,MAD,Adolfo Suárez Madrid–Barajas,Madrid,ES,40.47,-3.56,\n")
			if d.Find(`[data-testid="job-encoding"]`).Length() != 0 {
				t.Error("a UTF-8 file is said to be Windows-1252")
			}
		})
	}
}

// A cell that no read model could store is a problem of its row and column
// at the checking stage, and nothing of the file is applied; a huge cell is
// not echoed whole into the page.
func TestBadCellsAreRefusedAtChecking(t *testing.T) {
	a := newAppOn(t, embedded, nil)
	c, id := a.staffAirline(t, "NUL")
	before := a.countEvents(t)
	file := latinAirportsHead +
		"EGLL,LHR,Heath\x00row,London,GB,51.47,-0.46,\n" +
		"EGKK,LGW,Gatwick,Crawley,GB,51.15,-0.18,\"Two\nlines\"\n" +
		"EGSS,STN,Stansted,Lon\x1bdon,GB,51.88,0.23,\n"
	d, got := importFile(t, a, c, id, "airports", file)
	p := problemsOf(d)
	if got != "refused //" || !strings.Contains(p["2 name"], "NUL") || !strings.Contains(p["4 location"], "control character") || len(p) != 2 {
		t.Errorf("NUL and ESC cells: %s %v", got, p)
	}
	if a.countEvents(t) != before {
		t.Error("a file with bad cells applied rows")
	}

	huge := strings.Repeat("9", 5<<20)
	jobURL := uploadKind(t, a, c, id, "airports", latinAirportsHead+"EGLL,LHR,Heathrow,London,GB,"+huge+"x,-0.46,\n", false)
	a.jobs.Wait()
	resp, body := getAs(t, c, jobURL, nil)
	if resp.StatusCode != http.StatusOK || len(body) > 64<<10 {
		t.Fatalf("job page of a 5 MB cell: %d, %d bytes", resp.StatusCode, len(body))
	}
	if msg := problemsOf(doc(t, body))["2 lat"]; !strings.Contains(msg, strings.Repeat("9", 100)+"…") || strings.Contains(msg, strings.Repeat("9", 101)) {
		t.Errorf("the cell is not cut to 100 characters: %.300q", msg)
	}
}

// A job some of whose rows failed while applying is not done: its page
// says so, and which rows were imported and which not, with the reasons.
func TestPartialImportPage(t *testing.T) {
	a := newAppOn(t, embedded, nil)
	c, id := a.staffAirline(t, "PRT")
	now := time.Now()
	st := imports.Status{ID: domain.NewUUID(), AirlineID: id, Kind: "airports", FileName: "airports.csv",
		State: imports.Partial, Message: "Some rows could not be imported: fix them and import the file again.",
		Rows: 5, Valid: 5, Total: 5, Done: 5, Created: 3, Applied: "2-3, 6", NotApplied: "4-5",
		Problems:     []imports.Problem{{Line: 4, Column: "name", Message: "Refused."}, {Line: 5, Column: "icao", Message: "Refused too."}},
		ProblemCount: 2, Started: now, Heartbeat: now}
	if err := a.jobs.Store.Save(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	d := job(t, a, c, a.URL+"/airlines/"+id+"/imports/"+st.ID)
	state := strings.Join(strings.Fields(d.Find(`[data-testid="job-state"]`).Text()), " ")
	if d.Find(`[data-testid="import-job"]`).AttrOr("data-state", "") != "partial" || strings.HasPrefix(state, "Done") ||
		!strings.HasPrefix(state, "Not finished: 3 of 5 rows imported, 2 not.") {
		t.Errorf("state %q", state)
	}
	if ap, na := d.Find(`[data-testid="applied-rows"]`).Text(), d.Find(`[data-testid="not-applied-rows"]`).Text(); strings.TrimSpace(ap) != "2-3, 6" || na != "4-5" {
		t.Errorf("rows imported %q, not imported %q", ap, na)
	}
	if p := problemsOf(d); p["4 name"] != "Refused." || p["5 icao"] != "Refused too." || counts(d) != "3/0/0" {
		t.Errorf("problems %v, counts %s", p, counts(d))
	}
	// Among the recent imports it is finished, and not done.
	_, body := getAs(t, c, a.URL+"/airlines/"+id+"/imports", nil)
	if rec := doc(t, body).Find(`[data-testid="recent-imports"]`).Text(); !strings.Contains(rec, "partial") {
		t.Errorf("recent imports: %q", rec)
	}
}
