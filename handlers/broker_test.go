package handlers

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/reads"
)

func brokerServer(t *testing.T, b *Broker) *httptest.Server {
	return brokerServerAs(t, b, reads.User{})
}

// brokerServerAs serves the stream to a logged-in user.
func brokerServerAs(t *testing.T, b *Broker, u reads.User) *httptest.Server {
	t.Helper()
	e := echo.New()
	e.GET("/events", b.streamEvents(nil, nil), func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if u.Role != "" {
				c.Set(userKey, u)
			}
			return next(c)
		}
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// readStream returns the lines of an event stream as they arrive.
func readStream(t *testing.T, url, lastID string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer resp.Body.Close()
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

func expectLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q", want)
			}
			if l == want {
				return
			}
		case <-timeout:
			t.Fatalf("no line %q", want)
		}
	}
}

func waitClients(t *testing.T, b *Broker, n int) {
	t.Helper()
	for i := 0; b.Clients() != n; i++ {
		if i > 500 {
			t.Fatalf("%d clients connected, want %d", b.Clients(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBrokerStreamsResumesAndFilters(t *testing.T) {
	b := NewBroker(slog.Default(), 50*time.Millisecond)
	srv := brokerServer(t, b)
	live := readStream(t, srv.URL, "")
	waitClients(t, b, 1)

	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"a1"}, Position: "7.1"})
	b.publish(notify.Notice{TenantID: "other-tenant", Topic: "pireps", IDs: []string{"secret"}, Position: "7.2"})
	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"a2"}, Position: "8.3"})
	expectLine(t, live, "id: 7.1")
	expectLine(t, live, "id: 8.3")
	expectLine(t, live, ": heartbeat")

	resumed := readStream(t, srv.URL, "7.1")
	expectLine(t, resumed, "id: 8.3")

	stale := readStream(t, srv.URL, "1.0")
	expectLine(t, stale, "event: resync")
	waitClients(t, b, 3)

	b.Close()
	for _, ch := range []<-chan string{live, resumed, stale} {
		for l := range ch {
			if strings.Contains(l, "secret") {
				t.Errorf("a platform page received another tenant's notice: %q", l)
			}
		}
	}
}

// A burst of live-flights notices beyond a stream's buffer drops the
// notices the map does not need (it re-reads every flight on the next)
// and keeps the stream; any other notice beyond it still cuts it.
func TestBrokerKeepsAStreamThroughABurstOfLiveFlights(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	c, _, _ := b.subscribe(sseViewer{}, nil)
	for i := 0; i < clientBuffer*4; i++ {
		b.publish(notify.Notice{Topic: live.TopicLiveFlights, IDs: []string{"p"}, Position: fmt.Sprintf("1.%d", i+1)})
	}
	if b.Clients() != 1 {
		t.Fatalf("a burst of live-flights notices cut the stream")
	}
	if n := len(c.events); n != clientBuffer {
		t.Errorf("the stream holds %d notices, want its buffer of %d", n, clientBuffer)
	}
	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"x"}, Position: "2.1"})
	if b.Clients() != 0 {
		t.Errorf("a notice of another topic beyond the buffer did not cut the stream")
	}
}

func TestBrokerDropsASlowClientWithoutBlocking(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	c, _, _ := b.subscribe(sseViewer{}, nil)
	done := make(chan struct{})
	go func() {
		for i := 0; i < clientBuffer*4; i++ {
			b.publish(notify.Notice{Topic: "airlines", IDs: []string{"x"}, Position: "1.1"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publishing blocked on a client that does not read")
	}
	if b.Clients() != 0 {
		t.Errorf("the slow client is still registered")
	}
	n := 0
	for range c.events {
		n++
	}
	if n != clientBuffer {
		t.Errorf("slow client got %d events before being cut off, want its buffer of %d", n, clientBuffer)
	}
}

func TestBrokerStreamsOutliveServerTimeouts(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	e := echo.New()
	e.GET("/events", b.streamEvents(nil, nil))
	srv := httptest.NewUnstartedServer(e)
	srv.Config.ReadTimeout = 100 * time.Millisecond
	srv.Config.WriteTimeout = 100 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)

	lines := readStream(t, srv.URL, "")
	waitClients(t, b, 1)
	time.Sleep(500 * time.Millisecond) // well past both timeouts
	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"late"}, Position: "3.4"})
	expectLine(t, lines, "id: 3.4")
}

func TestBrokerSendsATenantsNoticesToItsPeopleAndThePlatformAdmin(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	pilot := readStream(t, brokerServerAs(t, b, reads.User{TenantID: "t1", Role: domain.RolePilot}).URL, "")
	admin := readStream(t, brokerServerAs(t, b, reads.User{Role: domain.RolePlatformAdmin}).URL, "")
	other := readStream(t, brokerServerAs(t, b, reads.User{TenantID: "t2", Role: domain.RoleAirlineAdmin}).URL, "")
	waitClients(t, b, 3)
	b.publish(notify.Notice{TenantID: "t1", Topic: "users", IDs: []string{"u1"}, Position: "9.1"})
	b.publish(notify.Notice{TenantID: "t2", Topic: "users", IDs: []string{"u2"}, Position: "9.2"})
	expectLine(t, pilot, "id: 9.1")
	expectLine(t, admin, "id: 9.1")
	expectLine(t, admin, "id: 9.2")
	// The other airline's first event is its own: 9.1 came first and is not for it.
	for line := range other {
		if strings.HasPrefix(line, "id: ") {
			if line != "id: 9.2" {
				t.Errorf("another airline's page got %q, want only its own id: 9.2", line)
			}
			break
		}
	}
}

// nextID returns the id of the next event on a stream.
func nextID(t *testing.T, lines <-chan string) string {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended before an event")
			}
			if id, ok := strings.CutPrefix(l, "id: "); ok {
				return id
			}
		case <-timeout:
			t.Fatal("no event")
		}
	}
}

// A member's own notices wake only that member's pages, live and on a
// resume; the airline's other pages, the platform admin's included, get
// the airline's notices but not that one.
func TestBrokerTellsAMembersNoticesOnlyToThem(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	pia := reads.User{TenantID: "t1", ID: uuid.NewString(), Role: domain.RolePilot}
	pat := reads.User{TenantID: "t1", ID: uuid.NewString(), Role: domain.RolePilot}
	admin := reads.User{ID: uuid.NewString(), Role: domain.RolePlatformAdmin}
	servers := map[string]*httptest.Server{"Pia": brokerServerAs(t, b, pia), "Pat": brokerServerAs(t, b, pat), "the platform admin": brokerServerAs(t, b, admin)}
	streams := map[string]<-chan string{}
	for who, srv := range servers {
		streams[who] = readStream(t, srv.URL, "")
	}
	waitClients(t, b, 3)

	b.publish(notify.Notice{TenantID: "t1", UserID: pia.ID, Topic: "notices", Position: "5.1"})
	b.publish(notify.Notice{TenantID: "t1", Topic: "pireps", IDs: []string{"p1"}, Position: "5.2"})
	want := map[string]string{"Pia": "5.1", "Pat": "5.2", "the platform admin": "5.2"}
	for who, lines := range streams {
		if got := nextID(t, lines); got != want[who] {
			t.Errorf("%s's page got event %s first, want %s", who, got, want[who])
		}
		if who == "Pia" {
			resumed := readStream(t, servers[who].URL, "5.0")
			if got := nextID(t, resumed); got != "5.1" {
				t.Errorf("Pia's resumed page got %s first, want her notice 5.1", got)
			}
		} else if got := nextID(t, readStream(t, servers[who].URL, "5.0")); got != "5.2" {
			t.Errorf("%s's resumed page got %s first, want 5.2", who, got)
		}
	}
}

// A notice without a log position (an import job's progress, from any
// process) reaches its tenant's pages without an id, and is not replayed to
// a stream that resumes: the page re-fetches instead.
func TestBrokerPassesOnNoticesWithoutAPositionWithoutKeepingThem(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	srv := brokerServerAs(t, b, reads.User{TenantID: "t1", Role: domain.RoleAirlineAdmin})
	other := readStream(t, brokerServerAs(t, b, reads.User{TenantID: "t2", Role: domain.RoleAirlineAdmin}).URL, "")
	live := readStream(t, srv.URL, "")
	waitClients(t, b, 2)
	b.publish(notify.Notice{TenantID: "t1", Topic: "import-j1", IDs: []string{"j1"}})
	b.publish(notify.Notice{TenantID: "t1", Topic: "airports", IDs: []string{"EGLL"}, Position: "4.1"})
	b.publish(notify.Notice{TenantID: "t2", Topic: "airports", IDs: []string{"LPPT"}, Position: "4.2"})
	var got []string
	for line := range live {
		if strings.HasPrefix(line, "id: ") || strings.HasPrefix(line, "event: ") {
			got = append(got, line)
		}
		if line == "id: 4.1" {
			break
		}
	}
	if want := []string{"event: import-j1", "id: 4.1"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the stream got %q, want the passing update without an id, then the change", got)
	}
	for line := range other {
		if strings.HasPrefix(line, "event: ") {
			if line != "event: airports" {
				t.Errorf("another airline's page got %q", line)
			}
			break
		}
	}

	// A stream resuming from before both replays only the change.
	resumed := readStream(t, srv.URL, "4.0")
	for line := range resumed {
		if line == "event: import-j1" {
			t.Fatal("the passing update was replayed to a resumed stream")
		}
		if line == "id: 4.1" {
			break
		}
	}
}

// A platform-wide notice (no tenant: the airline list, the platform
// admin's own record) names other airlines and the platform admin: it
// reaches the platform admin's pages only, live and on a resume.
func TestBrokerSendsPlatformWideNoticesOnlyToThePlatformAdmin(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	pilotSrv := brokerServerAs(t, b, reads.User{TenantID: "t1", ID: uuid.NewString(), Role: domain.RolePilot})
	pilot := readStream(t, pilotSrv.URL, "")
	admin := readStream(t, brokerServerAs(t, b, reads.User{ID: uuid.NewString(), Role: domain.RolePlatformAdmin}).URL, "")
	waitClients(t, b, 2)
	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"t2"}, Position: "7.1"})
	b.publish(notify.Notice{TenantID: "t1", Topic: "users", IDs: []string{"u1"}, Position: "7.2"})
	if got := nextID(t, admin); got != "7.1" {
		t.Errorf("the platform admin's page got %s first, want the platform-wide 7.1", got)
	}
	if got := nextID(t, pilot); got != "7.2" {
		t.Errorf("an airline's page got %s first, want only its airline's 7.2", got)
	}
	if got := nextID(t, readStream(t, pilotSrv.URL, "7.0")); got != "7.2" {
		t.Errorf("an airline's resumed page got %s first, want only its airline's 7.2", got)
	}
}

// The broker filters by role as DESIGN says: the review side's notices
// reach the airline's staff (and the platform admin) only, a person's own
// notices that person only, a PIREP's page notice its pilot and staff; no
// notice crosses to another airline.
func TestBrokerFiltersNoticesByRoleAndPerson(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	pilotA, _, _ := b.subscribe(viewerOf("t1", "pa", domain.RolePilot), nil)
	pilotB, _, _ := b.subscribe(viewerOf("t1", "pb", domain.RolePilot), nil)
	staff, _, _ := b.subscribe(viewerOf("t1", "s1", domain.RoleAirlineAdmin), nil)
	otherStaff, _, _ := b.subscribe(viewerOf("t2", "s2", domain.RoleAirlineAdmin), nil)
	platform, _, _ := b.subscribe(viewerOf("", "root", domain.RolePlatformAdmin), nil)

	b.publish(notify.Notice{TenantID: "t1", UserID: "pa", Topic: live.TopicOwnPireps, Position: "1.1"})
	b.publish(notify.Notice{TenantID: "t1", Staff: true, Topic: live.TopicPirepReview, Position: "1.2"})
	b.publish(notify.Notice{TenantID: "t1", UserID: "pa", Staff: true, Topic: live.PirepTopic("p1"), Position: "1.3"})
	b.publish(notify.Notice{TenantID: "t1", Topic: live.TopicPilotTotals, Position: "1.4"})
	b.Close()

	got := func(c *sseClient) (topics []string) {
		for ev := range c.events {
			topics = append(topics, string(ev.topic))
		}
		return topics
	}
	for _, c := range []struct {
		name   string
		client *sseClient
		want   []string
	}{
		{"pilot A", pilotA, []string{"own-pireps", "pirep-p1", "pilot-totals"}},
		{"pilot B", pilotB, []string{"pilot-totals"}},
		{"staff", staff, []string{"pirep-review", "pirep-p1", "pilot-totals"}},
		{"another airline's staff", otherStaff, nil},
		{"platform admin", platform, []string{"pirep-review", "pirep-p1", "pilot-totals"}},
	} {
		if g := got(c.client); !slices.Equal(g, c.want) {
			t.Errorf("%s got %v, want %v", c.name, g, c.want)
		}
	}
}

// Live-flights events queued for a stream go out as one event per run,
// naming every flight of the run once per change in log order, resuming
// from the last; other notices, and another audience's, keep their place.
func TestBrokerMergesQueuedLiveFlights(t *testing.T) {
	lf := func(tenant, id, pos string) sseEvent {
		p, _ := domain.ParsePosition(pos)
		return sseEvent{pos: p, tenant: tenant, topic: live.TopicLiveFlights, ids: []string{id}, data: []byte(`{"ids":["` + id + `"]}`)}
	}
	batch := []sseEvent{lf("t", "a", "1.1"), lf("t", "b", "1.2"), lf("t", "a", "1.3"),
		{pos: domain.Position{Commit: 1, Seq: 4}, tenant: "t", topic: "airlines", ids: []string{"x"}, data: []byte(`{"ids":["x"]}`)},
		lf("t", "c", "1.5"), lf("u", "d", "1.6"), lf("u", "e", "1.7")}
	out := mergeLiveFlights(batch)
	var got []string
	for _, ev := range out {
		got = append(got, fmt.Sprintf("%s %s %s", ev.topic, ev.pos, ev.data))
	}
	want := []string{
		`live-flights 1.3 {"tenant_id":"t","topic":"live-flights","ids":["a","b","a"],"position":"1.3"}`,
		`airlines 1.4 {"ids":["x"]}`,
		`live-flights 1.5 {"ids":["c"]}`,
		`live-flights 1.7 {"tenant_id":"u","topic":"live-flights","ids":["d","e"],"position":"1.7"}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("merged:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(batch[0].ids, []string{"a"}) {
		t.Errorf("merging changed the shared event's ids to %v", batch[0].ids)
	}
}

// However the stream's writes group them, a burst of live-flights notices
// its buffer holds reaches the page with every flight named, in order.
func TestBrokerStreamsEveryLiveFlightOfABurst(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	srv := brokerServer(t, b)
	lines := readStream(t, srv.URL, "")
	waitClients(t, b, 1)
	const n = clientBuffer
	var want []string
	for i := range n {
		want = append(want, fmt.Sprint("p", i))
		b.publish(notify.Notice{Topic: live.TopicLiveFlights, IDs: []string{want[i]}, Position: fmt.Sprintf("1.%d", i+1)})
	}
	var got []string
	timeout := time.After(5 * time.Second)
	for len(got) < n {
		select {
		case l := <-lines:
			if rest, ok := strings.CutPrefix(l, "data: "); ok {
				var doc notify.Notice
				if err := json.Unmarshal([]byte(rest), &doc); err != nil {
					t.Fatalf("data %q: %v", rest, err)
				}
				got = append(got, doc.IDs...)
			}
		case <-timeout:
			t.Fatalf("%d of %d flights named before the timeout", len(got), n)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the stream named %v, want %v", got, want)
	}
}
