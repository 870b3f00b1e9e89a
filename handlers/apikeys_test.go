package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/passwords"
)

const pilotPassword = "a password the pilot chose"

// newPilot opens an airline with a pilot who has chosen a password, waits
// until both are in the read models, and returns the pilot logged in, with
// the pilot's and the airline's ids.
func (a *app) newPilot(t *testing.T, email string) (client *http.Client, userID, airlineID string) {
	t.Helper()
	ctx := context.Background()
	airlines := &domain.Airlines{Runner: a.runner, IDs: domain.RandomIDs{}}
	icao := strings.ToUpper(email[:3])
	airlineID, _, err := airlines.Create(ctx, domain.CommandMeta{Who: domain.System}, domain.CreateAirline{Name: "Air " + email, ICAO: icao, Slug: strings.ToLower(icao) + "-va"})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := passwords.New().Hash(pilotPassword)
	if err != nil {
		t.Fatal(err)
	}
	userID = domain.NewUUID()
	res, err := domain.Execute(ctx, a.runner, domain.StreamRef{StreamID: domain.UserStream(userID), TenantID: airlineID}, domain.CommandMeta{},
		func() *domain.User { return &domain.User{} },
		func(*domain.User, int64) (domain.Decision, error) {
			return domain.Decision{Events: []proto.Message{&eventsv1.UserCreated{
				UserId: userID, TenantId: airlineID, Email: email, Name: "Pilot " + email, Role: domain.RolePilot,
				PasswordHash: hash, CreatedAt: timestamppb.Now(),
			}}}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.proj.WaitFor(wctx, res.Position); err != nil {
		t.Fatal(err)
	}
	client = newClient()
	if resp := a.logIn(t, client, email, pilotPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pilot login: %d", resp.StatusCode)
	}
	return client, userID, airlineID
}

// keysPage fetches the API keys page.
func (a *app) keysPage(t *testing.T, client *http.Client) *goquery.Document {
	t.Helper()
	resp, body := getAs(t, client, a.URL+"/account/api-keys", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /account/api-keys: %d", resp.StatusCode)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	return doc
}

// keyForm returns the create form's hidden fields and the given name.
func (a *app) keyForm(t *testing.T, client *http.Client, name string) url.Values {
	t.Helper()
	form := a.keysPage(t, client).Find(`[data-testid="api-key-form"]`)
	csrf, _ := form.Find(`input[name="_csrf"]`).Attr("value")
	cmd, _ := form.Find(`input[name="command_id"]`).Attr("value")
	if csrf == "" || cmd == "" {
		t.Fatalf("the key form lacks its hidden fields (csrf %q, command id %q)", csrf, cmd)
	}
	return url.Values{"_csrf": {csrf}, "command_id": {cmd}, "name": {name}}
}

// createKey submits the form like a browser without JavaScript and returns
// the key the answer shows.
func (a *app) createKey(t *testing.T, client *http.Client, name string) string {
	t.Helper()
	resp, body := post(t, client, a.URL+"/account/api-keys", a.keyForm(t, client, name))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create key %s: %d %.300s", name, resp.StatusCode, body)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	key, _ := doc.Find(`[data-testid="new-key-value"]`).Attr("value")
	if !domain.LooksLikeAPIKey(key) {
		t.Fatalf("the answer to a create shows %q, not a key", key)
	}
	return key
}

// keyRow is one row of the list as shown.
type keyRow struct{ id, name, prefix, created, lastUsed, revoked string }

func keyRows(doc *goquery.Document) []keyRow {
	var rows []keyRow
	doc.Find(`[data-testid="api-key-row"]`).Each(func(_ int, s *goquery.Selection) {
		text := func(testid string) string { return strings.TrimSpace(s.Find(`[data-testid="` + testid + `"]`).Text()) }
		id, _ := s.Attr("data-id")
		rows = append(rows, keyRow{id, text("api-key-name"), text("api-key-prefix"), text("api-key-created"), text("api-key-last-used"), text("api-key-revoked")})
	})
	return rows
}

func TestAPIKeysPageCreatesListsAndRevokes(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	doc := a.keysPage(t, admin)
	if doc.Find(`[data-testid="nav-api-keys"]`).Length() != 1 || doc.Find(`[data-testid="no-api-keys"]`).Length() != 1 {
		t.Errorf("the page lacks the navigation link or the empty list")
	}
	if doc.Find(`label[for="api-key-name"]`).Length() != 1 {
		t.Errorf("the name input has no label")
	}

	resp, body := post(t, admin, a.URL+"/account/api-keys", a.keyForm(t, admin, "ACARS laptop"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("create: %d, Cache-Control %q; want 200 and no-store", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	key, _ := doc.Find(`[data-testid="new-key-value"]`).Attr("value")
	if !domain.LooksLikeAPIKey(key) || !strings.Contains(doc.Find(`[data-testid="new-key"]`).Text(), "ACARS laptop") {
		t.Fatalf("the answer shows the key %q, want a new key named ACARS laptop", key)
	}
	if doc.Find(`label[for="new-key-value"]`).Length() != 1 {
		t.Errorf("the new key's field has no label")
	}
	rows := keyRows(doc)
	if len(rows) != 1 || rows[0].name != "ACARS laptop" || rows[0].prefix != key[:domain.APIKeyPrefixLength]+"…" ||
		rows[0].created == "" || rows[0].lastUsed != "Never" || rows[0].revoked != "" {
		t.Fatalf("list after the create = %+v; want the key with its prefix, created, never used", rows)
	}

	// Shown once: the page never shows it again.
	_, body = getAs(t, admin, a.URL+"/account/api-keys", nil)
	if strings.Contains(body, key) || strings.Contains(body, key[domain.APIKeyPrefixLength:]) {
		t.Errorf("the key's secret is on the page after its creation")
	}

	// A use shows in the list.
	if resp, _ := apiGet(t, a, "/api/v1/me", bearer(key)); resp.StatusCode != http.StatusOK {
		t.Fatalf("the new key on /api/v1/me: %d", resp.StatusCode)
	}
	if rows := keyRows(a.keysPage(t, admin)); len(rows) != 1 || !strings.Contains(rows[0].lastUsed, "UTC") {
		t.Errorf("list after a use = %+v; want a last-used time", rows)
	}

	// Revoked with one click: the key stops working at once.
	token := formToken(t, admin, a.URL+"/account/api-keys", "revoke-form")
	resp, _ = post(t, admin, a.URL+"/account/api-keys/"+rows[0].id+"/revoke", url.Values{"_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d, want 303", resp.StatusCode)
	}
	_, body = getAs(t, admin, a.URL+resp.Header.Get("Location"), nil)
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if !strings.Contains(doc.Find(`[data-testid="revoked"]`).Text(), "ACARS laptop") {
		t.Errorf("no confirmation of the revoke: %q", doc.Find(`[data-testid="revoked"]`).Text())
	}
	if rows := keyRows(doc); len(rows) != 1 || rows[0].revoked == "" || doc.Find(`[data-testid="revoke"]`).Length() != 0 {
		t.Errorf("list after the revoke = %+v; want the key marked revoked, without a revoke button", rows)
	}
	if resp, _ := apiGet(t, a, "/api/v1/me", bearer(key)); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked key on /api/v1/me: %d, want 401", resp.StatusCode)
	}
}

func TestAPIKeyFormErrorsAreShownBesideTheName(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	for _, name := range []string{"", "   ", strings.Repeat("x", domain.MaxAPIKeyName+1)} {
		for _, htmx := range []bool{false, true} {
			form := a.keyForm(t, admin, name)
			req, _ := http.NewRequest(http.MethodPost, a.URL+"/account/api-keys", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if htmx {
				req.Header.Set("HX-Request", "true")
			}
			resp, body := doAs(t, admin, req)
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find(`[data-testid="error-name"]`).Text() == "" {
				t.Errorf("name %q, htmx=%v: %d, message %q; want 422 with a message beside the name", name, htmx, resp.StatusCode, doc.Find(`[data-testid="error-name"]`).Text())
			}
			if inv, _ := doc.Find(`input[name="name"]`).Attr("aria-invalid"); inv != "true" {
				t.Errorf("name %q, htmx=%v: the input is not marked aria-invalid", name, htmx)
			}
			if v, _ := doc.Find(`input[name="name"]`).Attr("value"); v != name {
				t.Errorf("name %q, htmx=%v: the input holds %q, want the user's input", name, htmx, v)
			}
			if page := strings.Contains(body, "<html"); page == htmx {
				t.Errorf("htmx=%v: got a whole page=%v", htmx, page)
			}
		}
	}
	if rows := keyRows(a.keysPage(t, admin)); len(rows) != 0 {
		t.Errorf("bad names created keys: %+v", rows)
	}
}

func TestAPIKeyFormIsIdempotentAndProtected(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	form := a.keyForm(t, admin, "Tablet")
	if resp, _ := post(t, admin, a.URL+"/account/api-keys", form); resp.StatusCode != http.StatusOK {
		t.Fatalf("first submit: %d", resp.StatusCode)
	}
	resp, body := post(t, admin, a.URL+"/account/api-keys", form)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find(`[data-testid="form-error"]`).Text(), "shown only once") {
		t.Errorf("a double submit: %d %q; want 409 saying the key was shown once", resp.StatusCode, doc.Find(`[data-testid="form-error"]`).Text())
	}
	if doc.Find(`[data-testid="new-key"]`).Length() != 0 {
		t.Errorf("a double submit shows a key")
	}
	if rows := keyRows(a.keysPage(t, admin)); len(rows) != 1 {
		t.Errorf("a double submit listed %d keys, want 1", len(rows))
	}

	forged := a.keyForm(t, admin, "Forged")
	forged.Del("_csrf")
	if resp, _ := post(t, admin, a.URL+"/account/api-keys", forged); resp.StatusCode != http.StatusForbidden {
		t.Errorf("create without a CSRF token: %d, want 403", resp.StatusCode)
	}
	id := keyRows(a.keysPage(t, admin))[0].id
	if resp, _ := post(t, admin, a.URL+"/account/api-keys/"+id+"/revoke", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("revoke without a CSRF token: %d, want 403", resp.StatusCode)
	}
	if rows := keyRows(a.keysPage(t, admin)); len(rows) != 1 || rows[0].revoked != "" {
		t.Errorf("requests without a CSRF token changed the keys: %+v", rows)
	}
}

// A user sees and revokes only their own keys; someone else's key is not
// found, and keeps working.
func TestAPIKeysBelongToTheirOwner(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	adminKey := a.createKey(t, admin, "Admin tool")
	adminKeyID := keyRows(a.keysPage(t, admin))[0].id

	pilot, _, _ := a.newPilot(t, "jane@example.com")
	if rows := keyRows(a.keysPage(t, pilot)); len(rows) != 0 {
		t.Errorf("the pilot sees someone else's keys: %+v", rows)
	}
	token := formToken(t, pilot, a.URL+"/account/api-keys", "api-key-form")
	resp, _ := post(t, pilot, a.URL+"/account/api-keys/"+adminKeyID+"/revoke", url.Values{"_csrf": {token}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the pilot revoking the admin's key: %d, want 404", resp.StatusCode)
	}
	if resp, _ := apiGet(t, a, "/api/v1/me", bearer(adminKey)); resp.StatusCode != http.StatusOK {
		t.Errorf("the admin's key after the pilot's attempt: %d, want 200", resp.StatusCode)
	}
}

// With htmx, a create and a revoke answer with the panel only.
func TestAPIKeysPanelForHTMX(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	form := a.keyForm(t, admin, "Fragment key")
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/account/api-keys", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	resp, body := doAs(t, admin, req)
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `id="api-keys"`) {
		t.Fatalf("htmx create: %d, want the panel alone; body %.200s", resp.StatusCode, body)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if key, _ := doc.Find(`[data-testid="new-key-value"]`).Attr("value"); !domain.LooksLikeAPIKey(key) {
		t.Errorf("htmx create shows %q, want the key", key)
	}
	id := keyRows(doc)[0].id
	req, _ = http.NewRequest(http.MethodPost, a.URL+"/account/api-keys/"+id+"/revoke", strings.NewReader(url.Values{"_csrf": {form.Get("_csrf")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	resp, body = doAs(t, admin, req)
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "<html") || keyRows(doc)[0].revoked == "" ||
		!strings.Contains(doc.Find(`[data-testid="revoked"]`).Text(), "Fragment key") {
		t.Errorf("htmx revoke: %d, want the panel with the key revoked; body %.300s", resp.StatusCode, body)
	}
}

func doAs(t *testing.T, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return resp, b.String()
}
