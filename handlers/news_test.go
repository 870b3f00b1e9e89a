package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// hostileMarkdown is news a careless or hostile admin might post: raw
// HTML, a script, event attributes and javascript: links, in Markdown's
// every way of making a link.
const hostileMarkdown = "Hello **pilots**!\n\n" +
	"<script>alert('raw')</script>\n\n" +
	"<img src=x onerror=\"alert('img')\">\n\n" +
	"[click](javascript:alert('link'))\n\n" +
	"[ref][r]\n\n[r]: javascript:alert('ref')\n\n" +
	"<a href=\"javascript:alert('a')\">a tag</a>\n\n" +
	"![pic](javascript:alert('pic'))\n\n" +
	"<iframe src=\"https://evil.example\"></iframe>\n\n" +
	"| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
	"[safe](https://example.com/timetable)"

func TestStaffPostEditAndDeleteNews(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkNewsPages(t, newMatrixWorld(t, m)) })
	}
}

// newsItem is the news item titled title in a page, if any.
func newsItem(d *goquery.Document, title string) *goquery.Selection {
	return d.Find(`[data-testid="news-item"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Find(`[data-testid="news-title"]`).Text()) == title
	})
}

func checkNewsPages(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	news := "/airlines/" + a.id + "/news"

	resp, body := getAs(t, staff.client, w.URL+news, nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the news page: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "News" {
		t.Errorf("the current tab is %q, want News", tab)
	}
	if newsItem(d, "Matrix news").Length() != 1 {
		t.Errorf("the matrix's news item is not listed")
	}

	// Bad input comes back at 422 with the messages beside the fields and
	// the input kept, and appends nothing.
	for _, bad := range []url.Values{
		{"title": {"  "}, "body": {"kept body"}},
		{"title": {"kept title"}, "body": {"a\x00b"}},
		{"title": {"bad\xffutf8"}, "body": {"kept"}},
		{"title": {"kept title"}, "body": {strings.Repeat("x", domain.NewsBodyMax+1)}},
	} {
		before := w.countEvents(t)
		resp, body := w.sendForm(t, staff, news, bad)
		d := doc(t, body)
		field := "title"
		if strings.HasPrefix(bad.Get("title"), "kept") {
			field = "body"
		}
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+field) == "" {
			t.Errorf("news %.40q: %d, error beside %s %q", bad.Encode(), resp.StatusCode, field, text(d, "error-"+field))
		}
		if field == "body" && !strings.HasPrefix(bad.Get("body"), "a") {
			if v := d.Find(`#news-body`).Text(); v != bad.Get("body") {
				t.Errorf("the body typed was not kept: %.40q", v)
			}
		}
		if v, _ := d.Find(`#news-title`).Attr("value"); field == "body" && v != bad.Get("title") {
			t.Errorf("the title typed was not kept: %q", v)
		}
		if after := w.countEvents(t); after != before {
			t.Errorf("a refused post appended %d events", after-before)
		}
	}
	// A body past what the form's request may carry is a clear 413.
	resp, body = w.sendForm(t, staff, news, url.Values{"title": {"Huge"}, "body": {strings.Repeat("x", 300<<10)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(strings.ToLower(body), "large") {
		t.Errorf("a huge body: %d %.200s", resp.StatusCode, body)
	}

	// A pilot and another airline's admin cannot post.
	if resp, _ := w.sendForm(t, pilot, news, url.Values{"title": {"Pilot news"}, "body": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot posts news: %d, want 403", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staffB, news, url.Values{"title": {"B's news"}, "body": {"x"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("B's admin posts in A: %d, want 404", resp.StatusCode)
	}

	// A good post shows at once, rendered, with nothing hostile left.
	resp, _ = w.sendForm(t, staff, news, url.Values{"title": {"Welcome aboard"}, "body": {hostileMarkdown}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != news {
		t.Fatalf("post news: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, staff.client, w.URL+news, nil)
	d = doc(t, body)
	item := newsItem(d, "Welcome aboard")
	if item.Length() != 1 || text(d, "notice") == "" {
		t.Fatalf("the new news is not listed (notice %q)", text(d, "notice"))
	}
	checkSafeNews(t, "staff's list", item)
	if item.Find(`[data-testid="news-author"]`).Text() == "" {
		t.Errorf("the news names no author")
	}

	// The pilot's dashboard and the public page show it; B's do not.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	checkSafeNews(t, "dashboard", newsItem(doc(t, body), "Welcome aboard"))
	_, body = getAs(t, newClient(), w.URL+"/a/"+a.slug, nil)
	checkSafeNews(t, "public page", newsItem(doc(t, body), "Welcome aboard"))
	_, body = getAs(t, newClient(), w.URL+"/a/"+b.slug, nil)
	if newsItem(doc(t, body), "Welcome aboard").Length() != 0 {
		t.Errorf("B's public page shows A's news")
	}
	// The dashboard's news section alone, as the live refresh fetches it.
	resp, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard/news/live", map[string]string{"HX-Request": "true"})
	if d := doc(t, body); resp.StatusCode != http.StatusOK || newsItem(d, "Welcome aboard").Length() != 1 || d.Find(`[data-testid="dashboard-hours"]`).Length() != 0 {
		t.Errorf("the dashboard's news fragment: %d, %.300s", resp.StatusCode, body)
	}

	// Edit it: the form shows the Markdown as typed; bad input is kept.
	editURL, _ := item.Find(`[data-testid="edit-news"]`).Attr("href")
	_, body = getAs(t, staff.client, w.URL+editURL, nil)
	if got := doc(t, body).Find(`#news-body`).Text(); got != hostileMarkdown {
		t.Errorf("the edit form's body is %.80q, want the Markdown as posted", got)
	}
	resp, body = w.sendForm(t, staff, editURL, url.Values{"title": {""}, "body": {"new text"}})
	if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-title") == "" || d.Find(`#news-body`).Text() != "new text" {
		t.Errorf("a bad edit: %d %q", resp.StatusCode, text(d, "error-title"))
	}
	// B's admin cannot open or change A's news through B's address.
	otherURL := strings.Replace(editURL, a.id, b.id, 1)
	if resp, _ := getAs(t, staffB.client, w.URL+otherURL, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("A's news through B: %d, want 404", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staffB, otherURL+"/delete", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("delete A's news through B: %d, want 404", resp.StatusCode)
	}
	resp, _ = w.sendForm(t, staff, editURL, url.Values{"title": {"Welcome aboard, edited"}, "body": {"Now *plain*."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	_, body = getAs(t, newClient(), w.URL+"/a/"+a.slug, nil)
	if it := newsItem(doc(t, body), "Welcome aboard, edited"); it.Length() != 1 || it.Find("em").Text() != "plain" {
		t.Errorf("the public page does not show the edit")
	}

	// Delete asks first; once confirmed the item is gone everywhere.
	_, body = getAs(t, staff.client, w.URL+editURL+"/delete", nil)
	d = doc(t, body)
	if d.Find(`[data-testid="delete-news-form"]`).Length() != 1 || !strings.Contains(d.Text(), "Welcome aboard, edited") {
		t.Fatalf("no confirmation: %.300s", body)
	}
	if resp, _ := w.sendForm(t, staff, editURL+"/delete", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	for _, page := range []string{"/a/" + a.slug} {
		_, body = getAs(t, newClient(), w.URL+page, nil)
		if newsItem(doc(t, body), "Welcome aboard, edited").Length() != 0 {
			t.Errorf("%s still shows the deleted news", page)
		}
	}
	if resp, _ := getAs(t, staff.client, w.URL+editURL, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted item's edit page: %d, want 404", resp.StatusCode)
	}
}

// checkSafeNews checks that a rendered news item kept its Markdown's
// formatting and safe link and lost every piece of hostile HTML.
func checkSafeNews(t *testing.T, where string, item *goquery.Selection) {
	t.Helper()
	if item.Length() != 1 {
		t.Errorf("%s: the news item is not shown", where)
		return
	}
	html, _ := item.Find(`[data-testid="news-body"]`).Html()
	if item.Find("strong").Text() != "pilots" || item.Find("table td").Length() != 2 {
		t.Errorf("%s: the Markdown is not rendered: %s", where, html)
	}
	if href, _ := item.Find(`a:contains("safe")`).Attr("href"); href != "https://example.com/timetable" {
		t.Errorf("%s: the safe link is %q", where, href)
	}
	lower := strings.ToLower(html)
	for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "<img src=\"x\""} {
		if strings.Contains(lower, bad) {
			t.Errorf("%s: %q survived: %s", where, bad, html)
		}
	}
}

func TestPhpvmsNewsIsTheAirlinesNewsPaged(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkPhpvmsNews(t, newMatrixWorld(t, m)) })
	}
}

func checkPhpvmsNews(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	staff := w.actors[2]
	w.session(t, staff)
	for _, title := range []string{"First", "Second", "Third"} {
		if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/news", url.Values{"title": {title}, "body": {"Text of **" + title + "**"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post %s: %d", title, resp.StatusCode)
		}
	}
	getJSON := func(path string) (int, map[string]any) {
		t.Helper()
		resp, body := getAs(t, newClient(), w.URL+path, nil)
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("GET %s: %d, not JSON: %.200s", path, resp.StatusCode, body)
		}
		return resp.StatusCode, doc
	}
	status, doc := getJSON("/a/" + a.slug + "/api/news?limit=2")
	list, _ := doc["data"].([]any)
	meta, _ := doc["meta"].(map[string]any)
	links, _ := doc["links"].(map[string]any)
	if status != http.StatusOK || len(list) != 2 || meta["total"] != float64(4) || meta["per_page"] != float64(2) || meta["last_page"] != float64(2) ||
		meta["current_page"] != float64(1) || meta["next_page"] == nil || links == nil {
		t.Fatalf("page 1: %d %v", status, doc)
	}
	first, _ := list[0].(map[string]any)
	user, _ := first["user"].(map[string]any)
	if first["subject"] != "Third" || first["body"] != "Text of **Third**" || first["id"] != float64(4) || first["created_at"] == nil ||
		first["updated_at"] == nil || user == nil || user["name"] == "" || first["user_id"] != user["id"] {
		t.Errorf("the newest item: %v", first)
	}
	if second, _ := list[1].(map[string]any); second["subject"] != "Second" {
		t.Errorf("the second item: %v", second)
	}
	_, doc = getJSON("/a/" + a.slug + "/api/news?limit=2&page=2")
	list, _ = doc["data"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["subject"] != "First" || list[1].(map[string]any)["subject"] != "Matrix news" ||
		list[1].(map[string]any)["id"] != float64(1) || list[1].(map[string]any)["user"] != nil {
		t.Errorf("page 2: %v", doc)
	}
	_, doc = getJSON("/a/" + b.slug + "/api/news")
	if list, _ := doc["data"].([]any); len(list) != 1 || list[0].(map[string]any)["subject"] != "Matrix news" {
		t.Errorf("B's news: %v", doc)
	}
	if status, doc := getJSON("/a/" + a.slug + "/api/news?limit=0"); status != http.StatusBadRequest {
		t.Errorf("limit=0: %d %v", status, doc)
	}
}
