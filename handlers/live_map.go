package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// liveMapHandlers are an airline's live map: its flights in progress at
// their last reported positions, for everyone in the airline. The section
// re-fetches itself on each position an ACARS client reports.
type liveMapHandlers struct {
	rm    reads.Querier
	now   func() time.Time
	tiles views.MapTiles // the tile server the map draws, if any
}

// liveMapLimit bounds the flights a map draws; the busiest airlines fly
// fewer at once.
const liveMapLimit = 200

func liveMapURL(airlineID string) string { return "/airlines/" + airlineID + "/live" }

// showLiveMap is the live map; ?flight=<PIREP id> draws that flight's
// track so far.
func (h *liveMapHandlers) showLiveMap(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "live")
	if err != nil {
		return err
	}
	base := liveMapURL(tabs.ID)
	selected := c.QueryParam("flight")
	l, err := liveMapOf(c.Request().Context(), h.rm, tabs.ID, tabs.ICAO, selected, base, h.now(), false)
	if err != nil {
		return err
	}
	l.Map.Tiles = h.tiles
	p := views.LiveMapPage{Page: page(c, tabs.Name+" · Live flights"), Tabs: tabs, URL: base, ClearURL: base, Live: l}
	if l.Selected != "" {
		p.URL = selectFlightURL(base, l.Selected)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.LiveMapView(p), nil)
}

// selectFlightURL is the live map at base with one flight's track.
func selectFlightURL(base, pirepID string) string {
	return base + "?" + url.Values{"flight": {pirepID}}.Encode()
}

// liveMapOf reads an airline's flights in progress for its map and table.
// selected, when it names one of them, gets its track drawn. selectBase,
// when set, is the page whose links select a flight; the public page,
// which offers no tracks, names pilots by first name and initial.
func liveMapOf(ctx context.Context, rm reads.Querier, airlineID, icao, selected, selectBase string, now time.Time, public bool) (views.LiveMap, error) {
	flights, err := rm.FlightsInProgress(ctx, airlineID, liveMapLimit+1)
	if err != nil {
		return views.LiveMap{}, err
	}
	var l views.LiveMap
	if len(flights) > liveMapLimit {
		flights, l.Truncated = flights[:liveMapLimit], true
	}
	pilots := make([]string, 0, len(flights))
	for _, f := range flights {
		pilots = append(pilots, f.PilotID)
	}
	names := map[string]string{}
	if err := learnNames(ctx, rm, airlineID, names, pilots...); err != nil {
		return l, err
	}
	for _, f := range flights {
		pilot := names[f.PilotID]
		if public {
			pilot = shortName(pilot)
		}
		row := views.LiveFlight{ID: f.ID, Ident: icao + f.FlightNumber, Pilot: pilot, Phase: phaseLabel(f.Phase),
			Altitude: "-", GroundSpeed: "-", Dpt: f.DptAirport, Arr: f.ArrAirport, Since: sinceDeparture(f, now),
			Selected: f.ID == selected && !public, Charter: f.FlightID == ""}
		if selectBase != "" && !public {
			row.SelectURL = selectFlightURL(selectBase, f.ID)
		}
		if f.Last != nil {
			row.Altitude, row.GroundSpeed = views.FormatFeet(f.Last.Altitude), strconv.Itoa(int(f.Last.GroundSpeed))+" kt"
			label := row.Ident
			if pilot != "" && !public {
				label += " · " + pilot
			}
			l.Map.Aircraft = append(l.Map.Aircraft, views.MapAircraft{ID: f.ID, Label: label, Lat: f.Last.Lat, Lon: f.Last.Lon,
				Heading: f.Last.Heading, Selected: row.Selected})
		}
		if row.Selected {
			track, err := rm.PirepTrack(ctx, airlineID, f.ID)
			if err != nil {
				return l, err
			}
			l.Map.Track, l.Selected = trackPoints(track), f.ID
		}
		l.Flights = append(l.Flights, row)
	}
	return l, nil
}

// phaseLabel is a phase as phpVMS names it, or its code when phpVMS has no
// name for it.
func phaseLabel(code string) string {
	if s, ok := phpvmsStatusText[code]; ok {
		return s
	}
	return code
}

// sinceDeparture is how long ago a flight in progress left its block, or,
// before its client reported that, how long ago it was prefiled.
func sinceDeparture(p reads.Pirep, now time.Time) string {
	from := p.BlockOff
	if from.IsZero() || from.After(now) {
		from = p.FiledAt
	}
	if from.IsZero() || from.After(now) {
		return "-"
	}
	return domain.FormatFlightTime(int64(now.Sub(from).Minutes()))
}

// pirepTrackOf is a PIREP's track on a map zoomed to it, with the aircraft
// where it last was while it flies, and its profile; nil for a PIREP with
// no positions (a manual one).
func pirepTrackOf(ctx context.Context, rm reads.Querier, p reads.Pirep) (*views.PirepTrack, error) {
	if p.Positions == 0 {
		return nil, nil
	}
	list, err := rm.PirepTrack(ctx, p.AirlineID, p.ID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	pts := trackPoints(list)
	t := &views.PirepTrack{Map: views.WorldMap{Track: pts, Fit: true}, Profile: views.NewProfile(pts)}
	if last := list[len(list)-1]; p.State == domain.PirepInProgress {
		t.Map.Aircraft = []views.MapAircraft{{ID: p.ID, Lat: last.Lat, Lon: last.Lon, Heading: last.Heading, Selected: true}}
	}
	return t, nil
}

// trackPoints are a flight's positions as the maps and the profile chart
// draw them.
func trackPoints(list []domain.AircraftPosition) []views.TrackPoint {
	out := make([]views.TrackPoint, 0, len(list))
	for _, p := range list {
		out = append(out, views.TrackPoint{Lat: p.Lat, Lon: p.Lon, Altitude: p.AltitudeMSL, GroundSpeed: p.GroundSpeed, At: p.At})
	}
	return out
}

// streamLiveFlights is the SSE stream of an airline's public page, for
// anyone: the live map's notices of that airline alone, which say no more
// than the page shows (phpVMS's /api/acars lists the same flights to
// anyone).
func (b *Broker) streamLiveFlights(rm reads.Querier) echo.HandlerFunc {
	// The flights in progress, and the acceptances that change the page's
	// figures and latest flights: nothing else of the airline.
	only := map[live.Topic]bool{live.TopicLiveFlights: true, live.TopicPilotTotals: true, live.TopicResync: true}
	return func(c echo.Context) error {
		a, err := rm.FindAirlineBySlug(c.Request().Context(), c.Param("slug"))
		if err != nil {
			return err
		}
		rules, err := reads.PirepSettings{Q: rm}.PirepRules(c.Request().Context(), a.ID)
		if err != nil {
			return err
		}
		if rules.PublicLiveMapOff {
			return echo.NewHTTPError(http.StatusNotFound, "This airline shows no live map.")
		}
		return b.stream(c, sseViewer{tenant: a.ID, topics: only}, func() (<-chan struct{}, func(), bool) { return nil, func() {}, true })
	}
}
