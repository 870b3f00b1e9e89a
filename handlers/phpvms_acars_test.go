package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// site is the world as an ACARS client reaches it.
func (w *phpvmsWorld) site() phpvmstest.Site {
	return phpvmstest.Site{URL: w.URL, Key: w.keyA, OtherKey: w.keyB, Slug: w.slugA, OtherSlug: w.slugB, ForeignAirport: "LPPT"}
}

// send calls phpVMS's API with a JSON body, as ACARS clients do.
func (w *phpvmsWorld) send(t *testing.T, method, path, key string, body any) (*http.Response, map[string]any) {
	t.Helper()
	return w.site().Send(t, method, path, key, body)
}

// airlineNumber is the key's airline's phpVMS id.
func (w *phpvmsWorld) airlineNumber(t *testing.T, key string) float64 {
	t.Helper()
	return w.site().AirlineNumber(t, key)
}

// The scenarios of phpVMS's tests/AcarsTest.php, and the conversation of
// the spec's §11, in both modes; the end-to-end tests run the same ones
// against `albatross serve`.
func TestPhpvmsAcarsFlight(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			phpvmstest.AcarsFlight(t, newPhpvmsWorld(t, m).site())
		})
	}
}

// A flight whose client went silent is cancelled by the system's sweep,
// after the time its airline sets, with a reason its pilot reads; one
// that reports is left flying.
func TestAbandonedFlightsAreCancelled(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m)
			prefile := func(key, number string) string {
				t.Helper()
				_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", key, map[string]any{"airline_id": w.airlineNumber(t, key),
					"aircraft_id": 1, "flight_number": number, "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "test"})
				return data[map[string]any](t, "prefile", doc)["id"].(string)
			}
			inA, inB := prefile(w.keyA, "7000"), prefile(w.keyB, "7001")
			// B lets its flights go silent for 4 hours.
			admin := domain.CommandMeta{Who: domain.Actor{UserID: w.b.adminID, Role: domain.RoleAirlineAdmin, TenantID: w.b.id}}
			if _, err := w.app.airlines.SetPirepRules(context.Background(), admin, w.b.id, domain.PirepRules{AbandonAfterMinutes: 240}); err != nil {
				t.Fatal(err)
			}
			rm := reads.New(w.rm)
			sweep := func(later time.Duration) int {
				t.Helper()
				w.settle(t)
				at := time.Now().Add(later)
				n, err := (&reactors.AbandonedFlights{Reads: rm, Pireps: w.pireps, Now: func() time.Time { return at }, Log: slog.Default()}).Sweep(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				w.settle(t)
				return n
			}
			state := func(slug, id string) (any, any) {
				t.Helper()
				_, doc := w.get(t, "/a/"+slug+"/api/pireps/"+id, nil)
				p := data[map[string]any](t, "PIREP", doc)
				return p["state"], p["status"]
			}
			if n := sweep(time.Hour); n != 0 {
				t.Fatalf("a sweep an hour on cancelled %d flights", n)
			}
			if n := sweep(3 * time.Hour); n != 1 {
				t.Fatalf("a sweep 3 hours on cancelled %d flights, want A's (B allows 4)", n)
			}
			if st, ph := state(w.slugA, inA); st != float64(3) || ph != "DX" {
				t.Errorf("A's silent flight after the sweep: state %v status %v, want 3 and DX", st, ph)
			}
			if st, _ := state(w.slugB, inB); st != float64(0) {
				t.Errorf("B's flight after 3 hours: state %v, want still in progress", st)
			}
			p, err := rm.FindPirep(context.Background(), w.a.id, inA)
			if err != nil || p.RejectReason != "Cancelled by the system: the ACARS client sent nothing for 2 hours." {
				t.Errorf("the reason the pilot reads: %q, %v", p.RejectReason, err)
			}
			if n := sweep(5 * time.Hour); n != 1 {
				t.Errorf("a sweep 5 hours on cancelled %d, want B's", n)
			}
			if n := sweep(6 * time.Hour); n != 0 {
				t.Errorf("a sweep after both cancelled %d more", n)
			}
		})
	}
}

// A pilot whose rank auto-accepts ACARS PIREPs has their filed flight
// accepted at once, as phpVMS's auto_approve_acars does, and the rank
// page says so.
func TestPhpvmsFilingWithAnAutoAcceptingRank(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	ctx := context.Background()
	staff := domain.CommandMeta{Who: domain.Actor{UserID: w.a.adminID, Role: domain.RoleAirlineAdmin, TenantID: w.a.id}}
	rank, _, err := w.ranks.Save(ctx, staff, w.a.id, "", domain.RankForm{Name: "Line Captain", MinHours: "0", AutoAcceptACARS: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ranks.SetByHand(ctx, staff, w.a.id, w.a.pilotID, rank); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
		"aircraft_id": 2, "flight_number": "8000", "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "test"})
	id := data[map[string]any](t, "prefile", doc)["id"].(string)
	resp, doc := w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", w.keyA, map[string]any{"flight_time": 55, "distance": 190})
	if p := data[map[string]any](t, "file", doc); resp.StatusCode != http.StatusOK || p["state"] != float64(2) {
		t.Errorf("filed by an auto-accepting rank's pilot: %d state %v, want 2 (accepted)", resp.StatusCode, p["state"])
	}
	admin := &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: w.a.id}
	if _, err := w.users.ChangePassword(ctx, domain.CommandMeta{Who: domain.System}, w.a.adminID, w.a.adminOTP, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	w.session(t, admin)
	_, body := getAs(t, admin.client, w.URL+"/airlines/"+w.a.id+"/ranks", nil)
	if !strings.Contains(body, `data-testid="rank-auto-accept-acars">Yes`) || !strings.Contains(body, `name="auto_accept_acars"`) {
		t.Errorf("the rank page does not show the ACARS auto-accept: %.2000s", body)
	}
}

// Staff see a flight in progress in the airline's PIREP list, with its
// phase, and may cancel it there.
func TestStaffSeeAndCancelAFlightInProgress(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
		"aircraft_id": 1, "flight_number": "9000", "dpt_airport_id": "EGLL", "arr_airport_id": "KJFK", "source_name": "test"})
	id := data[map[string]any](t, "prefile", doc)["id"].(string)
	w.send(t, http.MethodPost, "/api/pireps/"+id+"/update", w.keyA, map[string]any{"status": "ENR"})
	ctx := context.Background()
	if _, err := w.users.ChangePassword(ctx, domain.CommandMeta{Who: domain.System}, w.a.adminID, w.a.adminOTP, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	staff := &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: w.a.id}
	w.session(t, staff)
	_, body := getAs(t, staff.client, w.URL+"/airlines/"+w.a.id+"/pireps/all?state=in_progress", nil)
	if !strings.Contains(body, "In progress · Enroute") || !strings.Contains(body, "QAA9000") {
		t.Errorf("the staff's list of flights in progress does not show QAA9000 enroute: %.3000s", body)
	}
	resp, _ := w.sendForm(t, staff, "/airlines/"+w.a.id+"/pireps/"+id+"/cancel", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff cancel the flight: %d", resp.StatusCode)
	}
	_, doc = w.get(t, "/a/"+w.slugA+"/api/pireps/"+id, nil)
	if p := data[map[string]any](t, "cancelled", doc); p["state"] != float64(3) {
		t.Errorf("after the staff's cancel: state %v", p["state"])
	}
}

// The routes for what Albatross does otherwise answer as a phpVMS without
// that data: no news, no cron to call, a route of the airports it names,
// no briefing.
func TestPhpvmsRoutesWithoutTheirData(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	resp, doc := w.get(t, "/a/"+w.slugA+"/api/news", nil)
	if meta, _ := doc["meta"].(map[string]any); resp.StatusCode != http.StatusOK || len(data[[]any](t, "news", doc)) != 0 || meta["total"] != float64(0) {
		t.Errorf("/api/news: %d %v", resp.StatusCode, doc)
	}
	resp, doc = w.get(t, "/api/cron/anything", nil)
	checkPhpvmsProblem(t, "/api/cron", resp, doc, http.StatusBadRequest, "cron-invalid")
	_, doc = w.get(t, "/api/flights", xKey(w.keyA))
	flight := data[[]any](t, "flights", doc)[0].(map[string]any)["id"].(string)
	resp, doc = w.get(t, "/api/flights/"+flight+"/route", xKey(w.keyA))
	if resp.StatusCode != http.StatusOK || doc["data"] == nil {
		t.Errorf("a flight's route: %d %v", resp.StatusCode, doc)
	}
	resp, doc = w.get(t, "/api/flights/"+flight+"/briefing", xKey(w.keyA))
	checkPhpvmsProblem(t, "a briefing", resp, doc, http.StatusNotFound, "not-found")
	resp, doc = w.get(t, "/api/flights/"+flight+"/route", xKey(w.keyB))
	checkPhpvmsProblem(t, "another airline's flight's route", resp, doc, http.StatusNotFound, "not-found")
}

// A position POST answers without waiting for the read models (its
// answer shows nothing of them), and the key's next request still sees
// the position: it waits for what the key wrote before it reads. Run with
// no projector, so the read models move only when a request waits.
func TestAPositionIsAnsweredAtOnceAndSeenByTheKeysNextRead(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m, withProjectionOnWait())
			_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
				"aircraft_id": 2, "flight_number": "8100", "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "test"})
			id := data[map[string]any](t, "prefile", doc)["id"].(string)
			resp, doc := w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", w.keyA,
				map[string]any{"positions": []any{map[string]any{"id": "p1", "lat": 50.1, "lon": -1.2, "altitude": 12000}}})
			if resp.StatusCode != http.StatusOK || doc["count"] != float64(1) {
				t.Fatalf("position POST: %d %v", resp.StatusCode, doc)
			}
			projected := func(when string) {
				t.Helper()
				track, err := w.rm.ListPirepPositions(context.Background(), readmodel.ListPirepPositionsParams{TenantID: w.a.id, PirepID: uuid.MustParse(id)})
				if err != nil || len(track) != 0 {
					t.Fatalf("%s, the read model had %d positions (%v): a request waited for it", when, len(track), err)
				}
			}
			projected("when the POST answered")
			// Another key's request owes nothing, and waits for nothing.
			if _, other := w.get(t, "/api/user", xKey(w.keyB)); data[map[string]any](t, "B's user", other)["id"] == nil {
				t.Fatalf("B's user: %v", other)
			}
			projected("after another key's request")
			_, doc = w.get(t, "/api/pireps/"+id+"/acars/position", xKey(w.keyA))
			if list := data[[]any](t, "track", doc); len(list) != 1 || list[0].(map[string]any)["lat"] != 50.1 {
				t.Errorf("the key's next read of the track: %v, want the position just posted", list)
			}
		})
	}
}
