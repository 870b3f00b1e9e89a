package domain_test

import (
	"context"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// badTexts are the three kinds of text no event may hold, each wrapped in
// ordinary letters so that trimming cannot remove it.
var badTexts = map[string]string{
	"NUL":           "a\x00b",
	"control":       "a\x1bb",
	"invalid UTF-8": "a\xffb",
}

// TestEveryCommandRefusesUnstorableTextBesideItsField runs each command
// with each bad text in each of its text fields and expects an EInvalid
// error naming the form's field, and no event appended.
func TestEveryCommandRefusesUnstorableTextBesideItsField(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	admin := domain.CommandMeta{Who: w.admin}
	pirepID, _, err := w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, heathrowLisbon(), true)
	if err != nil {
		t.Fatal(err)
	}
	person := w.register(t, "ana@example.com")
	fleet := newFleet(w.membership)
	flights := &domain.Flights{Runner: w.r, Airports: testAirports, Subfleets: testSubfleets}
	airports := &domain.Airports{Runner: w.r}
	ranks := &domain.Ranks{Runner: w.r, IDs: domain.RandomIDs{}}
	keys := &domain.APIKeys{Runner: w.r, IDs: domain.RandomIDs{}}
	pilotID := newPilot(t, w.r, w.airline)
	meta := func() domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin} }
	news := &domain.News{Runner: w.r, IDs: domain.RandomIDs{}}
	newsID, _, err := news.Post(ctx, meta(), w.airline, domain.NewsForm{Title: "News", Body: "Body"})
	if err != nil {
		t.Fatal(err)
	}

	type command struct {
		name, field string
		run         func(bad string) error
	}
	airline := func(set func(*domain.CreateAirline, string)) func(string) error {
		return func(bad string) error {
			c := domain.CreateAirline{Name: "Bad Air", ICAO: "BAD", Slug: "bad"}
			set(&c, bad)
			_, _, err := w.airlines.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, c)
			return err
		}
	}
	profile := func(set func(*domain.AirlineProfile, string)) func(string) error {
		return func(bad string) error {
			p := domain.AirlineProfile{Name: "Albatross", ICAO: "XBV", Slug: "xbv", PilotIDPrefix: "ALB", Registration: domain.RegistrationOpen}
			set(&p, bad)
			_, err := w.airlines.ChangeProfile(ctx, admin, w.airline, p)
			return err
		}
	}
	airport := func(set func(*domain.AirportDetails, string)) func(string) error {
		return func(bad string) error {
			d := heathrow()
			set(&d, bad)
			_, err := airports.Add(ctx, meta(), w.airline, d)
			return err
		}
	}
	subfleet := func(set func(*domain.Subfleet, string)) func(string) error {
		return func(bad string) error {
			s := b738
			set(&s, bad)
			_, _, err := fleet.CreateSubfleet(ctx, meta(), w.airline, s)
			return err
		}
	}
	aircraft := func(set func(*domain.NewAircraft, string)) func(string) error {
		return func(bad string) error {
			a := domain.NewAircraft{SubfleetID: "sf", Registration: "G-ABCD", Name: "Aircraft", AirportID: "EGLL"}
			set(&a, bad)
			_, _, err := fleet.AddAircraft(ctx, meta(), w.airline, a)
			return err
		}
	}
	flight := func(set func(*domain.FlightSchedule, string)) func(string) error {
		return func(bad string) error {
			f := londonNewYork()
			set(&f, bad)
			_, _, err := flights.Add(ctx, meta(), w.airline, f)
			return err
		}
	}
	pirep := func(set func(*domain.PirepDetails, string)) func(string) error {
		return func(bad string) error {
			d := heathrowLisbon()
			w.clock.add(time.Hour) // not the same flight as the last one filed
			set(&d, bad)
			_, _, err := w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d, true)
			return err
		}
	}
	personField := func(set func(*domain.Person, string)) func(string) error {
		return func(bad string) error {
			p := domain.Person{Name: "Bea Pilot", Email: "bea@example.com", Country: "PT", Password: "a long enough password"}
			set(&p, bad)
			_, _, err := w.users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, w.airline, p)
			return err
		}
	}
	commands := []command{
		{"create airline", "name", airline(func(c *domain.CreateAirline, s string) { c.Name = s })},
		{"create airline", "icao", airline(func(c *domain.CreateAirline, s string) { c.ICAO = s })},
		{"create airline", "slug", airline(func(c *domain.CreateAirline, s string) { c.Slug = s })},
		{"create airline", "iata", airline(func(c *domain.CreateAirline, s string) { c.IATA = s })},
		{"create airline", "pilot_id_prefix", airline(func(c *domain.CreateAirline, s string) { c.PilotIDPrefix = s })},
		{"airline profile", "name", profile(func(p *domain.AirlineProfile, s string) { p.Name = s })},
		{"airline profile", "registration", profile(func(p *domain.AirlineProfile, s string) { p.Registration = s })},
		{"suspend airline", "reason", func(s string) error {
			_, err := w.airlines.Suspend(ctx, domain.CommandMeta{Who: domain.System}, w.airline, s)
			return err
		}},
		{"airport", "name", airport(func(d *domain.AirportDetails, s string) { d.Name = s })},
		{"airport", "location", airport(func(d *domain.AirportDetails, s string) { d.City = s })},
		{"airport", "region", airport(func(d *domain.AirportDetails, s string) { d.Region = s })},
		{"airport", "notes", airport(func(d *domain.AirportDetails, s string) { d.Notes = s })},
		{"airport", "timezone", airport(func(d *domain.AirportDetails, s string) { d.Timezone = s })},
		{"subfleet", "name", subfleet(func(f *domain.Subfleet, s string) { f.Name = s })},
		{"subfleet", "type", subfleet(func(f *domain.Subfleet, s string) { f.Type = s })},
		{"aircraft", "name", aircraft(func(a *domain.NewAircraft, s string) { a.Name = s })},
		{"aircraft", "subfleet_id", aircraft(func(a *domain.NewAircraft, s string) { a.SubfleetID = s })},
		{"aircraft", "registration", aircraft(func(a *domain.NewAircraft, s string) { a.Registration = s })},
		{"change aircraft", "name", func(s string) error {
			_, err := fleet.ChangeAircraft(ctx, meta(), w.airline, "ac", domain.AircraftChange{SubfleetID: "sf", Name: s, Status: domain.AircraftActive})
			return err
		}},
		{"flight", "route", flight(func(f *domain.FlightSchedule, s string) { f.Route = s })},
		{"flight", "notes", flight(func(f *domain.FlightSchedule, s string) { f.Notes = s })},
		{"flight", "subfleets", flight(func(f *domain.FlightSchedule, s string) { f.SubfleetIDs = []string{s} })},
		{"flight", "callsign", flight(func(f *domain.FlightSchedule, s string) { f.Callsign = s })},
		{"pirep", "remarks", pirep(func(d *domain.PirepDetails, s string) { d.Remarks = s })},
		{"pirep", "route", pirep(func(d *domain.PirepDetails, s string) { d.Route = s })},
		{"pirep", "aircraft_id", pirep(func(d *domain.PirepDetails, s string) { d.AircraftID = s })},
		{"pirep", "flight_id", pirep(func(d *domain.PirepDetails, s string) { d.FlightID = s })},
		{"reject pirep", "reason", func(s string) error {
			_, err := w.pireps.Reject(ctx, admin, w.airline, pirepID, s)
			return err
		}},
		{"comment", "text", func(s string) error {
			_, _, err := w.pireps.Comment(ctx, domain.CommandMeta{Who: w.pilot}, w.airline, pirepID, s)
			return err
		}},
		{"register", "name", personField(func(p *domain.Person, s string) { p.Name = s })},
		{"register", "email", personField(func(p *domain.Person, s string) { p.Email = s })},
		{"register", "country", personField(func(p *domain.Person, s string) { p.Country = s })},
		{"create person", "name", func(s string) error {
			_, _, _, err := w.users.CreatePerson(ctx, meta(), w.airline,
				domain.Person{Name: s, Email: "cy@example.com", Country: "PT", Role: domain.RolePilot})
			return err
		}},
		{"reject registration", "reason", func(s string) error {
			_, err := w.users.Reject(ctx, admin, w.airline, person, s)
			return err
		}},
		{"suspend person", "reason", func(s string) error {
			_, err := w.users.Suspend(ctx, admin, w.airline, person, s)
			return err
		}},
		{"rank", "name", func(s string) error {
			_, _, err := ranks.Save(ctx, meta(), w.airline, "", domain.RankForm{Name: s, MinHours: "10"})
			return err
		}},
		{"post news", "title", func(s string) error {
			_, _, err := news.Post(ctx, meta(), w.airline, domain.NewsForm{Title: s, Body: "Body"})
			return err
		}},
		{"post news", "body", func(s string) error {
			_, _, err := news.Post(ctx, meta(), w.airline, domain.NewsForm{Title: "Title", Body: s})
			return err
		}},
		{"edit news", "title", func(s string) error {
			_, err := news.Edit(ctx, meta(), w.airline, newsID, domain.NewsForm{Title: s, Body: "Body"})
			return err
		}},
		{"edit news", "body", func(s string) error {
			_, err := news.Edit(ctx, meta(), w.airline, newsID, domain.NewsForm{Title: "Title", Body: s})
			return err
		}},
		{"api key", "name", func(s string) error {
			_, _, err := keys.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: pilotID}, pilotID, domain.CreateAPIKey{Name: s})
			return err
		}},
	}
	for _, c := range commands {
		for kind, bad := range badTexts {
			t.Run(c.name+"/"+c.field+"/"+kind, func(t *testing.T) {
				before, err := w.r.Store.Head(ctx)
				if err != nil {
					t.Fatal(err)
				}
				err = c.run(bad)
				if domain.ErrorCode(err) != domain.EInvalid {
					t.Fatalf("got %v, want EInvalid", err)
				}
				if msg := domain.ErrorFields(err)[c.field]; msg == "" {
					t.Errorf("no message for %s: %v (fields %v)", c.field, err, domain.ErrorFields(err))
				}
				if after, _ := w.r.Store.Head(ctx); after != before {
					t.Errorf("the log moved from %v to %v", before, after)
				}
			})
		}
	}
}
