package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/simbrief"
)

// An OFP planned while the pilot bids on the flight is kept with the bid:
// the bid's flight in the API carries simbrief (the OFP's aircraft in its
// subfleet) instead of subfleets, as phpVMS's BidFlight does, and the OFP
// leaves with the bid when the pilot removes it, unless a PIREP used it.
// In both modes.
func TestSimbriefOFPKeptWithItsBid(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSimbriefWorld(t, m)
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			// The fleet has the OFP's aircraft (N320SB in phpVMS's fixture).
			if _, _, err := w.fleet.AddAircraft(ctx, sys, w.a.id, domain.NewAircraft{SubfleetID: w.a.subfleet,
				Registration: "N320SB", Name: "SimBrief", AirportID: "EGLL"}); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			plan := "/airlines/" + w.a.id + "/flights/" + w.flight + "/simbrief"

			resp, doc := w.send(t, http.MethodPut, "/api/user/bids", w.keyA, map[string]any{"flight_id": w.flight})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("bid: %d %v", resp.StatusCode, doc)
			}
			bidFlight := func(what string) map[string]any {
				t.Helper()
				_, doc := w.get(t, "/api/user/bids", xKey(w.keyA))
				items := data[[]any](t, what, doc)
				if len(items) != 1 {
					t.Fatalf("%s: %d bids", what, len(items))
				}
				fl, _ := items[0].(map[string]any)["flight"].(map[string]any)
				return fl
			}
			fl := bidFlight("before planning")
			if _, has := fl["simbrief"]; has || fl["subfleets"] == nil {
				t.Errorf("a bid with no OFP: simbrief %v, subfleets %v; want subfleets and no simbrief", fl["simbrief"], fl["subfleets"])
			}

			const ofpID = "1700000000_BIDOFP"
			if resp, _, _ := w.page(t, w.pilot, plan+"/"+ofpID); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("return from SimBrief: %d", resp.StatusCode)
			}
			w.settle(t)
			bids, err := reads.New(w.rm).PilotBids(ctx, w.a.id, w.a.pilotID)
			if err != nil || len(bids) != 1 {
				t.Fatalf("bids: %v %v", bids, err)
			}
			row, _, err := w.storedOFP(t, ofpID)
			if err != nil || row.BidID != bids[0].ID {
				t.Fatalf("the OFP's bid %q (%v), want %q", row.BidID, err, bids[0].ID)
			}
			fl = bidFlight("after planning")
			sb, _ := fl["simbrief"].(map[string]any)
			if _, has := fl["subfleets"]; has || sb["id"] != ofpID {
				t.Fatalf("a bid with an OFP: simbrief %v, subfleets %v; want simbrief and no subfleets", fl["simbrief"], fl["subfleets"])
			}
			sf, _ := sb["subfleet"].(map[string]any)
			aircraft, _ := sf["aircraft"].([]any)
			if sb["aircraft_id"] == nil || len(aircraft) != 1 || aircraft[0].(map[string]any)["registration"] != "N320SB" {
				t.Errorf("simbrief's subfleet %v, want N320SB alone", sf)
			}
			// Another pilot's view of the flight carries none of it.
			_, fdoc := w.get(t, "/api/flights/"+w.flight, xKey(w.otherKey))
			if s := data[map[string]any](t, "flight", fdoc)["simbrief"]; s != nil {
				t.Errorf("another pilot sees simbrief %v", s)
			}

			// Removing the bid takes its unused OFP with it (a reactor).
			resp, doc = w.send(t, http.MethodDelete, "/api/user/bids", w.keyA, map[string]any{"flight_id": w.flight})
			if resp.StatusCode != http.StatusOK || len(data[[]any](t, "remaining", doc)) != 0 {
				t.Fatalf("remove the bid: %d %v", resp.StatusCode, doc)
			}
			w.settle(t)
			if _, _, err := w.storedOFP(t, ofpID); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("the removed bid's OFP: %v, want not found", err)
			}
			if r, _ := w.get(t, "/api/flights/"+ofpID+"/briefing", xKey(w.keyA)); r.StatusCode != http.StatusNotFound {
				t.Errorf("the removed bid's briefing: %d, want 404", r.StatusCode)
			}

			// A bid's OFP a PIREP used stays when the bid ends.
			if resp, doc := w.send(t, http.MethodPut, "/api/user/bids", w.keyA, map[string]any{"flight_id": w.flight}); resp.StatusCode != http.StatusOK {
				t.Fatalf("bid again: %d %v", resp.StatusCode, doc)
			}
			w.settle(t)
			const usedID = "1700000000_USEDOFP"
			if resp, _, _ := w.page(t, w.pilot, plan+"/"+usedID); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("plan again: %d", resp.StatusCode)
			}
			w.settle(t)
			presp, pdoc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
				"aircraft_id": 1, "flight_number": "100", "dpt_airport_id": "EGLL", "arr_airport_id": "KJFK", "source_name": "test",
				"simbrief_id": usedID, "flight_id": w.flight})
			if presp.StatusCode != http.StatusOK {
				t.Fatalf("prefile: %d %v", presp.StatusCode, pdoc)
			}
			w.settle(t)
			if resp, doc := w.send(t, http.MethodDelete, "/api/user/bids", w.keyA, map[string]any{"flight_id": w.flight}); resp.StatusCode != http.StatusOK {
				t.Fatalf("remove the second bid: %d %v", resp.StatusCode, doc)
			}
			w.settle(t)
			if _, _, err := w.storedOFP(t, usedID); err != nil {
				t.Errorf("the used OFP left with its bid: %v", err)
			}
		})
	}
}

// ofpReads counts the pages' reads of a pilot's OFPs.
type ofpReads struct {
	readmodel.Querier
	n *atomic.Int64
}

func (q ofpReads) ListPilotOfps(ctx context.Context, arg readmodel.ListPilotOfpsParams) ([]readmodel.ListPilotOfpsRow, error) {
	q.n.Add(1)
	return q.Querier.ListPilotOfps(ctx, arg)
}

func (q ofpReads) GetPilotFlightOfp(ctx context.Context, arg readmodel.GetPilotFlightOfpParams) (readmodel.SimbriefOfp, error) {
	q.n.Add(1)
	return q.Querier.GetPilotFlightOfp(ctx, arg)
}

// The API's flight search reads the pilot's OFPs once for the page, not
// once per flight listed, and still gives each flight its own OFP. In
// both modes.
func TestFlightSearchReadsOFPsOnce(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			var n atomic.Int64
			srv := fakeSimbrief(t)
			client := &simbrief.Client{BaseURL: srv.URL, HTTP: &http.Client{Timeout: 500 * time.Millisecond}}
			pw := &phpvmsWorld{matrixWorld: &matrixWorld{app: newAppOn(t, m, nil, simbriefAt(client),
				wrappingReads(func(q readmodel.Querier) readmodel.Querier { return ofpReads{Querier: q, n: &n} }))}}
			all := seedAirlines(t, pw.matrixWorld, 0, 1)
			pw.a = all[0]
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			created, _, err := (&domain.APIKeys{Runner: pw.runner, IDs: domain.RandomIDs{}}).Create(ctx, sys, pw.a.pilotID, domain.CreateAPIKey{Name: "ACARS"})
			if err != nil {
				t.Fatal(err)
			}
			pw.keyA = created.Key
			simb := &domain.Simbrief{Runner: pw.runner}
			pilot := domain.CommandMeta{Who: domain.Actor{UserID: pw.a.pilotID, Role: domain.RolePilot, TenantID: pw.a.id}}
			for _, k := range []struct{ ofp, flight string }{{"1700000000_F100", "100"}, {"1700000000_F102", "102"}} {
				if _, err := simb.Keep(ctx, pilot, pw.a.id, domain.KeptOFP{OFPID: k.ofp, FlightID: domain.FlightID(pw.a.id, k.flight, "", 0),
					OFP: &domain.OFP{}, AcarsXML: "<VMSAcars/>"}); err != nil {
					t.Fatal(err)
				}
			}
			pw.settle(t)
			n.Store(0)
			_, doc := pw.get(t, "/api/flights/search", xKey(pw.keyA))
			items := data[[]any](t, "search", doc)
			if len(items) < 3 {
				t.Fatalf("the search lists %d flights, want the airline's 4", len(items))
			}
			if got := n.Load(); got != 1 {
				t.Errorf("the search of %d flights read the pilot's OFPs %d times, want once", len(items), got)
			}
			for _, it := range items {
				f := it.(map[string]any)
				sb, _ := f["simbrief"].(map[string]any)
				want := map[any]string{float64(100): "1700000000_F100", float64(102): "1700000000_F102"}[f["flight_number"]]
				if got, _ := sb["id"].(string); got != want {
					t.Errorf("flight %v's simbrief %v, want %q", f["flight_number"], f["simbrief"], want)
				}
			}
		})
	}
}

// lockedBuffer is a log's output, written by many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The airline's SimBrief API key is never rendered nor logged: not by the
// settings form (saved, or refused with a bad key), the plan page, the
// dispatch link, the return from SimBrief or the briefing, at any log
// level. In both modes.
func TestSimbriefKeyNeverShownNorLogged(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			logs := &lockedBuffer{}
			was := slog.Default()
			slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			t.Cleanup(func() { slog.SetDefault(was) })
			w := newSimbriefWorld(t, m)
			base := "/airlines/" + w.a.id
			plan := base + "/flights/" + w.flight + "/simbrief"
			const key, bad = "SECRET-kept-key-4711", "SECRET bad key 0815!"
			var bodies []string
			resp := w.matrixWorld.send(t, w.staff, http.MethodPost, base+"/settings/simbrief", url.Values{"api_key": {key}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save the key: %d", resp.StatusCode)
			}
			req, _ := http.NewRequest(http.MethodPost, w.URL+base+"/settings/simbrief", strings.NewReader(url.Values{
				"_csrf": {w.csrfToken(t, w.staff.client)}, "api_key": {bad}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			bresp, err := w.staff.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			badBody, _ := io.ReadAll(bresp.Body)
			bresp.Body.Close()
			if bresp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a bad key: %d, want 422", bresp.StatusCode)
			}
			bodies = append(bodies, string(badBody))
			for _, p := range []struct {
				who  *actor
				path string
			}{{w.staff, base + "/settings/simbrief"}, {w.pilot, plan}} {
				_, _, body := w.page(t, p.who, p.path)
				bodies = append(bodies, body)
			}
			req, _ = http.NewRequest(http.MethodPost, w.URL+plan, strings.NewReader(url.Values{"_csrf": {w.csrfToken(t, w.pilot.client)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			presp, err := w.pilot.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			dispatch, _ := io.ReadAll(presp.Body)
			presp.Body.Close()
			if !strings.Contains(string(dispatch), "apicode=") {
				t.Fatalf("the plan has no dispatch link: %d", presp.StatusCode)
			}
			bodies = append(bodies, string(dispatch))
			const ofpID = "1700000000_KEYTEST"
			if resp, _, _ := w.page(t, w.pilot, plan+"/"+ofpID); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("return from SimBrief: %d", resp.StatusCode)
			}
			_, _, body := w.page(t, w.pilot, base+"/simbrief/"+ofpID)
			bodies = append(bodies, body)
			w.settle(t)
			for i, b := range bodies {
				for _, k := range []string{key, bad, url.QueryEscape(bad)} {
					if strings.Contains(b, k) {
						t.Errorf("page %d shows the key %q", i, k)
					}
				}
			}
			out := logs.String()
			if !strings.Contains(out, "/settings/simbrief") {
				t.Fatalf("the capture saw no request logs:\n%.500s", out)
			}
			for _, k := range []string{key, bad, url.QueryEscape(bad)} {
				if strings.Contains(out, k) {
					t.Errorf("the logs show the key %q", k)
				}
			}
		})
	}
}
