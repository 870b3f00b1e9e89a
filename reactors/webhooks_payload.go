package reactors

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// message is what a delivery tells, before it is shaped for a kind of
// webhook.
type message struct {
	Topic   string
	At      time.Time
	Airline airlineInfo
	Pirep   *readmodel.Pirep
	Pilot   *readmodel.User
	Rank    *readmodel.Rank
	Reason  string    // a rejection's
	News    *newsInfo // a news post's
	Award   *awardInfo
	base    string // the site's public address, for links
}

// newsInfo is a news post as a message tells it (the NewsPosted event's
// news_id, title and Markdown body).
type newsInfo struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"` // Markdown
}

// awardInfo is an award granted, as a message tells it (the AwardGranted
// event's award id and name, and why).
type awardInfo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason,omitempty"`
	ByHand bool   `json:"by_hand"`
}

type airlineInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	ICAO string `json:"icao"`
	Slug string `json:"slug"`
}

// The generic body: Albatross's own JSON, documented in the README.
type genericBody struct {
	Event      string      `json:"event"`
	OccurredAt time.Time   `json:"occurred_at"`
	Airline    airlineInfo `json:"airline"`
	Pilot      *pilotJSON  `json:"pilot,omitempty"`
	Pirep      *pirepJSON  `json:"pirep,omitempty"`
	Rank       *rankJSON   `json:"rank,omitempty"`
	News       *newsInfo   `json:"news,omitempty"`
	Award      *awardInfo  `json:"award,omitempty"`
	URL        string      `json:"url,omitempty"`
}

type pilotJSON struct {
	ID      string `json:"id"`
	PilotID string `json:"pilot_id,omitempty"` // ALB0001, once approved
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
}

type pirepJSON struct {
	ID           string     `json:"id"`
	State        string     `json:"state"`
	FlightNumber string     `json:"flight_number"`
	RouteCode    string     `json:"route_code,omitempty"`
	RouteLeg     int32      `json:"route_leg,omitempty"`
	DptAirport   string     `json:"dpt_airport"`
	ArrAirport   string     `json:"arr_airport"`
	BlockOff     *time.Time `json:"block_off,omitempty"`
	BlockOn      *time.Time `json:"block_on,omitempty"`
	FlightTime   int32      `json:"flight_time"`  // minutes
	Distance     int32      `json:"distance"`     // nautical miles
	LandingRate  int32      `json:"landing_rate"` // feet per minute
	Phase        string     `json:"phase,omitempty"`
	Source       string     `json:"source"`
	RejectReason string     `json:"reject_reason,omitempty"`
}

type rankJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// titles name each topic in a Discord message.
var titles = map[string]string{
	domain.TopicPirepFiled:      "PIREP filed",
	domain.TopicPirepAccepted:   "PIREP accepted",
	domain.TopicPirepRejected:   "PIREP rejected",
	domain.TopicFlightDeparted:  "Departed",
	domain.TopicFlightArrived:   "Arrived",
	domain.TopicPilotRegistered: "New registration",
	domain.TopicPilotApproved:   "Pilot approved",
	domain.TopicPilotPromoted:   "Promotion",
	domain.TopicAwardGranted:    "Award",
	domain.TopicNewsPosted:      "News",
}

// colours of Discord's embeds, by topic.
var colours = map[string]int{
	domain.TopicPirepAccepted:  0x2e7d32,
	domain.TopicPirepRejected:  0xc62828,
	domain.TopicFlightDeparted: 0x1565c0,
	domain.TopicFlightArrived:  0x1565c0,
	domain.TopicPilotPromoted:  0xf9a825,
	domain.TopicAwardGranted:   0xf9a825,
}

func (m message) link() string {
	if m.base == "" {
		return ""
	}
	base := strings.TrimRight(m.base, "/")
	switch {
	case m.News != nil:
		return base + "/a/" + m.Airline.Slug
	case m.Pirep != nil:
		return base + "/airlines/" + m.Airline.ID + "/pireps/" + m.Pirep.ID.String()
	case m.Pilot != nil && (m.Topic == domain.TopicPilotRegistered || m.Topic == domain.TopicPilotApproved || m.Topic == domain.TopicPilotPromoted ||
		m.Topic == domain.TopicAwardGranted):
		return base + "/airlines/" + m.Airline.ID + "/people/" + m.Pilot.ID.String()
	}
	return base + "/airlines/" + m.Airline.ID
}

func (m message) pilotName() string {
	if m.Pilot == nil {
		return ""
	}
	if m.Pilot.PilotID != "" {
		return m.Pilot.Name + " (" + m.Pilot.PilotID + ")"
	}
	return m.Pilot.Name
}

// body shapes the message for a kind of webhook.
func (m message) body(kind string) ([]byte, error) {
	if kind == domain.WebhookDiscord {
		return json.Marshal(m.discord())
	}
	return json.Marshal(m.generic())
}

func (m message) generic() genericBody {
	b := genericBody{Event: m.Topic, OccurredAt: m.At, Airline: m.Airline, URL: m.link(), News: m.News, Award: m.Award}
	if u := m.Pilot; u != nil {
		b.Pilot = &pilotJSON{ID: u.ID.String(), PilotID: u.PilotID, Name: u.Name, Country: u.Country}
	}
	if p := m.Pirep; p != nil {
		j := &pirepJSON{ID: p.ID.String(), State: p.State, FlightNumber: p.FlightNumber, RouteCode: p.RouteCode, RouteLeg: p.RouteLeg,
			DptAirport: p.DptAirport, ArrAirport: p.ArrAirport, FlightTime: p.FlightTime, Distance: p.Distance,
			LandingRate: p.LandingRate, Phase: p.Phase, Source: p.Source, RejectReason: m.Reason}
		if !p.BlockOff.IsZero() {
			t := p.BlockOff.UTC()
			j.BlockOff = &t
		}
		if !p.BlockOn.IsZero() {
			t := p.BlockOn.UTC()
			j.BlockOn = &t
		}
		b.Pirep = j
	}
	if r := m.Rank; r != nil {
		b.Rank = &rankJSON{ID: r.ID.String(), Name: r.Name}
	}
	return b
}

// Discord's webhook body (discord.com/developers/docs/resources/webhook):
// one embed, and no mentions, so that no name a pilot chose can ping a
// whole server.
type discordBody struct {
	Username        string         `json:"username,omitempty"`
	Embeds          []discordEmbed `json:"embeds"`
	AllowedMentions map[string]any `json:"allowed_mentions"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	URL         string         `json:"url,omitempty"`
	Color       int            `json:"color,omitempty"`
	Timestamp   string         `json:"timestamp"`
	Fields      []discordField `json:"fields,omitempty"`
	Footer      *discordFooter `json:"footer,omitempty"`
}

type discordField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

type discordFooter struct {
	Text string `json:"text"`
}

// cut keeps a Discord text within its limit (256 for a title, 1024 for a
// field's value), by characters.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (m message) discord() discordBody {
	e := discordEmbed{Title: titles[m.Topic], URL: m.link(), Color: colours[m.Topic], Timestamp: m.At.Format(time.RFC3339),
		Footer: &discordFooter{Text: cut(m.Airline.Name+" · Albatross", 2048)}}
	add := func(name, value string, inline bool) {
		if value != "" {
			e.Fields = append(e.Fields, discordField{Name: name, Value: cut(value, 1024), Inline: inline})
		}
	}
	if n := m.News; n != nil {
		e.Title = cut(titles[m.Topic]+": "+n.Title, 256)
		e.Description = cut(n.Body, 4096)
		add("Posted by", m.pilotName(), true)
	} else if p := m.Pirep; p != nil {
		flight := m.Airline.ICAO + p.FlightNumber
		e.Title = cut(titles[m.Topic]+": "+flight+" "+p.DptAirport+" → "+p.ArrAirport, 256)
		add("Flight", flight, true)
		add("Pilot", m.pilotName(), true)
		add("Route", p.DptAirport+" → "+p.ArrAirport, true)
		if !p.BlockOff.IsZero() {
			add("Block off", p.BlockOff.UTC().Format("2006-01-02 15:04")+" UTC", true)
		}
		if !p.BlockOn.IsZero() && m.Topic != domain.TopicFlightDeparted {
			add("Block on", p.BlockOn.UTC().Format("2006-01-02 15:04")+" UTC", true)
		}
		if p.FlightTime > 0 {
			add("Flight time", fmt.Sprintf("%d:%02d", p.FlightTime/60, p.FlightTime%60), true)
		}
		if p.LandingRate != 0 && m.Topic != domain.TopicFlightDeparted {
			add("Landing rate", fmt.Sprintf("%d fpm", p.LandingRate), true)
		}
		add("Reason", m.Reason, false)
	} else if m.Pilot != nil {
		e.Title = cut(titles[m.Topic]+": "+m.pilotName(), 256)
		add("Pilot", m.pilotName(), true)
		if m.Topic == domain.TopicPilotRegistered {
			add("Country", m.Pilot.Country, true)
		}
		if m.Rank != nil {
			add("Rank", m.Rank.Name, true)
		}
		if a := m.Award; a != nil {
			e.Title = cut(titles[m.Topic]+": "+a.Name, 256)
			add("Award", a.Name, true)
			add("Why", a.Reason, false)
		}
	}
	return discordBody{Username: cut(m.Airline.Name, 80), Embeds: []discordEmbed{e}, AllowedMentions: map[string]any{"parse": []string{}}}
}
