package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// publicRecentFlights is how many accepted flights the public page lists.
const publicRecentFlights = 5

// publicFacts fills what the public page tells of an airline beside its
// pilots: its flights and hours, hubs, fleet, route count and latest
// accepted flights. Only what the airline shows anyone: no email, no
// review detail, pilots named as the public live map names them
// (first name and the last name's initial).
func publicFacts(ctx context.Context, rm reads.Querier, a reads.Airline, p *views.PublicAirlinePage) error {
	sum, err := rm.SumAirlineFlights(ctx, a.ID)
	if err != nil {
		return err
	}
	p.Flights, p.Hours = sum.Flights, strconv.FormatInt(sum.Minutes/60, 10)
	if p.Routes, err = rm.CountActiveFlights(ctx, a.ID); err != nil {
		return err
	}
	hubs, err := rm.ListHubs(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, h := range hubs {
		p.Hubs = append(p.Hubs, views.PublicHub{ICAO: h.Icao, Name: h.Name, City: h.City, Country: h.Country})
	}
	subfleets, err := rm.ListSubfleets(ctx, a.ID)
	if err != nil {
		return err
	}
	aircraft, err := rm.ListAircraft(ctx, a.ID)
	if err != nil {
		return err
	}
	flying := map[string]int{}
	for _, ac := range aircraft {
		if ac.Status != domain.AircraftRetired {
			flying[ac.SubfleetID.String()]++
		}
	}
	for _, s := range subfleets {
		if n := flying[s.ID.String()]; n > 0 {
			p.Fleet = append(p.Fleet, views.PublicSubfleet{Name: s.Name, Type: s.Type, Aircraft: n})
		}
	}
	recent, err := rm.LatestAccepted(ctx, a.ID, publicRecentFlights)
	if err != nil {
		return err
	}
	names := map[string]string{}
	pilots := make([]string, 0, len(recent))
	for _, r := range recent {
		pilots = append(pilots, r.PilotID)
	}
	if err := learnNames(ctx, rm, a.ID, names, pilots...); err != nil {
		return err
	}
	var idents map[string]string
	if len(recent) > 0 {
		if idents, err = publicProfileIdents(ctx, rm, a.ID); err != nil {
			return err
		}
	}
	for _, r := range recent {
		f := views.PublicFlight{
			Ident: a.ICAO + r.FlightNumber, Dpt: r.DptAirport, Arr: r.ArrAirport,
			Pilot: publicPilotName(names[r.PilotID]), Date: r.BlockOff.UTC().Format("2 Jan 2006"),
			Duration: domain.FormatFlightTime(int64(r.FlightTime)),
		}
		if ident := idents[r.PilotID]; ident != "" {
			f.PilotURL = profileURL(a.Slug, ident)
			if f.Pilot == "" {
				f.Pilot = ident // a name that is an email shows as the pilot id
			}
		}
		p.Recent = append(p.Recent, f)
	}
	return nil
}

// publicPilotName is a pilot's name as the public page shows it: phpVMS's
// shortened name, and nothing of a name that is an email address (as a
// name typed into the wrong box can be).
func publicPilotName(name string) string {
	if strings.Contains(name, "@") {
		return ""
	}
	return shortName(name)
}
