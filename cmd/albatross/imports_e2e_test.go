package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/store/pgtest"
)

// uploadCSV sends a file of a kind through the imports form and returns
// the path of its job's page.
func uploadCSV(t *testing.T, b *browser, airlineID, kind string, data []byte) string {
	t.Helper()
	_, doc := b.get("/airlines/" + airlineID + "/imports")
	csrf, _ := doc.Find(`[data-testid="import-form"] input[name="_csrf"]`).Attr("value")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", csrf)
	_ = w.WriteField("kind", kind)
	part, _ := w.CreateFormFile("file", kind+".csv")
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/airlines/"+airlineID+"/imports", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatalf("upload %s: %v", kind, err)
	}
	resp.Body.Close()
	job := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || job == "" {
		t.Fatalf("upload %s: status %d, want a redirect to the job", kind, resp.StatusCode)
	}
	return job
}

// waitJob reads a job's page until the job has stopped checking and
// applying, and fails unless it then is in state want.
func waitJob(t *testing.T, b *browser, job, want string) *goquery.Document {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, doc := b.get(job)
		state, _ := doc.Find(`[data-testid="import-job"]`).Attr("data-state")
		switch {
		case state == want:
			return doc
		case resp.StatusCode != http.StatusOK:
			t.Fatalf("the job page %s on %s answered %d", job, b.base, resp.StatusCode)
		case state != "checking" && state != "applying":
			t.Fatalf("the job %s ended %q, want %q: %s", job, state, want, doc.Find(`[data-testid="job-state"]`).Text())
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job %s is still %s after a minute", job, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func jobCounts(doc *goquery.Document) string {
	return doc.Find(`[data-testid="created"]`).Text() + "/" + doc.Find(`[data-testid="updated"]`).Text() + "/" + doc.Find(`[data-testid="unchanged"]`).Text()
}

// Behind a load balancer each request of an import may reach another
// process: a file uploaded on one is shown, followed live, listed and its
// valid rows applied on the other.
func TestImportJobsWorkFromEveryProcessOfADeployment(t *testing.T) {
	redisURL := pgtest.RedisURL()
	pgtest.RequireRedis(t, redisURL)
	servers := startServers(t, 2, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": redisURL})
	a, b := servers[0], servers[1]
	onA := loginAsAdmin(t, a, b)
	onB := newBrowser(t, b)
	onB.logIn(t, "admin", adminPassword, "/airlines")
	airline := createAirline(t, onA, "Shared Imports", "SHI", "shared-imports")
	streamOnB := openStream(t, b.URL, onB.cookieHeader())

	// A good file, uploaded on A: its page on B follows it live to the end.
	good := uploadCSV(t, onA, airline, "airports", []byte("icao,name,lat,lon\nLPPT,Lisbon,38.78,-9.13\nEGLL,Heathrow,51.47,-0.46\n"))
	goodID := good[strings.LastIndex(good, "/")+1:]
	waitEvent(t, streamOnB, "import-"+goodID, goodID)
	// A finished job wakes the admin's home on every process, which
	// counts the jobs that ended with problems.
	waitEvent(t, streamOnB, "imports", "")
	if doc := waitJob(t, onB, good, "done"); jobCounts(doc) != "2/0/0" {
		t.Errorf("the job's page on B counts %s, want 2/0/0", jobCounts(doc))
	}

	// A file with problems, uploaded on A: refused, as B shows it.
	bad := uploadCSV(t, onA, airline, "airports", []byte("icao,name,lat,lon\nLPPR,Porto,41.24,-8.68\nK1,Nowhere,1,1\n"))
	doc := waitJob(t, onB, bad, "refused")
	if n := doc.Find(`[data-testid="problem"]`).Length(); n != 1 {
		t.Errorf("B shows %d problems, want row 3's", n)
	}
	_, list := onB.get("/airlines/" + airline + "/imports")
	if html, _ := list.Html(); !strings.Contains(html, good) || !strings.Contains(html, bad) {
		t.Errorf("B's recent imports lack the jobs uploaded on A")
	}

	// "Import only the valid rows", clicked on both processes at once:
	// one applies, the other is told the rows are taken.
	clicks := map[*browser]url.Values{}
	for _, br := range []*browser{onA, onB} {
		_, doc := br.get(bad)
		csrf, _ := doc.Find(`[data-testid="apply-valid"]`).Parent().Find(`input[name="_csrf"]`).Attr("value")
		if csrf == "" {
			t.Fatalf("the refused job's page on %s offers no way to import the valid rows", br.base)
		}
		clicks[br] = url.Values{"_csrf": {csrf}}
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses []int
	)
	for br, form := range clicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, br.base+bad+"/apply-valid", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := br.client.Do(req)
			if err != nil {
				t.Errorf("apply on %s: %v", br.base, err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			statuses = append(statuses, resp.StatusCode)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(statuses) != 2 || statuses[0]+statuses[1] != http.StatusSeeOther+http.StatusConflict {
		t.Errorf("the two clicks answered %v, want one 303 and one 409", statuses)
	}
	if doc := waitJob(t, onA, bad, "done"); jobCounts(doc) != "1/0/0" {
		t.Errorf("after the valid rows the job counts %s, want 1/0/0 (applied once)", jobCounts(doc))
	}
	// Under another airline's address the job is not found, on either
	// process, even by the platform admin, who may open both airlines.
	other := createAirline(t, onA, "Other Imports", "OTH", "other-imports")
	for _, br := range []*browser{onA, onB} {
		if resp, _ := br.get("/airlines/" + other + "/imports/" + goodID); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the job under another airline's address answers %d on %s, want 404", resp.StatusCode, br.base)
		}
	}
}
