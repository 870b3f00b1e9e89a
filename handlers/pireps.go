package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// pirepHandlers are a pilot's filing form, their PIREPs, a PIREP's page
// with its history, and the staff's review queue.
type pirepHandlers struct {
	cmds     PirepCommands
	rm       reads.Querier
	eventLog StreamReader
	registry *events.Registry
	sessions *scs.SessionManager
	readYourWrites
	log   *slog.Logger
	tiles views.MapTiles // the tile server the track's map draws, if any
}

// pirepTimeLayout is how a datetime-local input sends a time; the form
// asks for UTC.
const pirepTimeLayout = "2006-01-02T15:04"

// myPirepsLimit is how many of their PIREPs a pilot's list shows.
const myPirepsLimit = 100

// pirepTabs reads the airline for a PIREP page.
func pirepTabs(c echo.Context, rm reads.Querier) (views.AirlineTabs, error) {
	tabs, _, err := airlineTabs(c, rm, "pireps")
	return tabs, err
}

func pirepsURL(airlineID string) string { return "/airlines/" + airlineID + "/pireps" }

// canReview says whether the viewer is the airline's staff for PIREPs.
func canReview(c echo.Context, airlineID string) bool {
	return domain.Authorize(currentActor(c), domain.ReviewPireps, airlineID) == nil
}

// listPireps is the viewer's own PIREPs, newest first.
func (h *pirepHandlers) listPireps(c echo.Context) error {
	tabs, err := pirepTabs(c, h.rm)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, err := h.rm.PilotPireps(ctx, tabs.ID, currentActor(c).UserID, myPirepsLimit)
	if err != nil {
		return err
	}
	out, err := h.rows(ctx, tabs, rows)
	if err != nil {
		return err
	}
	p := views.PirepsPage{Page: page(c, tabs.Name+" · My PIREPs"), Tabs: tabs, Rows: out, CanReview: canReview(c, tabs.ID),
		Notice: popFlash(c, h.sessions)}
	if p.Jumpseats, err = jumpseatRows(ctx, h.rm, tabs.ID, currentActor(c).UserID); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.PirepsView(p), nil)
}

// showPirepQueue is the staff's queue of pending PIREPs, oldest first.
func (h *pirepHandlers) showPirepQueue(c echo.Context) error {
	tabs, err := pirepTabs(c, h.rm)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	queue, err := h.rm.PendingPireps(ctx, tabs.ID, pageParam(c), listPageSize)
	if err != nil {
		return err
	}
	out, err := h.rows(ctx, tabs, queue.Pireps)
	if err != nil {
		return err
	}
	base := pirepsURL(tabs.ID) + "/queue"
	p := views.PirepQueuePage{Page: page(c, tabs.Name+" · PIREPs to review"), Tabs: tabs, URL: pageURL(base, queue.Page), Rows: out,
		Waiting: queue.Waiting(), Pager: pagerOf("Review queue pages", base, queue.Paging),
		CanFile: domain.Authorize(currentActor(c), domain.FileOwnPireps, tabs.ID) == nil, Notice: popFlash(c, h.sessions)}
	if queue.Total > int64(len(out)) && len(out) > 0 {
		p.Showing = fmt.Sprintf("%s of %d waiting, oldest first", rangeOf(queue.Paging, len(out)), queue.Total)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.PirepQueueView(p), nil)
}

// rows are PIREPs as lists show them, with their pilots' names and their
// aircraft's registrations.
func (h *pirepHandlers) rows(ctx context.Context, tabs views.AirlineTabs, list []reads.Pirep) ([]views.PirepRow, error) {
	if len(list) == 0 {
		return nil, nil
	}
	regs, err := h.registrations(ctx, tabs.ID, list...)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	pilots := make([]string, 0, len(list))
	for _, p := range list {
		pilots = append(pilots, p.PilotID)
	}
	if err := learnNames(ctx, h.rm, tabs.ID, names, pilots...); err != nil {
		return nil, err
	}
	out := make([]views.PirepRow, 0, len(list))
	for _, p := range list {
		out = append(out, pirepRow(tabs, p, nameActor(ctx, h.rm, names, p.PilotID, ""), regs))
	}
	return out, nil
}

// registrations maps the aircraft of the PIREPs shown to their
// registrations, in one read of those aircraft alone.
func (h *pirepHandlers) registrations(ctx context.Context, airlineID string, list ...reads.Pirep) (map[string]string, error) {
	ids := make([]string, 0, len(list))
	for _, p := range list {
		ids = append(ids, p.AircraftID)
	}
	return h.rm.Registrations(ctx, airlineID, ids)
}

// aircraftLabel names an aircraft as the PIREP forms offer it: its
// registration and its name.
func aircraftLabel(a reads.AircraftOption) string {
	if a.Name != "" {
		return a.Registration + " · " + a.Name
	}
	return a.Registration
}

// registrationsOf maps aircraft ids to their registrations.
func registrationsOf(list []reads.AircraftOption) map[string]string {
	out := make(map[string]string, len(list))
	for _, a := range list {
		out[a.ID] = a.Registration
	}
	return out
}

// pirepStateLabels are the states as the pages show them.
var pirepStateLabels = map[string]string{
	domain.PirepDraft: "Draft", domain.PirepInProgress: "In progress", domain.PirepPending: "Pending review",
	domain.PirepAccepted: "Accepted", domain.PirepRejected: "Rejected", domain.PirepCancelled: "Cancelled",
}

// pirepRow is a PIREP as a list and its page show it.
func pirepRow(tabs views.AirlineTabs, p reads.Pirep, pilot string, regs map[string]string) views.PirepRow {
	ident := tabs.ICAO + p.FlightNumber
	if p.RouteCode != "" {
		ident += "/C." + p.RouteCode
	}
	if p.RouteLeg != 0 {
		ident += "/L." + strconv.Itoa(int(p.RouteLeg))
	}
	const when = "2 Jan 2006 15:04"
	r := views.PirepRow{ID: p.ID, URL: pirepsURL(tabs.ID) + "/" + p.ID, Ident: ident, Charter: p.FlightID == "",
		Dpt: p.DptAirport, Arr: p.ArrAirport, Alt: p.AltAirport, State: p.State, StateLabel: pirepStateLabels[p.State],
		Pilot: pilot, Aircraft: regs[p.AircraftID], BlockOff: p.BlockOff.UTC().Format(when), BlockOn: p.BlockOn.UTC().Format(when),
		FlightTime: domain.FormatFlightTime(int64(p.FlightTime)), Distance: strconv.Itoa(int(p.Distance)) + " nm",
		Route: p.Route, Remarks: p.Remarks, FiledAt: p.FiledAt.UTC().Format(when), RejectReason: p.RejectReason}
	if p.BlockOn.IsZero() {
		r.BlockOn = "not yet (in flight)" // an ACARS flight under way
	}
	if p.BlockOff.IsZero() {
		r.BlockOff = "not yet"
	}
	if p.State == domain.PirepInProgress && phpvmsStatusText[p.Phase] != "" {
		// An ACARS flight under way says where in the flight it is.
		r.StateLabel += " · " + phpvmsStatusText[p.Phase]
	}
	if r.Aircraft == "" {
		r.Aircraft = "an aircraft no longer in the fleet"
	}
	if p.State != domain.PirepRejected {
		r.RejectReason = ""
	}
	if p.Level > 0 {
		r.Level = strconv.Itoa(int(p.Level)) + " ft"
	}
	if p.FuelUsed > 0 {
		r.FuelUsed = strconv.Itoa(int(p.FuelUsed)) + " lb"
	}
	if p.LandingRate != 0 {
		r.LandingRate = strconv.Itoa(int(p.LandingRate)) + " ft/min"
	}
	return r
}

// showNewPirep is the filing form; ?flight=<id> fills it from a schedule
// flight of the airline.
func (h *pirepHandlers) showNewPirep(c echo.Context) error {
	f := views.PirepForm{FuelUnit: "lb"}
	if id := c.QueryParam("flight"); id != "" {
		fl, err := h.rm.FindFlight(c.Request().Context(), c.Param("id"), id)
		if err != nil {
			return err
		}
		f.FlightID, f.FlightNumber, f.RouteCode = fl.ID, fl.FlightNumber, fl.RouteCode
		if fl.RouteLeg != 0 {
			f.RouteLeg = strconv.Itoa(int(fl.RouteLeg))
		}
		f.DptAirport, f.ArrAirport, f.AltAirport = fl.DptAirport, fl.ArrAirport, fl.AltAirport
		f.FlightTime, f.Route = domain.FormatFlightTime(int64(fl.FlightTime)), fl.Route
		if fl.Distance > 0 {
			f.Distance = strconv.Itoa(int(fl.Distance))
		}
		if fl.Level > 0 {
			f.Level = strconv.Itoa(int(fl.Level))
		}
	}
	// A charter booking fills the form with its plan (My bids links so).
	if id := c.QueryParam("bid"); id != "" {
		b, err := h.rm.FindBid(c.Request().Context(), c.Param("id"), id)
		if err == nil && b.PilotID != currentActor(c).UserID {
			err = domain.Errorf(domain.ENotFound, "You have no such bid.")
		}
		if err != nil {
			return err
		}
		if b.Charter != nil {
			d := domain.PirepFromCharter(b.ID, *b.Charter)
			f.BidID, f.FlightType, f.FlightNumber, f.DptAirport, f.ArrAirport = b.ID, d.FlightType, d.FlightNumber, d.DptAirport, d.ArrAirport
			f.AircraftID, f.Route = d.AircraftID, d.Route
			if d.FlightTime > 0 {
				f.FlightTime = domain.FormatFlightTime(int64(d.FlightTime))
			}
			if d.Distance > 0 {
				f.Distance = strconv.Itoa(int(d.Distance))
			}
			if d.Level > 0 {
				f.Level = strconv.Itoa(int(d.Level))
			}
		}
	}
	// A bid that reserves an aircraft files with it (My bids links so).
	if id := c.QueryParam("aircraft"); id != "" {
		if _, err := h.rm.FindAircraft(c.Request().Context(), c.Param("id"), id); err == nil {
			f.AircraftID = id
		}
	}
	return h.renderNew(c, http.StatusOK, f)
}

func (h *pirepHandlers) renderNew(c echo.Context, status int, f views.PirepForm) error {
	tabs, err := pirepTabs(c, h.rm)
	if err != nil {
		return err
	}
	p := views.PirepFormPage{Page: page(c, tabs.Name+" · File a PIREP"), Tabs: tabs}
	f.Action = pirepsURL(tabs.ID)
	if err := h.fillForm(c, tabs.ID, p.CSRFToken, &f); err != nil {
		return err
	}
	p.Form = f
	return render(c, status, views.PirepNewView(p), nil)
}

// fillForm adds what the form offers: the airline's airports in the search
// boxes and its active aircraft.
func (h *pirepHandlers) fillForm(c echo.Context, airlineID, csrf string, f *views.PirepForm) error {
	ctx := c.Request().Context()
	known, err := namedAirports(ctx, h.rm, airlineID, f.DptAirport, f.ArrAirport, f.AltAirport)
	if err != nil {
		return err
	}
	f.CSRFToken = csrf
	// The time inputs take UTC whatever the browser's zone: the form says
	// what UTC's clock reads now, so a pilot does not type their own.
	f.NowUTC = time.Now().UTC().Format("15:04") + " UTC on " + time.Now().UTC().Format("2 Jan")
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	f.DptBox = airlineAirportBox(airlineID, "pirep-dpt", "dpt_airport", "Departure", f.DptAirport, f.Errors, known)
	f.ArrBox = airlineAirportBox(airlineID, "pirep-arr", "arr_airport", "Arrival", f.ArrAirport, f.Errors, known)
	f.AltBox = airlineAirportBox(airlineID, "pirep-alt", "alt_airport", "Alternate (optional)", f.AltAirport, f.Errors, known)
	list, err := h.rm.FlownAircraftOptions(ctx, airlineID)
	if err != nil {
		return err
	}
	// A schedule flight is flown by its subfleets' aircraft only (the
	// domain refuses others); the note says why the rest are missing.
	var flownBy []string
	if f.FlightID != "" {
		fl, err := h.rm.FindFlight(ctx, airlineID, f.FlightID)
		switch {
		case err == nil:
			flownBy = fl.SubfleetIDs
			if len(flownBy) > 0 {
				f.AircraftNote = "Only aircraft of the subfleets this flight is flown with (" + strings.Join(fl.SubfleetTypes, ", ") + ") are listed."
			}
		case domain.ErrorCode(err) != domain.ENotFound:
			return err
		}
	}
	f.AircraftOptions = [][2]string{{"", "Choose the aircraft"}}
	chosen := f.AircraftID == ""
	for _, a := range list {
		id := a.ID
		if (a.Status != domain.AircraftActive || len(flownBy) > 0 && !slices.Contains(flownBy, a.SubfleetID)) && id != f.AircraftID {
			continue
		}
		chosen = chosen || id == f.AircraftID
		label := aircraftLabel(a)
		if a.At != "" {
			label += " (at " + a.At + ")"
		}
		f.AircraftOptions = append(f.AircraftOptions, [2]string{id, label})
	}
	if !chosen {
		f.AircraftOptions = append(f.AircraftOptions, [2]string{f.AircraftID, f.AircraftID})
	}
	return nil
}

// pirepForm reads the filing or edit form; what does not parse gets its
// message here, the rest come from the domain.
func pirepForm(c echo.Context) (views.PirepForm, domain.PirepDetails, formErrors) {
	var f views.PirepForm
	readForm(c, &f)
	if f.FuelUnit != "kg" {
		f.FuelUnit = "lb"
	}
	d := domain.PirepDetails{FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, FlightID: f.FlightID, BidID: f.BidID, FlightType: f.FlightType,
		DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport, AircraftID: f.AircraftID,
		Route: f.Route, Remarks: f.Remarks, Source: domain.PirepSourceManual}
	errs := formErrors{}
	errs.int32("route_leg", f.RouteLeg, &d.RouteLeg, "The leg is a number from 1 to 999, or empty.")
	errs.int32("distance", f.Distance, &d.Distance, "The distance is a whole number of nautical miles, or empty.")
	errs.int32("level", f.Level, &d.Level, "The cruise level is a whole number of feet, or empty.")
	errs.int32("landing_rate", f.LandingRate, &d.LandingRate, "The landing rate is a whole number of feet per minute, for example -180.")
	if v := strings.TrimSpace(f.FuelUsed); v != "" {
		q, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || q < 0 || q > 2_000_000:
			errs["fuel_used"] = "The fuel used is a number of pounds or kilograms, or empty."
		case f.FuelUnit == "kg":
			d.FuelUsed = domain.KilogramsToPounds(q)
		default:
			d.FuelUsed = int32(q + 0.5)
		}
	}
	at := func(name, value string, to *time.Time) {
		if value = strings.TrimSpace(value); value == "" {
			return
		}
		t, err := time.Parse(pirepTimeLayout, strings.Replace(value, " ", "T", 1))
		if err != nil {
			errs[name] = "Enter the date and time in UTC, for example 2026-11-28T09:30."
			return
		}
		*to = t
	}
	at("block_off", f.BlockOff, &d.BlockOff)
	at("block_on", f.BlockOn, &d.BlockOn)
	if m, err := domain.ParseFlightTime(f.FlightTime); err != nil {
		errs["flight_time"] = "Enter the flight time as hours and minutes, for example 2:35."
	} else {
		d.FlightTime = int32(m)
	}
	return f, d, errs
}

// checkPirep is the domain's check of a PIREP's details, for a form whose
// numbers did not all parse: every message is shown at once.
func checkPirep(d domain.PirepDetails) error {
	d.Normalize()
	return d.Validate()
}

// filePirep files a PIREP from the form, as a draft or submitted.
func (h *pirepHandlers) filePirep(c echo.Context) error {
	f, d, parse := pirepForm(c)
	airlineID := c.Param("id")
	submit := c.FormValue("submit") != ""
	var id string
	var res domain.AppendResult
	var err error
	if len(parse) > 0 {
		err = checkPirep(d) // the domain's messages too, nothing filed
	} else {
		id, res, err = h.cmds.File(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, d, submit)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderNew(c, status, f)
	}
	if err != nil {
		return err
	}
	flash := "Saved as a draft."
	if submit {
		flash = "Submitted for review."
	}
	return h.finish(c, h.sessions, res, pirepsURL(airlineID)+"/"+id, flash)
}

// loadPirep reads the PIREP the route names in the airline; only its pilot
// and the airline's staff see it.
func (h *pirepHandlers) loadPirep(c echo.Context) (views.AirlineTabs, reads.Pirep, error) {
	tabs, err := pirepTabs(c, h.rm)
	if err != nil {
		return tabs, reads.Pirep{}, err
	}
	p, err := h.rm.FindPirep(c.Request().Context(), tabs.ID, c.Param("pirep"))
	if err != nil {
		return tabs, p, err
	}
	if !isPilotOf(c, p) && !canReview(c, tabs.ID) {
		return tabs, p, domain.Errorf(domain.EForbidden, "This is not your PIREP.")
	}
	return tabs, p, nil
}

func isPilotOf(c echo.Context, p reads.Pirep) bool {
	who := currentActor(c)
	return who.UserID != "" && who.UserID == p.PilotID && who.TenantID == p.AirlineID
}

// allowed says whether the table lets the viewer take action now.
func allowed(c echo.Context, p reads.Pirep, action domain.PirepAction) bool {
	role := domain.PirepStaff
	if action == domain.PirepAccept || action == domain.PirepReject {
		if !canReview(c, p.AirlineID) {
			return false
		}
	} else if isPilotOf(c, p) {
		role = domain.PirepOwner
	} else {
		return false
	}
	_, err := domain.NextPirepState(p.State, action, role)
	return err == nil
}

// editForm is the edit form filled with the PIREP as it is.
func pirepEditForm(p reads.Pirep) views.PirepForm {
	f := views.PirepForm{Edit: true, Draft: p.State == domain.PirepDraft, FlightID: p.FlightID, FlightNumber: p.FlightNumber,
		RouteCode: p.RouteCode, DptAirport: p.DptAirport, ArrAirport: p.ArrAirport, AltAirport: p.AltAirport,
		AircraftID: p.AircraftID, BlockOff: p.BlockOff.UTC().Format(pirepTimeLayout), BlockOn: p.BlockOn.UTC().Format(pirepTimeLayout),
		FlightTime: domain.FormatFlightTime(int64(p.FlightTime)), Distance: strconv.Itoa(int(p.Distance)), FuelUnit: "lb",
		Route: p.Route, Remarks: p.Remarks}
	if p.RouteLeg != 0 {
		f.RouteLeg = strconv.Itoa(int(p.RouteLeg))
	}
	if p.Level != 0 {
		f.Level = strconv.Itoa(int(p.Level))
	}
	if p.FuelUsed != 0 {
		f.FuelUsed = strconv.Itoa(int(p.FuelUsed))
	}
	if p.LandingRate != 0 {
		f.LandingRate = strconv.Itoa(int(p.LandingRate))
	}
	return f
}

// showPirep is a PIREP's page.
func (h *pirepHandlers) showPirep(c echo.Context) error {
	tabs, p, err := h.loadPirep(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.renderPirep(c, http.StatusOK, tabs, p, pirepEditForm(p), "", nil)
}

func (h *pirepHandlers) renderPirep(c echo.Context, status int, tabs views.AirlineTabs, p reads.Pirep, form views.PirepForm,
	reason string, errs map[string]string) error {
	ctx := c.Request().Context()
	regs, err := h.registrations(ctx, tabs.ID, p)
	if err != nil {
		return err
	}
	// The history names its people in one read, the pilot among them
	// (who filed the PIREP) most often.
	names := map[string]string{}
	history, err := h.history(ctx, p.ID, names)
	if err != nil {
		return err
	}
	row := pirepRow(tabs, p, nameActor(ctx, h.rm, names, p.PilotID, ""), regs)
	v := views.PirepPage{Page: page(c, row.Ident+" PIREP"), Tabs: tabs, Pirep: row, History: history,
		CanEdit: allowed(c, p, domain.PirepEdit), CanCancel: allowed(c, p, domain.PirepCancel),
		CanAccept: allowed(c, p, domain.PirepAccept), CanReject: allowed(c, p, domain.PirepReject),
		Reason: reason, Errors: errs, Notice: popFlash(c, h.sessions)}
	form.Action, form.Edit, form.Draft = row.URL, true, p.State == domain.PirepDraft
	if v.CanEdit {
		if err := h.fillForm(c, tabs.ID, v.CSRFToken, &form); err != nil {
			return err
		}
	}
	v.Form = form
	if err := h.fillComments(c, p, names, &v); err != nil {
		return err
	}
	if v.Track, err = pirepTrackOf(ctx, h.rm, p); err != nil {
		return err
	}
	if v.Track != nil {
		v.Track.Map.Tiles = h.tiles
	}
	if v.Score, err = pirepScoreOf(ctx, h.rm, tabs.ID, p); err != nil {
		return err
	}
	return render(c, status, views.PirepView(v), nil)
}

// history reads a PIREP's stream and says what each event did, by whom.
func (h *pirepHandlers) history(ctx context.Context, pirepID string, names map[string]string) ([]views.HistoryEntry, error) {
	return readHistory(ctx, h.eventLog, h.registry, h.rm, []string{domain.PirepStream(pirepID)}, "", names,
		func(msg proto.Message) (string, error) { return describePirepEvent(msg), nil })
}

// describePirepEvent says in words what an event of a PIREP did.
func describePirepEvent(msg proto.Message) string {
	switch e := msg.(type) {
	case *eventsv1.PirepFiled:
		if e.InProgress {
			client := e.Details.GetSourceName()
			if client == "" {
				client = "an ACARS client"
			}
			return "Started in flight by " + client
		}
		if e.Submitted {
			return "Filed and submitted for review"
		}
		return "Saved as a draft"
	case *eventsv1.PirepEdited:
		return "Edited"
	case *eventsv1.PirepSubmitted:
		return "Submitted for review"
	case *eventsv1.PirepCancelled:
		if e.Reason != "" {
			return e.Reason
		}
		return "Cancelled"
	case *eventsv1.PirepAccepted:
		if e.Automatic {
			return "Accepted automatically (the pilot's rank accepts their PIREPs)"
		}
		return "Accepted"
	case *eventsv1.PirepRejected:
		return "Rejected: " + e.Reason
	case *eventsv1.PirepCommentAdded:
		return describeComment(e)
	}
	return ""
}

// editPirep saves the pilot's edit form; "Submit" on a draft also sends it
// into the queue.
func (h *pirepHandlers) editPirep(c echo.Context) error {
	tabs, p, err := h.loadPirep(c)
	if err != nil {
		return err
	}
	if !isPilotOf(c, p) {
		return domain.Errorf(domain.EForbidden, "Only the pilot who filed a PIREP can edit it.")
	}
	f, d, parse := pirepForm(c)
	ctx := c.Request().Context()
	var res domain.AppendResult
	if len(parse) > 0 {
		err = checkPirep(d) // the domain's messages too, nothing saved
	} else {
		res, err = h.cmds.Edit(ctx, commandMeta(c, f.CommandID), tabs.ID, p.ID, d)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderPirep(c, status, tabs, p, f, "", nil)
	}
	if err != nil {
		return err
	}
	flash := "Saved."
	if c.FormValue("submit") != "" && p.State == domain.PirepDraft {
		sub, err := h.cmds.Submit(ctx, commandMeta(c, ""), tabs.ID, p.ID)
		if err != nil {
			return err
		}
		res, flash = sub, "Submitted for review."
	}
	return h.finish(c, h.sessions, res, pirepsURL(tabs.ID)+"/"+p.ID, flash)
}

// cancelPirep withdraws the pilot's draft or pending PIREP.
func (h *pirepHandlers) cancelPirep(c echo.Context) error {
	tabs, p, err := h.loadPirep(c)
	if err != nil {
		return err
	}
	res, err := h.cmds.Cancel(c.Request().Context(), commandMeta(c, ""), tabs.ID, p.ID)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, pirepsURL(tabs.ID)+"/"+p.ID, "The PIREP is cancelled.")
}

// reviewed is where the browser goes after a review: back to the queue
// when the review was made there.
func reviewed(c echo.Context, p reads.Pirep) string {
	if c.FormValue("back") == "queue" {
		return pirepsURL(p.AirlineID) + "/queue"
	}
	return pirepsURL(p.AirlineID) + "/" + p.ID
}

// acceptPirep accepts a PIREP; the promotions reactor applies the rank
// rule to its pilot, and the next page waits for it.
func (h *pirepHandlers) acceptPirep(c echo.Context) error {
	tabs, p, err := h.loadPirep(c)
	if err != nil {
		return err
	}
	res, err := h.cmds.Accept(c.Request().Context(), commandMeta(c, ""), p.AirlineID, p.ID)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, reviewed(c, p), "Accepted "+tabs.ICAO+p.FlightNumber+".")
}

// rejectPirep rejects a PIREP with the reason its pilot reads.
func (h *pirepHandlers) rejectPirep(c echo.Context) error {
	tabs, p, err := h.loadPirep(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	res, err := h.cmds.Reject(c.Request().Context(), commandMeta(c, ""), p.AirlineID, p.ID, reason)
	if errs := domain.ErrorFields(err); errs != nil {
		return h.renderPirep(c, http.StatusUnprocessableEntity, tabs, p, pirepEditForm(p), reason, errs)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, reviewed(c, p), "Rejected "+tabs.ICAO+p.FlightNumber+".")
}
