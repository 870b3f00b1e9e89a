package handlers

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's fleet routes (the spec's §6.1 and §6.3): the airline's
// subfleets with their aircraft, one aircraft, and the subfleets a pilot
// may fly. phpVMS names subfleets and aircraft by integers; Albatross's
// Number is that integer, given in creation order within the airline.

// phpvmsFleet is an airline's subfleets and aircraft, read once per request so
// that every Subfleet and Flight of an answer is built from the same two
// reads, however many items the answer holds.
type phpvmsFleet struct {
	airline   reads.Airline
	subfleets []reads.Subfleet // by Number, as phpVMS lists by id
	byID      map[string]reads.Subfleet
	aircraft  map[string][]reads.Aircraft // by subfleet id, each by Number
	// bidders are the pilots with a standing bid, by flight, of the
	// flights read so far (has_bid).
	bidders map[string][]string
}

func (h *phpvmsAPI) readFleet(ctx context.Context, a reads.Airline) (*phpvmsFleet, error) {
	subfleets, err := h.rm.Subfleets(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	aircraft, err := h.rm.FleetAircraft(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	f := &phpvmsFleet{airline: a, subfleets: subfleets, byID: map[string]reads.Subfleet{}, aircraft: map[string][]reads.Aircraft{}}
	slices.SortFunc(f.subfleets, func(x, y reads.Subfleet) int { return cmp.Compare(x.Number, y.Number) })
	for _, s := range subfleets {
		f.byID[s.ID] = s
	}
	for _, ac := range aircraft {
		f.aircraft[ac.SubfleetID] = append(f.aircraft[ac.SubfleetID], ac)
	}
	for _, list := range f.aircraft {
		slices.SortFunc(list, func(x, y reads.Aircraft) int { return cmp.Compare(x.Number, y.Number) })
	}
	return f, nil
}

// allowed are the subfleets that may fly a flight naming ids: those it
// names, or every subfleet when it names none (Albatross's rule, which its
// own pages follow). A named subfleet since deleted is left out.
func (f *phpvmsFleet) allowed(ids []string) []reads.Subfleet {
	if len(ids) == 0 {
		return f.subfleets
	}
	var out []reads.Subfleet
	for _, s := range f.subfleets {
		if slices.Contains(ids, s.ID) {
			out = append(out, s)
		}
	}
	return out
}

// subfleetResource is phpVMS's Subfleet with its aircraft and fares.
// Albatross has no fares, fuel type, capacities or weights: those are null
// (a client shows nothing) rather than made up.
func (f *phpvmsFleet) subfleetResource(s reads.Subfleet) map[string]any {
	out := f.subfleetSummary(s)
	list := []any{}
	for _, ac := range f.aircraft[s.ID] {
		list = append(list, aircraftResource(ac, s))
	}
	out["aircraft"] = list
	return out
}

// subfleetSummary is the Subfleet without its aircraft, as an Aircraft's
// subfleet is sent.
func (f *phpvmsFleet) subfleetSummary(s reads.Subfleet) map[string]any {
	var cost any
	if s.CostBlockHourCents != nil {
		cost = float64(*s.CostBlockHourCents) / 100
	}
	return map[string]any{
		"id": s.Number, "airline_id": f.airline.Number, "hub_id": orNull(s.HubID), "type": s.Type,
		"simbrief_type": nil, "name": s.Name, "fuel_type": nil,
		"cost_block_hour": cost, "cost_delay_minute": nil, "ground_handling_multiplier": nil,
		"cargo_capacity": nil, "fuel_capacity": nil, "gross_weight": nil,
		"created_at": nil, "updated_at": nil, "fares": []any{},
	}
}

// aircraftResource is phpVMS's Aircraft of s. Its ICAO type is its
// subfleet's (Albatross keeps the type there); state is always 0, parked,
// because the read models do not say which aircraft is in use; the masses
// Albatross does not keep are zero, in phpVMS's units objects.
func aircraftResource(ac reads.Aircraft, s reads.Subfleet) map[string]any {
	return map[string]any{
		"id": ac.Number, "subfleet_id": s.Number, "airport_id": orNull(ac.AirportID), "hub_id": orNull(s.HubID),
		"iata": nil, "icao": s.ICAO, "name": ac.Name, "registration": ac.Registration,
		"fin": nil, "hex_code": nil, "selcal": nil, "landing_time": nil, "flight_time": ac.FlightTime,
		"status": domain.PhpVMSStatus(ac.Status), "state": 0, "simbrief_type": nil,
		"dow": massUnits(0), "zfw": massUnits(0), "mtow": massUnits(0), "mlw": massUnits(0), "fuel_onboard": massUnits(0),
		"ident":      ac.Registration + " (" + s.ICAO + ")",
		"created_at": nil, "updated_at": nil,
	}
}

// orNull is s, or null when it is empty: phpVMS's nullable columns.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// showFleet is GET /api/fleet (and /api/subfleet): a page of every one of
// the airline's subfleets, not only those the key's pilot may fly.
func (h *phpvmsAPI) showFleet(c echo.Context) error {
	p, err := readPhpvmsPage(c)
	if err != nil {
		return err
	}
	f, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	var items []any
	for _, s := range pageOf(f.subfleets, p) {
		items = append(items, f.subfleetResource(s))
	}
	return phpvmsPaged(c, p, items, len(f.subfleets))
}

// showUserFleet is GET /api/user/fleet: the subfleets the key's pilot may
// fly (domain.MayFly: by rank and type rating when the airline restricts
// them, else all), all at once (phpVMS does not page it).
func (h *phpvmsAPI) showUserFleet(c echo.Context) error {
	f, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	p, _ := currentAPIPrincipal(c)
	q, err := reads.Qualifications{Q: h.rm}.Qualifications(c.Request().Context(), f.airline.ID, p.user.ID)
	if err != nil {
		return err
	}
	items := []any{}
	for _, s := range f.subfleets {
		if domain.MayFly(q, s.ID) == nil {
			items = append(items, f.subfleetResource(s))
		}
	}
	return phpvmsData(c, items)
}

// showFleetAircraft is GET /api/fleet/aircraft/{id}: an aircraft by its
// number, or, as ?type= says, by its registration, ICAO type or name (the
// first by number). Another airline's aircraft is not found, as an unknown
// one is.
func (h *phpvmsAPI) showFleetAircraft(c echo.Context) error {
	f, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	id := c.Param("number")
	match := func(ac reads.Aircraft, s reads.Subfleet) bool { return strconv.Itoa(ac.Number) == id }
	switch c.QueryParam("type") {
	case "", "id":
	case "registration":
		match = func(ac reads.Aircraft, _ reads.Subfleet) bool {
			return ac.Registration == domain.NormalizeRegistration(id)
		}
	case "icao":
		match = func(_ reads.Aircraft, s reads.Subfleet) bool { return strings.EqualFold(s.ICAO, id) }
	case "name":
		match = func(ac reads.Aircraft, _ reads.Subfleet) bool { return ac.Name == id }
	default:
		return phpvmsNotFound("Aircraft not found")
	}
	var found *reads.Aircraft
	var of reads.Subfleet
	for _, s := range f.subfleets {
		for _, ac := range f.aircraft[s.ID] {
			if match(ac, s) && (found == nil || ac.Number < found.Number) {
				found, of = &ac, s
			}
		}
	}
	if found == nil {
		return phpvmsNotFound("Aircraft not found")
	}
	out := aircraftResource(*found, of)
	out["subfleet"] = f.subfleetSummary(of)
	return phpvmsData(c, out)
}

// keyFleet is the fleet of the key's airline.
func (h *phpvmsAPI) keyFleet(c echo.Context) (*phpvmsFleet, error) {
	a, err := phpvmsAirline(c)
	if err != nil {
		return nil, err
	}
	return h.readFleet(c.Request().Context(), a)
}
