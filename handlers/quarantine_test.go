package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The platform admin sees each quarantined event with its projection,
// position and error, the error's text shown as text.
func TestPlatformAdminSeesQuarantinedEvents(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	_, body := getAs(t, admin, a.URL+"/admin/quarantine", nil)
	if d := doc(t, body); d.Find(`[data-testid="no-quarantine"]`).Length() != 1 {
		t.Errorf("an empty quarantine does not say so: %.300s", body)
	}
	if err := a.rm.QuarantineEvent(context.Background(), readmodel.QuarantineEventParams{
		Projection: "users", CommitTx: 12, Seq: 34, StreamID: "user-1", Version: 2, EventType: "albatross.events.v1.UserCreated",
		Error: `apply event: <script>alert(1)</script> a` + "\x00" + `b`, QuarantinedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	resp, body := getAs(t, admin, a.URL+"/admin/quarantine", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin/quarantine: %d", resp.StatusCode)
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("the error text reached the page as HTML")
	}
	rows := doc(t, body).Find(`[data-testid="quarantine-row"]`)
	if rows.Length() != 1 {
		t.Fatalf("%d quarantine rows, want 1", rows.Length())
	}
	if got := rows.Find(`[data-testid="quarantine-position"]`).Text(); got != "12/34" {
		t.Errorf("position %q, want 12/34", got)
	}
	if got := rows.Find(`[data-testid="quarantine-projection"]`).Text(); got != "users" {
		t.Errorf("projection %q, want users", got)
	}
	if got := rows.Find(`[data-testid="quarantine-error"]`).Text(); !strings.Contains(got, "<script>alert(1)</script>") {
		t.Errorf("error %q, want the error's text", got)
	}
}
