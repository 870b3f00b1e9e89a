package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's bid routes (the spec's §6.3): the key owner's bids, listed, one
// by its integer id, added (PUT or POST, answering the one new bid) and
// removed (DELETE, answering the bids that remain).

// BidCommands runs the bid commands (domain.Bids).
type BidCommands interface {
	Place(ctx context.Context, meta domain.CommandMeta, airlineID, flightID, aircraftID string) (domain.Bid, domain.AppendResult, error)
	Remove(ctx context.Context, meta domain.CommandMeta, airlineID, bidID string) (domain.AppendResult, error)
	Rebook(ctx context.Context, meta domain.CommandMeta, airlineID, bidID, aircraftID string) (domain.Bid, domain.AppendResult, error)
	Charter(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.CharterFlight) (domain.Bid, domain.AppendResult, error)
}

// phpvmsBidRefusal words a refused bid as phpVMS does: 400
// user-not-at-airport for a pilot elsewhere (pilots.only_flights_from_current),
// 409 bid-exists for a flight or aircraft another pilot's bid holds, 409
// user-bid-limit, a 404 for a flight the airline lacks, else a validation
// exception.
func phpvmsBidRefusal(err error) error {
	fields := domain.ErrorFields(err)
	switch {
	case domain.ErrorReasons(err)["dpt_airport"] == domain.ReasonPilotElsewhere:
		return phpvmsRefusal(http.StatusBadRequest, "user-not-at-airport", "Pilot is not at the departure airport")
	case domain.ErrorCode(err) == domain.EConflict && fields["bids"] != "":
		return phpvmsRefusal(http.StatusConflict, "user-bid-limit", domain.ErrorMessage(err))
	case domain.ErrorCode(err) == domain.EConflict && (fields["flight_id"] != "" || fields["aircraft_id"] != ""):
		return phpvmsRefusal(http.StatusConflict, "bid-exists", domain.ErrorMessage(err))
	case domain.ErrorCode(err) == domain.ENotFound:
		return phpvmsNotFound("Flight not found")
	case domain.ErrorCode(err) == domain.EInvalid && len(fields) > 0:
		return phpvmsInvalid(fields)
	}
	return err
}

// bidResource is phpVMS's Bid: integer ids, and the flight with has_bid
// set and the pilot's OFP of it (of ofps, keyOwnerOFPs' answer) or its
// subfleets.
func (h *phpvmsAPI) bidResource(c echo.Context, fl *phpvmsFleet, ofps map[string]reads.OFPRef, pilot reads.User, b reads.StandingBid) (map[string]any, error) {
	ctx := c.Request().Context()
	var aircraft any
	if b.AircraftID != "" {
		if ac, err := h.rm.FindAircraft(ctx, fl.airline.ID, b.AircraftID); err == nil {
			aircraft = ac.Number
		}
	}
	out := map[string]any{"id": b.Number, "user_id": pilot.PilotNumber, "flight_id": b.FlightID, "aircraft_id": aircraft,
		"created_at": phpvmsTimestamp(b.PlacedAt), "updated_at": phpvmsTimestamp(b.PlacedAt)}
	if c := b.Charter; c != nil {
		// A charter booking is, as phpVMS's charter modules make it, a
		// flight of the pilot's own (hidden from the schedule) with a bid:
		// its id is the booking's, which a prefile's flight_id names.
		res := fl.flightResource(reads.ScheduledFlight{ID: b.ID, FlightNumber: c.FlightNumber, DptAirport: c.DptAirport,
			ArrAirport: c.ArrAirport, DptTime: c.DptTime, ArrTime: c.ArrTime, Level: c.Level, FlightTime: c.FlightTime(),
			FlightType: c.FlightType(), Distance: c.Distance, Route: c.Route, Active: true}, true)
		res["has_bid"], res["visible"], res["user_id"], res["owner_type"] = true, false, pilot.PilotNumber, "charter"
		delete(res, "simbrief")
		out["flight_id"], out["flight"] = b.ID, res
		return out, nil
	}
	f, err := h.rm.FindFlight(ctx, fl.airline.ID, b.FlightID)
	switch domain.ErrorCode(err) {
	case "":
		// phpVMS's BidFlight: with the pilot's OFP of the flight, simbrief
		// (its aircraft in its subfleet) and no subfleets; without one,
		// subfleets and no simbrief.
		// ?with= overrides the default relations, subfleets and
		// simbrief_aircraft (the OFP's aircraft in its subfleet).
		res := fl.flightResource(f, phpvmsWith(c, "subfleets"))
		res["has_bid"] = true
		withSimbrief(c, fl, ofps, res, f.ID)
		if sb, ok := res["simbrief"].(map[string]any); ok {
			delete(res, "subfleets")
			if !phpvmsWith(c, "simbrief_aircraft") {
				delete(sb, "subfleet")
			}
		} else {
			delete(res, "simbrief")
		}
		out["flight"] = res
	case domain.ENotFound:
		out["flight"] = nil
	default:
		return nil, err
	}
	return out, nil
}

// phpvmsTimestamp is a Laravel timestamp: ISO-8601 with microseconds, Zulu.
func phpvmsTimestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// bidList answers the key owner's standing bids, oldest first.
func (h *phpvmsAPI) bidList(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	fl, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	bids, err := h.rm.PilotBids(ctx, fl.airline.ID, p.user.ID)
	if err != nil {
		return err
	}
	ofps, err := h.keyOwnerOFPs(c, fl)
	if err != nil {
		return err
	}
	items := []any{}
	for _, b := range bids {
		r, err := h.bidResource(c, fl, ofps, p.user, b)
		if err != nil {
			return err
		}
		items = append(items, r)
	}
	return phpvmsData(c, items)
}

// listBids is GET /api/user/bids and /api/bids.
func (h *phpvmsAPI) listBids(c echo.Context) error { return h.bidList(c) }

// ownBid is the bid in :bid (its integer id, or Albatross's own id): 404
// bid-not-found when the airline has none, 403 when it is another pilot's.
func (h *phpvmsAPI) ownBid(c echo.Context, airlineID, raw string) (reads.StandingBid, error) {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	var b reads.StandingBid
	var err error
	if n, convErr := strconv.Atoi(raw); convErr == nil {
		b, err = h.rm.FindBidByNumber(ctx, airlineID, n)
	} else {
		b, err = h.rm.FindBid(ctx, airlineID, raw)
	}
	if domain.ErrorCode(err) == domain.ENotFound {
		return b, &phpvmsError{Status: http.StatusNotFound, Type: "bid-not-found", Message: "The bid " + raw + " was not found",
			Extras: map[string]any{"bid_id": raw}}
	}
	if err != nil {
		return b, err
	}
	if b.PilotID != p.user.ID {
		return b, phpvmsRefusal(http.StatusForbidden, "unauthorized", "This bid belongs to another user")
	}
	return b, nil
}

// showBid is GET /api/user/bids/{id} and /api/bids/{id}.
func (h *phpvmsAPI) showBid(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	fl, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	b, err := h.ownBid(c, fl.airline.ID, c.Param("bid"))
	if err != nil {
		return err
	}
	ofps, err := h.keyOwnerOFPs(c, fl)
	if err != nil {
		return err
	}
	r, err := h.bidResource(c, fl, ofps, p.user, b)
	if err != nil {
		return err
	}
	return phpvmsData(c, r)
}

// bidChange reads what adding or removing a bid starts from: the key's
// owner, the airline's fleet and the body.
func (h *phpvmsAPI) bidChange(c echo.Context) (reads.User, *phpvmsFleet, *phpvmsBody, error) {
	p, _ := currentAPIPrincipal(c)
	fl, err := h.keyFleet(c)
	if err != nil {
		return reads.User{}, nil, nil, err
	}
	body, err := readPhpvmsBody(c)
	return p.user, fl, body, err
}

// addBid is PUT or POST /api/user/bids: {"flight_id": ..., "aircraft_id":
// ...}. A bid the pilot already has on the flight comes back unchanged.
func (h *phpvmsAPI) addBid(c echo.Context) error {
	ctx := c.Request().Context()
	user, fl, body, err := h.bidChange(c)
	if err != nil {
		return err
	}
	if !body.has("flight_id") {
		body.errs["flight_id"] = "The flight id field is required."
	}
	var aircraftID string
	rules, err := h.rm.BidRules(ctx, fl.airline.ID)
	if err != nil {
		return err
	}
	if rules.BlockAircraft && !body.has("aircraft_id") {
		// phpVMS requires the aircraft when bids reserve it (bids.block_aircraft).
		body.errs["aircraft_id"] = "The aircraft id field is required."
	}
	if body.has("aircraft_id") {
		id, ok := h.aircraftByAPIID(c, fl.airline, body.str("aircraft_id"))
		if !ok {
			body.errs["aircraft_id"] = "The selected aircraft id is invalid."
		}
		aircraftID = id
	}
	flightID := body.str("flight_id")
	if err := body.err(); err != nil {
		return err
	}
	placed, res, err := h.bids.Place(ctx, keyActor(c), fl.airline.ID, flightID, aircraftID)
	if err != nil {
		return phpvmsBidRefusal(err)
	}
	h.wait.waitFor(c, res)
	b, err := h.rm.FindBid(ctx, fl.airline.ID, placed.ID)
	if err != nil {
		return err
	}
	ofps, err := h.keyOwnerOFPs(c, fl)
	if err != nil {
		return err
	}
	r, err := h.bidResource(c, fl, ofps, user, b)
	if err != nil {
		return err
	}
	return phpvmsData(c, r)
}

// removeBid is DELETE /api/user/bids: {"bid_id": N} or {"flight_id": ...};
// it answers the bids that remain.
func (h *phpvmsAPI) removeBid(c echo.Context) error {
	ctx := c.Request().Context()
	user, fl, body, err := h.bidChange(c)
	if err != nil {
		return err
	}
	var bid reads.StandingBid
	switch {
	case body.has("bid_id"):
		if bid, err = h.ownBid(c, fl.airline.ID, body.str("bid_id")); err != nil {
			return err
		}
	case body.has("flight_id"):
		bids, err := h.rm.PilotBids(ctx, fl.airline.ID, user.ID)
		if err != nil {
			return err
		}
		found := false
		for _, b := range bids {
			if b.FlightID == body.str("flight_id") {
				bid, found = b, true
			}
		}
		if !found {
			return &phpvmsError{Status: http.StatusNotFound, Type: "bid-not-found", Message: "No bid on this flight was found",
				Extras: map[string]any{"flight_id": body.str("flight_id")}}
		}
	default:
		return phpvmsInvalid(map[string]string{"flight_id": "The flight id field is required when bid id is not present."})
	}
	res, err := h.bids.Remove(ctx, keyActor(c), fl.airline.ID, bid.ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return &phpvmsError{Status: http.StatusNotFound, Type: "bid-not-found", Message: "The bid was not found"}
	}
	if err != nil {
		return err
	}
	h.wait.waitFor(c, res)
	return h.bidList(c)
}

// phpvmsWith says whether a read loads a relation: by default, or when
// ?with= names it (alone, as flight.<rel>, or with relations of its own
// as <rel>.<more>); an empty with= loads none, as in phpVMS.
func phpvmsWith(c echo.Context, rel string) bool {
	if _, given := c.QueryParams()["with"]; !given {
		return true
	}
	for _, r := range strings.Split(c.QueryParam("with"), ",") {
		r = strings.TrimSpace(r)
		if r == rel || strings.HasPrefix(r, rel+".") || strings.HasSuffix(r, "."+rel) || strings.Contains(r, "."+rel+".") {
			return true
		}
	}
	return false
}

// forOwnNumber serves /api/users/{id}/bids as /api/user/bids when {id} is
// the key owner's pilot number (or "me"). phpVMS answers any user's bids
// there; Albatross keeps a pilot's bids their own, so another member of
// the airline is 403 unauthorized, as another pilot's bid is, and anyone
// else (another airline's pilot included) 404 user-not-found.
func (h *phpvmsAPI) forOwnNumber(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, _ := currentAPIPrincipal(c)
		raw := c.Param("number")
		if raw == "me" {
			return next(c)
		}
		notFound := phpvmsRefusal(http.StatusNotFound, "user-not-found", "User not found")
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil || n < 1 {
			return notFound
		}
		if int32(n) == p.user.PilotNumber {
			return next(c)
		}
		a := *p.airline
		ident := domain.FormatPilotID(a.PilotIDPrefix, int32(n))
		found, err := h.rm.FindMembers(c.Request().Context(), a.ID, ident, 1)
		if err != nil {
			return err
		}
		if len(found) == 0 || found[0].PilotID != ident {
			return notFound
		}
		return phpvmsRefusal(http.StatusForbidden, "unauthorized", "These bids belong to another user")
	}
}
