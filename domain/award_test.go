package domain_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// TestAwardRulesMeetWhatTheySay checks each rule kind against a pilot's
// record: totals, one flight among the accepted ones, and years.
func TestAwardRulesMeetWhatTheySay(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	rec := domain.AwardRecord{Minutes: 600, Flights: 3, Joined: now.AddDate(-2, 0, 0),
		Accepted: []domain.AwardFlight{
			{PirepID: "p1", Dpt: "EGLL", Arr: "LPPT", ArrCountry: "PT", LandingRate: -250},
			{PirepID: "p2", Dpt: "LPPT", Arr: "EGLL", ArrCountry: "GB", LandingRate: -90},
			{PirepID: "p3", Dpt: "EGLL", Arr: "EDDF", ArrCountry: "DE"}, // no landing rate measured
		}}
	for _, tc := range []struct {
		rule   domain.AwardRule
		met    bool
		flight string
	}{
		{domain.AwardRule{Kind: domain.AwardRuleHours, Number: 600}, true, ""},
		{domain.AwardRule{Kind: domain.AwardRuleHours, Number: 601}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleFlights, Number: 3}, true, ""},
		{domain.AwardRule{Kind: domain.AwardRuleFlights, Number: 4}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleLandingRate, Number: 100}, true, "p2"},
		{domain.AwardRule{Kind: domain.AwardRuleLandingRate, Number: 90}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleAirport, Code: "LPPT"}, true, "p1"},
		{domain.AwardRule{Kind: domain.AwardRuleAirport, Code: "LPFR"}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleCountry, Code: "DE"}, true, "p3"},
		{domain.AwardRule{Kind: domain.AwardRuleCountry, Code: "FR"}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleRoute, Code: "LPPT", Code2: "EGLL"}, true, "p2"},
		{domain.AwardRule{Kind: domain.AwardRuleRoute, Code: "EDDF", Code2: "EGLL"}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleYears, Number: 2}, true, ""},
		{domain.AwardRule{Kind: domain.AwardRuleYears, Number: 3}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleNone}, false, ""},
		{domain.AwardRule{Kind: domain.AwardRuleTour, Code: "t1"}, false, ""},
	} {
		met, flight := tc.rule.Meets(rec, now)
		if met != tc.met || flight != tc.flight {
			t.Errorf("%s (%+v): met %v by %q, want %v by %q", tc.rule.Describe(), tc.rule, met, flight, tc.met, tc.flight)
		}
	}
}

// TestAwardFormNamesEachBadField: each rule asks for its own value.
func TestAwardFormNamesEachBadField(t *testing.T) {
	for _, tc := range []struct {
		form  domain.AwardForm
		field string
	}{
		{domain.AwardForm{Name: " ", Rule: ""}, "name"},
		{domain.AwardForm{Name: "A\x00", Rule: ""}, "name"},
		{domain.AwardForm{Name: "A", Rule: "bogus"}, "rule"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleTour, Code: "x"}, "tour"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleHours, Number: "0"}, "number"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleFlights, Number: "ten"}, "number"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleLandingRate, Number: "-5"}, "number"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleAirport, Code: "LHR"}, "code"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleCountry, Code: "PRT"}, "code"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleRoute, Code: "EGLL", Code2: "egll"}, "code2"},
		{domain.AwardForm{Name: "A", Rule: domain.AwardRuleYears, Number: "51"}, "number"},
	} {
		f := tc.form
		_, err := f.Validate()
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%+v: %v, want a message on %s", tc.form, err, tc.field)
		}
	}
	f := domain.AwardForm{Name: " Century ", Rule: domain.AwardRuleHours, Number: "100"}
	if r, err := f.Validate(); err != nil || r.Number != 6000 || f.Name != "Century" {
		t.Errorf("100 hours: %+v, %v", r, err)
	}
}

func awardsWorld(t *testing.T) (*membership, *domain.Awards) {
	t.Helper()
	r := newRunner(t)
	return newMembership(t, r), &domain.Awards{Runner: r, IDs: domain.RandomIDs{}}
}

// TestConcurrentSettlesGrantAnAwardOnce: two reactions that both find the
// rule met (two PIREPs accepted at once) grant it once; a rule revocation
// leaves a by-hand grant alone.
func TestConcurrentSettlesGrantAnAwardOnce(t *testing.T) {
	m, awards := awardsWorld(t)
	ctx := context.Background()
	id, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "Ten flights", Rule: domain.AwardRuleFlights, Number: "10"})
	if err != nil {
		t.Fatal(err)
	}
	pilot := domain.NewUUID()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			meta := domain.CommandMeta{ID: "reaction-" + string(rune('a'+i)), Who: domain.System}
			if _, err := awards.Settle(ctx, meta, m.airline, pilot, []domain.AwardChange{{AwardID: id, AwardName: "Ten flights", Grant: true}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs, err := m.r.Store.ReadStream(ctx, domain.PilotAwardsStream(pilot), 0)
	if err != nil || len(recs) != 1 {
		t.Fatalf("the pilot's awards stream has %d events (%v), want one grant", len(recs), err)
	}
	// A second award granted by hand is not taken back by a rule.
	hand, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "Helper", Rule: domain.AwardRuleNone})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := awards.GrantByHand(ctx, newsMeta(m.admin), m.airline, pilot, hand, "Helped"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("grant to someone who is no person of the airline: %v, want not found", err)
	}
	_, err = awards.Settle(ctx, domain.CommandMeta{ID: "revoke", Who: domain.System}, m.airline, pilot,
		[]domain.AwardChange{{AwardID: id, AwardName: "Ten flights"}})
	if err != nil {
		t.Fatal(err)
	}
	pa := &domain.PilotAwards{}
	replay(t, m.r, domain.PilotAwardsStream(pilot), pa)
	if len(pa.Held) != 0 {
		t.Errorf("after the revocation the pilot holds %v", pa.Held)
	}
	// A pilot may not define awards, and another airline's admin neither.
	pilotActor := domain.Actor{UserID: pilot, Role: domain.RolePilot, TenantID: m.airline}
	if _, _, err := awards.Define(ctx, newsMeta(pilotActor), m.airline, domain.AwardForm{Name: "Mine"}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot defines an award: %v", err)
	}
	if _, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "ten FLIGHTS"}); domain.ErrorFields(err)["name"] == "" {
		t.Errorf("a second award of one name: %v", err)
	}
}

// TestAwardImageIsToldByContent: PNG and JPEG by their bytes, SVG parsed
// and re-written; a file named .png that is HTML is refused.
func TestAwardImageIsToldByContent(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	if data, kind, err := domain.CheckAwardImage(png); err != nil || kind != domain.ImagePNG || !bytes.Equal(data, png) {
		t.Errorf("png: %q, %v", kind, err)
	}
	for _, bad := range []string{"<html><script>alert(1)</script></html>", "\x89PNG\r\n\x1a\nnot really", strings.Repeat("a", domain.AwardImageMax+1)} {
		if _, _, err := domain.CheckAwardImage([]byte(bad)); domain.ErrorFields(err)["image"] == "" {
			t.Errorf("%.30q: %v, want refused", bad, err)
		}
	}
	evil := `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" viewBox="0 0 10 10">
<script>alert(2)</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
<a href="javascript:alert(3)"><circle r="4"/></a><image xlink:href="https://evil.example/x.png"/>
<use xlink:href="https://evil.example/s.svg#a"/><use href="#c"/><rect fill="url(https://evil.example/f)" style="fill:url(#g)" onclick="x()" width="5"/>
<circle id="c" r="2" fill="#c00"/><text>Ten &amp; more</text></svg>`
	data, kind, err := domain.CheckAwardImage([]byte(evil))
	if err != nil || kind != domain.ImageSVG {
		t.Fatalf("svg: %q, %v", kind, err)
	}
	out := string(data)
	for _, gone := range []string{"script", "onload", "onclick", "foreignObject", "javascript", "evil.example", "<a", "<image"} {
		if strings.Contains(out, gone) {
			t.Errorf("sanitised svg still has %q: %s", gone, out)
		}
	}
	for _, kept := range []string{`<use href="#c">`, `style="fill:url(#g)"`, `<circle id="c" r="2" fill="#c00">`, "Ten &amp; more", `viewBox="0 0 10 10"`} {
		if !strings.Contains(out, kept) {
			t.Errorf("sanitised svg lost %q: %s", kept, out)
		}
	}
	if _, err := domain.SanitizeSVG([]byte(`<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>`)); err == nil {
		t.Error("a DOCTYPE with entities was accepted")
	}
}

// FuzzSanitizeSVG: whatever is uploaded, what SanitizeSVG keeps is an svg
// document that sanitises to itself and holds no script or handler.
func FuzzSanitizeSVG(f *testing.F) {
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>`))
	f.Add([]byte(`<svg onload="x"><script>y</script><g><use href="javascript:z"/></g></svg>`))
	f.Add([]byte(`<svg><foreignObject><svg onload="a"/></foreignObject><rect style="fill:url( 'http://x' )"/></svg>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := domain.SanitizeSVG(in)
		if err != nil {
			return
		}
		again, err := domain.SanitizeSVG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("sanitised output does not sanitise to itself: %q -> %q (%v)", out, again, err)
		}
		low := strings.ToLower(string(out))
		for _, bad := range []string{"<script", " on", "javascript:", "<foreignobject"} {
			if strings.Contains(low, bad) && !(bad == " on" && !strings.Contains(low, " on")) {
				if bad == " on" && !onAttr(low) {
					continue
				}
				t.Fatalf("sanitised %q keeps %q: %q", in, bad, out)
			}
		}
	})
}

// onAttr says whether an SVG's tags carry an attribute named on….
func onAttr(s string) bool {
	inTag := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			inTag = true
		case '>':
			inTag = false
		case ' ':
			if inTag && strings.HasPrefix(s[i+1:], "on") {
				j := i + 1
				for j < len(s) && s[j] != '=' && s[j] != ' ' && s[j] != '>' {
					j++
				}
				if j < len(s) && s[j] == '=' {
					return true
				}
			}
		}
	}
	return false
}
