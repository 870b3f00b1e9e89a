package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/sqlite"
)

// nulMark stands for a NUL in the commands of oldLog: the runner refuses a
// NUL now, and oldLog puts it back where the mark is, into the log, as the
// code before the domain's text check did.
const nulMark = "<NUL>"

// oldLog is an event store that appends what older Albatross appended:
// each nulMark in an event's strings becomes a NUL.
type oldLog struct {
	domain.EventStore
	reg *events.Registry
}

func (l oldLog) Append(ctx context.Context, req domain.AppendRequest) (domain.AppendResult, error) {
	for i, ev := range req.Events {
		m, err := l.reg.Decode(ev.Type, ev.Data)
		if err != nil {
			return domain.AppendResult{}, err
		}
		putNUL(m.ProtoReflect())
		data, err := proto.Marshal(m)
		if err != nil {
			return domain.AppendResult{}, err
		}
		req.Events[i].Data = data
	}
	return l.EventStore.Append(ctx, req)
}

// putNUL replaces nulMark by NUL in every string field of m, nested ones too.
func putNUL(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsList() && !fd.IsMap():
			m.Set(fd, protoreflect.ValueOfString(strings.ReplaceAll(v.String(), nulMark, "\x00")))
		case fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap():
			putNUL(v.Message())
		}
		return true
	})
}

// anywhere knows every airport, at one place.
type anywhere struct{}

func (anywhere) LocateAirport(context.Context, string, string) (domain.AirportPosition, error) {
	return domain.AirportPosition{Coordinates: domain.Coordinates{Lat: 51.47, Lon: -0.45}, Known: true}, nil
}

func (anywhere) LookupAircraft(context.Context, string, string) (domain.AircraftInfo, error) {
	return domain.AircraftInfo{Registration: "G-GOOD", Status: domain.AircraftActive, AirportID: "EGLL"}, nil
}

// An embedded log that already holds a NUL in a person's name, an airport's
// name and a PIREP's remarks (appended before the domain checked text) still starts:
// it serves, /readyz is 200, the pages that show those records render, and
// other people log in.
func TestEmbeddedStartServesALogHoldingNUL(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir}
	srv := startServer(t, env)
	admin := loginAsAdmin(t, srv)
	airline := createAirline(t, admin, "Good Air", "GDA", "good")
	srv.stop(t)

	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	reg := events.NewRegistry()
	runner := &domain.Runner{Store: oldLog{EventStore: es, reg: reg}, Registry: reg}
	users := &domain.Users{Runner: runner, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	sys := domain.CommandMeta{Who: domain.System}
	badID, _, _, err := users.CreatePerson(ctx, sys, airline, domain.Person{
		Name: "Bad" + nulMark + "Name", Email: "bad@example.com", Country: "GB", Role: domain.RolePilot})
	if err != nil {
		t.Fatalf("create the person with a NUL: %v", err)
	}
	goodID, otp, _, err := users.CreatePerson(ctx, sys, airline, domain.Person{
		Name: "Good Pilot", Email: "good@example.com", Country: "GB", Role: domain.RolePilot})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users.ChangePassword(ctx, sys, goodID, otp, adminPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := (&domain.Airports{Runner: runner}).Add(ctx, sys, airline, domain.AirportDetails{
		ICAO: "LPPT", Name: "Lis" + nulMark + "bon", Latitude: 38.77, Longitude: -9.13}); err != nil {
		t.Fatalf("add the airport with a NUL: %v", err)
	}
	off := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	pireps := &domain.Pireps{Runner: runner, IDs: domain.RandomIDs{}, Airports: anywhere{}, Aircraft: anywhere{}, Settings: domain.NoPirepRules{}}
	asPilot := func() domain.CommandMeta {
		return domain.CommandMeta{ID: domain.NewUUID(), Who: domain.Actor{UserID: goodID, Role: domain.RolePilot, TenantID: airline}}
	}
	pirep, _, err := pireps.File(ctx, asPilot(), airline,
		domain.PirepDetails{FlightNumber: "1234", AircraftID: "6f1c1c6e-5a55-4a7e-9d8e-000000000001", DptAirport: "EGLL", ArrAirport: "LPPT", BlockOff: off, BlockOn: off.Add(3 * time.Hour),
			FlightTime: 150, Remarks: "Smooth" + nulMark + "landing"}, true)
	if err != nil {
		t.Fatalf("file the PIREP with a NUL in its remarks: %v", err)
	}
	// And one that no projection of PIREPs can apply (an aircraft id that is
	// no UUID): it is set aside, and the rest of the log still applies.
	if _, _, err := pireps.File(ctx, asPilot(), airline,
		domain.PirepDetails{FlightNumber: "5678", AircraftID: "ac-1", DptAirport: "LPPT", ArrAirport: "EGLL", BlockOff: off.Add(5 * time.Hour), BlockOn: off.Add(8 * time.Hour),
			FlightTime: 150}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := (&domain.Airports{Runner: runner}).Add(ctx, sys, airline, domain.AirportDetails{
		ICAO: "EGLL", Name: "Heathrow", Latitude: 51.47, Longitude: -0.45}); err != nil {
		t.Fatal(err)
	}
	if err := es.Close(); err != nil {
		t.Fatal(err)
	}

	again := startServer(t, env)
	again.waitReady(t)
	resp, err := http.Get(again.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ready struct{ Status, Reason string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &ready) != nil || ready.Status != "degraded" || !strings.Contains(ready.Reason, "quarantined") {
		t.Errorf("/readyz = %d %s, want 200 degraded with a reason naming the quarantine", resp.StatusCode, body)
	}

	admin = loginAsAdmin(t, again)
	shown := func(path string, text *regexp.Regexp) {
		t.Helper()
		resp, doc := admin.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if got := doc.Find("main").Text(); !text.MatchString(got) {
			t.Errorf("GET %s does not show %s: %.500q", path, text, got)
		}
	}
	// A NUL reaches the page as the log holds it; an HTML parser drops it
	// or shows U+FFFD, and it can end no element.
	shown("/airlines/"+airline+"/people", regexp.MustCompile("Bad[\x00\uFFFD]?Name"))
	shown("/airlines/"+airline+"/people/"+badID, regexp.MustCompile("Bad[\x00\uFFFD]?Name"))
	shown("/airlines/"+airline+"/airports", regexp.MustCompile("Lis[\x00\uFFFD]?bon"))
	shown("/airlines/"+airline+"/pireps/"+pirep, regexp.MustCompile("Smooth[\x00\uFFFD]?landing"))
	shown("/airlines/"+airline+"/airports", regexp.MustCompile("Heathrow"))
	_, doc := admin.get("/admin/quarantine")
	if n := doc.Find(`[data-testid="quarantine-row"]`).Length(); n == 0 {
		t.Errorf("/admin/quarantine lists no event; the PIREP with a malformed aircraft id is quarantined")
	}
	doc.Find(`[data-testid="quarantine-error"]`).Each(func(_ int, s *goquery.Selection) {
		if !strings.Contains(s.Text(), "ac-1") {
			t.Errorf("quarantined for %q, want the malformed aircraft id", s.Text())
		}
	})

	pilot := newBrowser(t, again)
	pilot.logIn(t, "good@example.com", adminPassword, "/airlines")

	// The platform admin's page, in a real browser, passes axe, and the
	// person with a NUL in their name shows on the people page.
	tab := newTab(t, newChromium(t))
	if err := chromedp.Do(tab,
		chromedp.Navigate(again.URL+"/login?next=/admin/quarantine"),
		logInAs("admin", adminPassword),
		chromedp.WaitVisible(testID("quarantine-row")),
	); err != nil {
		t.Fatalf("open the quarantine page: %v", err)
	}
	screenshot(t, tab, "admin-quarantine")
	if err := chromedp.Do(tab,
		chromedp.Navigate(again.URL+"/airlines/"+airline+"/people"),
		chromedp.WaitVisible(chromedp.CSS("main")),
	); err != nil {
		t.Fatalf("open the people page: %v", err)
	}
	screenshot(t, tab, "people-with-a-nul-name")
}
