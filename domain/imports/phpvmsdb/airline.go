package phpvmsdb

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// row runs one row's steps: a refusal of the domain (a claim taken, text
// it cannot store) is that row's problem, anything else stops the import.
func (im *Importer) row(rep *Report, c *Count, id string, f func() (bool, error)) error {
	c.Read++
	defer im.tick(c)
	did, err := f()
	switch code := domain.ErrorCode(err); {
	case err == nil && did:
		c.Imported++
	case err == nil:
		c.Unchanged++
	case code == domain.EConflict || code == domain.EInvalid:
		c.Skipped++
		rep.problem(c.Table, id, "%s", domain.ErrorMessage(err))
	default:
		return fmt.Errorf("%s %s: %w", c.Table, id, err)
	}
	return nil
}

// skip counts a row left out, with why.
func skip(rep *Report, c *Count, id, format string, args ...any) {
	c.Read++ // the next row's tick counts it
	c.Skipped++
	rep.problem(c.Table, id, format, args...)
}

// airline imports one phpVMS airline's rows into t.
func (im *Importer) airline(ctx context.Context, rep *Report, d *Data, airlineID int64, t Target) error {
	tenant := t.TenantID
	at := func(ts ...time.Time) time.Time { return first(append(ts, time.Now().UTC())...) }

	// Airports: phpVMS's are shared by its airlines; each airline gets them.
	airports := map[string]bool{}
	c := rep.count("airports").start(len(d.Airports))
	for _, a := range d.Airports {
		icao := strings.ToUpper(strings.TrimSpace(a.ICAO))
		if a.Deleted {
			skip(rep, c, icao, "deleted in phpVMS: not imported")
			continue
		}
		ad := domain.AirportDetails{ICAO: icao, IATA: a.IATA, Name: a.Name, City: a.Location, Region: a.Region,
			Country: a.Country, Timezone: a.Timezone, Hub: a.Hub, Latitude: a.Lat, Longitude: a.Lon, Elevation: a.Elevation, Notes: a.Notes}
		ad.Normalize()
		if err := ad.Validate(); err != nil {
			skip(rep, c, icao, "%s", describe(err))
			continue
		}
		airports[icao] = true
		if err := im.row(rep, c, icao, func() (bool, error) {
			return im.step(ctx, rep, domain.AirportStream(tenant, icao), tenant, "airports/"+tenant+"/"+icao, time.Time{}, nil,
				&eventsv1.AirportAdded{AirlineId: tenant, Airport: &eventsv1.AirportAdded_State{
					Icao: ad.ICAO, Iata: ad.IATA, Name: ad.Name, City: ad.City, Region: ad.Region, Country: ad.Country,
					Timezone: ad.Timezone, Hub: ad.Hub, Latitude: ad.Latitude, Longitude: ad.Longitude, ElevationFt: ad.Elevation, Notes: ad.Notes,
				}, AddedAt: ts(at())})
		}); err != nil {
			return err
		}
	}
	im.progress(c)

	// Ranks.
	ranks := map[int64]string{}
	c = rep.count("ranks").start(len(d.Ranks))
	for _, k := range d.Ranks {
		id := fmt.Sprint(k.ID)
		if k.Deleted {
			skip(rep, c, id, "deleted in phpVMS: not imported")
			continue
		}
		rid := im.ID("ranks/"+tenant, k.ID)
		ranks[k.ID] = rid
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.RankStream(rid), tenant, "ranks/"+rid, at(k.Created),
				[]domain.UniqueClaim{{Scope: tenant, Field: "rank_name", Value: strings.ToLower(strings.TrimSpace(k.Name))}},
				&eventsv1.RankSaved{RankId: rid, TenantId: tenant, Name: strings.TrimSpace(k.Name), MinMinutes: int32(k.Hours * 60),
					AutoPromote: k.AutoPromote, AutoAccept: k.AutoApproveManual, AutoAcceptAcars: k.AutoApproveACARS, SavedAt: ts(at(k.Created))})
		}); err != nil {
			return err
		}
	}
	im.progress(c)

	// Subfleets of this airline.
	subfleets := map[int64]string{}
	subfleetICAO := map[int64]string{}
	c = rep.count("subfleets").start(len(d.Subfleets))
	for _, s := range d.Subfleets {
		if s.AirlineID != airlineID {
			continue
		}
		id := fmt.Sprint(s.ID)
		if s.Deleted {
			skip(rep, c, id, "deleted in phpVMS: not imported")
			continue
		}
		sub := domain.Subfleet{Type: strings.ReplaceAll(s.Type, " ", "-"), ICAO: s.SimbriefType, Name: s.Name, HubID: s.HubID}
		if sub.ICAO == "" {
			sub.ICAO = typeOfSubfleet(d, s.ID)
		}
		sub.Normalize()
		if sub.HubID != "" && !airports[sub.HubID] {
			rep.problem("subfleets", id, "its hub %s is not an imported airport: imported without a hub", sub.HubID)
			sub.HubID = ""
		}
		if err := sub.Validate(); err != nil {
			skip(rep, c, id, "%s", describe(err))
			continue
		}
		sid := im.ID("subfleets", s.ID)
		subfleets[s.ID], subfleetICAO[s.ID] = sid, sub.ICAO
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.SubfleetStream(sid), tenant, "subfleets/"+sid, at(s.Created),
				[]domain.UniqueClaim{{Scope: tenant, Field: "type", Value: sub.Type}},
				&eventsv1.SubfleetCreated{SubfleetId: sid, TenantId: tenant, Type: sub.Type, Icao: sub.ICAO, Name: sub.Name, HubId: sub.HubID, CreatedAt: ts(at(s.Created))})
		}); err != nil {
			return err
		}
	}
	im.progress(c)

	// Aircraft of those subfleets. Albatross adds each accepted PIREP to
	// its aircraft's time, so an aircraft starts with what phpVMS counts
	// beyond the accepted PIREPs the import brings.
	flown := map[int64]int64{}
	for _, p := range d.Pireps {
		if p.AirlineID == airlineID && p.State == pirepAccepted && !p.Deleted {
			flown[p.AircraftID] += p.FlightTime
		}
	}
	aircraft := map[int64]string{}
	c = rep.count("aircraft").start(len(d.Aircraft))
	for _, a := range d.Aircraft {
		sid, ok := subfleets[a.SubfleetID]
		if !ok {
			if subfleetOf(d, a.SubfleetID) == airlineID || subfleetOf(d, a.SubfleetID) == 0 && len(d.Airlines) == 1 {
				skip(rep, c, fmt.Sprint(a.ID), "orphan: its subfleet %d is deleted or missing", a.SubfleetID)
			}
			continue
		}
		id := fmt.Sprint(a.ID)
		if a.Deleted {
			skip(rep, c, id, "deleted in phpVMS: not imported")
			continue
		}
		reg := domain.NormalizeRegistration(a.Registration)
		if reg == "" {
			skip(rep, c, id, "it has no registration")
			continue
		}
		loc := strings.ToUpper(a.AirportID)
		if loc != "" && !airports[loc] {
			rep.problem("aircraft", id, "its airport %s is not an imported airport: imported without a location", loc)
			loc = ""
		}
		status := aircraftStatus[strings.ToUpper(strings.TrimSpace(a.Status))]
		if status == "" {
			status = domain.AircraftActive
		}
		aid := im.ID("aircraft", a.ID)
		aircraft[a.ID] = aid
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.AircraftStream(aid), tenant, "aircraft/"+aid, at(a.Created),
				[]domain.UniqueClaim{{Scope: tenant, Field: "registration", Value: reg}},
				&eventsv1.AircraftAdded{AircraftId: aid, TenantId: tenant, SubfleetId: sid, Registration: reg, Name: strings.TrimSpace(a.Name),
					Status: status, AirportId: loc, FlightTime: max(0, a.FlightTime-flown[a.ID]), AddedAt: ts(at(a.Created))})
		}); err != nil {
			return err
		}
	}
	im.progress(c)

	// Flights.
	flights := map[string]string{}
	c = rep.count("flights").start(len(d.Flights))
	for _, f := range d.Flights {
		if f.AirlineID != airlineID {
			continue
		}
		id := f.ID
		if f.Deleted {
			skip(rep, c, id, "deleted in phpVMS: not imported")
			continue
		}
		dpt, arr, alt := strings.ToUpper(f.Dpt), strings.ToUpper(f.Arr), strings.ToUpper(f.Alt)
		if !airports[dpt] || !airports[arr] {
			skip(rep, c, id, "orphan: its airport %s or %s is not an imported airport", dpt, arr)
			continue
		}
		if !airports[alt] {
			alt = ""
		}
		fid := im.ID("flights", f.ID)
		flights[strings.ToLower(f.ID)] = fid
		ev := &eventsv1.FlightAdded{FlightId: fid, TenantId: tenant, FlightNumber: fmt.Sprint(f.FlightNumber), RouteCode: f.RouteCode,
			RouteLeg: int32(f.RouteLeg), Callsign: f.Callsign, DptAirport: dpt, ArrAirport: arr, AltAirport: alt,
			DptTime: clockTime(f.DptTime), ArrTime: clockTime(f.ArrTime), Days: int32(f.Days & 127), StartDate: f.StartDate, EndDate: f.EndDate,
			Distance: round32(f.Distance), FlightTime: int32(f.FlightTime), Level: int32(f.Level), FlightType: f.FlightType,
			Route: strings.ToUpper(strings.TrimSpace(f.Route)), Notes: f.Notes, Active: f.Active, AddedAt: ts(at(f.Created))}
		for _, kv := range f.Fields {
			ev.Fields = append(ev.Fields, &eventsv1.FlightAdded_Field{Name: strings.TrimSpace(kv[0]), Value: strings.TrimSpace(kv[1])})
		}
		for _, s := range f.SubfleetIDs {
			if sid, ok := subfleets[s]; ok {
				ev.SubfleetIds, ev.SubfleetTypes = append(ev.SubfleetIds, sid), append(ev.SubfleetTypes, subfleetICAO[s])
			} else {
				rep.problem("flight_subfleet", id, "orphan: subfleet %d is deleted or missing", s)
			}
		}
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.FlightStream(fid), tenant, "flights/"+fid, at(f.Created), nil, ev)
		}); err != nil {
			return err
		}
	}
	im.progress(c)

	if err := im.users(ctx, rep, d, airlineID, t, airports, ranks); err != nil {
		return err
	}
	if err := im.pireps(ctx, rep, d, airlineID, tenant, aircraft, flights); err != nil {
		return err
	}
	if err := im.news(ctx, rep, d, tenant); err != nil {
		return err
	}
	return im.awards(ctx, rep, d, tenant)
}

// awardRule reads phpVMS's award handler and its parameter as a rule;
// another module's handler is an award given by hand.
func awardRule(a Award) *eventsv1.AwardDefined_Rule {
	p := strings.TrimSpace(a.RefParams)
	n, _ := strconv.ParseInt(p, 10, 64)
	switch a.RefModel {
	case `Modules\Awards\Awards\PilotFlightAwards`:
		if n <= 0 {
			n = 100
		}
		return &eventsv1.AwardDefined_Rule{Kind: domain.AwardRuleFlights, Number: n}
	case `Modules\Awards\Awards\PilotHoursAwards`:
		if n > 0 {
			return &eventsv1.AwardDefined_Rule{Kind: domain.AwardRuleHours, Number: n}
		}
	case `Modules\Awards\Awards\FlightRouteAwards`:
		if dpt, arr, ok := strings.Cut(strings.ToUpper(p), ":"); ok {
			return &eventsv1.AwardDefined_Rule{Kind: domain.AwardRuleRoute, Code: strings.TrimSpace(dpt), Code2: strings.TrimSpace(arr)}
		}
	}
	return &eventsv1.AwardDefined_Rule{Kind: domain.AwardRuleNone}
}

// awards imports the award definitions and who holds them (granted at
// phpVMS's time, as given by hand: phpVMS decided, not Albatross's rules).
func (im *Importer) awards(ctx context.Context, rep *Report, d *Data, tenant string) error {
	c := rep.count("awards").start(len(d.Awards))
	ids := map[int64]string{}
	names := map[int64]string{}
	for _, a := range d.Awards {
		id := fmt.Sprint(a.ID)
		if a.Deleted || !a.Active {
			skip(rep, c, id, "deleted or inactive in phpVMS: not imported")
			continue
		}
		aid := im.ID("awards/"+tenant, a.ID)
		name := strings.TrimSpace(a.Name)
		ids[a.ID], names[a.ID] = aid, name
		when := first(a.Created, time.Now().UTC())
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.AwardStream(aid), tenant, "awards/"+aid, when,
				[]domain.UniqueClaim{{Scope: tenant, Field: "award_name", Value: strings.ToLower(name)}},
				&eventsv1.AwardDefined{AwardId: aid, TenantId: tenant, Name: name, Description: htmlText(a.Description), Rule: awardRule(a), By: Actor, DefinedAt: ts(when)})
		}); err != nil {
			return err
		}
	}
	im.progress(c)
	c = rep.count("user_awards").start(len(d.Granted))
	for _, g := range d.Granted {
		id := fmt.Sprint(g.ID)
		aid, ok := ids[g.AwardID]
		if !ok {
			skip(rep, c, id, "orphan: award %d is deleted, inactive or missing", g.AwardID)
			continue
		}
		uid, ok := rep.UserIDs[g.UserID]
		if !ok {
			continue // another airline's pilot, or one not imported
		}
		when := first(g.Created, time.Now().UTC())
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.PilotAwardsStream(uid), tenant, "user_awards/"+uid+"/"+aid, when, nil,
				&eventsv1.AwardGranted{AwardId: aid, TenantId: tenant, UserId: uid, AwardName: names[g.AwardID],
					Reason: "Awarded in phpVMS", ByHand: true, By: Actor, GrantedAt: ts(when)})
		}); err != nil {
			return err
		}
	}
	im.progress(c)
	return nil
}

// news imports phpVMS's news items, their HTML turned into text.
func (im *Importer) news(ctx context.Context, rep *Report, d *Data, tenant string) error {
	c := rep.count("news").start(len(d.News))
	for _, n := range d.News {
		id := fmt.Sprint(n.ID)
		f := domain.NewsForm{Title: strings.TrimSpace(n.Subject), Body: htmlText(n.Body)}
		if err := f.Validate(); err != nil {
			skip(rep, c, id, "%s", describe(err))
			continue
		}
		author, ok := rep.UserIDs[n.UserID]
		if !ok {
			author = domain.System.UserID
		}
		nid := im.ID("news/"+tenant, n.ID)
		when := first(n.Created, time.Now().UTC())
		if err := im.row(rep, c, id, func() (bool, error) {
			return im.step(ctx, rep, domain.NewsStream(nid), tenant, "news/"+nid, when, nil,
				&eventsv1.NewsPosted{NewsId: nid, TenantId: tenant, Title: f.Title, Body: f.Body, AuthorId: author, PostedAt: ts(when.Truncate(time.Microsecond))})
		}); err != nil {
			return err
		}
	}
	im.progress(c)
	return nil
}

var (
	htmlBreak = regexp.MustCompile(`(?i)<\s*(br|/p|/div|/li|/h[1-6])\s*/?>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
)

// htmlText is the text of phpVMS's editor HTML: paragraphs and breaks as
// new lines, every other tag dropped, entities read.
func htmlText(s string) string {
	s = htmlBreak.ReplaceAllString(s, "\n\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// typeOfSubfleet is the ICAO type of a subfleet's first aircraft.
func typeOfSubfleet(d *Data, id int64) string {
	for _, a := range d.Aircraft {
		if a.SubfleetID == id && a.ICAO != "" {
			return a.ICAO
		}
	}
	return ""
}

// subfleetOf is a subfleet's airline (0 when it does not exist).
func subfleetOf(d *Data, id int64) int64 {
	for _, s := range d.Subfleets {
		if s.ID == id {
			return s.AirlineID
		}
	}
	return 0
}

// describe is a domain refusal in one line.
func describe(err error) string {
	if f := domain.ErrorFields(err); len(f) > 0 {
		parts := []string{}
		for k, v := range f {
			parts = append(parts, k+": "+v)
		}
		return strings.Join(parts, "; ")
	}
	return domain.ErrorMessage(err)
}

var _ proto.Message = (*eventsv1.AirportAdded)(nil)
