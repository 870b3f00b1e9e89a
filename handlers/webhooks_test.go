package handlers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/webhooks"
)

// The webhook routes in the access matrix (kept here, beside their tests).
func init() {
	for route, rule := range map[string]access{
		"GET /airlines/:id/webhooks":                                    action(domain.ManageWebhooks),
		"GET /airlines/:id/webhooks/new":                                action(domain.ManageWebhooks),
		"POST /airlines/:id/webhooks":                                   action(domain.ManageWebhooks),
		"GET /airlines/:id/webhooks/:hook":                              action(domain.ManageWebhooks),
		"POST /airlines/:id/webhooks/:hook":                             action(domain.ManageWebhooks),
		"POST /airlines/:id/webhooks/:hook/remove":                      action(domain.ManageWebhooks),
		"POST /airlines/:id/webhooks/:hook/secret":                      action(domain.ManageWebhooks),
		"POST /airlines/:id/webhooks/:hook/deliveries/:delivery/resend": action(domain.ManageWebhooks),
	} {
		routeAccess[route] = rule
	}
}

// matrixWebhook returns a webhook of the airline with one delivery queued,
// for the matrix's routes that name them; fresh is a new one (the remove
// route's), else the airline's first.
func (w *matrixWorld) matrixWebhook(tn *tenant, fresh bool) (hook, delivery string) {
	if tn.webhook != "" && !fresh {
		return tn.webhook, tn.delivery
	}
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	id, _, err := w.webhooks.Add(ctx, sys, tn.id, domain.WebhookForm{Name: "Matrix hook", Kind: domain.WebhookGeneric,
		URL: "http://127.0.0.1:9/matrix", Events: []string{domain.TopicPirepAccepted}})
	if err != nil {
		panic(err)
	}
	if _, err := w.hookQueue.Enqueue(ctx, webhooks.Delivery{TenantID: tn.id, WebhookID: id, Key: "matrix", Topic: domain.TopicPirepAccepted,
		Body: []byte(`{}`), CreatedAt: time.Now()}); err != nil {
		panic(err)
	}
	list, err := w.hookQueue.List(ctx, tn.id, id, 1)
	if err != nil || len(list) != 1 {
		panic(fmt.Sprint("the matrix's delivery is not queued: ", err))
	}
	if !fresh {
		tn.webhook, tn.delivery = id, strconv.FormatInt(list[0].ID, 10)
	}
	return id, strconv.FormatInt(list[0].ID, 10)
}

// received is one delivery a test receiver answered 2xx.
type received struct {
	Event, Signature, Delivery string
	Body                       []byte
}

// receiver is a webhook's receiving end in the test: it records every
// request, answers the first failFirst with 503, and the rest with 200
// (or status, when set, for ever).
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	tries     int
	got       []received
	failFirst int
	status    int
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	t.Helper()
	r := &receiver{failFirst: failFirst}
	r.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tries++
		if r.status != 0 {
			rw.WriteHeader(r.status)
			_, _ = io.WriteString(rw, "down for good")
			return
		}
		if r.tries <= r.failFirst {
			rw.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(rw, "busy, try later")
			return
		}
		r.got = append(r.got, received{Event: req.Header.Get("X-Albatross-Event"), Signature: req.Header.Get(webhooks.SignatureHeader),
			Delivery: req.Header.Get("X-Albatross-Delivery"), Body: body})
		_, _ = io.WriteString(rw, "thanks\n")
	}))
	t.Cleanup(r.Close)
	return r
}

// wait returns the first n deliveries once they have come.
func (r *receiver) wait(t *testing.T, n int) []received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r.mu.Lock()
		got := append([]received(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver got %d deliveries, want %d", len(got), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *receiver) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tries
}

// webhookPage opens a page of the webhooks as the actor.
func (w *matrixWorld) webhookPage(t *testing.T, ac *actor, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, body := getAs(t, ac.client, w.URL+path, nil)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// addWebhook fills the add form as the actor and returns the response and
// the page it shows.
func (w *matrixWorld) addWebhook(t *testing.T, ac *actor, tn *tenant, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	_, doc := w.webhookPage(t, ac, "/airlines/"+tn.id+"/webhooks/new")
	cmd, _ := doc.Find(`[data-testid="webhook-form"] input[name="command_id"]`).Attr("value")
	if cmd == "" {
		t.Fatal("the add form has no command id")
	}
	form.Set("command_id", cmd)
	resp, body := w.sendForm(t, ac, "/airlines/"+tn.id+"/webhooks", form)
	page, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	return resp, page
}

func validSignature(secret string, body []byte, header string) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal([]byte(header), []byte("sha256="+hex.EncodeToString(m.Sum(nil))))
}

// deliveryRows reads a webhook page's delivery log, newest first.
func deliveryRows(doc *goquery.Document) []map[string]string {
	var out []map[string]string
	doc.Find(`[data-testid="delivery"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-delivery")
		out = append(out, map[string]string{"id": id,
			"status":   strings.Fields(s.Find(`[data-testid="delivery-status"]`).Text() + " ")[0],
			"attempts": strings.TrimSpace(s.Find(`[data-testid="delivery-attempts"]`).Text()),
			"code":     strings.TrimSpace(s.Find(`[data-testid="delivery-code"]`).Text()),
			"response": strings.TrimSpace(s.Find(`[data-testid="delivery-response"]`).Text())})
	})
	return out
}

// waitLog reads a webhook's delivery log until done says it shows what
// the test waits for (the worker records an attempt just after the
// receiver answers), or 20 seconds passed; it returns the last rows read.
func (w *matrixWorld) waitLog(t *testing.T, ac *actor, path string, done func([]map[string]string) bool) []map[string]string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, doc := w.webhookPage(t, ac, path)
		rows := deliveryRows(doc)
		if done(rows) || time.Now().After(deadline) {
			return rows
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// allDelivered says whether a log has n rows, each delivered.
func allDelivered(n int) func([]map[string]string) bool {
	return func(rows []map[string]string) bool {
		for _, r := range rows {
			if r["status"] != "Delivered" {
				return false
			}
		}
		return len(rows) == n
	}
}

func TestWebhooks(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			t.Run("generic, signed, in order, retried, logged, sent again", func(t *testing.T) { checkGenericWebhook(t, w) })
			t.Run("discord embeds", func(t *testing.T) { checkDiscordWebhook(t, w) })
			t.Run("a dead endpoint holds only its own queue", func(t *testing.T) { checkDeadWebhook(t, w) })
			t.Run("edit and remove", func(t *testing.T) { checkEditAndRemoveWebhook(t, w) })
		})
	}
}

// A generic webhook gets the events it follows, in the order they
// happened, each signed with the secret its page showed once; a receiver
// that fails at first gets them again, and the delivery log shows each
// delivery's status, code and answer; "send again" sends one more time.
func checkGenericWebhook(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff, other := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, other} {
		w.session(t, ac)
	}
	rcv := newReceiver(t, 2)
	resp, page := w.addWebhook(t, staff, a, url.Values{"name": {"Crew room"}, "kind": {domain.WebhookGeneric},
		"url": {rcv.URL + "/albatross"}, "events": {domain.TopicPirepFiled, domain.TopicPirepAccepted}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add a webhook: %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the secret has Cache-Control %q, want no-store", cc)
	}
	secret := text(page, "webhook-secret")
	if !strings.HasPrefix(secret, webhooks.SecretPrefix) || len(secret) < 40 {
		t.Fatalf("the new webhook's page shows the secret %q", secret)
	}
	// Shown once: the webhook's page does not show it again.
	hookPath := "/airlines/" + a.id + "/webhooks/" + lastSegment(page.Find(`[data-testid="webhook-form"]`).AttrOr("action", ""))
	if _, again := w.webhookPage(t, staff, hookPath); strings.Contains(again.Text(), secret) || again.Find(`[data-testid="webhook-secret"]`).Length() != 0 {
		t.Error("the webhook's page shows its secret a second time")
	}
	// Its list shows it, to its airline's staff only.
	if _, list := w.webhookPage(t, staff, "/airlines/"+a.id+"/webhooks"); !strings.Contains(list.Find(`[data-testid="webhook-row"]`).Text(), "Crew room") {
		t.Error("the list does not show the new webhook")
	}
	if resp, _ := w.webhookPage(t, other, hookPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another airline's admin opens the webhook: %d, want 404", resp.StatusCode)
	}

	first := lastSegment(w.fileSubmitted(t, pilot, a, "801"))
	lastSegment(w.fileSubmitted(t, pilot, a, "802"))
	if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+first+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", resp.StatusCode, body)
	}
	got := rcv.wait(t, 3)
	type sent struct{ event, flight string }
	var order []sent
	for _, g := range got {
		if !validSignature(secret, g.Body, g.Signature) {
			t.Errorf("delivery %s: signature %q does not match its body with the secret shown", g.Delivery, g.Signature)
		}
		var b struct {
			Event   string `json:"event"`
			Airline struct{ ICAO string }
			Pirep   struct {
				FlightNumber string `json:"flight_number"`
				DptAirport   string `json:"dpt_airport"`
			}
			Pilot struct{ Name string }
			URL   string
		}
		if err := json.Unmarshal(g.Body, &b); err != nil {
			t.Fatalf("a delivery is not JSON: %v: %s", err, g.Body)
		}
		if b.Event != g.Event || b.Airline.ICAO != a.icao || b.Pirep.DptAirport != "EGLL" || b.Pilot.Name == "" ||
			!strings.HasPrefix(b.URL, testPublicURL+"/airlines/"+a.id+"/pireps/") {
			t.Errorf("delivery %s says %s", g.Delivery, g.Body)
		}
		order = append(order, sent{b.Event, b.Pirep.FlightNumber})
	}
	want := []sent{{domain.TopicPirepFiled, "801"}, {domain.TopicPirepFiled, "802"}, {domain.TopicPirepAccepted, "801"}}
	if fmt.Sprint(order[:3]) != fmt.Sprint(want) {
		t.Errorf("the receiver got %v, want %v in that order", order, want)
	}
	if n := rcv.attempts(); n < 5 {
		t.Errorf("the receiver was tried %d times, want the 2 failures and 3 deliveries", n)
	}

	// The log: newest first; the oldest took three attempts, the first two
	// answered 503.
	rows := w.waitLog(t, staff, hookPath, allDelivered(3))
	_, doc := w.webhookPage(t, staff, hookPath)
	if len(rows) != 3 {
		t.Fatalf("the delivery log has %d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r["status"] != "Delivered" || r["code"] != "200" || r["response"] != "thanks" {
			t.Errorf("delivery %s in the log: %v", r["id"], r)
		}
	}
	if rows[2]["attempts"] != "3" || rows[0]["attempts"] != "1" {
		t.Errorf("attempts in the log: %v", rows)
	}
	if doc.Find(`[data-testid="delivery-resend-form"] input[name="_csrf"]`).Length() != 3 {
		t.Error("each delivery has a send again form with its CSRF token")
	}

	// Send again: the same body once more, as a new delivery.
	resend := hookPath + "/deliveries/" + rows[2]["id"] + "/resend"
	if resp, _ := w.sendForm(t, staff, resend, url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send again: %d", resp.StatusCode)
	}
	again := rcv.wait(t, 4)[3]
	if string(again.Body) != string(got[0].Body) || !validSignature(secret, again.Body, again.Signature) {
		t.Errorf("sent again: %s, want %s", again.Body, got[0].Body)
	}
	if resp, _ := w.sendForm(t, other, resend, url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another airline's admin sends again: %d, want 404", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staff, hookPath+"/deliveries/999999/resend", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("send again of no delivery: %d, want 404", resp.StatusCode)
	}

	// A new secret: shown once, and the next deliveries are signed with it.
	resp, body := w.sendForm(t, staff, hookPath+"/secret", url.Values{})
	rotated, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	next := text(rotated, "webhook-secret")
	if resp.StatusCode != http.StatusOK || next == "" || next == secret {
		t.Fatalf("new secret: %d %q", resp.StatusCode, next)
	}
	lastSegment(w.fileSubmitted(t, pilot, a, "803"))
	last := rcv.wait(t, 5)[4]
	if !validSignature(next, last.Body, last.Signature) || validSignature(secret, last.Body, last.Signature) {
		t.Error("a delivery after the new secret is not signed with it alone")
	}
	if _, err := w.webhooks.Remove(context.Background(), domain.CommandMeta{Who: domain.System}, a.id, lastSegment(hookPath)); err != nil {
		t.Fatal(err)
	}
}

// A Discord webhook gets Discord's embeds, unsigned: the flight, the
// pilot, the route, the times, the landing rate and a link.
func checkDiscordWebhook(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	for _, ac := range []*actor{pilot, staff} {
		w.session(t, ac)
	}
	rcv := newReceiver(t, 0)
	resp, _ := w.addWebhook(t, staff, a, url.Values{"name": {"#flights"}, "kind": {domain.WebhookDiscord},
		"url": {rcv.URL + "/api/webhooks/1/token"}, "events": {domain.TopicPirepAccepted}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a Discord webhook: %d", resp.StatusCode)
	}
	hookPath := resp.Header.Get("Location")
	form := pirepForm("901", a.flown)
	form.Set("submit", "1")
	form.Set("landing_rate", "-123")
	resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d %s", resp.StatusCode, body)
	}
	pirep := lastSegment(resp.Header.Get("Location"))
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+pirep+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	got := rcv.wait(t, 1)[0]
	if got.Signature != "" {
		t.Errorf("a Discord delivery is signed: %q", got.Signature)
	}
	var b struct {
		Embeds []struct {
			Title, URL string
			Fields     []struct{ Name, Value string }
		}
		AllowedMentions struct{ Parse []string } `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(got.Body, &b); err != nil || len(b.Embeds) != 1 {
		t.Fatalf("not Discord's embeds: %v %s", err, got.Body)
	}
	e := b.Embeds[0]
	fields := map[string]string{}
	for _, f := range e.Fields {
		fields[f.Name] = f.Value
	}
	if e.Title != "PIREP accepted: "+a.icao+"901 EGLL → EGLL" || e.URL != testPublicURL+"/airlines/"+a.id+"/pireps/"+pirep {
		t.Errorf("embed title %q, url %q", e.Title, e.URL)
	}
	if fields["Flight"] != a.icao+"901" || fields["Route"] != "EGLL → EGLL" || fields["Landing rate"] != "-123 fpm" ||
		fields["Flight time"] != "0:55" || !strings.Contains(fields["Pilot"], "pilot-a@example.com") ||
		fields["Block off"] != "2026-11-02 09:00 UTC" || fields["Block on"] != "2026-11-02 10:05 UTC" {
		t.Errorf("embed fields: %v", fields)
	}
	if b.AllowedMentions.Parse == nil || len(b.AllowedMentions.Parse) != 0 {
		t.Errorf("a Discord message may mention: %s", got.Body)
	}
	if _, err := w.webhooks.Remove(context.Background(), domain.CommandMeta{Who: domain.System}, a.id, lastSegment(hookPath)); err != nil {
		t.Fatal(err)
	}
}

// A receiver that always fails keeps its own deliveries waiting (shown as
// retrying in its log) while another webhook gets every message at once;
// after the worker gives up, its log says failed.
func checkDeadWebhook(t *testing.T, w *matrixWorld) {
	b := w.airlines["B"]
	staff := w.actors[3] // the admin of B
	w.session(t, staff)
	dead, live := newReceiver(t, 0), newReceiver(t, 0)
	dead.status = http.StatusInternalServerError
	var paths []string
	for _, r := range []*receiver{dead, live} {
		resp, page := w.addWebhook(t, staff, b, url.Values{"name": {"hook"}, "kind": {domain.WebhookGeneric},
			"url": {r.URL}, "events": {domain.TopicPirepAccepted}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		paths = append(paths, "/airlines/"+b.id+"/webhooks/"+lastSegment(page.Find(`[data-testid="webhook-form"]`).AttrOr("action", "")))
	}
	ctx := context.Background()
	reviewer := domain.CommandMeta{Who: domain.Actor{UserID: "reviewer", Role: domain.RoleAirlineAdmin, TenantID: b.id}}
	if _, err := w.pireps.Accept(ctx, reviewer, b.id, b.pirep); err != nil {
		t.Fatal(err)
	}
	live.wait(t, 1)
	deadline := time.Now().Add(20 * time.Second)
	for dead.attempts() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	rows := w.waitLog(t, staff, paths[0], func(rows []map[string]string) bool { return len(rows) == 1 && rows[0]["code"] == "500" })
	if len(rows) != 1 || (rows[0]["status"] != "Retrying" && rows[0]["status"] != "Failed") || rows[0]["code"] != "500" || rows[0]["response"] != "down for good" {
		t.Errorf("the dead webhook's log: %v", rows)
	}
	if rows := w.waitLog(t, staff, paths[1], allDelivered(1)); !allDelivered(1)(rows) {
		t.Errorf("the live webhook's log: %v", rows)
	}
	for _, p := range paths {
		if _, err := w.webhooks.Remove(ctx, domain.CommandMeta{Who: domain.System}, b.id, lastSegment(p)); err != nil {
			t.Fatal(err)
		}
	}
}

// Staff change a webhook's address and events, and remove it: nothing
// more is sent to it.
func checkEditAndRemoveWebhook(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	staff := w.actors[2]
	w.session(t, staff)
	rcv := newReceiver(t, 0)
	resp, _ := w.addWebhook(t, staff, a, url.Values{"name": {"To change"}, "kind": {domain.WebhookDiscord},
		"url": {"http://127.0.0.1:9/nowhere"}, "events": {domain.TopicPilotApproved}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	hookPath := resp.Header.Get("Location")
	_, doc := w.webhookPage(t, staff, hookPath)
	if v, _ := doc.Find(`input[name="url"]`).Attr("value"); v != "http://127.0.0.1:9/nowhere" ||
		doc.Find(`[data-testid="event-pilot.approved"][checked]`).Length() != 1 {
		t.Fatalf("the edit form does not show the webhook as it is")
	}
	cmd, _ := doc.Find(`[data-testid="webhook-form"] input[name="command_id"]`).Attr("value")
	form := url.Values{"command_id": {cmd}, "name": {"Changed"}, "kind": {domain.WebhookGeneric}, "url": {rcv.URL + "/x"},
		"events": {domain.TopicPilotApproved, domain.TopicPilotRegistered}}
	// Discord to generic: the secret it is now signed with is shown, once.
	resp, body := w.sendForm(t, staff, hookPath, form)
	changed, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	secret := text(changed, "webhook-secret")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(secret, webhooks.SecretPrefix) {
		t.Fatalf("change to generic: %d, secret %q", resp.StatusCode, secret)
	}
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	if _, _, err := w.users.Register(ctx, sys, a.id, domain.Person{Name: "Newcomer", Email: "newcomer@example.com", Country: "PT", Password: memberPassword}); err != nil {
		t.Fatal(err)
	}
	got := rcv.wait(t, 1)[0]
	if got.Event != domain.TopicPilotRegistered || !strings.Contains(string(got.Body), `"name":"Newcomer"`) || !validSignature(secret, got.Body, got.Signature) {
		t.Errorf("after the change: %s %s", got.Event, got.Body)
	}
	if resp, _ := w.sendForm(t, staff, hookPath+"/remove", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if resp, _ := w.webhookPage(t, staff, hookPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a removed webhook's page: %d, want 404", resp.StatusCode)
	}
	if _, _, err := w.users.Register(ctx, sys, a.id, domain.Person{Name: "Latecomer", Email: "latecomer@example.com", Country: "PT", Password: memberPassword}); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	time.Sleep(300 * time.Millisecond) // several of the worker's polls
	if n := len(rcv.wait(t, 1)); n != 1 {
		t.Errorf("a removed webhook got %d deliveries", n)
	}
}

// A refused form answers 422 with each message beside its field and what
// was typed kept, and appends nothing; an address on a private network is
// refused unless the operator allows it.
func TestWebhookFormRefusesBadInput(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m, withWebhookGuard())
			a, staff := w.airlines["A"], w.actors[2]
			w.session(t, staff)
			cases := []struct {
				name  string
				form  url.Values
				field string
				msg   string
			}{
				{"nothing", url.Values{"kind": {domain.WebhookGeneric}}, "name", "Give the webhook a name"},
				{"ftp", url.Values{"name": {"x"}, "kind": {domain.WebhookGeneric}, "url": {"ftp://example.com/x"}, "events": {domain.TopicPirepFiled}}, "url", "http:// or https://"},
				{"no events", url.Values{"name": {"x"}, "kind": {domain.WebhookDiscord}, "url": {"https://discord.com/api/webhooks/1/a"}}, "events", "at least one event"},
				{"unknown event", url.Values{"name": {"x"}, "kind": {domain.WebhookDiscord}, "url": {"https://discord.com/api/webhooks/1/a"}, "events": {"pirep.eaten"}}, "events", "among the events"},
				{"bad kind", url.Values{"name": {"x"}, "kind": {"slack"}, "url": {"https://discord.com/api/webhooks/1/a"}, "events": {domain.TopicPirepFiled}}, "kind", "Discord or generic"},
				{"loopback", url.Values{"name": {"x"}, "kind": {domain.WebhookGeneric}, "url": {"http://127.0.0.1:8080/hook"}, "events": {domain.TopicPirepFiled}}, "url", "private, loopback or link-local"},
				{"localhost", url.Values{"name": {"x"}, "kind": {domain.WebhookGeneric}, "url": {"http://localhost/hook"}, "events": {domain.TopicPirepFiled}}, "url", "private, loopback or link-local"},
				{"private", url.Values{"name": {"x"}, "kind": {domain.WebhookGeneric}, "url": {"http://10.1.2.3/hook"}, "events": {domain.TopicPirepFiled}}, "url", "private, loopback or link-local"},
				{"link-local", url.Values{"name": {"x"}, "kind": {domain.WebhookGeneric}, "url": {"http://169.254.169.254/latest/meta-data"}, "events": {domain.TopicPirepFiled}}, "url", "private, loopback or link-local"},
				{"ipv6 loopback", url.Values{"name": {"x"}, "kind": {domain.WebhookGeneric}, "url": {"http://[::1]/hook"}, "events": {domain.TopicPirepFiled}}, "url", "private, loopback or link-local"},
			}
			for _, c := range cases {
				before := w.countEvents(t)
				typed := c.form.Get("url")
				resp, doc := w.addWebhook(t, staff, a, c.form)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: %d, want 422", c.name, resp.StatusCode)
					continue
				}
				if msg := text(doc, "error-"+c.field); !strings.Contains(msg, c.msg) {
					t.Errorf("%s: the message beside %s is %q, want %q", c.name, c.field, msg, c.msg)
				}
				if v, _ := doc.Find(`input[name="url"]`).Attr("value"); v != typed {
					t.Errorf("%s: the form keeps the address %q, want %q", c.name, v, typed)
				}
				for _, e := range c.form["events"] {
					if doc.Find(`input[name="events"][value="`+e+`"][checked]`).Length() != 1 && e != "pirep.eaten" {
						t.Errorf("%s: the event %s is not kept ticked", c.name, e)
					}
				}
				if after := w.countEvents(t); after != before {
					t.Errorf("%s: a refused form appended %d events", c.name, after-before)
				}
			}
			// Without the CSRF token nothing is added.
			before := w.countEvents(t)
			resp, _ := post(t, staff.client, w.URL+"/airlines/"+a.id+"/webhooks", url.Values{"name": {"x"}, "kind": {domain.WebhookDiscord},
				"url": {"https://discord.com/api/webhooks/1/a"}, "events": {domain.TopicPirepFiled}})
			if resp.StatusCode != http.StatusForbidden || w.countEvents(t) != before {
				t.Errorf("a form without its CSRF token: %d", resp.StatusCode)
			}
		})
	}
}

// A flight flown with an ACARS client tells the webhook when it departs
// and when it arrives, once each however often the client repeats the
// phase, and then that its PIREP is filed, in that order.
func TestWebhooksFollowACARSPhases(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m)
			rcv := newReceiver(t, 0)
			ctx := context.Background()
			staff := domain.CommandMeta{Who: domain.Actor{UserID: w.a.adminID, Role: domain.RoleAirlineAdmin, TenantID: w.a.id}}
			if _, _, err := w.webhooks.Add(ctx, staff, w.a.id, domain.WebhookForm{Name: "ops", Kind: domain.WebhookGeneric, URL: rcv.URL,
				Events: []string{domain.TopicFlightDeparted, domain.TopicFlightArrived, domain.TopicPirepFiled}}); err != nil {
				t.Fatal(err)
			}
			_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
				"aircraft_id": 1, "flight_number": "7100", "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "test"})
			id := data[map[string]any](t, "prefile", doc)["id"].(string)
			for _, phase := range []string{"BST", "TXI", "TOF", "ICL", "ENR", "TOF", "APR", "LDG", "ONB", "ARR"} {
				if resp, doc := w.send(t, http.MethodPost, "/api/pireps/"+id+"/update", w.keyA, map[string]any{"status": phase}); resp.StatusCode != http.StatusOK {
					t.Fatalf("update %s: %d %v", phase, resp.StatusCode, doc)
				}
			}
			if resp, doc := w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", w.keyA,
				map[string]any{"flight_time": 70, "distance": 190, "fuel_used": 3000, "landing_rate": -150}); resp.StatusCode != http.StatusOK {
				t.Fatalf("file: %d %v", resp.StatusCode, doc)
			}
			rcv.wait(t, 3)
			w.settle(t)
			time.Sleep(200 * time.Millisecond) // a repeated phase would be sent by now
			got := rcv.wait(t, 3)
			var events []string
			for _, g := range got {
				events = append(events, g.Event)
			}
			if want := []string{domain.TopicFlightDeparted, domain.TopicFlightArrived, domain.TopicPirepFiled}; fmt.Sprint(events) != fmt.Sprint(want) {
				t.Errorf("the webhook got %v, want %v", events, want)
			}
			if !strings.Contains(string(got[2].Body), `"landing_rate":-150`) || !strings.Contains(string(got[0].Body), `"flight_number":"7100"`) {
				t.Errorf("the deliveries say %s / %s", got[0].Body, got[2].Body)
			}
		})
	}
}

// After MaxAge without a 2xx, a delivery is given up and marked failed,
// and the next one in its webhook's queue goes: in order, never stuck.
func TestWebhookDeliveriesAreGivenUpAfterMaxAge(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m, webhooksGiveUpAfter(500*time.Millisecond))
			a, staff := w.airlines["A"], w.actors[2]
			w.session(t, staff)
			rcv := newReceiver(t, 0)
			rcv.status = http.StatusBadGateway
			resp, page := w.addWebhook(t, staff, a, url.Values{"name": {"flaky"}, "kind": {domain.WebhookGeneric},
				"url": {rcv.URL}, "events": {domain.TopicPilotRegistered}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("add: %d", resp.StatusCode)
			}
			hookPath := "/airlines/" + a.id + "/webhooks/" + lastSegment(page.Find(`[data-testid="webhook-form"]`).AttrOr("action", ""))
			ctx := context.Background()
			for _, name := range []string{"First", "Second"} {
				if _, _, err := w.users.Register(ctx, domain.CommandMeta{Who: domain.System}, a.id, domain.Person{Name: name,
					Email: strings.ToLower(name) + "@example.com", Country: "PT", Password: memberPassword}); err != nil {
					t.Fatal(err)
				}
			}
			rows := w.waitLog(t, staff, hookPath, func(rows []map[string]string) bool {
				return len(rows) == 2 && rows[0]["status"] == "Failed" && rows[1]["status"] == "Failed"
			})
			if len(rows) != 2 || rows[0]["status"] != "Failed" || rows[1]["status"] != "Failed" || rows[0]["code"] != "502" {
				t.Fatalf("the log after the receiver failed for longer than the deliveries' age: %v", rows)
			}
			if n, _ := strconv.Atoi(rows[1]["attempts"]); n < 2 {
				t.Errorf("the first delivery was tried %d times before it was given up", n)
			}
		})
	}
}

// Staff post news on the news page: a webhook that chose "News posted" gets
// it, with the title, the Markdown and the author; one that did not choose
// it gets nothing.
func TestPostedNewsReachesTheWebhooksThatChoseIt(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			staff := w.actors[2]
			w.session(t, staff)
			wants, other := newReceiver(t, 0), newReceiver(t, 0)
			for _, h := range []struct {
				url, topic string
			}{{wants.URL, domain.TopicNewsPosted}, {other.URL, domain.TopicPirepFiled}} {
				if resp, _ := w.addWebhook(t, staff, a, url.Values{"name": {"news"}, "kind": {domain.WebhookGeneric}, "url": {h.url}, "events": {h.topic}}); resp.StatusCode != http.StatusOK {
					t.Fatalf("add a webhook: %d", resp.StatusCode)
				}
			}
			if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/news", url.Values{"title": {"Lisbon opens"}, "body": {"**Three** new routes"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("post news: %d %.300s", resp.StatusCode, body)
			}
			got := wants.wait(t, 1)
			if got[0].Event != domain.TopicNewsPosted || !strings.Contains(string(got[0].Body), `"title":"Lisbon opens"`) ||
				!strings.Contains(string(got[0].Body), `"body":"**Three** new routes"`) {
				t.Errorf("the news webhook got %s: %s", got[0].Event, got[0].Body)
			}
			w.settle(t)
			time.Sleep(200 * time.Millisecond) // a wrong delivery would have come by now
			if n := other.attempts(); n != 0 {
				t.Errorf("a webhook that did not choose news got %d requests", n)
			}
		})
	}
}

// An award granted reaches the webhooks that chose awards, naming the
// award and the pilot; one that did not choose them gets nothing.
func TestGrantedAwardReachesTheWebhooksThatChoseIt(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			staff := w.actors[2]
			w.session(t, staff)
			wants, other := newReceiver(t, 0), newReceiver(t, 0)
			for _, h := range []struct {
				url, topic string
			}{{wants.URL, domain.TopicAwardGranted}, {other.URL, domain.TopicNewsPosted}} {
				if resp, _ := w.addWebhook(t, staff, a, url.Values{"name": {"awards"}, "kind": {domain.WebhookGeneric}, "url": {h.url}, "events": {h.topic}}); resp.StatusCode != http.StatusOK {
					t.Fatalf("add a webhook: %d", resp.StatusCode)
				}
			}
			u, err := w.rm.GetUser(context.Background(), uuid.MustParse(a.pirepPilotID))
			if err != nil {
				t.Fatal(err)
			}
			if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/awards/grant", url.Values{"award": {a.award}, "pilot": {u.PilotID}, "reason": {"Ran the fly-in"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("grant the award: %d %.300s", resp.StatusCode, body)
			}
			got := wants.wait(t, 1)
			if got[0].Event != domain.TopicAwardGranted || !strings.Contains(string(got[0].Body), `"award":{"id":"`+a.award+`","name":"Matrix award","reason":"Ran the fly-in","by_hand":true}`) ||
				!strings.Contains(string(got[0].Body), `"pilot_id":"`+u.PilotID+`"`) {
				t.Errorf("the award webhook got %s: %s", got[0].Event, got[0].Body)
			}
			w.settle(t)
			time.Sleep(200 * time.Millisecond) // a wrong delivery would have come by now
			if n := other.attempts(); n != 0 {
				t.Errorf("a webhook that did not choose awards got %d requests", n)
			}
		})
	}
}
