package reactors

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The messages of the topics no end-to-end test reaches yet: news (wired
// at merge) and a promotion, in both shapes.
func TestWebhookMessagesOfNewsAndPromotions(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	airline := airlineInfo{ID: "a1", Name: "Albatross Virtual", ICAO: "ALB", Slug: "alb"}
	author := &readmodel.User{ID: uuid.MustParse("0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31"), Name: "Ana Admin"}
	news := message{Topic: domain.TopicNewsPosted, At: at, Airline: airline, Pilot: author, base: "https://va.example.com",
		News: &newsInfo{ID: "n1", Title: "New routes to Lisbon", Body: "**Three** new routes @everyone"}}
	body, err := news.body(domain.WebhookDiscord)
	if err != nil {
		t.Fatal(err)
	}
	var d discordBody
	if err := json.Unmarshal(body, &d); err != nil || len(d.Embeds) != 1 {
		t.Fatalf("%v %s", err, body)
	}
	if e := d.Embeds[0]; e.Title != "News: New routes to Lisbon" || e.Description != "**Three** new routes @everyone" ||
		e.URL != "https://va.example.com/a/alb" || len(e.Fields) != 1 || e.Fields[0].Value != "Ana Admin" || e.Timestamp != "2026-12-06T10:00:00Z" {
		t.Errorf("the news embed: %+v", e)
	}
	if !strings.Contains(string(body), `"allowed_mentions":{"parse":[]}`) {
		t.Errorf("a news message may mention everyone: %s", body)
	}
	body, _ = news.body(domain.WebhookGeneric)
	if !strings.Contains(string(body), `"news":{"id":"n1","title":"New routes to Lisbon","body":"**Three** new routes @everyone"}`) ||
		!strings.Contains(string(body), `"event":"news.posted"`) {
		t.Errorf("the generic news message: %s", body)
	}

	pilot := &readmodel.User{ID: uuid.MustParse("1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"), Name: "Pat Pilot", PilotID: "ALB0007"}
	promo := message{Topic: domain.TopicPilotPromoted, At: at, Airline: airline, Pilot: pilot, base: "https://va.example.com",
		Rank: &readmodel.Rank{ID: uuid.MustParse("2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e51"), Name: "Captain", MinMinutes: 6000}}
	body, _ = promo.body(domain.WebhookDiscord)
	d = discordBody{}
	_ = json.Unmarshal(body, &d)
	fields := map[string]string{}
	for _, f := range d.Embeds[0].Fields {
		fields[f.Name] = f.Value
	}
	if d.Embeds[0].Title != "Promotion: Pat Pilot (ALB0007)" || fields["Rank"] != "Captain" ||
		d.Embeds[0].URL != "https://va.example.com/airlines/a1/people/"+pilot.ID.String() {
		t.Errorf("the promotion embed: %+v", d.Embeds[0])
	}
	body, _ = promo.body(domain.WebhookGeneric)
	if !strings.Contains(string(body), `"rank":{"id":"2c9d7e1a-4b3f-4e8a-9c1d-0a1b2c3d4e51","name":"Captain"}`) ||
		!strings.Contains(string(body), `"pilot_id":"ALB0007"`) {
		t.Errorf("the generic promotion: %s", body)
	}
	// Without a public address there is no link.
	promo.base = ""
	if body, _ := promo.body(domain.WebhookGeneric); strings.Contains(string(body), `"url"`) {
		t.Errorf("a link without ALBATROSS_PUBLIC_URL: %s", body)
	}
}

// TestWebhookMessagesOfAwards: an award granted names the award, the
// pilot and why, in both shapes, and links to the pilot.
func TestWebhookMessagesOfAwards(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	airline := airlineInfo{ID: "a1", Name: "Albatross Virtual", ICAO: "ALB", Slug: "alb"}
	pilot := &readmodel.User{ID: uuid.MustParse("1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9"), Name: "Pat Pilot", PilotID: "ALB0007"}
	m := message{Topic: domain.TopicAwardGranted, At: at, Airline: airline, Pilot: pilot, base: "https://va.example.com",
		Award: &awardInfo{ID: "aw1", Name: "Century Club", Reason: "100 hours of flight time"}}
	body, _ := m.body(domain.WebhookDiscord)
	var d discordBody
	if err := json.Unmarshal(body, &d); err != nil || len(d.Embeds) != 1 {
		t.Fatalf("%v %s", err, body)
	}
	fields := map[string]string{}
	for _, f := range d.Embeds[0].Fields {
		fields[f.Name] = f.Value
	}
	if d.Embeds[0].Title != "Award: Century Club" || fields["Pilot"] != "Pat Pilot (ALB0007)" || fields["Why"] != "100 hours of flight time" ||
		d.Embeds[0].URL != "https://va.example.com/airlines/a1/people/"+pilot.ID.String() {
		t.Errorf("the award embed: %+v", d.Embeds[0])
	}
	body, _ = m.body(domain.WebhookGeneric)
	if !strings.Contains(string(body), `"event":"award.granted"`) ||
		!strings.Contains(string(body), `"award":{"id":"aw1","name":"Century Club","reason":"100 hours of flight time","by_hand":false}`) ||
		!strings.Contains(string(body), `"pilot_id":"ALB0007"`) {
		t.Errorf("the generic award message: %s", body)
	}
}
