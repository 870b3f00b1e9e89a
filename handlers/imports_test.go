package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
)

// sample reads one of the project's phpVMS sample files.
func sample(t *testing.T, kind string) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/phpvms/" + kind + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// uploadKind sends a file of a kind to the import form and returns the job
// page's address.
func uploadKind(t *testing.T, a *app, c *http.Client, airline, kind, file string, onlyValid bool) string {
	t.Helper()
	page := a.URL + "/airlines/" + airline + "/imports"
	token := formToken(t, c, page, "import-form")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", token)
	mw.WriteField("kind", kind)
	if onlyValid {
		mw.WriteField("only_valid", "1")
	}
	fw, _ := mw.CreateFormFile("file", kind+".csv")
	fw.Write([]byte(file))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, page, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/airlines/"+airline+"/imports/") {
		t.Fatalf("upload %s: %d to %q", kind, resp.StatusCode, loc)
	}
	return a.URL + loc
}

// importFile uploads a file, waits for its job and returns the job page
// with the job's state and created/updated/unchanged counts.
func importFile(t *testing.T, a *app, c *http.Client, airline, kind, file string) (*goquery.Document, string) {
	t.Helper()
	d := job(t, a, c, uploadKind(t, a, c, airline, kind, file, false))
	return d, d.Find(`[data-testid="import-job"]`).AttrOr("data-state", "") + " " + counts(d)
}

func exportKind(t *testing.T, a *app, c *http.Client, airline, kind string) string {
	t.Helper()
	resp, body := getAs(t, c, a.URL+"/airlines/"+airline+"/exports/"+kind, nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export %s: %d %s", kind, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return body
}

// sameRows reports whether two CSV files have the same header and the same
// rows in any order, ignoring the columns named in skip.
func sameRows(t *testing.T, a, b string, skip ...string) bool {
	t.Helper()
	read := func(s string) (string, []string) {
		recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var keep []int
		for i, h := range recs[0] {
			if !slices.Contains(skip, h) {
				keep = append(keep, i)
			}
		}
		var rows []string
		for _, r := range recs[1:] {
			var cells []string
			for _, i := range keep {
				cells = append(cells, r[i])
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
		slices.Sort(rows)
		return strings.Join(recs[0], ","), rows
	}
	ha, ra := read(a)
	hb, rb := read(b)
	if ha != hb {
		t.Errorf("headers differ:\n%s\n%s", ha, hb)
		return false
	}
	for _, r := range ra {
		if !slices.Contains(rb, r) {
			t.Errorf("row only in the first file: %s", r)
		}
	}
	for _, r := range rb {
		if !slices.Contains(ra, r) {
			t.Errorf("row only in the second file: %s", r)
		}
	}
	return slices.Equal(ra, rb)
}

// problemsOf reads a job page's problems as "row column" → message.
func problemsOf(d *goquery.Document) map[string]string {
	out := map[string]string{}
	d.Find(`[data-testid="problem"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-row", "")+" "+s.AttrOr("data-column", "")] = s.Find("td").Last().Text()
	})
	return out
}

var sampleKinds = []struct {
	kind string
	rows int
	skip []string // columns Albatross does not keep and writes otherwise
}{
	{"airports", 12, nil},
	{"subfleets", 3, []string{"fuel_type"}},
	{"aircraft", 10, nil},
	{"flights", 49, nil},
}

func TestFleetAndFlightCSVImportAndExport(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil)
			c, id := a.staffAirline(t, "ABT")

			// The sample airline, imported in order.
			for _, k := range sampleKinds {
				if _, got := importFile(t, a, c, id, k.kind, sample(t, k.kind)); got != fmt.Sprintf("done %d/0/0", k.rows) {
					t.Fatalf("import %s: %s, want done %d/0/0", k.kind, got, k.rows)
				}
			}
			// Every record as the file has it: the export is the sample.
			exported := map[string]string{}
			for _, k := range sampleKinds {
				exported[k.kind] = exportKind(t, a, c, id, k.kind)
				if !sameRows(t, sample(t, k.kind), exported[k.kind], k.skip...) {
					t.Errorf("%s: the export differs from the imported file", k.kind)
				}
			}
			// Importing the exports, or the samples again, changes nothing.
			before := a.countEvents(t)
			for _, k := range sampleKinds {
				for _, file := range []string{exported[k.kind], sample(t, k.kind)} {
					if _, got := importFile(t, a, c, id, k.kind, file); got != fmt.Sprintf("done 0/0/%d", k.rows) {
						t.Errorf("re-import %s: %s, want done 0/0/%d", k.kind, got, k.rows)
					}
				}
			}
			if after := a.countEvents(t); after != before {
				t.Errorf("re-importing appended %d events", after-before)
			}

			// A changed row updates its record, and only it.
			changes := map[string][2]string{
				"subfleets": {"Boeing 737-800 Lisbon,1,3900.00", "Boeing 737-800 Lisboa,1,3950.00"},
				"aircraft":  {"City of Bath,G-ABTB,,,,,,,,A", "City of Bath,G-ABTB,,,,,,,,M"},
				"flights":   {"ABT,100,,,,EGLL,EDDF,,1234567,0640,0752", "ABT,100,,,,EGLL,EDDF,EDDL,135,0650,0802"},
			}
			for kind, ch := range changes {
				if !strings.Contains(sample(t, kind), ch[0]) {
					t.Fatalf("%s sample has no %q", kind, ch[0])
				}
			}
			// EDDL is not an airport of the airline yet: the flight is refused
			// at the alternate, and nothing of that file is applied.
			d, got := importFile(t, a, c, id, "flights", strings.Replace(sample(t, "flights"), changes["flights"][0], changes["flights"][1], 1))
			if got != "refused //" || !strings.Contains(problemsOf(d)["2 alt_airport"], `unknown airport "EDDL"`) || len(problemsOf(d)) != 1 {
				t.Errorf("unknown alternate: %s, problems %v", got, problemsOf(d))
			}
			changes["flights"] = [2]string{changes["flights"][0], "ABT,100,,,,EGLL,EDDF,LFPG,135,0650,0802"}
			for _, k := range sampleKinds[1:] {
				ch := changes[k.kind]
				if _, got := importFile(t, a, c, id, k.kind, strings.Replace(sample(t, k.kind), ch[0], ch[1], 1)); got != fmt.Sprintf("done 0/1/%d", k.rows-1) {
					t.Errorf("changed %s row: %s, want done 0/1/%d", k.kind, got, k.rows-1)
				}
				if ex := exportKind(t, a, c, id, k.kind); !strings.Contains(ex, strings.Replace(ch[1], ",1,", ",,", 1)) {
					t.Errorf("%s export after the change lacks %q:\n%s", k.kind, ch[1], ex)
				}
			}

			// A file with problems: every one reported by row and column,
			// nothing applied.
			head := "flight_number,dpt_airport,arr_airport,days,dpt_time,flight_time,flight_type,subfleets,enabled\n"
			bad := head +
				"700,EGLL,LPPT,135,0800,150,J,A320-LHR,1\n" +
				"701,KXYZ,LPPT,135,0800,150,J,A320-LHR,1\n" +
				"702,EGLL,LPPT,189,8am,150,J,A380-LHR,1\n" +
				"703,EGLL,LPPT,1,0800,,Q1,,1\n" +
				"704,LPPT,EGLL,1,1200,150,J,B738-LIS;A320-LHR,1\n"
			before = a.countEvents(t)
			jobURL := uploadKind(t, a, c, id, "flights", bad, false)
			d = job(t, a, c, jobURL)
			want := map[string]string{
				"3 dpt_airport": `unknown airport "KXYZ"`,
				"4 days":        `"189" is not a list of day numbers`,
				"4 dpt_time":    `"8am" is not a time of day`,
				"4 subfleets":   `unknown subfleet "A380-LHR"`,
				"5 flight_time": "flight time",
				"5 flight_type": "flight type",
			}
			problems := problemsOf(d)
			for k, msg := range want {
				if !strings.Contains(problems[k], msg) {
					t.Errorf("problem at %s: %q, want %q", k, problems[k], msg)
				}
			}
			if len(problems) != len(want) || d.Find(`[data-testid="import-job"]`).AttrOr("data-state", "") != "refused" {
				t.Errorf("problems %v", problems)
			}
			if a.countEvents(t) != before {
				t.Error("a file with problems applied rows")
			}
			// A file of many bad rows says how many, and lists the first.
			many := head
			for i := range imports.MaxKeptProblems + 100 {
				many += fmt.Sprintf("%d,EGLL,KXYZ,1,0800,150,J,A320-LHR,1\n", 1000+i)
			}
			md := job(t, a, c, uploadKind(t, a, c, id, "flights", many, false))
			state := strings.Join(strings.Fields(md.Find(`[data-testid="job-state"]`).Text()), " ")
			caption := strings.Join(strings.Fields(md.Find(`[data-testid="problems"] caption`).Text()), " ")
			if n := imports.MaxKeptProblems + 100; state != fmt.Sprintf("Nothing was imported: %d problems in %d rows.", n, n) ||
				caption != fmt.Sprintf("Problems: the first %d of %d", imports.MaxKeptProblems, n) ||
				md.Find(`[data-testid="problem"]`).Length() != imports.MaxKeptProblems {
				t.Errorf("a file of %d bad rows: %q, %q, %d problems listed", n, state, caption, md.Find(`[data-testid="problem"]`).Length())
			}
			// The admin chooses to import the valid rows.
			applyToken := d.Find(`[data-testid="apply-valid"]`).Parent().Find(`input[name="_csrf"]`).AttrOr("value", "")
			if resp, _ := post(t, c, jobURL+"/apply-valid", url.Values{"_csrf": {applyToken}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("apply valid rows: %d", resp.StatusCode)
			}
			if d = job(t, a, c, jobURL); counts(d) != "2/0/0" {
				t.Errorf("valid rows: counts %s, want 2/0/0", counts(d))
			}
			if ex := exportKind(t, a, c, id, "flights"); !strings.Contains(ex, "ABT,704,,,,LPPT,EGLL,,1,1200,,,") ||
				!strings.Contains(ex, ",1,B738-LIS;A320-LHR,") || strings.Contains(ex, "ABT,701,") {
				t.Errorf("after the valid rows:\n%s", ex)
			}

			// Cross-references of the fleet files.
			d, got = importFile(t, a, c, id, "subfleets", "airline,hub_id,type,simbrief_type,name\nABT,KXYZ,E190-X,E190,Embraer\nABT,EGLL,DH8D-X,,Dash\n")
			if p := problemsOf(d); got != "refused //" || !strings.Contains(p["2 hub_id"], `unknown airport "KXYZ"`) ||
				!strings.Contains(p["3 simbrief_type"], "ICAO aircraft type") || len(p) != 2 {
				t.Errorf("subfleets cross-references: %s %v", got, p)
			}
			d, got = importFile(t, a, c, id, "aircraft", "subfleet,airport_id,name,registration,status\nE190-X,EGLL,One,G-EMBA,A\nA320-LHR,KXYZ,Two,G-ABTZ,A\nA320-LHR,,Three,G-ABTY,W\n")
			if p := problemsOf(d); got != "refused //" || !strings.Contains(p["2 subfleet"], `unknown subfleet "E190-X"`) ||
				!strings.Contains(p["3 airport_id"], `unknown airport "KXYZ"`) || !strings.Contains(p["4 status"], `"W"`) || len(p) != 3 {
				t.Errorf("aircraft cross-references: %s %v", got, p)
			}
			// A new aircraft without a location starts at its subfleet's hub.
			if _, got = importFile(t, a, c, id, "aircraft", "subfleet,name,registration\nB77W-JFK,Spirit of the Bronx,N774AB\n"); got != "done 1/0/0" {
				t.Errorf("aircraft without location: %s", got)
			}
			if ex := exportKind(t, a, c, id, "aircraft"); !strings.Contains(ex, "B77W-JFK,,B77W,,KJFK,Spirit of the Bronx,N774AB,") {
				t.Errorf("aircraft without location exported as:\n%s", ex)
			}
		})
	}
}

// bigFlightsFile is a flights file of n flights between the sample
// airline's airports, numbered 1 to n.
func bigFlightsFile(n int) string {
	airports := []string{"EGLL", "LPPT", "KJFK", "EDDF", "LFPG", "LEMD", "EHAM", "LIRF", "EIDW", "LPPR", "KBOS", "KORD"}
	var b strings.Builder
	b.WriteString("airline,flight_number,dpt_airport,arr_airport,days,dpt_time,flight_time,flight_type,enabled,subfleets\n")
	for i := 1; i <= n; i++ {
		dpt, arr := airports[i%len(airports)], airports[(i/len(airports)+i+1)%len(airports)]
		if dpt == arr {
			arr = airports[(i+5)%len(airports)]
		}
		fmt.Fprintf(&b, "ABT,%d,%s,%s,1357,%02d%02d,%d,J,1,A320-LHR;B738-LIS\n", i, dpt, arr, i%24, i%60, 60+i%300)
	}
	return b.String()
}

// A 50,000-row flights file is checked and applied in the background, and
// its page shows the rows done rising to the total.
func TestLargeFlightsImportCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 flights")
	}
	const n = 50_000
	a := newAppOn(t, embedded, nil)
	c, id := a.staffAirline(t, "ABT")
	for _, k := range sampleKinds[:2] {
		if _, got := importFile(t, a, c, id, k.kind, sample(t, k.kind)); got != fmt.Sprintf("done %d/0/0", k.rows) {
			t.Fatalf("import %s: %s", k.kind, got)
		}
	}
	jobURL := uploadKind(t, a, c, id, "flights", bigFlightsFile(n), false)
	last, seen := -1, 0
	for {
		_, body := getAs(t, c, jobURL, nil)
		d := doc(t, body)
		state := d.Find(`[data-testid="import-job"]`).AttrOr("data-state", "")
		done := 0
		fmt.Sscan(d.Find(`[data-testid="job-progress"]`).AttrOr("value", "0"), &done)
		if done < last {
			t.Fatalf("rows done went back from %d to %d", last, done)
		}
		if done != last {
			seen++
		}
		last = done
		if state == "done" || state == "refused" || state == "failed" {
			if want := fmt.Sprintf("Done: %d of %d rows.", n, n); strings.TrimSpace(d.Find(`[data-testid="job-state"]`).Text()) != want || counts(d) != fmt.Sprintf("%d/0/0", n) {
				t.Fatalf("state %s: %q, counts %s", state, d.Find(`[data-testid="job-state"]`).Text(), counts(d))
			}
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("the page showed %d different counts of rows done", seen)
	if all, err := a.es.ReadAll(context.Background(), domain.Start, 1<<20); err != nil || len(all) < n {
		t.Fatalf("%d events: %v", len(all), err)
	}
}
