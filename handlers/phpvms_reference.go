package handlers

import (
	"math"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's reference routes (the spec's §5 and §6.1, §6.3's user): status,
// the key's user, airlines and airports, in phpVMS's shapes.

// phpvmsVersion is the phpVMS release whose API Albatross answers as; its
// build part names Albatross, for a client that shows it.
const phpvmsVersion = "7.0.10+albatross"

// showStatus is GET /api, /api/status and /api/version: no envelope.
func (h *phpvmsAPI) showStatus(c echo.Context) error {
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON,
		map[string]any{"name": "Albatross", "version": phpvmsVersion, "php": runtime.Version()})
}

// units rounds as phpVMS's units objects do: to two decimals.
func units(v float64) float64 { return math.Round(v*100) / 100 }

// distanceUnits is phpVMS's Distance object of a distance in nautical
// miles.
func distanceUnits(nmi float64) map[string]float64 {
	return map[string]float64{"m": units(nmi * 1852), "km": units(nmi * 1.852), "mi": units(nmi * 1.150779448), "nmi": units(nmi)}
}

// massUnits is phpVMS's Fuel or Mass object of a mass in pounds.
func massUnits(lbs float64) map[string]float64 {
	return map[string]float64{"kg": units(lbs * 0.45359237), "lbs": units(lbs)}
}

// phpvmsTime writes a Laravel timestamp: ISO-8601 in UTC with microseconds.
func phpvmsTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// airlineResource is phpVMS's Airline: {id, icao, iata, name, country,
// logo}, and nothing else. Albatross numbers airlines for phpVMS's
// integer ids by their pilot number's peer, the airline's own number.
func airlineResource(a reads.Airline) map[string]any {
	return map[string]any{"id": a.Number, "icao": a.ICAO, "iata": a.IATA, "name": a.Name, "country": "", "logo": ""}
}

// showAirlines is GET /api/airlines: the key's airline (a key answers for
// one airline, so the list is of one).
func (h *phpvmsAPI) showAirlines(c echo.Context) error {
	p, err := readPhpvmsPage(c)
	if err != nil {
		return err
	}
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	return phpvmsPaged(c, p, pageOf([]any{airlineResource(a)}, p), 1)
}

// showAirline is GET /api/airlines/{id}.
func (h *phpvmsAPI) showAirline(c echo.Context) error {
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	if c.Param("number") != strconv.Itoa(a.Number) {
		return phpvmsNotFound("Airline not found")
	}
	return phpvmsData(c, airlineResource(a))
}

// shortName is phpVMS's privacy-shortened name: the first name and the
// last name's initial ("Nabeel S").
func shortName(name string) string {
	parts := strings.Fields(name)
	if len(parts) < 2 {
		return strings.Join(parts, " ")
	}
	last := []rune(parts[len(parts)-1])
	return parts[0] + " " + string(last[0])
}

// phpvmsOnLeave is phpVMS's UserState ON_LEAVE.
const phpvmsOnLeave = 3

// phpvmsUserState is phpVMS's UserState of an Albatross status.
func phpvmsUserState(status string) int {
	switch status {
	case domain.StatusActive:
		return 1
	case domain.StatusPending:
		return 0
	case domain.StatusRejected:
		return 2
	case domain.StatusSuspended:
		return 4
	default:
		return 1
	}
}

// userResource is phpVMS's User, from the explicit list of keys its
// resource writes (email, the key and the real name never appear).
func (h *phpvmsAPI) userResource(c echo.Context, a reads.Airline, u reads.User) (map[string]any, error) {
	ctx := c.Request().Context()
	career, err := h.rm.PilotCareer(ctx, a.ID, u.ID)
	if err != nil {
		return nil, err
	}
	transfer, err := h.rm.TransferMinutes(ctx, a.ID, u.ID)
	if err != nil {
		return nil, err
	}
	var rank any
	if career.RankID != "" {
		r, err := h.rm.FindRank(ctx, a.ID, career.RankID)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return nil, err
		}
		if err == nil {
			rank = map[string]any{"name": r.Name, "subfleets": []any{}}
		}
	}
	// Before a first accepted arrival, a pilot is at their home hub, as
	// in phpVMS (where curr_airport starts as home_airport).
	var location, home any
	if u.HomeAirport != "" {
		location, home = u.HomeAirport, u.HomeAirport
	}
	if career.Location != "" {
		location = career.Location
	}
	awards, err := h.awardResources(c, a.ID, u.ID)
	if err != nil {
		return nil, err
	}
	state := phpvmsUserState(u.Status)
	if u.Status == domain.StatusActive {
		// phpVMS's UserState ON_LEAVE: on leave today, by request or by
		// the activity rule.
		onLeave, err := h.rm.PilotOnLeave(ctx, a.ID, u.ID, today())
		if err != nil {
			return nil, err
		}
		if onLeave {
			state = phpvmsOnLeave
		}
	}
	return map[string]any{
		"id": u.PilotNumber, "pilot_id": u.PilotNumber, "ident": u.PilotID,
		"name": shortName(u.Name), "name_private": shortName(u.Name), "avatar": nil,
		"discord_id": nil, "vatsim_id": nil, "ivao_id": nil,
		"rank_id": nil, "home_airport": home, "curr_airport": location, "last_pirep_id": nil,
		"flights": career.Flights, "flight_time": career.Minutes, "transfer_time": transfer, "total_time": career.Minutes + transfer,
		"timezone": nil, "state": state,
		"airline": airlineResource(a), "rank": rank, "bids": []any{}, "subfleets": []any{},
		"awards": awards,
	}, nil
}

// awardResources are the awards a member holds, as phpVMS's Award model
// has them (id, name, description, image_url) with when it was granted;
// phpVMS's User loads them as the "awards" relation.
func (h *phpvmsAPI) awardResources(c echo.Context, airlineID, userID string) ([]any, error) {
	out := []any{}
	id, err := uuid.Parse(userID)
	if err != nil {
		return out, nil
	}
	badges, err := pilotAwardBadges(c.Request().Context(), h.rm, airlineID, id)
	if err != nil {
		return nil, err
	}
	for _, b := range badges {
		var img any
		if b.ImageURL != "" {
			img = b.ImageURL
		}
		out = append(out, map[string]any{"id": b.ID, "name": b.Name, "description": b.Description, "image_url": img})
	}
	return out, nil
}

// showUser is GET /api/user and /api/users/me: the key's owner.
func (h *phpvmsAPI) showUser(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	u, err := h.userResource(c, *p.airline, p.user)
	if err != nil {
		return err
	}
	return phpvmsData(c, u)
}

// showUserByNumber is GET /api/users/{id}: a member of the key's airline
// by their pilot number.
func (h *phpvmsAPI) showUserByNumber(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	a := *p.airline
	notFound := phpvmsRefusal(http.StatusNotFound, "user-not-found", "User not found")
	n, err := strconv.ParseInt(c.Param("number"), 10, 32)
	if err != nil || n < 1 {
		return notFound
	}
	if int32(n) == p.user.PilotNumber {
		return h.showUser(c)
	}
	ident := domain.FormatPilotID(a.PilotIDPrefix, int32(n))
	found, err := h.rm.FindMembers(c.Request().Context(), a.ID, ident, 1)
	if err != nil {
		return err
	}
	if len(found) == 0 || found[0].PilotID != ident {
		return notFound
	}
	member, err := h.rm.FindPerson(c.Request().Context(), a.ID, found[0].ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return notFound
	}
	if err != nil {
		return err
	}
	u, err := h.userResource(c, a, member)
	if err != nil {
		return err
	}
	return phpvmsData(c, u)
}

// airportResource is phpVMS's Airport: all its columns, id the ICAO code.
func airportResource(a domain.AirportDetails) map[string]any {
	return map[string]any{
		"id": a.ICAO, "iata": a.IATA, "icao": a.ICAO, "name": a.Name, "location": a.City, "region": a.Region,
		"country": a.Country, "timezone": a.Timezone, "hub": a.Hub, "lat": a.Latitude, "lon": a.Longitude,
		"elevation": a.Elevation, "ground_handling_cost": a.GroundHandlingCost, "fuel_100ll_cost": a.Fuel100LLCost,
		"fuel_jeta_cost": a.FuelJetACost, "fuel_mogas_cost": a.FuelMogasCost, "notes": a.Notes,
	}
}

// airportSummary is what /api/airports/search lists of each airport.
func airportSummary(a domain.AirportDetails) map[string]any {
	return map[string]any{"id": a.ICAO, "iata": a.IATA, "icao": a.ICAO, "name": a.Name, "hub": a.Hub}
}

// listAirports answers a page of airports, by ICAO, hubs only when asked.
func (h *phpvmsAPI) listAirports(c echo.Context, hubsOnly bool, shape func(domain.AirportDetails) map[string]any) error {
	p, err := readPhpvmsPage(c)
	if err != nil {
		return err
	}
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	var list []domain.AirportDetails
	if term := strings.TrimSpace(c.QueryParam("search")); term != "" {
		list, err = h.rm.SearchAirlineAirports(c.Request().Context(), a.ID, term, phpvmsMaxSearch)
	} else {
		list, err = h.rm.Airports(c.Request().Context(), a.ID)
	}
	if err != nil {
		return err
	}
	hubsOnly = hubsOnly || c.QueryParam("hub") == "1" || c.QueryParam("hubs") == "1"
	var items []any
	for _, ap := range list {
		if !hubsOnly || ap.Hub {
			items = append(items, shape(ap))
		}
	}
	return phpvmsPaged(c, p, pageOf(items, p), len(items))
}

// phpvmsMaxSearch bounds a search's matches, as the pages' boxes do.
const phpvmsMaxSearch = 1000

func (h *phpvmsAPI) showAirports(c echo.Context) error {
	return h.listAirports(c, false, airportResource)
}
func (h *phpvmsAPI) showHubs(c echo.Context) error { return h.listAirports(c, true, airportResource) }
func (h *phpvmsAPI) searchAirports(c echo.Context) error {
	return h.listAirports(c, false, airportSummary)
}

// showAirport is GET /api/airports/{icao}: one of the airline's airports.
func (h *phpvmsAPI) showAirport(c echo.Context) error {
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	ap, err := h.rm.FindAirport(c.Request().Context(), a.ID, strings.ToUpper(c.Param("icao")))
	if domain.ErrorCode(err) == domain.ENotFound {
		return phpvmsNotFound("Airport not found")
	}
	if err != nil {
		return err
	}
	return phpvmsData(c, airportResource(ap))
}

// lookupAirport is GET /api/airports/{icao}/lookup: phpVMS asks
// vaCentral; Albatross answers from its built-in world reference.
func (h *phpvmsAPI) lookupAirport(ref *airportref.Index) echo.HandlerFunc {
	return func(c echo.Context) error {
		ap, ok := ref.Lookup(strings.ToUpper(c.Param("icao")))
		if !ok {
			return phpvmsNotFound("Airport not found")
		}
		return phpvmsData(c, map[string]any{
			"id": ap.ICAO, "icao": ap.ICAO, "iata": ap.IATA, "name": ap.Name, "city": ap.City, "location": ap.City,
			"country": ap.Country, "lat": ap.Latitude, "lon": ap.Longitude, "elevation": ap.Elevation,
		})
	}
}

// showDistance is GET /api/airports/{from}/distance/{to}: the great-circle
// distance between two of the airline's airports.
func (h *phpvmsAPI) showDistance(c echo.Context) error {
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	from, to := strings.ToUpper(c.Param("icao")), strings.ToUpper(c.Param("to"))
	found, err := h.rm.AirportsAmong(c.Request().Context(), a.ID, []string{from, to})
	if err != nil {
		return err
	}
	at := map[string]domain.AirportDetails{}
	for _, ap := range found {
		at[ap.ICAO] = ap
	}
	f, okF := at[from]
	t, okT := at[to]
	if !okF || !okT {
		return phpvmsNotFound("Airport not found")
	}
	nm := domain.GreatCircleNM(domain.Coordinates{Lat: f.Latitude, Lon: f.Longitude}, domain.Coordinates{Lat: t.Latitude, Lon: t.Longitude})
	return phpvmsData(c, map[string]any{"fromIcao": from, "toIcao": to, "distance": distanceUnits(nm)})
}
