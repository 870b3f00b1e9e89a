// Package phpvmstest calls phpVMS's API as an ACARS client does, and holds
// the scenarios of phpVMS's tests/AcarsTest.php as such a client sees them:
// statuses and JSON. The handler tests run them against an httptest server
// and the end-to-end tests against `albatross serve`, so the two cannot
// drift apart.
package phpvmstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// Site is an Albatross as an ACARS client reaches it: its address, a key
// of a pilot of one airline, and one of a pilot of another.
type Site struct {
	URL      string // the address the client was given: the server's root, or an airline's /a/{slug}
	Key      string // a pilot's key of the airline the scenarios fly in
	OtherKey string // a pilot's key of another airline
	Slug     string // the airline's address, /a/{Slug}
	// OtherSlug is the other airline's address.
	OtherSlug string
	// ForeignAirport is an airport the airline does not have.
	ForeignAirport string
}

// Send calls phpVMS's API with a JSON body (none when body is nil) and the
// key in X-API-Key (none when key is empty), as ACARS clients do, and
// decodes the answer, failing the test when it is not JSON.
func (s Site) Send(t *testing.T, method, path, key string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %.300s", method, path, resp.StatusCode, raw)
	}
	return resp, doc
}

// OK sends as Send does, and fails the test unless the answer is 2xx.
func (s Site) OK(t *testing.T, method, path, key string, body any) map[string]any {
	t.Helper()
	resp, doc := s.Send(t, method, path, key, body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, doc)
	}
	return doc
}

// Get reads phpVMS's API with the key, or with none when key is empty.
func (s Site) Get(t *testing.T, path, key string) (*http.Response, map[string]any) {
	t.Helper()
	return s.Send(t, http.MethodGet, path, key, nil)
}

// AirlineNumber is the phpVMS id of the key's airline.
func (s Site) AirlineNumber(t *testing.T, key string) float64 {
	t.Helper()
	_, doc := s.Get(t, "/api/airlines", key)
	n, ok := Data[[]any](t, "airlines", doc)[0].(map[string]any)["id"].(float64)
	if !ok {
		t.Fatalf("/api/airlines: no id: %v", doc)
	}
	return n
}

// Data is the data member of an answer, failing the test when there is none.
func Data[T any](t *testing.T, what string, doc map[string]any) T {
	t.Helper()
	v, ok := doc["data"].(T)
	if !ok {
		t.Fatalf("%s: data is %T, not %T: %v", what, doc["data"], v, doc)
	}
	return v
}

// CheckProblem asserts phpVMS's problem document: its status, its type
// under https://phpvms.net/errors/, and error.message, which clients
// read. It returns the message.
func CheckProblem(t *testing.T, what string, resp *http.Response, doc map[string]any, status int, errType string) string {
	t.Helper()
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: %d %q, want %d application/problem+json: %v", what, resp.StatusCode, resp.Header.Get("Content-Type"), status, doc)
		return ""
	}
	if doc["type"] != "https://phpvms.net/errors/"+errType || doc["status"] != float64(status) {
		t.Errorf("%s: type %v status %v, want %s and %d", what, doc["type"], doc["status"], errType, status)
	}
	e, _ := doc["error"].(map[string]any)
	msg, _ := e["message"].(string)
	if msg == "" || e["status"] != float64(status) || doc["details"] != msg {
		t.Errorf("%s: error %v, details %v: want error.message (the details) and error.status", what, doc["error"], doc["details"])
	}
	return msg
}

// EqualJSON compares two decoded JSON objects.
func EqualJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
