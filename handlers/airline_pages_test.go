package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
)

// fileAs files a submitted PIREP for a pilot of the airline through the
// domain, as the pilot.
func (w *matrixWorld) fileAs(t *testing.T, tn *tenant, pilotID string, d domain.PirepDetails) string {
	t.Helper()
	who := domain.CommandMeta{Who: domain.Actor{UserID: pilotID, Role: domain.RolePilot, TenantID: tn.id}}
	id, _, err := w.pireps.File(context.Background(), who, tn.id, d, true)
	if err != nil {
		t.Fatalf("file %s: %v", d.FlightNumber, err)
	}
	return id
}

// rowIDs are the PIREP ids of a list page, in order.
func rowIDs(d *goquery.Document) []string {
	var ids []string
	d.Find(`#pirep-list [data-testid="pirep-row"]`).Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-pirep", "")) })
	return ids
}

func TestStaffListEveryPirepWithFiltersSortAndPages(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkPirepList(t, newMatrixWorld(t, m)) })
	}
}

func checkPirepList(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, other, platform := w.actors[1], w.actors[2], w.actors[3], w.actors[4]
	for _, ac := range []*actor{pilot, staff, other, platform} {
		w.session(t, ac)
	}
	sys := domain.CommandMeta{Who: domain.System}
	_, err := (&domain.Airports{Runner: w.runner}).Add(ctx, sys, a.id, domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.77, Longitude: -9.13})
	must(t, err)
	w.settle(t)

	// 119 more PIREPs in A, 120 with the matrix's: alternately the two
	// pilots', every third from LPPT, every fourth on the other aircraft,
	// six hours apart from 1 October; one of them is the longest.
	type filed struct {
		id, pilot, dpt, aircraft string
		off                      time.Time
	}
	all := []filed{{id: a.pirep, pilot: a.pirepPilotID, dpt: "EGLL", aircraft: a.flown, off: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}}
	var longest string
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range 119 {
		f := filed{pilot: a.pilot, dpt: "EGLL", aircraft: a.flown, off: start.Add(time.Duration(i) * 6 * time.Hour)}
		if i%2 == 1 {
			f.pilot = a.pirepPilotID
		}
		if i%3 == 0 {
			f.dpt = "LPPT"
		}
		if i%4 == 0 {
			f.aircraft = a.aircraft
		}
		d := domain.PirepDetails{FlightNumber: fmt.Sprint(100 + i), DptAirport: f.dpt, ArrAirport: "EGLL", AircraftID: f.aircraft,
			BlockOff: f.off, BlockOn: f.off.Add(time.Hour), FlightTime: 50, Distance: 100}
		if i == 7 {
			d.BlockOn, d.FlightTime = f.off.Add(3*time.Hour), 170
		}
		f.id = w.fileAs(t, a, f.pilot, d)
		if i == 7 {
			longest = f.id
		}
		all = append(all, f)
	}
	w.settle(t)
	base := "/airlines/" + a.id + "/pireps/all"
	open := func(ac *actor, query string) (int, *goquery.Document) {
		t.Helper()
		u := base
		if query != "" {
			u += "?" + query
		}
		resp, body := getAs(t, ac.client, w.URL+u, nil)
		return resp.StatusCode, doc(t, body)
	}

	// Three pages of newest first: 50, 50 and 20, each PIREP once, and
	// never B's.
	status, d := open(staff, "")
	if status != http.StatusOK {
		t.Fatalf("the list: %d", status)
	}
	if text(d, "showing") != "Showing 1–50 of 120" || text(d, "page-of") != "Page 1 of 3" {
		t.Errorf("page 1 says %q, %q", text(d, "showing"), text(d, "page-of"))
	}
	if d.Find(`[data-testid="prev-page"]`).Length() != 0 {
		t.Errorf("page 1 offers a previous page")
	}
	var seen []string
	for n := 1; ; n++ {
		ids := rowIDs(d)
		want := 50
		if n == 3 {
			want = 20
		}
		if len(ids) != want {
			t.Fatalf("page %d: %d rows, want %d", n, len(ids), want)
		}
		seen = append(seen, ids...)
		next, ok := d.Find(`[data-testid="next-page"]`).Attr("href")
		if !ok {
			if n != 3 {
				t.Fatalf("page %d has no next page", n)
			}
			break
		}
		resp, body := getAs(t, staff.client, w.URL+next, nil)
		if d = doc(t, body); resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: %d", n+1, resp.StatusCode)
		}
	}
	if text(d, "showing") != "Showing 101–120 of 120" || text(d, "page-of") != "Page 3 of 3" {
		t.Errorf("page 3 says %q, %q", text(d, "showing"), text(d, "page-of"))
	}
	if prev, _ := d.Find(`[data-testid="prev-page"]`).Attr("href"); !strings.Contains(prev, "page=2") {
		t.Errorf("page 3's previous page is %q", prev)
	}
	unique := slices.Clone(seen)
	slices.Sort(unique)
	if len(slices.Compact(unique)) != 120 || slices.Contains(seen, b.pirep) {
		t.Errorf("the pages hold %d different PIREPs (want 120), B's among them: %v", len(slices.Compact(unique)), slices.Contains(seen, b.pirep))
	}
	// Filed one after another: newest first is the filing order reversed.
	if seen[0] != all[len(all)-1].id || seen[len(seen)-1] != a.pirep {
		t.Errorf("newest first starts with %s and ends with %s", seen[0], seen[len(seen)-1])
	}
	// A page past the end shows the last.
	if _, d := open(staff, "page=99"); text(d, "page-of") != "Page 3 of 3" {
		t.Errorf("page 99 shows %q", text(d, "page-of"))
	}

	// Other orders.
	if _, d := open(staff, "sort=oldest"); len(rowIDs(d)) == 0 || rowIDs(d)[0] != a.pirep {
		t.Errorf("oldest first does not start with the first filed")
	}
	if _, d := open(staff, "sort=longest"); len(rowIDs(d)) == 0 || rowIDs(d)[0] != longest || text(d, "pirep-time") != "2:50" {
		t.Errorf("longest first starts with %v (%q), want %s", rowIDs(d)[:1], text(d, "pirep-time"), longest)
	}

	// Filters combine, and the form keeps them.
	from, to := "2026-10-05", "2026-10-20"
	q := url.Values{"state": {"pending"}, "pilot": {a.pilot}, "airport": {"lppt"}, "aircraft": {a.aircraft}, "from": {from}, "to": {to}}
	lo, _ := time.Parse("2006-01-02", from)
	hi, _ := time.Parse("2006-01-02", to)
	var want []string
	for _, f := range all {
		if f.pilot == a.pilot && f.dpt == "LPPT" && f.aircraft == a.aircraft && !f.off.Before(lo) && f.off.Before(hi.AddDate(0, 0, 1)) {
			want = append(want, f.id)
		}
	}
	slices.Reverse(want)
	status, d = open(staff, q.Encode())
	if got := rowIDs(d); status != http.StatusOK || len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("filtered: %d, %v, want %v", status, got, want)
	}
	if text(d, "showing") != fmt.Sprintf("Showing 1–%d of %d", len(want), len(want)) {
		t.Errorf("filtered says %q", text(d, "showing"))
	}
	for sel, want := range map[string]string{"#filter-airport": "LPPT", "#filter-from": from, "#filter-to": to} {
		if v, _ := d.Find(sel).Attr("value"); v != want {
			t.Errorf("%s keeps %q, want %q", sel, v, want)
		}
	}
	for name, want := range map[string]string{"state": "pending", "aircraft": a.aircraft} {
		if v, _ := d.Find(`#filter-` + name + ` option[selected]`).Attr("value"); v != want {
			t.Errorf("the %s select keeps %q, want %q", name, v, want)
		}
	}
	// The pilot box, asked for by the pilot's id (as other pages link),
	// shows their pilot id and names them.
	chosen, err := w.rm.GetUser(ctx, uuid.MustParse(a.pilot))
	must(t, err)
	if v, _ := d.Find(`#filter-pilot-input`).Attr("value"); v != chosen.PilotID || chosen.PilotID == "" ||
		!strings.Contains(text(d, "pilot-picked"), chosen.Name) {
		t.Errorf("the pilot box keeps %q and says %q, want %q and %s", v, text(d, "pilot-picked"), chosen.PilotID, chosen.Name)
	}
	// Typed as staff type it (their pilot id, any case), it filters the same.
	q.Set("pilot", strings.ToLower(chosen.PilotID))
	if status, d := open(staff, q.Encode()); status != http.StatusOK || !slices.Equal(rowIDs(d), want) {
		t.Errorf("filtered by the typed pilot id: %d, %v, want %v", status, rowIDs(d), want)
	}
	q.Set("pilot", a.pilot)
	// The list re-fetches its live fragment with the same query on the
	// staff's PIREP topic.
	live := d.Find(`#pirep-list[hx-trigger*="sse:pirep-review"]`)
	if hxGet, _ := live.Attr("hx-get"); live.Length() != 1 || !strings.HasPrefix(hxGet, "/airlines/"+a.id+"/pireps/all/live?") || !strings.Contains(hxGet, "airport=LPPT") || !strings.Contains(hxGet, "from="+from) {
		t.Errorf("the list does not re-fetch itself with its query: %q", hxGet)
	}
	// Accepted: none of those.
	q.Set("state", "accepted")
	if _, d := open(staff, q.Encode()); len(rowIDs(d)) != 0 || text(d, "no-pireps") == "" {
		t.Errorf("accepted and the rest: %v", rowIDs(d))
	}

	// Bad values: 422, the message beside the field, the value kept.
	for _, c := range []struct{ query, field, kept string }{
		{"from=2026-13-01", "from", "2026-13-01"},
		{"to=yesterday", "to", "yesterday"},
		{"from=2026-10-20&to=2026-10-05", "to", "2026-10-05"},
		{"state=flying", "state", ""},
		{"pilot=" + b.pilot, "pilot", ""}, // B's pilot is not A's
		{"aircraft=" + b.flown, "aircraft", ""},
		{"airport=NOT+AN+AIRPORT", "airport", "NOT AN AIRPORT"},
		{"sort=sideways", "sort", ""},
	} {
		status, d := open(staff, c.query)
		if status != http.StatusUnprocessableEntity || text(d, "error-"+c.field) == "" {
			t.Errorf("%s: %d, message %q", c.query, status, text(d, "error-"+c.field))
		}
		if c.kept != "" {
			if v, _ := d.Find("#filter-" + c.field).Attr("value"); v != c.kept {
				t.Errorf("%s: the field keeps %q", c.query, v)
			}
		}
		if len(rowIDs(d)) != 0 {
			t.Errorf("%s: rows shown for a bad filter", c.query)
		}
	}

	// Staff only: a pilot is refused, B's staff do not find A's list, and
	// the platform admin sees it. A's staff reach it from the tabs; a pilot
	// is not offered it.
	if status, _ := open(pilot, ""); status != http.StatusForbidden {
		t.Errorf("a pilot opens the list: %d, want 403", status)
	}
	if status, _ := open(other, ""); status != http.StatusNotFound {
		t.Errorf("B's staff open A's list: %d, want 404", status)
	}
	if status, d := open(platform, ""); status != http.StatusOK || len(rowIDs(d)) != 50 {
		t.Errorf("the platform admin: %d, %d rows", status, len(rowIDs(d)))
	}
	_, body := getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/fleet", nil)
	if doc(t, body).Find(`nav[aria-label="Airline"] a[href="`+base+`"]`).Length() != 1 {
		t.Errorf("the staff's tabs do not link the list")
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/fleet", nil)
	if doc(t, body).Find(`a[href="`+base+`"]`).Length() != 0 {
		t.Errorf("a pilot's tabs link the staff's list")
	}
}

func TestRosterAndStatsShowTheAirlinesPilotsAndMonth(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkRosterAndStats(t, newMatrixWorld(t, m)) })
	}
}

func checkRosterAndStats(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, other, platform := w.actors[1], w.actors[2], w.actors[3], w.actors[4]
	for _, ac := range []*actor{pilot, staff, other, platform} {
		w.session(t, ac)
	}
	roster := "/airlines/" + a.id + "/roster"
	stats := "/airlines/" + a.id + "/stats"
	rosterRows := func(ac *actor, path string) map[string][]string {
		t.Helper()
		resp, body := getAs(t, ac.client, w.URL+path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s opens the roster: %d", ac.name, resp.StatusCode)
		}
		out := map[string][]string{}
		doc(t, body).Find(`#roster [data-testid="roster-row"]`).Each(func(_ int, s *goquery.Selection) {
			cell := func(id string) string { return strings.TrimSpace(s.Find(`[data-testid="` + id + `"]`).Text()) }
			out[cell("roster-name")] = []string{cell("roster-id"), cell("roster-rank"), cell("roster-hours"), cell("roster-flights"), cell("roster-location")}
		})
		return out
	}

	// Before any acceptance: A's two pilots with no hours; neither its
	// admin (no pilot id, no flight), nor the pending registrations, nor
	// anyone of B.
	rows := rosterRows(pilot, roster)
	if len(rows) != 2 || rows["pilot-a@example.com"] == nil || rows["target-airline-a@example.com"] == nil {
		t.Fatalf("A's roster: %v", rows)
	}
	for name, r := range rows {
		if !strings.HasPrefix(r[0], "ALA") || r[2] != "0:00" || r[3] != "0" || r[4] != "-" {
			t.Errorf("%s before flying: %v", name, r)
		}
	}

	// The staff accept the pilot's PIREP (50 minutes, to EGLL), which
	// reaches an auto-promote rank; the open roster hears of it.
	_, _, err := (&domain.Ranks{Runner: w.runner, IDs: domain.RandomIDs{}}).Save(ctx,
		domain.CommandMeta{Who: domain.System}, a.id, "", domain.RankForm{Name: "First Officer", MinHours: "0:30", AutoPromote: true})
	must(t, err)
	w.settle(t)
	events := eventStream(t, pilot.client, w.URL+"/events")
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+a.pirep+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	waitEvent(t, "the pilot's roster", events, "pilot-totals")
	w.settle(t)
	resp, body := getAs(t, pilot.client, w.URL+roster, map[string]string{"HX-Request": "true"})
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || d.Find(`#roster[hx-trigger*="sse:pilot-totals"][hx-trigger*="sse:ranks"]`).Length() != 1 {
		t.Errorf("the roster does not re-fetch itself on the pilot totals and ranks topics")
	}
	if r := rosterRows(pilot, roster)["pilot-a@example.com"]; len(r) != 5 || r[1] != "First Officer" || r[2] != "0:50" || r[3] != "1" || r[4] != "EGLL" {
		t.Errorf("the pilot after the acceptance: %v", r)
	}

	// Stats: this month's flights by block-on. The matrix's PIREP flew on
	// 1 November 2026; add one accepted this month and one last month for
	// each of A's pilots, and one in B.
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	accept := func(tn *tenant, pilotID, number string, on time.Time, minutes int32) {
		t.Helper()
		off := on.Add(-time.Duration(minutes+10) * time.Minute)
		id := w.fileAs(t, tn, pilotID, domain.PirepDetails{FlightNumber: number, DptAirport: "EGLL", ArrAirport: "EGLL",
			AircraftID: tn.flown, BlockOff: off, BlockOn: on, FlightTime: minutes, Distance: 100})
		_, err := w.pireps.Accept(ctx, domain.CommandMeta{Who: domain.System}, tn.id, id)
		must(t, err)
	}
	thisMonth := now.Add(-time.Minute)
	accept(a, a.pilot, "801", thisMonth, 125)
	accept(a, a.pirepPilotID, "802", thisMonth, 30)
	accept(a, a.pilot, "803", month.Add(-48*time.Hour), 600)
	accept(b, b.pilot, "804", thisMonth, 900)
	w.settle(t)
	// The matrix's 50 minutes count this month only when it is November 2026.
	wantFlights, wantMinutes := 2, 155
	pilotMinutes := 30
	if month.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
		wantFlights, wantMinutes, pilotMinutes = 3, 205, 80
	}
	resp, body = getAs(t, pilot.client, w.URL+stats, nil)
	d = doc(t, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stats: %d", resp.StatusCode)
	}
	if got, want := []string{text(d, "month-flights"), text(d, "month-hours"), text(d, "total-flights"), text(d, "total-hours")},
		[]string{fmt.Sprint(wantFlights), domain.FormatFlightTime(int64(wantMinutes)), "4", domain.FormatFlightTime(50 + 125 + 30 + 600)}; !slices.Equal(got, want) {
		t.Errorf("stats %v, want %v", got, want)
	}
	var top [][]string
	d.Find(`[data-testid="top-pilot"]`).Each(func(_ int, s *goquery.Selection) {
		top = append(top, []string{strings.TrimSpace(s.Find(`[data-testid="top-name"]`).Text()), strings.TrimSpace(s.Find(`[data-testid="top-hours"]`).Text())})
	})
	wantTop := [][]string{{"target-airline-a@example.com", "2:05"}, {"pilot-a@example.com", domain.FormatFlightTime(int64(pilotMinutes))}}
	if len(top) != 2 || !slices.Equal(top[0], wantTop[0]) || !slices.Equal(top[1], wantTop[1]) {
		t.Errorf("top pilots %v, want %v", top, wantTop)
	}
	if d.Find(`#airline-stats[hx-trigger*="sse:pilot-totals"]`).Length() != 1 {
		t.Errorf("the stats do not re-fetch themselves on the pireps topic")
	}
	if tab := d.Find(`nav[aria-label="Airline"] a[aria-current="page"]`); tab.AttrOr("href", "") != stats {
		t.Errorf("the current tab is %q", tab.AttrOr("href", ""))
	}

	// Everyone of A sees both; B's staff find neither; the platform admin
	// sees A's.
	for _, path := range []string{roster, stats} {
		if resp, _ := getAs(t, staff.client, w.URL+path, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("A's staff open %s: %d", path, resp.StatusCode)
		}
		if resp, _ := getAs(t, other.client, w.URL+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("B's staff open %s: %d, want 404", path, resp.StatusCode)
		}
		if resp, _ := getAs(t, platform.client, w.URL+path, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("the platform admin opens %s: %d", path, resp.StatusCode)
		}
	}
	// B's roster and stats have only B's.
	if rows := rosterRows(other, "/airlines/"+b.id+"/roster"); len(rows) != 1 || rows["target-airline-b@example.com"] == nil {
		t.Errorf("B's roster: %v", rows)
	}
	_, body = getAs(t, other.client, w.URL+"/airlines/"+b.id+"/stats", nil)
	if d := doc(t, body); text(d, "total-flights") != "1" || text(d, "top-name") != "target-airline-b@example.com" {
		t.Errorf("B's stats: %q flights, top %q", text(d, "total-flights"), text(d, "top-name"))
	}
}

// The staff PIREP list's pilot box suggests the airline's pilots as staff
// type (by pilot id or name, never another airline's), fills itself with
// the one picked, turns away what matches no one or several alike beside
// the field, and takes hostile input without a server error.
func TestStaffPirepListPilotBox(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			ctx := context.Background()
			a, b := w.airlines["A"], w.airlines["B"]
			staff := w.actors[2]
			w.session(t, staff)
			mine, err := w.rm.GetUser(ctx, uuid.MustParse(a.pilot))
			must(t, err)
			theirs, err := w.rm.GetUser(ctx, uuid.MustParse(b.pilot))
			must(t, err)
			box := "/airlines/" + a.id + "/pireps/all/pilots"
			get := func(q url.Values) (int, *goquery.Document) {
				t.Helper()
				resp, body := getAs(t, staff.client, w.URL+box+"?"+q.Encode(), nil)
				return resp.StatusCode, doc(t, body)
			}
			options := func(d *goquery.Document) []string {
				var out []string
				d.Find(`[data-testid="pilot-option"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
				return out
			}
			status, d := get(url.Values{"pilot": {strings.ToLower(mine.PilotID[:len(mine.PilotID)-1])}})
			if got := options(d); status != http.StatusOK || !slices.Contains(got, mine.PilotID+" "+mine.Name) {
				t.Errorf("typing the start of %s's pilot id: %d, suggestions %q", mine.Name, status, got)
			}
			if _, d := get(url.Values{"pilot": {theirs.Name}}); len(options(d)) != 0 || !strings.Contains(text(d, "pilot-count"), "No pilot matches") {
				t.Errorf("another airline's pilot's name is suggested: %q", options(d))
			}
			if _, d := get(url.Values{"pick": {a.pilot}}); func() bool {
				v, _ := d.Find(`#filter-pilot-input`).Attr("value")
				return v != mine.PilotID || !strings.Contains(text(d, "pilot-picked"), mine.Name)
			}() {
				t.Errorf("picking %s does not fill the box: %s", mine.Name, d.Text())
			}
			if _, d := get(url.Values{"pick": {b.pilot}}); !strings.Contains(text(d, "error-pilot"), "no such pilot") {
				t.Errorf("picking another airline's pilot: %q", d.Text())
			}
			for _, hostile := range []string{"\x00", "\xff\xfe", "%", "_", strings.Repeat("ä", 5000), "<script>"} {
				resp, _ := getAs(t, staff.client, w.URL+box+"?pilot="+url.QueryEscape(hostile), nil)
				if resp.StatusCode >= 500 {
					t.Errorf("pilot box with %q: %d", hostile[:min(len(hostile), 10)], resp.StatusCode)
				}
				resp, _ = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/pireps/all?pilot="+url.QueryEscape(hostile), nil)
				if resp.StatusCode >= 500 {
					t.Errorf("the list filtered by %q: %d", hostile[:min(len(hostile), 10)], resp.StatusCode)
				}
			}
			// The list: a name nobody has is the field's error, at 422.
			resp, body := getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/pireps/all?pilot=Nobody+Atall", nil)
			if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-pilot") == "" {
				t.Errorf("filtered by nobody: %d, %q", resp.StatusCode, text(d, "error-pilot"))
			}
		})
	}
}
