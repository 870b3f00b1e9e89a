package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

func bearer(key string) map[string]string { return map[string]string{"Authorization": "Bearer " + key} }

// apiGet calls the API without cookies.
func apiGet(t *testing.T, a *app, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	return get(t, a.URL+path, header)
}

// problemDoc is an RFC 9457 problem document as the API sends it.
type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// checkProblem asserts the response is a problem document with status.
func checkProblem(t *testing.T, what string, resp *http.Response, body string, status int) problemDoc {
	t.Helper()
	var p problemDoc
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: %d %q, want %d application/problem+json; body %.200s", what, resp.StatusCode, resp.Header.Get("Content-Type"), status, body)
		return p
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Errorf("%s: body is not JSON: %v", what, err)
	}
	if p.Status != status || p.Title != http.StatusText(status) || p.Type == "" || p.Detail == "" {
		t.Errorf("%s: problem %+v, want type, title %q, status %d and a detail", what, p, http.StatusText(status), status)
	}
	if status == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("%s: WWW-Authenticate %q, want the Bearer scheme", what, resp.Header.Get("WWW-Authenticate"))
	}
	return p
}

type me struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Airline *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		ICAO string `json:"icao"`
		Slug string `json:"slug"`
	} `json:"airline"`
}

func getMe(t *testing.T, a *app, header map[string]string) me {
	t.Helper()
	resp, body := apiGet(t, a, "/api/v1/me", header)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/api/v1/me with %v: %d %q %.200s", header, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var m me
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `"airline":`) {
		t.Errorf("the answer has no airline member: %s", body)
	}
	return m
}

func TestMeWithBearerOrXAPIKey(t *testing.T) {
	a := newApp(t, nil)
	pilot, pilotID, airlineID := a.newPilot(t, "jane@example.com")
	key := a.createKey(t, pilot, "ACARS")
	for _, header := range []map[string]string{
		bearer(key),
		{"Authorization": "bearer " + key},
		{"X-API-Key": key},
	} {
		m := getMe(t, a, header)
		if m.ID != pilotID || m.Email != "jane@example.com" || m.Name != "Pilot jane@example.com" || m.Role != domain.RolePilot {
			t.Errorf("me with %v = %+v", header, m)
		}
		if m.Airline == nil || m.Airline.ID != airlineID || m.Airline.Name != "Air jane@example.com" || m.Airline.ICAO != "JAN" || m.Airline.Slug != "jan-va" {
			t.Errorf("me.airline with %v = %+v, want the pilot's airline", header, m.Airline)
		}
	}

	// A platform admin belongs to no airline.
	admin := a.adminClient(t)
	if m := getMe(t, a, bearer(a.createKey(t, admin, "Admin"))); m.Airline != nil || m.Role != domain.RolePlatformAdmin {
		t.Errorf("the admin's me = %+v, want no airline", m)
	}
}

func TestAPIRefusesMissingBadAndRevokedKeys(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	key := a.createKey(t, admin, "Soon revoked")
	unknown := domain.NewAPIKeySecret()
	for _, tc := range []struct {
		what   string
		header map[string]string
	}{
		{"no key", nil},
		{"an empty bearer", map[string]string{"Authorization": "Bearer "}},
		{"another scheme", map[string]string{"Authorization": "Basic " + key}},
		{"garbage", bearer("not-a-key")},
		{"a key cut short", bearer(key[:len(key)-1])},
		{"an unknown key", bearer(unknown)},
		{"an unknown key in X-API-Key", map[string]string{"X-API-Key": unknown}},
	} {
		resp, body := apiGet(t, a, "/api/v1/me", tc.header)
		checkProblem(t, tc.what, resp, body, http.StatusUnauthorized)
		if strings.Contains(body, key) {
			t.Errorf("%s: the answer repeats the key", tc.what)
		}
	}

	getMe(t, a, bearer(key)) // cached now: the revoke must reach the cache
	id := keyRows(a.keysPage(t, admin))[0].id
	token := formToken(t, admin, a.URL+"/account/api-keys", "revoke-form")
	if resp, _ := post(t, admin, a.URL+"/account/api-keys/"+id+"/revoke", map[string][]string{"_csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	for _, header := range []map[string]string{bearer(key), {"X-API-Key": key}} {
		resp, body := apiGet(t, a, "/api/v1/me", header)
		checkProblem(t, "a revoked key", resp, body, http.StatusUnauthorized)
	}
}

// A browser's session does not authenticate the API: with cookies and no
// key, the API answers 401.
func TestCookiesDoNotAuthenticateTheAPI(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	if sessionCookie(admin, a.URL) == "" {
		t.Fatal("the admin has no session cookie")
	}
	resp, body := getAs(t, admin, a.URL+"/api/v1/me", nil)
	checkProblem(t, "cookies only", resp, body, http.StatusUnauthorized)
}

// Unknown API paths are 404 and wrong methods 405, as problem documents,
// and no CSRF check stands in the way of a program's POST.
func TestAPIRoutingErrorsAreProblems(t *testing.T) {
	a := newApp(t, nil)
	key := a.createKey(t, a.adminClient(t), "Router")
	// The rest of /api is phpVMS's API, whose 404s are phpVMS's problem
	// documents (phpvms_test.go checks them).
	resp, body := apiGet(t, a, "/api/v1/nothing", bearer(key))
	checkProblem(t, "GET /api/v1/nothing with a key", resp, body, http.StatusNotFound)

	req, _ := http.NewRequest(http.MethodPost, a.URL+"/api/v1/me", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, body = doAs(t, http.DefaultClient, req)
	checkProblem(t, "POST /api/v1/me", resp, body, http.StatusMethodNotAllowed)
	if allow := resp.Header.Get("Allow"); allow != "GET" {
		t.Errorf("Allow %q, want GET", allow)
	}
	// Pages still answer with pages.
	if resp, body := get(t, a.URL+"/no-such-page", nil); strings.Contains(resp.Header.Get("Content-Type"), "problem") || strings.Contains(body, `"status"`) {
		t.Errorf("a page outside /api answered with a problem document")
	}
}
