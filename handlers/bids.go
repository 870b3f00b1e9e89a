package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// A pilot's bids: "My bids", bidding from a flight's row (the search, the
// flight's page, the dashboard), removing one; and the airline's bid
// settings beside its PIREP rules.

// BidRuleCommands sets an airline's bid settings (domain.Airlines).
type BidRuleCommands interface {
	SetBidRules(ctx context.Context, meta domain.CommandMeta, airlineID string, r domain.BidRules) (domain.AppendResult, error)
}

func bidsURL(airlineID string) string { return "/airlines/" + airlineID + "/bids" }

// bidHandlers are the pilot's bid pages.
type bidHandlers struct {
	cmds     BidCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// flightBids decorates flight rows with the viewer's standing to bid on
// each: theirs, another pilot's (under one pilot per flight), or a form,
// and the aircraft available. Rows of flights another pilot's bid takes
// are left out for pilots when takeTaken is set (the search), and with
// onlyBiddable every row the viewer cannot bid on is.
type flightBids struct {
	rules     domain.BidRules
	mine      map[string]bool // flights the viewer bids on
	holders   map[string][]string
	available map[string][]reads.Aircraft
	viewer    string
	airlineID string
	limitHit  bool // one bid per pilot, and the viewer has it
}

// readFlightBids reads what flightBids needs for the flights.
func readFlightBids(ctx context.Context, rm reads.Querier, airlineID, viewer string, flights []reads.ScheduledFlight) (*flightBids, error) {
	rules, err := rm.BidRules(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(flights))
	for i, f := range flights {
		ids[i] = f.ID
	}
	holders, err := rm.FlightBidders(ctx, airlineID, ids)
	if err != nil {
		return nil, err
	}
	available, err := rm.AvailableAircraft(ctx, airlineID, rules, flights)
	if err != nil {
		return nil, err
	}
	own, err := rm.PilotBids(ctx, airlineID, viewer)
	if err != nil {
		return nil, err
	}
	b := &flightBids{rules: rules, holders: holders, available: available, viewer: viewer, airlineID: airlineID, mine: map[string]bool{}}
	for _, o := range own {
		b.mine[o.FlightID] = true
	}
	b.limitHit = !rules.AllowMultiple && len(own) > 0
	return b, nil
}

// takenByOther says whether another pilot's bid takes the flight.
func (b *flightBids) takenByOther(f reads.ScheduledFlight) bool {
	return b.rules.OnePilotPerFlight && takenFrom(b.holders[f.ID], b.viewer)
}

// canBid says whether the viewer may bid on the flight now.
func (b *flightBids) canBid(f reads.ScheduledFlight) bool {
	return f.Active && !b.mine[f.ID] && !b.takenByOther(f) && !b.limitHit && len(b.available[f.ID]) > 0
}

// row is the FlightBid of a flight's row.
func (b *flightBids) row(f reads.ScheduledFlight) *views.FlightBid {
	return &views.FlightBid{Action: bidsURL(b.airlineID), Mine: b.mine[f.ID], BidsURL: bidsURL(b.airlineID),
		Taken: b.takenByOther(f), CanBid: b.canBid(f), Available: len(b.available[f.ID])}
}

// withAircraft is the row of a flight's own page: when the airline
// reserves aircraft with bids, its bid form offers the aircraft to reserve.
func (b *flightBids) withAircraft(f reads.ScheduledFlight) *views.FlightBid {
	r := b.row(f)
	if b.rules.BlockAircraft {
		r.AircraftOptions = [][2]string{{"", "No aircraft reserved"}}
		for _, a := range b.available[f.ID] {
			r.AircraftOptions = append(r.AircraftOptions, [2]string{a.ID, a.Registration + " · " + a.Name})
		}
	}
	return r
}

// canHoldBids says whether the viewer bids at all: a member who flies for
// the airline (a platform admin flies for none).
func canHoldBids(c echo.Context, airlineID string) bool {
	return domain.Authorize(currentActor(c), domain.FileOwnPireps, airlineID) == nil
}

// showBids is the pilot's bids page.
func (h *bidHandlers) showBids(c echo.Context) error {
	p, err := h.bidsPage(c)
	if err != nil {
		return err
	}
	p.Notice = popFlash(c, h.sessions)
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.BidsView(p), nil)
}

func (h *bidHandlers) bidsPage(c echo.Context) (views.BidsPage, error) {
	tabs, _, err := airlineTabs(c, h.rm, "flights")
	if err != nil {
		return views.BidsPage{}, err
	}
	ctx := c.Request().Context()
	p := views.BidsPage{Page: page(c, tabs.Name+" · My bids"), Tabs: tabs, URL: bidsURL(tabs.ID)}
	bids, err := h.rm.PilotBids(ctx, tabs.ID, currentActor(c).UserID)
	if err != nil {
		return p, err
	}
	rules, err := h.rm.BidRules(ctx, tabs.ID)
	if err != nil {
		return p, err
	}
	if ok, err := chartersAllowed(ctx, h.rm, tabs.ID); err != nil {
		return p, err
	} else if ok {
		p.CharterURL = charterURL(tabs.ID)
	}
	for _, b := range bids {
		row := views.BidRow{Ident: tabs.ICAO + b.FlightNumber, Dpt: b.DptAirport, Arr: b.ArrAirport,
			PlacedAt:  b.PlacedAt.UTC().Format("2 Jan 2006 15:04 UTC"),
			FlightURL: "/airlines/" + tabs.ID + "/flights/" + b.FlightID,
			FileURL:   pirepsURL(tabs.ID) + "/new?flight=" + b.FlightID,
			RemoveURL: bidsURL(tabs.ID) + "/" + b.ID + "/remove"}
		if b.Charter != nil {
			// A charter booking files from itself: the form fills in its plan.
			row.Charter, row.FileURL = true, pirepsURL(tabs.ID)+"/new?bid="+b.ID
			if a, err := h.rm.FindAircraft(ctx, tabs.ID, b.AircraftID); err == nil {
				row.Aircraft = a.Registration
			}
		} else if f, err := h.rm.FindFlight(ctx, tabs.ID, b.FlightID); err == nil {
			row.Ident = flightRow(tabs, f, nil).Ident
		} else if domain.ErrorCode(err) == domain.ENotFound {
			row.FlightGone = true
		} else {
			return p, err
		}
		if b.AircraftID != "" && b.Charter == nil {
			row.FileURL += "&aircraft=" + b.AircraftID
			if a, err := h.rm.FindAircraft(ctx, tabs.ID, b.AircraftID); err == nil {
				row.Aircraft = a.Registration
			}
		}
		if rules.ExpireAfter() > 0 {
			row.Expires = b.PlacedAt.Add(rules.ExpireAfter()).UTC().Format("2 Jan 2006 15:04 UTC")
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// placeBid bids on the flight in the form; a refusal shows the bids page
// again with the reason beside the flight.
func (h *bidHandlers) placeBid(c echo.Context) error {
	airlineID := c.Param("id")
	flightID := strings.TrimSpace(c.FormValue("flight_id"))
	_, res, err := h.cmds.Place(c.Request().Context(), commandMeta(c, c.FormValue("command_id")), airlineID, flightID, c.FormValue("aircraft_id"))
	if fields := domain.ErrorFields(err); len(fields) > 0 && domain.ErrorCode(err) != domain.EInternal {
		p, perr := h.bidsPage(c)
		if perr != nil {
			return perr
		}
		p.Errors = map[string]string{"flight_id": domain.ErrorMessage(err)}
		if f, ferr := h.rm.FindFlight(c.Request().Context(), airlineID, flightID); ferr == nil {
			p.Refused = flightRow(p.Tabs, f, nil).Ident
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return render(c, http.StatusUnprocessableEntity, views.BidsView(p), nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, bidsURL(airlineID), "Your bid is placed.")
}

// removeBid removes one of the pilot's bids. One already gone (a second
// click, an expiry meanwhile) ends on the same page, saying so.
func (h *bidHandlers) removeBid(c echo.Context) error {
	airlineID := c.Param("id")
	res, err := h.cmds.Remove(c.Request().Context(), commandMeta(c, ""), airlineID, c.Param("bid"))
	if domain.ErrorCode(err) == domain.ENotFound {
		return h.finish(c, h.sessions, domain.AppendResult{}, bidsURL(airlineID), "That bid is no longer there.")
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, bidsURL(airlineID), "The bid is removed.")
}

// bidSettings is the bid settings form with an airline's settings.
func bidSettings(airlineID string, r domain.BidRules) views.BidSettings {
	b := views.BidSettings{Action: "/airlines/" + airlineID + "/settings/bids", AllowMultiple: r.AllowMultiple,
		OnePilotPerFlight: r.OnePilotPerFlight, BlockAircraft: r.BlockAircraft}
	if r.ExpireAfterHours > 0 {
		b.ExpireAfterHours = strconv.Itoa(int(r.ExpireAfterHours))
	}
	return b
}

// saveBidSettings sets the bid settings the form says; a bad number of
// hours shows the settings page again with the message beside it.
func (h *pirepSettingsHandlers) saveBidSettings(c echo.Context) error {
	airlineID := c.Param("id")
	rules := domain.BidRules{AllowMultiple: c.FormValue("allow_multiple") != "",
		OnePilotPerFlight: c.FormValue("one_pilot_per_flight") != "", BlockAircraft: c.FormValue("block_aircraft") != ""}
	typed := strings.TrimSpace(c.FormValue("expire_after_hours"))
	var err error
	if typed != "" {
		n, perr := strconv.Atoi(typed)
		if perr != nil || n < 1 {
			err = domain.FieldError(domain.EInvalid, "expire_after_hours", "Enter a whole number of hours, or leave it empty for bids that never expire.")
		}
		rules.ExpireAfterHours = int32(min(max(n, 0), domain.MaxBidExpireHours+1))
	}
	var res domain.AppendResult
	if err == nil {
		res, err = h.bids.SetBidRules(c.Request().Context(), commandMeta(c, ""), airlineID, rules)
	}
	if fields := domain.ErrorFields(err); len(fields) > 0 {
		p, perr := h.settingsPage(c)
		if perr != nil {
			return perr
		}
		p.Bids = bidSettings(airlineID, rules)
		p.Bids.ExpireAfterHours, p.Bids.Errors = typed, fields
		c.Response().Header().Set("Cache-Control", "no-store")
		return render(c, http.StatusUnprocessableEntity, views.PirepSettingsView(p), nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, pirepSettingsURL(airlineID), "The bid settings are saved.")
}
