package handlers_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sendBody posts a body as a client and returns the status; a server that
// refuses a large body early may close the connection while it is still
// being sent, after the answer.
func sendBody(t *testing.T, c *http.Client, u, contentType string, body io.Reader, size int64) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, body)
	req.Header.Set("Content-Type", contentType)
	req.ContentLength = size
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Bodies are bounded per route before anything parses them: a 1 MB form
// and a 40 MB upload answer 413, a body of unknown length too, and an
// ordinary import still goes through.
func TestLargeBodiesAreRefusedBeforeTheyAreRead(t *testing.T) {
	a := newApp(t, nil)
	c, id := a.staffAirline(t, "BDY")
	token := formToken(t, c, a.URL+"/account/api-keys", "api-key-form")
	huge := url.Values{"_csrf": {token}, "name": {strings.Repeat("x", 1<<20)}}.Encode()
	for _, path := range []string{"/login", "/account/api-keys", "/airlines/" + id + "/people"} {
		if got := sendBody(t, c, a.URL+path, "application/x-www-form-urlencoded", strings.NewReader(huge), int64(len(huge))); got != http.StatusRequestEntityTooLarge {
			t.Errorf("a 1 MB form to %s: %d, want 413", path, got)
		}
	}
	// Sent in chunks, without a length: read only up to the limit.
	if got := sendBody(t, c, a.URL+"/account/api-keys", "application/x-www-form-urlencoded", io.MultiReader(strings.NewReader(huge)), -1); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a 1 MB form of unknown length: %d, want 413", got)
	}

	imports := a.URL + "/airlines/" + id + "/imports"
	// upload is a multipart form with a file of size zero bytes, and its
	// exact length.
	upload := func(size int64) (io.Reader, string, int64) {
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		mw.WriteField("_csrf", formToken(t, c, imports, "import-form"))
		mw.WriteField("kind", "airports")
		mw.CreateFormFile("file", "airports.csv")
		n := head.Len()
		mw.Close()
		tail := append([]byte(nil), head.Bytes()[n:]...)
		head.Truncate(n)
		return io.MultiReader(&head, io.LimitReader(zeros{}, size), bytes.NewReader(tail)), mw.FormDataContentType(),
			int64(head.Len()) + size + int64(len(tail))
	}
	const big = 40 << 20
	body, ct, n := upload(big)
	if got := sendBody(t, c, imports, ct, body, n); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a 40 MB upload: %d, want 413", got)
	}
	body, ct, _ = upload(big)
	if got := sendBody(t, c, imports, ct, body, -1); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a 40 MB upload of unknown length: %d, want 413", got)
	}
	var small bytes.Buffer
	small.WriteString("icao,name,lat,lon\nEGKK,Gatwick,51.15,-0.18\n")
	uploadKind(t, a, c, id, "airports", small.String(), false) // fails the test unless it starts a job
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
