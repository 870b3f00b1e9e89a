package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/importjobs"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
	"github.com/albatross-va/albatross/wiring"
)

// The HTTP fuzzers send hostile form fields, query strings and headers to
// the handlers of the embedded mode and assert: no panic, never a 5xx, and
// every projection applies whatever was appended.

// fuzzCSRF is the token a fuzzer's requests carry in both the cookie and
// the header, as htmx sends it.
const fuzzCSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"

// fuzzApp is the handlers on the embedded adapters, with one airline and a
// signed-in approved pilot.
type fuzzApp struct {
	echo     *echo.Echo
	es       *sqlite.EventStore
	proj     *projector.Projector
	airline  string
	slug     string
	aircraft string         // an active aircraft at EGLL
	pirep    string         // a PIREP of the pilot
	flight   string         // an ACARS flight of the pilot, in progress
	apiKey   string         // the pilot's API key
	cookies  []*http.Cookie // the pilot's session
	stop     context.CancelFunc
}

func newFuzzApp(f *testing.F) *fuzzApp {
	f.Helper()
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "events.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("FUZZDEBUG") != "" {
		logger = slog.Default()
	}
	mem := memory.New()
	notices := notify.NewLocal()
	cmds := wiring.NewCommands(es, events.NewRegistry(), mem)
	proj := projector.New(es, mem, cmds.Runner.Registry, notices, logger, projector.All()...).
		WithReactors(es.ReactorCheckpoints(), cmds.Reactors()...)
	users, airlines := cmds.Users, cmds.Airlines
	runCtx, stop := context.WithCancel(ctx)
	a := &fuzzApp{es: es, proj: proj, stop: stop}
	f.Cleanup(func() { stop(); _ = notices.Close(); _ = es.Close() })
	go func() { _ = proj.Run(runCtx) }()
	broker := handlers.NewBroker(logger, time.Second)
	go func() { _ = broker.Run(runCtx, notices) }()
	jobs := imports.NewJobs(importjobs.NewLocal(imports.DefaultRetention), handlers.ImportProgress(notices, logger), logger)
	f.Cleanup(jobs.Close)
	d := cmds.Deps()
	d.Log = logger
	d.Sessions = handlers.NewSessions(es.Sessions(), false)
	d.Events = es
	d.Waiter = proj
	d.Broker = broker
	d.Ready = func(context.Context) (any, error) { return "fine", nil }
	d.WaitBound = 10 * time.Second
	d.APIKeyCache = apikeycache.NewLocal(0)
	d.Imports = jobs
	d.Throttles = handlers.LocalThrottles()
	a.echo = handlers.New(d)
	a.slug = "fzz"
	a.airline, _, err = airlines.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System},
		domain.CreateAirline{Name: "Fuzz Air", ICAO: "FZZ", Slug: a.slug})
	if err != nil {
		f.Fatal(err)
	}
	admin := domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: a.airline}
	pilot, _, err := users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, a.airline,
		domain.Person{Name: "Ana Pilot", Email: "ana@example.com", Country: "PT", Password: "a long enough password"})
	if err != nil {
		f.Fatal(err)
	}
	if _, _, err := users.Approve(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: admin}, a.airline, pilot); err != nil {
		f.Fatal(err)
	}
	adm := func() domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: admin} }
	airports := cmds.Airports
	for _, ap := range []domain.AirportDetails{
		{ICAO: "EGLL", Name: "Heathrow", Latitude: 51.4706, Longitude: -0.461941, Hub: true},
		{ICAO: "KJFK", Name: "Kennedy", Latitude: 40.639751, Longitude: -73.778925},
	} {
		if _, err := airports.Add(ctx, adm(), a.airline, ap); err != nil {
			f.Fatal(err)
		}
	}
	// Charters and jumpseats on, so their forms reach the domain's checks.
	if _, err := cmds.Airlines.SetPirepRules(ctx, adm(), a.airline, domain.PirepRules{AllowCharters: true,
		Jumpseats: domain.JumpseatRules{Allowed: true, PerMonth: 50}}); err != nil {
		f.Fatal(err)
	}
	if err := proj.CatchUp(ctx); err != nil {
		f.Fatal(err)
	}
	fleet := cmds.Fleet
	sf, _, err := fleet.CreateSubfleet(ctx, adm(), a.airline, domain.Subfleet{Type: "B738", ICAO: "B738", Name: "737", HubID: "EGLL"})
	if err != nil {
		f.Fatal(err)
	}
	if err := proj.CatchUp(ctx); err != nil {
		f.Fatal(err)
	}
	if a.aircraft, _, err = fleet.AddAircraft(ctx, adm(), a.airline, domain.NewAircraft{SubfleetID: sf, Registration: "G-FUZZ", Name: "Fuzzy", AirportID: "EGLL"}); err != nil {
		f.Fatal(err)
	}
	if err := proj.CatchUp(ctx); err != nil {
		f.Fatal(err)
	}
	pireps := cmds.Pireps
	off := time.Now().UTC().Add(-10 * time.Hour).Truncate(time.Minute)
	a.pirep, _, err = pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.Actor{UserID: pilot, Role: domain.RolePilot, TenantID: a.airline}}, a.airline,
		domain.PirepDetails{FlightNumber: "1", DptAirport: "EGLL", ArrAirport: "KJFK", AircraftID: a.aircraft, BlockOff: off, BlockOn: off.Add(8 * time.Hour),
			FlightTime: 470, Source: domain.PirepSourceManual}, true)
	if err != nil {
		f.Fatal(err)
	}
	if err := proj.CatchUp(ctx); err != nil {
		f.Fatal(err)
	}
	key, _, err := cmds.APIKeys.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, pilot, domain.CreateAPIKey{Name: "ACARS"})
	if err != nil {
		f.Fatal(err)
	}
	a.apiKey = key.Key
	a.flight, _, err = pireps.Prefile(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.Actor{UserID: pilot, Role: domain.RolePilot, TenantID: a.airline}}, a.airline,
		domain.PirepDetails{FlightNumber: "2", DptAirport: "EGLL", ArrAirport: "KJFK", AircraftID: a.aircraft, SourceName: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	if err := proj.CatchUp(ctx); err != nil {
		f.Fatal(err)
	}
	rec := a.do(http.MethodPost, "/login", url.Values{"email": {"ana@example.com"}, "password": {"a long enough password"}}.Encode(), nil)
	if rec.Code >= 400 {
		f.Fatalf("log in: %d %s", rec.Code, rec.Body.String())
	}
	a.cookies = rec.Result().Cookies()
	if len(a.cookies) == 0 {
		f.Fatal("log in set no session cookie")
	}
	return a
}

// do serves one request; a POST body is a form. header may set any
// header, as a client that is not a browser would.
func (a *fuzzApp) do(method, target, body string, header map[string]string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	return a.doCtx(context.Background(), method, target, body, header, cookies...)
}

func (a *fuzzApp) doCtx(ctx context.Context, method, target, body string, header map[string]string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, method, "http://albatross.test/", strings.NewReader(body))
	// The query is sent as typed, however malformed.
	req.URL.Path, req.URL.RawQuery, _ = strings.Cut(target, "?")
	req.RequestURI = target
	req.RemoteAddr = "192.0.2.1:1234"
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-CSRF-Token", fuzzCSRF)
	req.AddCookie(&http.Cookie{Name: "_csrf", Value: fuzzCSRF})
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for k, v := range header {
		req.Header[k] = []string{v}
	}
	rec := httptest.NewRecorder()
	a.echo.ServeHTTP(rec, req)
	return rec
}

// check fails on a server error and on events no projection can apply.
func (a *fuzzApp) check(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	if os.Getenv("FUZZDEBUG") != "" {
		t.Logf("%.40s: %d", what, rec.Code)
	}
	t.Helper()
	if rec.Code >= 500 {
		body := rec.Body.String()
		if len(body) > 300 {
			body = body[:300]
		}
		t.Errorf("%s: status %d: %s", what, rec.Code, body)
	}
	if err := a.proj.CatchUp(context.Background()); err != nil {
		t.Fatalf("%s: a projection cannot apply what was appended: %v", what, err)
	}
}

func FuzzRegisterForm(f *testing.F) {
	f.Add("Ana Pilot", "ana2@example.com", "PT", "a long enough password", "")
	for _, h := range hostileText() {
		f.Add(h, "ana3@example.com", "PT", "a long enough password", "")
		f.Add("Ana Pilot", h, "PT", "a long enough password", "")
		f.Add("Ana Pilot", "ana4@example.com", h, "a long enough password", "")
		f.Add("Ana Pilot", "ana5@example.com", "PT", h, "")
	}
	// The request, as sent: name=a%00b; and malformed encodings.
	for _, raw := range []string{"name=a%00b", "name=%ff", "name=%zz", "name=%", "name=a%0Db", "name=" + strings.Repeat("%41", 1<<14), "name=a&name=b", "&&&="} {
		f.Add("", "raw@example.com", "PT", "a long enough password", raw)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, name, email, country, password, raw string) {
		body := url.Values{"name": {name}, "email": {email}, "country": {country}, "password": {password},
			"password_confirm": {password}, "command_id": {domain.NewUUID()}}.Encode()
		if raw != "" {
			body = raw + "&" + body
		}
		a.check(t, fmt.Sprintf("register %q", body), a.do(http.MethodPost, "/a/"+a.slug+"/register", body, nil))
	})
}

func FuzzAPIKeyHeaders(f *testing.F) {
	f.Add("Bearer alb_0123456789", "")
	f.Add("", "alb_0123456789")
	for _, h := range hostileText() {
		f.Add("Bearer "+h, "")
		f.Add("", h)
		f.Add(h, h)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, authorization, apiKey string) {
		a.check(t, fmt.Sprintf("api me %q %q", authorization, apiKey), a.do(http.MethodGet, "/api/v1/me", "",
			map[string]string{"Authorization": authorization, "X-API-Key": apiKey}))
	})
}

func FuzzLastEventID(f *testing.F) {
	for _, s := range []string{"0.0", "1.2", "12345.67", "-1.-1", "9223372036854775807.9223372036854775807",
		"99999999999999999999.1", "1.2.3", "1.2x", " 1.2", "1", ".", "%00", "1.\x002", "\xff", strings.Repeat("9", 5000)} {
		f.Add(s)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, id string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		a.check(t, fmt.Sprintf("events Last-Event-ID %q", id), a.doCtx(ctx, http.MethodGet, "/events", "", map[string]string{"Last-Event-Id": id}, a.cookies...))
	})
}

func FuzzFlightSearch(f *testing.F) {
	f.Add("EGLL", "KJFK", "", "1", "")
	for _, h := range append(hostileText(), "%00", "%ff", "%zz") {
		f.Add(h, "", "", "", "")
		f.Add("", h, "", "", "")
		f.Add("", "", h, "", "")
		f.Add("", "", "", h, "")
		f.Add("", "", "", "", h)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, dpt, arr, aircraft, day, after string) {
		// Raw, not encoded: the flights/results?dpt=%00 is typed so.
		q := "dpt=" + dpt + "&arr=" + arr + "&aircraft=" + aircraft + "&day=" + day + "&after=" + after
		a.check(t, fmt.Sprintf("flight search %q", q), a.do(http.MethodGet, "/airlines/"+a.airline+"/flights/results?"+q, "", nil, a.cookies...))
	})
}

func FuzzPirepForm(f *testing.F) {
	off := time.Now().UTC().Add(-5 * time.Hour).Format("2006-01-02 15:04")
	on := time.Now().UTC().Add(-1 * time.Hour).Format("2006-01-02 15:04")
	valid := []string{"100", "EGLL", "KJFK", off, on, "3:50", "5000", "35000", "DVR UL9 KONAN", "Smooth.\nThanks."}
	addStrings(f, valid)
	for i := range valid {
		for _, h := range append(hostileText(), "-1", "99999999999999999999", "1e9", "NaN", "2026-13-45 25:61") {
			vs := append([]string(nil), valid...)
			vs[i] = h
			addStrings(f, vs)
		}
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, number, dpt, arr, blockOff, blockOn, flightTime, fuel, level, route, remarks string) {
		body := url.Values{"command_id": {domain.NewUUID()}, "flight_number": {number}, "dpt_airport": {dpt}, "arr_airport": {arr},
			"aircraft_id": {a.aircraft}, "block_off": {blockOff}, "block_on": {blockOn}, "flight_time": {flightTime},
			"fuel_used": {fuel}, "fuel_unit": {"kg"}, "level": {level}, "landing_rate": {"-150"}, "route": {route}, "remarks": {remarks},
			"submit": {"1"}}.Encode()
		a.check(t, fmt.Sprintf("file pirep %q", body), a.do(http.MethodPost, "/airlines/"+a.airline+"/pireps", body, nil, a.cookies...))
	})
}

// FuzzCharterForms posts hostile values to the charter booking form and
// the jumpseat form: a 4xx naming the field, never a 5xx, and nothing
// appended that a projection cannot apply.
func FuzzCharterForms(f *testing.F) {
	valid := []string{"ALA9001", "EGLL", "KJFK", "DCT BOMUP DCT", "36000", "", "cargo", "09:30", "12:05", "KJFK"}
	addStrings(f, valid)
	for i := range valid {
		for _, h := range append(hostileText(), "-1", "99999999999999999999", "25:61", "9:5", "egll") {
			vs := append([]string(nil), valid...)
			vs[i] = h
			addStrings(f, vs)
		}
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, number, dpt, arr, route, level, distance, kind, dptTime, arrTime, to string) {
		body := url.Values{"command_id": {domain.NewUUID()}, "flight_number": {number}, "dpt_airport": {dpt}, "arr_airport": {arr},
			"route": {route}, "aircraft_id": {a.aircraft}, "level": {level}, "distance": {distance}, "type": {kind},
			"dpt_time": {dptTime}, "arr_time": {arrTime}}.Encode()
		a.check(t, fmt.Sprintf("book charter %q", body), a.do(http.MethodPost, "/airlines/"+a.airline+"/bids/charter", body, nil, a.cookies...))
		jump := url.Values{"to_airport": {to}}.Encode()
		a.check(t, fmt.Sprintf("jumpseat %q", jump), a.do(http.MethodPost, "/airlines/"+a.airline+"/jumpseat", jump, nil, a.cookies...))
	})
}

func FuzzCommentForm(f *testing.F) {
	f.Add("Thanks for the review.", "")
	for _, h := range hostileText() {
		f.Add(h, "")
		f.Add("ok", h) // the command id travels in the form too
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, text, commandID string) {
		if commandID == "" {
			commandID = domain.NewUUID()
		}
		body := url.Values{"command_id": {commandID}, "text": {text}}.Encode()
		a.check(t, fmt.Sprintf("comment %q", body), a.do(http.MethodPost, "/airlines/"+a.airline+"/pireps/"+a.pirep+"/comments", body, nil, a.cookies...))
	})
}

func FuzzAPIKeyForm(f *testing.F) {
	f.Add("My ACARS")
	for _, h := range hostileText() {
		f.Add(h)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, name string) {
		body := url.Values{"command_id": {domain.NewUUID()}, "name": {name}}.Encode()
		a.check(t, fmt.Sprintf("create api key %q", body), a.do(http.MethodPost, "/account/api-keys", body, nil, a.cookies...))
	})
}

// addStrings adds one seed of string arguments.
func addStrings(f *testing.F, vs []string) {
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	f.Add(args...)
}

// hostileText is the hostile text for one field.
func hostileText() []string {
	return []string{"a\x00b", "\x00", "\xff", "Jos\xe9", "a\x01b", "esc\x1b[1m", "del\x7f", "two\nlines",
		"line\u2028sep", strings.Repeat("x", 1<<16), ""}
}

// FuzzPhpvmsACARS sends hostile JSON bodies to phpVMS's PIREP lifecycle
// routes, as an ACARS client's key: prefile, update, positions, file,
// fields of every type and none; and to the bid routes (/api/user/bids and
// /api/users/{id}/bids).
func FuzzPhpvmsACARS(f *testing.F) {
	seeds := []string{
		`{"airline_id":1,"aircraft_id":1,"flight_number":"7","dpt_airport_id":"EGLL","arr_airport_id":"KJFK","source_name":"x","planned_distance":400}`,
		`{"status":"ENR","distance":"120.5","flight_time":42,"fuel_used":1e3}`,
		`{"positions":[{"lat":51.4,"lon":-0.4,"altitude":1000,"heading":90,"id":"p1"},{"lat":"x","lon":null}]}`,
		`{"flight_time":"1:30","distance":400}`, `{"flight_time":90,"distance":400,"block_on_time":"2026-13-45T25:61:00Z"}`,
		`{}`, `[]`, `null`, `"text"`, `{"positions":{}}`, `{"positions":[1,2,3]}`, `{"flight_time":1e400}`,
		`{"level":-99999999999,"route_leg":2147483648}`, `{"notes":"\u0000"}`, "{\"route\":\"\xff\xfe\"}",
		`{"logs":[{"log":"Pushback","id":"a"},{"log":""}]}`, `{"route":[{"name":"DVR","order":1,"lat":51,"lon":1},{"name":"X","order":"y"}]}`,
		`{"fields":{"Gate":"4","n":1,"":"x","o":{"a":1}}}`, `{"comment":"Holding"}`,
		`{"flight_id":"x","aircraft_id":1}`, `{"flight_id":null,"aircraft_id":"1e400"}`,
	}
	for route := range uint8(11) {
		for _, s := range seeds {
			f.Add(route, s)
		}
		for _, h := range hostileText() {
			b, _ := json.Marshal(map[string]string{"status": h, "notes": h, "flight_number": h, "dpt_airport_id": h, "source_name": h, "flight_id": h})
			f.Add(route, string(b))
		}
	}
	a := newFuzzApp(f)
	paths := []string{"/api/pireps/prefile", "/api/pireps/" + a.flight + "/update", "/api/pireps/" + a.flight + "/acars/position",
		"/api/pireps/" + a.flight + "/file", "/api/pireps/" + a.flight, "/api/pireps/" + a.flight + "/acars/logs",
		"/api/pireps/" + a.flight + "/route", "/api/pireps/" + a.flight + "/fields", "/api/pireps/" + a.flight + "/comments", "/api/user/bids",
		"/api/users/me/bids"}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		path := paths[int(route)%len(paths)]
		a.check(t, fmt.Sprintf("POST %s %q", path, body), a.do(http.MethodPost, path, body,
			map[string]string{"X-Api-Key": a.apiKey, "Content-Type": "application/json"}))
	})
}

// FuzzSmartcars posts hostile bodies to smartCARS 3's routes (the login,
// the sessions, bookings and a flight's reports, some naming the pilot's
// flight in progress by its uuid) and hostile queries to its searches,
// with a valid session: never a 5xx, and whatever is appended applies.
func FuzzSmartcars(f *testing.F) {
	a := newFuzzApp(f)
	base := "/a/" + a.slug + "/api/smartcars"
	rec := a.do(http.MethodPost, base+"/pilot/login?username=ana@example.com", `{"password":"a long enough password"}`,
		map[string]string{"Content-Type": "application/json"})
	var pilot map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &pilot); err != nil || rec.Code != http.StatusOK {
		f.Fatalf("smartCARS login: %d %s", rec.Code, rec.Body.String())
	}
	token, _ := pilot["session"].(string)
	seeds := []string{
		`{"password":"x"}`, `{"session":"` + token + `"}`, `{"session":"a.b.c"}`, `{"session":42}`,
		`{"flightID":"x","aircraftID":1}`, `{"flightID":1,"aircraftID":"1e400"}`, `{"bidID":1,"aircraft":2147483648}`,
		`{"bidID":"1","uuid":"` + a.flight + `","latitude":51.4,"longitude":-0.4,"heading":359,"altitude":-99999,"groundSpeed":0,"distanceRemaining":1,"timeRemaining":0,"route":["DCT"],"phase":"CRUISE","network":"IVAO","aircraft":1}`,
		`{"uuid":"` + a.flight + `","latitude":"x","longitude":null,"heading":1e400,"phase":"cruise","route":[1,{}]}`,
		`{"uuid":"` + a.flight + `","bidID":1,"flightTime":1e400,"landingRate":"-1","fuelUsed":1,"flightLog":"\u0000","flightData":"W10="}`,
		`{"uuid":"` + a.flight + `","bidID":1,"flightTime":0.5,"landingRate":-90,"fuelUsed":10,"flightLog":"AA==","flightData":"W3siZXZlbnRJZCI6MX1d"}`,
		`{"uuid":"not-a-uuid","bidID":null}`, `{}`, `[]`, `null`, `"text"`, "{\"bidID\":\"\xff\xfe\"}",
		`{"number":"FZZ1","departure":"EGLL","arrival":"KJFK","route":[],"aircraft":"B738","cruise":350,"distance":1,"type":"P","departureTime":"9:00","arrivalTime":"17:00"}`,
	}
	// No /pilot/resume: it reads its body as verify does, and would end the
	// session the other requests use.
	posts := []string{"/pilot/login?username=ana@example.com", "/pilot/verify", "/flights/book", "/flights/rebook",
		"/flights/start", "/flights/update", "/flights/unbook", "/flights/cancel", "/flights/complete", "/flights/charter"}
	gets := []string{"/flights/search?", "/pireps/search?", "/pireps/details?id="}
	queries := []string{"departureAirport=EGLL&maximumFlightTime=1e400", "aircraft=-1&callsign=%00", "status=Pending&startDate=2026-02-30",
		"arrivalAirport=%ff&minimumDistance=NaN", a.pirep, "id=" + a.flight, "%zz"}
	for route := range uint8(len(posts) + len(gets)) {
		for _, s := range append(seeds, queries...) {
			f.Add(route, s)
		}
		for _, h := range hostileText() {
			b, _ := json.Marshal(map[string]string{"bidID": h, "uuid": h, "phase": h, "network": h, "flightLog": h, "session": h, "password": h, "comments": h})
			f.Add(route, string(b))
		}
	}
	header := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}
	f.Fuzz(func(t *testing.T, route uint8, input string) {
		n := int(route) % (len(posts) + len(gets))
		if n < len(posts) {
			path := base + posts[n]
			a.check(t, fmt.Sprintf("POST %s %q", path, input), a.do(http.MethodPost, path, input, header))
			return
		}
		path := base + gets[n-len(posts)] + input
		a.check(t, fmt.Sprintf("GET %q", path), a.do(http.MethodGet, path, "", header))
	})
}
