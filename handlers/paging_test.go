package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// rosterPage is one page of the roster as the pilot sees it: its pilot
// ids in order and the page.
func (w *matrixWorld) rosterPage(t *testing.T, ac *actor, query string) ([]string, *goquery.Document) {
	t.Helper()
	resp, body := getAs(t, ac.client, w.URL+"/airlines/"+w.airlines["A"].id+"/roster"+query, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("roster%s: %d", query, resp.StatusCode)
	}
	d := doc(t, body)
	var ids []string
	d.Find(`#roster [data-testid="roster-row"]`).Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-pilot", "")) })
	return ids, d
}

// checkPager checks the pager's accessible markup: a named nav, the
// current page marked, and links for the neighbours that exist.
func checkPager(t *testing.T, d *goquery.Document, what string, page, pages int, prev, next string) {
	t.Helper()
	nav := d.Find(`nav[aria-label][data-testid="pager"]`)
	if nav.Length() != 1 {
		t.Fatalf("%s: %d pagers, want one nav with a label", what, nav.Length())
	}
	if cur := strings.TrimSpace(nav.Find(`[aria-current="page"]`).Text()); cur != fmt.Sprintf("Page %d of %d", page, pages) {
		t.Errorf("%s: the current page reads %q, want Page %d of %d", what, cur, page, pages)
	}
	for _, l := range []struct{ rel, want string }{{"prev", prev}, {"next", next}} {
		a := nav.Find(`a[rel="` + l.rel + `"]`)
		if href, _ := a.Attr("href"); href != l.want || (l.want == "" && a.Length() != 0) {
			t.Errorf("%s: the %s link is %q, want %q", what, l.rel, href, l.want)
		}
	}
}

// The roster of 120 pilots is three pages of 50 in pilot-id order, with
// the count and a pager; a page past the end is the last, and a page that
// is not a number is the first.
func TestTheRosterIsPaged(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			pilot := w.actors[1]
			w.session(t, pilot)
			before, _ := w.rosterPage(t, pilot, "")
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			for i := range 120 - len(before) {
				email := fmt.Sprintf("paged-%03d@example.com", i)
				if _, _, _, err := w.users.CreatePerson(ctx, sys, a.id, domain.Person{Name: email, Email: email, Country: "GB", Role: domain.RolePilot}); err != nil {
					t.Fatal(err)
				}
			}
			w.settle(t)
			base := "/airlines/" + a.id + "/roster"

			var all []string
			for n, want := range []int{50, 50, 20} {
				ids, d := w.rosterPage(t, pilot, "?page="+strconv.Itoa(n+1))
				if len(ids) != want {
					t.Fatalf("page %d lists %d pilots, want %d", n+1, len(ids), want)
				}
				if got, want := text(d, "roster-count"), fmt.Sprintf("Showing %d–%d of 120 pilots", 50*n+1, 50*n+want); got != want {
					t.Errorf("page %d says %q, want %q", n+1, got, want)
				}
				if n == 1 {
					checkPager(t, d, "page 2", 2, 3, base, base+"?page=3")
				}
				all = append(all, ids...)
			}
			// Pilots 51–100 are on page 2, in order: the three pages are
			// the whole roster by pilot id, each pilot once.
			if !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != 120 {
				t.Errorf("the pages together are not 120 pilots in pilot-id order: %v", all)
			}
			first, d := w.rosterPage(t, pilot, "")
			checkPager(t, d, "page 1", 1, 3, "", base+"?page=2")
			if !slices.Equal(first, all[:50]) {
				t.Errorf("the roster without a page is not page 1")
			}
			for _, q := range []string{"?page=abc", "?page=-2", "?page=0", "?page=1.5", "?page=99999999999999999999"} {
				if ids, _ := w.rosterPage(t, pilot, q); !slices.Equal(ids, all[:50]) {
					t.Errorf("roster%s is not page 1", q)
				}
			}
			last, d := w.rosterPage(t, pilot, "?page=40")
			if !slices.Equal(last, all[100:]) {
				t.Errorf("a page past the end is not the last page: %v", last)
			}
			checkPager(t, d, "past the end", 3, 3, base+"?page=2", "")
		})
	}
}

// queueIDs are the PIREP ids of a page of the review queue, in order.
func queueIDs(d *goquery.Document) []string {
	var ids []string
	d.Find(`#pirep-queue [data-testid="pirep-row"]`).Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("data-pirep", "")) })
	return ids
}

// A queue of 60 shows its oldest 50 and the count, page 2 the last 10;
// "Accept selected" works on the page shown.
func TestTheReviewQueueIsPaged(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			staff := w.actors[2]
			w.session(t, staff)
			// The matrix's pending PIREP is the oldest; 59 more after it.
			filed := []string{a.pirep}
			for i := range 59 {
				off := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
				filed = append(filed, w.fileAs(t, a, a.pirepPilotID, domain.PirepDetails{FlightNumber: strconv.Itoa(900 + i), DptAirport: "EGLL",
					ArrAirport: "EGLL", AircraftID: a.flown, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 50, Distance: 100}))
			}
			w.settle(t)
			base := "/airlines/" + a.id + "/pireps/queue"
			queue := func(query string) *goquery.Document {
				t.Helper()
				resp, body := getAs(t, staff.client, w.URL+base+query, nil)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("queue%s: %d", query, resp.StatusCode)
				}
				return doc(t, body)
			}

			d := queue("")
			if got := queueIDs(d); !slices.Equal(got, filed[:50]) {
				t.Errorf("the queue's first page is not the oldest 50: %d rows", len(got))
			}
			if more := text(d, "queue-more"); more != "50 of 60 waiting, oldest first" {
				t.Errorf("the queue says %q, want 50 of 60 waiting, oldest first", more)
			}
			checkPager(t, d, "queue page 1", 1, 2, "", base+"?page=2")
			d = queue("?page=2")
			second := queueIDs(d)
			if !slices.Equal(second, filed[50:]) {
				t.Errorf("the queue's page 2 is not the last 10: %d rows", len(second))
			}
			if more := text(d, "queue-more"); more != "51–60 of 60 waiting, oldest first" {
				t.Errorf("page 2 says %q", more)
			}
			checkPager(t, d, "queue page 2", 2, 2, base, "")
			if got := queueIDs(queue("?page=x")); !slices.Equal(got, filed[:50]) {
				t.Errorf("queue?page=x is not the first page")
			}
			if got := queueIDs(queue("?page=7")); !slices.Equal(got, second) {
				t.Errorf("a page past the end is not the last")
			}

			// Accept the ten of page 2 at once: what is left fits a page.
			ids := make([]string, 0, len(second))
			for _, id := range second {
				if d.Find(`input[type="checkbox"][name="pirep"][value="`+id+`"][form="bulk-accept"]`).Length() != 1 {
					t.Fatalf("page 2 has no box to select %s", id)
				}
				ids = append(ids, id)
			}
			resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/accept", url.Values{"pirep": ids})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept selected: %d", resp.StatusCode)
			}
			w.settle(t)
			d = queue("")
			if got := queueIDs(d); !slices.Equal(got, filed[:50]) || d.Find(`[data-testid="queue-more"]`).Length() != 0 || d.Find(`[data-testid="pager"]`).Length() != 0 {
				t.Errorf("after accepting page 2 the queue shows %d rows, count %q, %d pagers; want the 50 left, no count, no pager",
					len(got), text(d, "queue-more"), d.Find(`[data-testid="pager"]`).Length())
			}
		})
	}
}
