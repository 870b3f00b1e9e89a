package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// testAirports is the world reference of the handler tests.
const testAirports = "EGLL\tLHR\tLondon Heathrow Airport\tLondon\tGB\t51.470748\t-0.459909\t83\n" +
	"EGKK\tLGW\tLondon Gatwick Airport\tLondon\tGB\t51.148102\t-0.190278\t202\n" +
	"LPPT\tLIS\tLisbon Humberto Delgado Airport\tLisbon\tPT\t38.7813\t-9.13592\t374\n"

func doc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// staffAirline opens an airline and returns the platform admin's client.
func (a *app) staffAirline(t *testing.T, icao string) (*http.Client, string) {
	t.Helper()
	id, res, err := a.airlines.Create(context.Background(), domain.CommandMeta{Who: domain.System},
		domain.CreateAirline{Name: "Air " + icao, ICAO: icao, Slug: strings.ToLower(icao) + "-air"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.proj.WaitFor(context.Background(), res.Position); err != nil {
		t.Fatal(err)
	}
	return a.adminClient(t), id
}

func airportRows(t *testing.T, c *http.Client, base, airline string) map[string]string {
	t.Helper()
	resp, body := getAs(t, c, base+"/airlines/"+airline+"/airports", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("airports page: %d", resp.StatusCode)
	}
	out := map[string]string{}
	doc(t, body).Find(`[data-testid="airport-row"]`).Each(func(_ int, s *goquery.Selection) {
		name := s.Find(`[data-testid="airport-name"]`).Text()
		if s.Find(`[data-testid="hub"]`).Length() > 0 {
			name += " (hub)"
		}
		out[s.AttrOr("data-icao", "")] = name
	})
	return out
}

func TestAirportPagesAddEditHubAndSearch(t *testing.T) {
	a := newApp(t, nil)
	c, id := a.staffAirline(t, "APA")
	base := a.URL + "/airlines/" + id + "/airports"
	token := formToken(t, c, base, "add-airport")

	resp, _ := post(t, c, base, url.Values{"_csrf": {token}, "icao": {"egll"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add EGLL: %d", resp.StatusCode)
	}
	if got := airportRows(t, c, a.URL, id); got["EGLL"] != "London Heathrow Airport" {
		t.Fatalf("after add, the list is %v; want EGLL named from the world list", got)
	}
	// Overrides on the add form win over the world list; hub is kept.
	post(t, c, base, url.Values{"_csrf": {token}, "icao": {"LPPT"}, "name": {"Lisboa"}, "hub": {"1"}})
	if got := airportRows(t, c, a.URL, id); got["LPPT"] != "Lisboa (hub)" {
		t.Errorf("override on add: %v", got)
	}

	for _, tc := range []struct {
		icao   string
		status int
	}{{"EGLL", http.StatusConflict}, {"K1", http.StatusUnprocessableEntity}, {"KXYZ", http.StatusUnprocessableEntity}} {
		resp, body := post(t, c, base, url.Values{"_csrf": {token}, "icao": {tc.icao}})
		d := doc(t, body)
		if resp.StatusCode != tc.status || d.Find(`[data-testid="error-icao"]`).Text() == "" {
			t.Errorf("add %s: %d, error %q; want %d with a message beside the ICAO", tc.icao, resp.StatusCode, d.Find(`[data-testid="error-icao"]`).Text(), tc.status)
		}
		if v, _ := d.Find(`#add-airport-input`).Attr("value"); v != tc.icao {
			t.Errorf("add %s: the input kept %q", tc.icao, v)
		}
	}

	// Edit: a bad number is shown beside its field and kept as typed.
	edit := base + "/EGLL"
	etoken := formToken(t, c, edit, "airport-form")
	form := url.Values{"_csrf": {etoken}, "name": {"Heathrow"}, "iata": {"LHR"}, "location": {"London"}, "country": {"GB"},
		"lat": {"north"}, "lon": {"-0.46"}, "elevation": {"83"}}
	resp, body := post(t, c, edit, form)
	d := doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="error-lat"]`).Text() == "" {
		t.Fatalf("bad latitude: %d", resp.StatusCode)
	}
	if v, _ := d.Find(`#airport-lat`).Attr("value"); v != "north" {
		t.Errorf("the latitude field kept %q", v)
	}
	form.Set("lat", "51.47")
	if resp, _ := post(t, c, edit, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	post(t, c, edit+"/hub", url.Values{"_csrf": {etoken}, "hub": {"1"}})
	if got := airportRows(t, c, a.URL, id); got["EGLL"] != "Heathrow (hub)" || got["LPPT"] != "Lisboa (hub)" {
		t.Errorf("after edit and hub: %v", got)
	}
	post(t, c, a.URL+"/airlines/"+id+"/airports/LPPT/hub", url.Values{"_csrf": {etoken}})
	if got := airportRows(t, c, a.URL, id); got["LPPT"] != "Lisboa" {
		t.Errorf("after hub off: %v", got)
	}

	// The search box: the world list for adding, the airline's own list.
	_, body = getAs(t, c, base+"/search?source=world&field=icao&box=add-airport&icao=heath", map[string]string{"HX-Request": "true"})
	d = doc(t, body)
	if opt := d.Find(`[data-testid="airport-option"]`); opt.Length() != 1 || opt.AttrOr("data-icao", "") != "EGLL" {
		t.Errorf("world search for heath: %q", d.Find(`[data-testid="airport-results"]`).Text())
	}
	if d.Find(`ul[role="listbox"][aria-label="Airports matching heath"] > li[role="option"]`).Length() != 1 || d.Find(`[role="status"]`).Text() != "1 airport found." {
		t.Errorf("results are not announced: %s", body)
	}
	_, body = getAs(t, c, base+"/search?source=airline&field=q&box=find-airport&q=lis", nil)
	if opts := doc(t, body).Find(`[data-testid="airport-option"]`); opts.Length() != 1 || opts.AttrOr("data-icao", "") != "LPPT" {
		t.Errorf("own search for lis: %s", body)
	}
	_, body = getAs(t, c, base+"/search?source=airline&field=q&box=find-airport&q=gatwick", nil)
	if doc(t, body).Find(`[data-testid="airport-option"]`).Length() != 0 {
		t.Error("own search found an airport the airline does not have")
	}
	_, body = getAs(t, c, base+"/search?source=world&field=icao&box=add-airport&label=ICAO&pick=egkk", nil)
	d = doc(t, body)
	if v, _ := d.Find(`#add-airport-input`).Attr("value"); v != "EGKK" || !strings.Contains(d.Find(`[data-testid="airport-picked"]`).Text(), "Gatwick") {
		t.Errorf("pick EGKK: value %q, %q", v, d.Find(`[data-testid="airport-picked"]`).Text())
	}
	if d.Find(`label[for="add-airport-input"]`).Text() != "ICAO" {
		t.Errorf("the picked box lost its label: %s", body)
	}
}

func TestPilotsReadAirportsAndCannotChangeThem(t *testing.T) {
	a := newApp(t, nil)
	pilot, _, airline := a.newPilot(t, "pia@example.com")
	res, err := (&domain.Airports{Runner: a.runner}).Add(context.Background(), domain.CommandMeta{Who: domain.System}, airline,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.78, Longitude: -9.13})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.proj.WaitFor(context.Background(), res.Position); err != nil {
		t.Fatal(err)
	}
	resp, body := getAs(t, pilot, a.URL+"/airlines/"+airline+"/airports", nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || d.Find(`[data-testid="airport-row"]`).Length() != 1 {
		t.Fatalf("pilot's airports page: %d", resp.StatusCode)
	}
	if d.Find(`[data-testid="add-airport"]`).Length() != 0 || d.Find(`[data-testid="toggle-hub"]`).Length() != 0 {
		t.Error("a pilot is shown the add form or the hub buttons")
	}
	if _, body := getAs(t, pilot, a.URL+"/airlines/"+airline+"/airports/LPPT", nil); doc(t, body).Find(`[data-testid="airport-form"]`).Length() != 0 {
		t.Error("a pilot is shown the edit form")
	}
}

// upload sends a CSV file to the import form and returns the job page's
// address.
func upload(t *testing.T, a *app, c *http.Client, airline, csv string, onlyValid bool) string {
	t.Helper()
	page := a.URL + "/airlines/" + airline + "/imports"
	token := formToken(t, c, page, "import-form")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", token)
	mw.WriteField("kind", "airports")
	if onlyValid {
		mw.WriteField("only_valid", "1")
	}
	fw, _ := mw.CreateFormFile("file", "airports.csv")
	fw.Write([]byte(csv))
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
		t.Fatalf("upload: %d to %q", resp.StatusCode, loc)
	}
	return a.URL + loc
}

// job waits for the import jobs and reads the job's page.
func job(t *testing.T, a *app, c *http.Client, jobURL string) *goquery.Document {
	t.Helper()
	a.jobs.Wait()
	resp, body := getAs(t, c, jobURL, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("job page: %d", resp.StatusCode)
	}
	return doc(t, body)
}

func counts(d *goquery.Document) string {
	return d.Find(`[data-testid="created"]`).Text() + "/" + d.Find(`[data-testid="updated"]`).Text() + "/" + d.Find(`[data-testid="unchanged"]`).Text()
}

func export(t *testing.T, a *app, c *http.Client, airline string) string {
	t.Helper()
	resp, body := getAs(t, c, a.URL+"/airlines/"+airline+"/exports/airports", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return body
}

func TestAirportCSVImportAndExport(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil)
			c, id := a.staffAirline(t, "CSV")
			settle := func() {
				t.Helper()
				a.jobs.Wait()
				want := a.countEvents(t)
				all, err := a.es.ReadAll(context.Background(), domain.Start, 1<<20)
				for i := 0; err == nil && len(all) < want && i < 1000; i++ {
					time.Sleep(5 * time.Millisecond) // committed, not yet readable in order
					all, err = a.es.ReadAll(context.Background(), domain.Start, 1<<20)
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(all) > 0 {
					if err := a.proj.WaitFor(context.Background(), all[len(all)-1].Position); err != nil {
						t.Fatal(err)
					}
				}
			}
			file := "icao,iata,name,location,region,country,timezone,hub,lat,lon,elevation,ground_handling_cost,fuel_100ll_cost,fuel_jeta_cost,fuel_mogas_cost,notes\n" +
				"EGLL,LHR,London Heathrow,London,GB-ENG,GB,Europe/London,1,51.4706,-0.461941,83,150,,0.9,,\"Terminal 5, west\"\n" +
				"KJFK,JFK,John F Kennedy Intl,New York,US-NY,US,America/New_York,0,40.6398,-73.7789,13,100,1.5,1.1,1.2,\n"
			d := job(t, a, c, upload(t, a, c, id, file, false))
			if d.Find(`[data-testid="import-job"]`).AttrOr("data-state", "") != "done" || counts(d) != "2/0/0" {
				t.Fatalf("first import: state %q, counts %s: %s", d.Find(`[data-testid="import-job"]`).AttrOr("data-state", ""), counts(d), d.Find(`[data-testid="job-state"]`).Text())
			}
			settle()
			if got := airportRows(t, c, a.URL, id); got["EGLL"] != "London Heathrow (hub)" || got["KJFK"] != "John F Kennedy Intl" {
				t.Fatalf("after import: %v", got)
			}

			// Export, then import the export unchanged: nothing changes.
			exported := export(t, a, c, id)
			if !strings.HasPrefix(exported, "icao,iata,name,location,region,country,timezone,hub,lat,lon,elevation,") || !strings.Contains(exported, `"Terminal 5, west"`) {
				t.Errorf("export:\n%s", exported)
			}
			before := a.countEvents(t)
			for _, f := range []string{exported, file} {
				d = job(t, a, c, upload(t, a, c, id, f, false))
				if counts(d) != "0/0/2" {
					t.Errorf("re-import: counts %s, want 0/0/2", counts(d))
				}
			}
			if after := a.countEvents(t); after != before {
				t.Errorf("re-importing appended %d events", after-before)
			}

			// A changed row updates its airport, and only it.
			changed := strings.Replace(exported, "John F Kennedy Intl", "JFK International", 1)
			d = job(t, a, c, upload(t, a, c, id, changed, false))
			if counts(d) != "0/1/1" {
				t.Errorf("changed row: counts %s, want 0/1/1", counts(d))
			}
			settle()
			if got := airportRows(t, c, a.URL, id); got["KJFK"] != "JFK International" {
				t.Errorf("after the changed row: %v", got)
			}

			// A file with problems: every one reported, nothing applied.
			bad := "icao,name,lat,lon,hub\nLPPT,Lisbon,38.78,-9.13,1\nK1,Nowhere,1,1,0\nEGKK,Gatwick,north,-0.19,maybe\n"
			before = a.countEvents(t)
			jobURL := upload(t, a, c, id, bad, false)
			d = job(t, a, c, jobURL)
			if d.Find(`[data-testid="import-job"]`).AttrOr("data-state", "") != "refused" {
				t.Fatalf("bad file: state %q", d.Find(`[data-testid="import-job"]`).AttrOr("data-state", ""))
			}
			problems := map[string]string{}
			d.Find(`[data-testid="problem"]`).Each(func(_ int, s *goquery.Selection) {
				problems[s.AttrOr("data-row", "")+" "+s.AttrOr("data-column", "")] = s.Find("td").Last().Text()
			})
			if !strings.Contains(problems["3 icao"], `"K1" is not an ICAO code`) || problems["4 lat"] == "" || problems["4 hub"] == "" || len(problems) != 3 {
				t.Errorf("problems %v; want row 3 icao, row 4 lat and hub", problems)
			}
			if a.countEvents(t) != before {
				t.Error("a file with problems applied rows")
			}
			// The admin chooses to import the valid rows.
			applyToken := d.Find(`[data-testid="apply-valid"]`).Parent().Find(`input[name="_csrf"]`).AttrOr("value", "")
			resp, _ := post(t, c, jobURL+"/apply-valid", url.Values{"_csrf": {applyToken}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("apply valid rows: %d", resp.StatusCode)
			}
			if d = job(t, a, c, jobURL); counts(d) != "1/0/0" {
				t.Errorf("valid rows: counts %s, want 1/0/0", counts(d))
			}
			// Or chooses it on upload.
			d = job(t, a, c, upload(t, a, c, id, "icao,name,lat,lon\nEGKK,Gatwick,51.15,-0.19\nXX,Bad,1,1\n", true))
			if counts(d) != "1/0/0" || d.Find(`[data-testid="problem"]`).Length() != 1 {
				t.Errorf("only valid rows on upload: counts %s, %d problems", counts(d), d.Find(`[data-testid="problem"]`).Length())
			}
			settle()
			if got := airportRows(t, c, a.URL, id); got["LPPT"] != "Lisbon (hub)" || got["EGKK"] != "Gatwick" || len(got) != 4 {
				t.Errorf("after the valid rows: %v", got)
			}
		})
	}
}
