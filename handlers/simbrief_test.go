package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/simbrief"
)

// fakeSimbrief is SimBrief for the tests: it serves phpVMS's fixture OFPs
// (from ../shared, never copied here) and fails as the static id asks.
func fakeSimbrief(t *testing.T) *httptest.Server {
	t.Helper()
	ofpXML := phpvmsfixtures.Read(t, "7.0.10/simbrief/briefing.xml")
	acarsXML := phpvmsfixtures.Read(t, "7.0.10/simbrief/acars_briefing.xml")
	ofpJSON := phpvmsfixtures.Read(t, "8.0-dev/simbrief/briefing.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("static_id")
		json := r.URL.Query().Get("json") == "v2"
		switch {
		case r.URL.Path == "/ofp/flightplans/MKJPMWCR_VMS_1585313544.xml":
			_, _ = w.Write(acarsXML)
		case r.URL.Path != "/api/xml.fetcher.php":
			http.NotFound(w, r)
		case strings.HasPrefix(id, "HTTP500"):
			http.Error(w, "oops", http.StatusInternalServerError)
		case strings.HasPrefix(id, "SLOW"):
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		case strings.HasPrefix(id, "UNKNOWN") && json:
			_, _ = w.Write([]byte(`{"fetch":{"userid":"","static_id":"` + id + `","status":"Error: Unknown static ID"}}`))
		case strings.HasPrefix(id, "BADXML") && !json:
			_, _ = w.Write([]byte(`<?xml version="1.0"?><OFP><general><route>DCT`))
		case json:
			_, _ = w.Write(ofpJSON)
		default:
			_, _ = w.Write(ofpXML)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// simbriefWorld is the phpVMS world with SimBrief at a local server, its
// airline A's pilot and staff signed in, and a second pilot's key.
type simbriefWorld struct {
	*phpvmsWorld
	pilot, staff *actor
	otherKey     string
	flight       string
}

func newSimbriefWorld(t *testing.T, m mode, opts ...appOption) *simbriefWorld {
	t.Helper()
	srv := fakeSimbrief(t)
	client := &simbrief.Client{BaseURL: srv.URL, HTTP: &http.Client{Timeout: 500 * time.Millisecond}}
	pw := &phpvmsWorld{matrixWorld: &matrixWorld{app: newAppOn(t, m, nil, append([]appOption{simbriefAt(client)}, opts...)...)}}
	all := seedAirlines(t, pw.matrixWorld, 0, 2)
	pw.a, pw.b = all[0], all[1]
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	keys := &domain.APIKeys{Runner: pw.runner, IDs: domain.RandomIDs{}}
	w := &simbriefWorld{phpvmsWorld: pw}
	for _, k := range []struct {
		pilot string
		key   *string
	}{{pw.a.pilotID, &pw.keyA}, {pw.a.pilots[1], &w.otherKey}} {
		created, _, err := keys.Create(ctx, sys, k.pilot, domain.CreateAPIKey{Name: "ACARS"})
		if err != nil {
			t.Fatal(err)
		}
		*k.key = created.Key
	}
	for _, id := range []struct{ id, otp string }{{pw.a.pilotID, pw.a.pilotOTP}, {pw.a.adminID, pw.a.adminOTP}} {
		if _, err := pw.users.ChangePassword(ctx, sys, id.id, id.otp, memberPassword); err != nil {
			t.Fatal(err)
		}
	}
	pw.settle(t)
	w.pilot = &actor{name: "pilot", login: "pilot-0-qaa@example.com", role: domain.RolePilot, tenant: pw.a.id}
	w.staff = &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: pw.a.id}
	w.session(t, w.pilot)
	w.session(t, w.staff)
	_, doc := w.get(t, "/api/flights?flight_number=100", xKey(w.keyA))
	w.flight, _ = field(data[[]any](t, "flight 100", doc)[0], "id").(string)
	return w
}

// page GETs a page as an actor and parses it.
func (w *simbriefWorld) page(t *testing.T, ac *actor, path string) (*http.Response, *goquery.Document, string) {
	t.Helper()
	resp, body := getAs(t, ac.client, w.URL+path, nil)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc, body
}

// storedOFP is the OFP as the read models keep it.
func (w *simbriefWorld) storedOFP(t *testing.T, id string) (readmodel.SimbriefOfp, *domain.OFP, error) {
	t.Helper()
	row, err := w.rm.GetSimbriefOfp(context.Background(), readmodel.GetSimbriefOfpParams{TenantID: w.a.id, ID: id})
	if err != nil {
		return row, nil, err
	}
	o := &domain.OFP{}
	if err := proto.Unmarshal(row.Ofp, o); err != nil {
		t.Fatal(err)
	}
	return row, o, nil
}

// A pilot plans a flight with SimBrief and flies it with a phpVMS client,
// against a local SimBrief serving phpVMS's own fixture OFP; the stored
// OFP holds what phpVMS's SimBriefTest asserts. In both modes.
func TestSimbriefPlanAndFly(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSimbriefWorld(t, m)
			base := "/airlines/" + w.a.id
			plan := base + "/flights/" + w.flight + "/simbrief"

			// Without a key the pilot is told the airline has not set it up.
			_, doc, _ := w.page(t, w.pilot, plan)
			if doc.Find(`[data-testid="simbrief-not-configured"]`).Length() != 1 {
				t.Fatal("no key: the plan page does not say SimBrief is not set up")
			}

			// Staff store the key; the form only says it is set.
			const key = "SECRET-simbrief-key-123"
			resp := w.matrixWorld.send(t, w.staff, http.MethodPost, base+"/settings/simbrief", url.Values{"api_key": {key}, "expire_hours": {""}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save the key: %d", resp.StatusCode)
			}
			_, doc, body := w.page(t, w.staff, base+"/settings/simbrief")
			if doc.Find(`[data-testid="simbrief-key-set"]`).Length() != 1 || strings.Contains(body, key) {
				t.Fatalf("the settings page should say a key is set and never show it")
			}
			resp = w.matrixWorld.send(t, w.staff, http.MethodPost, base+"/settings/simbrief", url.Values{"expire_hours": {"500"}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("500 hours: %d, want 422", resp.StatusCode)
			}

			// The pilot prepares the dispatch: SimBrief's form with the
			// apicode, never the key.
			_, doc, body = w.page(t, w.pilot, plan)
			if doc.Find(`[data-testid="simbrief-plan-form"]`).Length() != 1 || strings.Contains(body, key) {
				t.Fatal("the plan form is missing or shows the key")
			}
			req, _ := http.NewRequest(http.MethodPost, w.URL+plan, strings.NewReader(url.Values{"_csrf": {w.csrfToken(t, w.pilot.client)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			presp, err := w.pilot.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			pdoc, _ := goquery.NewDocumentFromReader(presp.Body)
			presp.Body.Close()
			link, _ := pdoc.Find(`[data-testid="simbrief-dispatch"]`).Attr("href")
			u, err := url.Parse(link)
			if err != nil || !strings.HasSuffix(u.Path, "/ofp/ofp.loader.api.php") || strings.Contains(link, key) {
				t.Fatalf("dispatch link %q", link)
			}
			q := u.Query()
			if q.Get("orig") != "EGLL" || q.Get("dest") != "KJFK" || q.Get("type") == "" || q.Get("static_id") == "" ||
				q.Get("apicode") != domain.SimbriefAPICode(key, q.Get("orig"), q.Get("dest"), q.Get("type"), mustInt(t, q.Get("timestamp")), q.Get("outputpage")) ||
				!strings.HasSuffix(q.Get("outputpage"), plan+"/"+q.Get("static_id")) {
				t.Fatalf("dispatch fields %v", q)
			}

			// Each failure shows why and keeps nothing.
			for _, bad := range []struct{ id, says string }{
				{"HTTP500_1", "500"}, {"SLOW_1", "in time"}, {"BADXML_1", "XML"}, {"UNKNOWN_1", "Unknown static ID"},
			} {
				resp, doc, _ := w.page(t, w.pilot, plan+"/"+bad.id)
				msg := doc.Find(`[data-testid="simbrief-failure"]`).Text()
				if resp.StatusCode != http.StatusBadGateway || !strings.Contains(msg, bad.says) {
					t.Errorf("%s: %d %q, want 502 saying %q", bad.id, resp.StatusCode, msg, bad.says)
				}
				if _, _, err := w.storedOFP(t, bad.id); domain.ErrorCode(err) != domain.ENotFound {
					t.Errorf("%s: an OFP was kept: %v", bad.id, err)
				}
			}

			// SimBrief sends the pilot back with the static id: the OFP is
			// kept and the briefing shown.
			ofpID := q.Get("static_id")
			resp, _, _ = w.page(t, w.pilot, plan+"/"+ofpID)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/simbrief/"+ofpID {
				t.Fatalf("return: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			row, o, err := w.storedOFP(t, ofpID)
			if err != nil {
				t.Fatal(err)
			}
			if len(o.Files) != 47 || len(o.Images) != 5 || o.FlightLevel != 380 || row.PlannedDistance != 134 ||
				!strings.HasPrefix(domain.OFPRouteString(o), "DCT BOMUP") || !strings.HasSuffix(domain.OFPRouteString(o), "LOVOL DCT") ||
				!strings.Contains(row.AcarsXml, `<VMSAcars Type="FlightPlan"`) || row.FlightID != w.flight {
				t.Errorf("stored OFP: %d files, %d images, FL%d, %d nmi, route %q", len(o.Files), len(o.Images), o.FlightLevel, row.PlannedDistance, o.Route)
			}
			resp, doc, _ = w.page(t, w.pilot, base+"/simbrief/"+ofpID)
			if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="briefing-file"]`).Length() != 47 ||
				doc.Find(`[data-testid="briefing-image"]`).Length() != 5 || doc.Find(`[data-testid="briefing-level"]`).Text() != "FL380" ||
				!strings.HasPrefix(doc.Find(`[data-testid="briefing-route"]`).Text(), "DCT BOMUP") ||
				doc.Find(`[data-testid="briefing-prefile"]`).Length() != 2 || !strings.Contains(doc.Find(`[data-testid="briefing-weather"]`).Text(), "OMAA 142200Z") {
				t.Errorf("briefing page: %d", resp.StatusCode)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: http://www.simbrief.com") ||
				!strings.Contains(csp, "form-action 'self' https://fpl.ivao.aero") {
				t.Errorf("briefing policy %q", csp)
			}
			if resp, _, _ := w.page(t, w.staff, base+"/simbrief/"+ofpID); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another member's view of the briefing: %d, want 404", resp.StatusCode)
			}

			// The API: the ACARS briefing, and the flight's simbrief for its
			// owner only.
			breq, _ := http.NewRequest(http.MethodGet, w.URL+"/api/flights/"+ofpID+"/briefing", nil)
			breq.Header.Set("X-API-Key", w.keyA)
			bresp, err := http.DefaultClient.Do(breq)
			if err != nil {
				t.Fatal(err)
			}
			bresp.Body.Close()
			if bresp.StatusCode != http.StatusOK || !strings.HasPrefix(bresp.Header.Get("Content-Type"), "application/xml") {
				t.Errorf("briefing: %d %s", bresp.StatusCode, bresp.Header.Get("Content-Type"))
			}
			r404, doc404 := w.get(t, "/api/flights/nope/briefing", xKey(w.keyA))
			if msg := checkPhpvmsProblem(t, "an unknown briefing", r404, doc404, http.StatusNotFound, "not-found"); msg != "Flight briefing not found" {
				t.Errorf("unknown briefing says %q", msg)
			}
			_, fdoc := w.get(t, "/api/flights/"+w.flight, xKey(w.keyA))
			sb, _ := data[map[string]any](t, "flight", fdoc)["simbrief"].(map[string]any)
			if sb["id"] != ofpID || !strings.HasSuffix(sb["url"].(string), "/api/flights/"+ofpID+"/briefing") {
				t.Errorf("the owner's flight simbrief %v", sb)
			}
			_, fdoc = w.get(t, "/api/flights/"+w.flight, xKey(w.otherKey))
			if s := data[map[string]any](t, "flight", fdoc)["simbrief"]; s != nil {
				t.Errorf("another pilot sees simbrief %v", s)
			}

			// Prefiled with simbrief_id: the navlog becomes the route
			// (12 points from BOMUP) and the planned distance is 134 nmi.
			airline := w.airlineNumber(t, w.keyA)
			presp2, pdoc2 := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": airline, "aircraft_id": 1,
				"flight_number": "112", "dpt_airport_id": "EGLL", "arr_airport_id": "KJFK", "source_name": "SimBriefTest", "simbrief_id": ofpID})
			if presp2.StatusCode != http.StatusOK {
				t.Fatalf("prefile: %d %v", presp2.StatusCode, pdoc2)
			}
			pirep := data[map[string]any](t, "prefile", pdoc2)
			pirepID := pirep["id"].(string)
			if pd, _ := pirep["planned_distance"].(map[string]any); pd["nmi"] != float64(134) {
				t.Errorf("planned distance %v, want 134 nmi", pirep["planned_distance"])
			}
			var points []any
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				_, rdoc := w.get(t, "/api/pireps/"+pirepID+"/route", xKey(w.keyA))
				if points = data[[]any](t, "route", rdoc); len(points) > 0 {
					break
				}
			}
			if len(points) != 12 {
				t.Fatalf("%d route points, want 12", len(points))
			}
			first := points[0].(map[string]any)
			if first["name"] != "BOMUP" || first["lat"] != 24.484639 || first["lon"] != 54.578444 || first["order"] != float64(1) {
				t.Errorf("first route point %v", first)
			}

			// The used OFP stays; an unused one expires after the
			// airline's time (6 hours by default), not before.
			unused := "1700000000_UNUSED"
			if resp, _, _ := w.page(t, w.pilot, plan+"/"+unused); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("second OFP: %d", resp.StatusCode)
			}
			w.settle(t)
			sweep := func(after time.Duration) int {
				t.Helper()
				x := &reactors.ExpiredOFPs{Reads: reads.New(w.rm), Simbrief: &domain.Simbrief{Runner: w.runner}, Log: slog.Default(),
					Now: func() time.Time { return time.Now().Add(after) }}
				n, err := x.Sweep(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				w.settle(t)
				return n
			}
			if n := sweep(5 * time.Hour); n != 0 {
				t.Errorf("after 5 hours %d expired, want none", n)
			}
			if n := sweep(6*time.Hour + time.Minute); n != 1 {
				t.Errorf("after 6 hours %d expired, want the unused one", n)
			}
			if _, _, err := w.storedOFP(t, unused); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("the unused OFP: %v, want not found", err)
			}
			if _, _, err := w.storedOFP(t, ofpID); err != nil {
				t.Errorf("the used OFP: %v", err)
			}
		})
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not a number", s)
		}
		n = n*10 + int64(r-'0')
	}
	return n
}
