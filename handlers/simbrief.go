package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/simbrief"
	"github.com/albatross-va/albatross/views"
)

// SimbriefCommands keeps and attaches SimBrief OFPs (domain.Simbrief).
type SimbriefCommands interface {
	Keep(ctx context.Context, meta domain.CommandMeta, airlineID string, k domain.KeptOFP) (domain.AppendResult, error)
	Attach(ctx context.Context, meta domain.CommandMeta, airlineID, ofpID, pirepID string) (domain.AppendResult, error)
}

// SimbriefSettingCommands sets and reads an airline's SimBrief settings
// (domain.Airlines); the key is read from the airline's stream.
type SimbriefSettingCommands interface {
	SetSimbriefSettings(ctx context.Context, meta domain.CommandMeta, airlineID string, c domain.SimbriefSettingsChange) (domain.AppendResult, error)
	SimbriefSettingsOf(ctx context.Context, meta domain.CommandMeta, airlineID string) (domain.SimbriefSettings, error)
}

// SimbriefFetcher is SimBrief itself (simbrief.Client): its dispatch page
// and the OFP fetch.
type SimbriefFetcher interface {
	DispatchURL() string
	Fetch(ctx context.Context, staticID string) (simbrief.Fetched, error)
}

// simbriefHandlers are "Plan with SimBrief", the return from SimBrief's
// dispatch, the briefing page and the airline's SimBrief settings.
type simbriefHandlers struct {
	cmds     SimbriefCommands
	settings SimbriefSettingCommands
	sb       SimbriefFetcher
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
	now func() time.Time
	// pick draws the load factor's variance (domain.LoadFor).
	pick func(n int) int
}

func newSimbriefHandlers(d Deps, wait readYourWrites) *simbriefHandlers {
	fetcher := d.SimbriefClient
	if fetcher == nil {
		fetcher = noSimbrief{}
	}
	pick := d.SimbriefLoadPick
	if pick == nil {
		pick = mathrand.IntN
	}
	return &simbriefHandlers{cmds: d.Simbrief, settings: d.SimbriefSettings, sb: fetcher, rm: d.ReadModels,
		sessions: d.Sessions, readYourWrites: wait, log: d.Log, now: time.Now, pick: pick}
}

// noSimbrief is SimBrief on a deployment that wired none (tests that do
// not plan): the dispatch is SimBrief's own site, and no fetch leaves the
// process.
type noSimbrief struct{}

func (noSimbrief) DispatchURL() string { return simbrief.DefaultBaseURL + "/ofp/ofp.loader.api.php" }

func (noSimbrief) Fetch(context.Context, string) (simbrief.Fetched, error) {
	return simbrief.Fetched{}, &simbrief.FetchError{Message: "This platform is not connected to SimBrief."}
}

func simbriefPlanURL(airlineID, flightID string) string {
	return "/airlines/" + airlineID + "/flights/" + flightID + "/simbrief"
}

func simbriefBriefingURL(airlineID, ofpID string) string {
	return "/airlines/" + airlineID + "/simbrief/" + ofpID
}

func simbriefSettingsURL(airlineID string) string {
	return "/airlines/" + airlineID + "/settings/simbrief"
}

// planContext is what every step of the plan reads: the flight, whether
// the airline has a key, and the pilot's current OFP of the flight.
func (h *simbriefHandlers) planPage(c echo.Context) (views.SimbriefPlanPage, reads.ScheduledFlight, domain.SimbriefSettings, error) {
	tabs, err := flightTabs(c, h.rm)
	if err != nil {
		return views.SimbriefPlanPage{}, reads.ScheduledFlight{}, domain.SimbriefSettings{}, err
	}
	ctx := c.Request().Context()
	// An inactive flight may be planned too (a plan started before staff
	// took it off the search); its page only offers planning while active.
	f, err := h.rm.FindFlight(ctx, tabs.ID, c.Param("flight"))
	if err != nil {
		return views.SimbriefPlanPage{}, f, domain.SimbriefSettings{}, err
	}
	set, err := h.settings.SimbriefSettingsOf(ctx, commandMeta(c, ""), tabs.ID)
	if err != nil {
		return views.SimbriefPlanPage{}, f, set, err
	}
	ident := tabs.ICAO + f.FlightNumber + " " + f.DptAirport + "–" + f.ArrAirport
	p := views.SimbriefPlanPage{Page: page(c, "Plan "+ident+" with SimBrief"), Tabs: tabs, Flight: ident,
		FlightURL: "/airlines/" + tabs.ID + "/flights/" + f.ID, Action: simbriefPlanURL(tabs.ID, f.ID), Configured: set.APIKey != ""}
	if o, err := h.rm.PilotFlightOFP(ctx, tabs.ID, currentActor(c).UserID, f.ID); err == nil {
		p.Briefing = simbriefBriefingURL(tabs.ID, o.ID)
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return p, f, set, err
	}
	aircraft, err := h.flightAircraft(ctx, tabs.ID, f)
	if err != nil {
		return p, f, set, err
	}
	for _, a := range aircraft {
		p.Aircraft = append(p.Aircraft, views.Option{Value: a.ac.ID, Label: a.ac.Registration + " · " + a.sf.ICAO + " " + a.ac.Name})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return p, f, set, nil
}

type aircraftOfType struct {
	ac reads.Aircraft
	sf reads.Subfleet
}

// flightAircraft are the airline's aircraft of the flight's subfleets (all
// of them when it names none), with their subfleet.
func (h *simbriefHandlers) flightAircraft(ctx context.Context, airlineID string, f reads.ScheduledFlight) ([]aircraftOfType, error) {
	subfleets, err := h.rm.Subfleets(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	byID := map[string]reads.Subfleet{}
	for _, s := range subfleets {
		byID[s.ID] = s
	}
	all, err := h.rm.FleetAircraft(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	var out []aircraftOfType
	for _, a := range all {
		if len(f.SubfleetIDs) > 0 && !slices.Contains(f.SubfleetIDs, a.SubfleetID) {
			continue
		}
		if s, ok := byID[a.SubfleetID]; ok && a.Status == domain.AircraftActive {
			out = append(out, aircraftOfType{ac: a, sf: s})
		}
	}
	return out, nil
}

// showSimbriefPlan is "Plan with SimBrief": the aircraft to plan with.
func (h *simbriefHandlers) showSimbriefPlan(c echo.Context) error {
	p, _, _, err := h.planPage(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.SimbriefPlanView(p), nil)
}

// prepareSimbriefPlan fills SimBrief's dispatch form for the flight and
// the chosen aircraft and gives the link that opens it. The apicode is
// computed here: the airline's key never reaches the browser.
func (h *simbriefHandlers) prepareSimbriefPlan(c echo.Context) error {
	p, f, set, err := h.planPage(c)
	if err != nil {
		return err
	}
	if !p.Configured {
		return render(c, http.StatusUnprocessableEntity, views.SimbriefPlanView(p), nil)
	}
	ctx := c.Request().Context()
	aircraft, err := h.flightAircraft(ctx, p.Tabs.ID, f)
	if err != nil {
		return err
	}
	d := domain.SimbriefDispatch{Orig: f.DptAirport, Dest: f.ArrAirport, Airline: p.Tabs.ICAO, FlightNumber: f.FlightNumber,
		Callsign: f.Callsign, Route: f.Route, Level: f.Level, DepTime: f.DptTime}
	if d.Callsign != "" {
		d.Callsign = p.Tabs.ICAO + d.Callsign
	}
	chosen := c.FormValue("aircraft")
	p.Chosen = chosen
	var sf reads.Subfleet
	for _, a := range aircraft {
		if chosen == "" && d.Type == "" || a.ac.ID == chosen {
			d.Type, sf = a.sf.ICAO, a.sf
			if a.ac.ID == chosen {
				d.Reg = a.ac.Registration
			}
		}
	}
	if d.Type == "" {
		msg := "Choose one of the flight's aircraft."
		if chosen == "" {
			msg = "The airline has no aircraft that may fly this flight; its staff add them to the fleet."
		}
		p.Errors = map[string]string{"aircraft": msg}
		return render(c, http.StatusUnprocessableEntity, views.SimbriefPlanView(p), nil)
	}
	// Passengers and cargo as phpVMS's SimBrief form fills them (pax, and
	// cargo in thousands of the weight unit): the subfleet's and the
	// flight's fares at the flight's load factor. With no fares they stay
	// SimBrief's own load.
	fares, err := h.rm.Fares(ctx, p.Tabs.ID)
	if err != nil {
		return err
	}
	load := domain.LoadFor(fares, sf.Fares, f.Fares, f.LoadFactor, f.LoadFactorVariance, h.pick)
	d.Pax, d.CargoThousands = load.Pax, load.Cargo/1000
	var random [5]byte
	_, _ = rand.Read(random[:])
	now := h.now()
	d.StaticID = strconv.FormatInt(now.Unix(), 10) + "_" + strings.ToUpper(hex.EncodeToString(random[:]))
	d.Timestamp = now.Unix()
	d.OutputPage = absoluteURL(c, url.URL{Path: simbriefPlanURL(p.Tabs.ID, f.ID) + "/" + d.StaticID})
	p.DispatchURL = h.sb.DispatchURL() + "?" + d.Fields(set.APIKey).Encode()
	return render(c, http.StatusOK, views.SimbriefPlanView(p), nil)
}

// returnFromSimbrief is where SimBrief's dispatch sends the pilot back
// (the form's outputpage): Albatross fetches the OFP with the static id it
// gave, keeps it for the pilot and the flight, and shows the briefing. A
// failed fetch says why, keeps nothing, and offers to fetch again.
func (h *simbriefHandlers) returnFromSimbrief(c echo.Context) error {
	p, f, _, err := h.planPage(c)
	if err != nil {
		return err
	}
	ofpID := c.Param("ofp")
	if !domain.ValidOFPID(ofpID) {
		return domain.Errorf(domain.ENotFound, "There is no such flight plan.")
	}
	ctx := c.Request().Context()
	got, err := h.sb.Fetch(ctx, ofpID)
	var fe *simbrief.FetchError
	if errors.As(err, &fe) {
		h.log.WarnContext(ctx, "SimBrief fetch failed", "airline", p.Tabs.ID, "ofp", ofpID, "why", fe.Message)
		p.Failure, p.RetryURL = fe.Message, simbriefPlanURL(p.Tabs.ID, f.ID)+"/"+ofpID
		return render(c, http.StatusBadGateway, views.SimbriefPlanView(p), nil)
	}
	if err != nil {
		return err
	}
	aircraftID := ""
	if aircraft, err := h.flightAircraft(ctx, p.Tabs.ID, f); err == nil && got.OFP.Registration != "" {
		for _, a := range aircraft {
			if strings.EqualFold(a.ac.Registration, got.OFP.Registration) {
				aircraftID = a.ac.ID
			}
		}
	}
	// Planned while the pilot bids on the flight, the OFP is kept with the
	// bid: the bid's API answer carries it, and it leaves with the bid.
	bidID, err := h.standingBid(ctx, p.Tabs.ID, currentActor(c).UserID, f.ID)
	if err != nil {
		return err
	}
	res, err := h.cmds.Keep(ctx, commandMeta(c, ""), p.Tabs.ID, domain.KeptOFP{OFPID: ofpID, FlightID: f.ID,
		AircraftID: aircraftID, BidID: bidID, OFP: got.OFP, AcarsXML: got.AcarsXML, Source: got.Source})
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, simbriefBriefingURL(p.Tabs.ID, ofpID), "The SimBrief flight plan is kept for this flight.")
}

// standingBid is the id of the pilot's standing bid on the flight, "" when
// they have none.
func (h *simbriefHandlers) standingBid(ctx context.Context, airlineID, pilotID, flightID string) (string, error) {
	bids, err := h.rm.PilotBids(ctx, airlineID, pilotID)
	if err != nil {
		return "", err
	}
	for _, b := range bids {
		if b.FlightID == flightID {
			return b.ID, nil
		}
	}
	return "", nil
}

// showBriefing is an OFP's briefing page: its pilot's only.
func (h *simbriefHandlers) showBriefing(c echo.Context) error {
	tabs, err := flightTabs(c, h.rm)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	o, err := h.rm.FindOFP(ctx, tabs.ID, c.Param("ofp"))
	if err == nil && o.PilotID != currentActor(c).UserID {
		err = domain.Errorf(domain.ENotFound, "There is no such flight plan.")
	}
	if err != nil {
		return err
	}
	p := briefingPage(o)
	p.Page, p.Tabs = page(c, "Briefing "+p.Title), tabs
	p.FlightURL = "/airlines/" + tabs.ID + "/flights/" + o.FlightID
	p.Notice = popFlash(c, h.sessions)
	// The maps are SimBrief's and the prefile forms post to the networks:
	// this page alone lets in those origins, the OFP's own.
	c.Response().Header().Set("Content-Security-Policy", briefingPolicy(p))
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.SimbriefBriefingView(p), nil)
}

// briefingPage is the briefing's view of an OFP.
func briefingPage(k reads.KeptOFP) views.SimbriefBriefingPage {
	o := k.OFP
	level := func(feet int32) string {
		if feet <= 0 {
			return "—"
		}
		return fmt.Sprintf("FL%03d", feet/100)
	}
	p := views.SimbriefBriefingPage{
		Title:  strings.TrimSpace(o.AirlineIcao+o.FlightNumber) + " " + o.Origin + " → " + o.Destination,
		Origin: strings.TrimSpace(o.Origin + " " + o.OriginRunway), Destination: strings.TrimSpace(o.Destination + " " + o.DestinationRunway),
		Alternate: o.Alternate, Aircraft: strings.TrimSpace(o.AircraftIcao + " " + o.AircraftName), Registration: o.Registration,
		Route: domain.OFPRouteString(o), InitialLevel: level(o.InitialAltitude), PlannedLevel: fmt.Sprintf("FL%03d", o.FlightLevel),
		AirDistance: strconv.Itoa(int(o.AirDistance)) + " nmi", Units: o.Units, FlightPlan: o.FlightplanText,
		Fetched: k.FetchedAt.UTC().Format("2 Jan 2006 15:04 UTC"),
	}
	num := func(n int32) string { return strconv.Itoa(int(n)) }
	p.Fuel = []views.Row{row("Taxi", num(o.FuelTaxi)), row("Trip", num(o.FuelEnroute)), row("Contingency", num(o.FuelContingency)),
		row("Alternate", num(o.FuelAlternate)), row("Reserve", num(o.FuelReserve)), row("Extra", num(o.FuelExtra)),
		row("Take-off", num(o.FuelTakeoff)), row("Block (ramp)", num(o.FuelRamp)), row("Landing", num(o.FuelLanding))}
	clock := func(t interface{ AsTime() time.Time }, ok bool) string {
		if !ok {
			return "—"
		}
		return t.AsTime().UTC().Format("15:04")
	}
	dur := func(s int32) string { return fmt.Sprintf("%d:%02d", s/3600, s/60%60) }
	p.Times = []views.Row{row("Out", clock(o.SchedOut, o.SchedOut != nil)), row("Off", clock(o.SchedOff, o.SchedOff != nil)),
		row("On", clock(o.SchedOn, o.SchedOn != nil)), row("In", clock(o.SchedIn, o.SchedIn != nil)),
		row("Time en route", dur(o.EstTimeEnroute)), row("Block time", dur(o.SchedBlock)), row("Endurance", dur(o.Endurance))}
	for _, w := range []views.Row{row(o.Origin+" METAR", o.OrigMetar), row(o.Origin+" TAF", o.OrigTaf),
		row(o.Destination+" METAR", o.DestMetar), row(o.Destination+" TAF", o.DestTaf),
		row(o.Alternate+" METAR", o.AltnMetar), row(o.Alternate+" TAF", o.AltnTaf)} {
		if w.Value != "" {
			p.Weather = append(p.Weather, w)
		}
	}
	for _, f := range o.Files {
		if f.Url != "" {
			p.Files = append(p.Files, views.Link{Name: f.Name, URL: f.Url})
		}
	}
	for _, im := range o.Images {
		if im.Url != "" {
			p.Images = append(p.Images, views.Link{Name: im.Name, URL: im.Url})
		}
	}
	for _, pf := range o.Prefiles {
		f := views.PrefileForm{Network: pf.Network, Method: pf.Method, Action: pf.Action}
		q := url.Values{}
		for _, in := range pf.Fields {
			f.Fields = append(f.Fields, views.Row{Label: in.Name, Value: in.Value})
			q.Add(in.Name, in.Value)
		}
		if pf.Method != "POST" {
			f.LinkURL = pf.Action
			if len(q) > 0 {
				f.LinkURL += "?" + q.Encode()
			}
		}
		p.Prefiles = append(p.Prefiles, f)
	}
	return p
}

// briefingPolicy is the site's policy with the origins of the OFP's maps
// (images) and of its POST prefile forms (form actions) added.
func briefingPolicy(p views.SimbriefBriefingPage) string {
	origin := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return ""
		}
		return u.Scheme + "://" + u.Host
	}
	var imgs, forms []string
	for _, im := range p.Images {
		if o := origin(im.URL); o != "" && !slices.Contains(imgs, o) {
			imgs = append(imgs, o)
		}
	}
	for _, f := range p.Prefiles {
		if o := origin(f.Action); o != "" && f.LinkURL == "" && !slices.Contains(forms, o) {
			forms = append(forms, o)
		}
	}
	join := func(extra []string) string {
		if len(extra) == 0 {
			return ""
		}
		return " " + strings.Join(extra, " ")
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:" + join(imgs) +
		"; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'" + join(forms)
}

// showSimbriefSettings is the airline's SimBrief settings: whether a key
// is set, never the key.
func (h *simbriefHandlers) showSimbriefSettings(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "settings")
	if err != nil {
		return err
	}
	p, set, err := h.settingsPage(c, tabs)
	if err != nil {
		return err
	}
	p.Notice = popFlash(c, h.sessions)
	if set.ExpireHours > 0 {
		p.ExpireHours = strconv.Itoa(int(set.ExpireHours))
	}
	return render(c, http.StatusOK, views.SimbriefSettingsView(p), nil)
}

// settingsPage is the settings form with whether the airline has a key.
func (h *simbriefHandlers) settingsPage(c echo.Context, tabs views.AirlineTabs) (views.SimbriefSettingsPage, domain.SimbriefSettings, error) {
	set, err := h.settings.SimbriefSettingsOf(c.Request().Context(), commandMeta(c, ""), tabs.ID)
	if err != nil {
		return views.SimbriefSettingsPage{}, set, err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return views.SimbriefSettingsPage{Page: page(c, tabs.Name+" · SimBrief"), Tabs: tabs, Action: simbriefSettingsURL(tabs.ID),
		KeySet: set.APIKey != ""}, set, nil
}

// saveSimbriefSettings replaces, clears or keeps the key and sets the
// OFP lifetime. A refused form comes back without the key typed.
func (h *simbriefHandlers) saveSimbriefSettings(c echo.Context) error {
	airlineID := c.Param("id")
	change := domain.SimbriefSettingsChange{APIKey: c.FormValue("api_key"), ClearKey: c.FormValue("clear_key") != ""}
	typed := strings.TrimSpace(c.FormValue("expire_hours"))
	var err error
	if typed != "" {
		n, perr := strconv.Atoi(typed)
		if perr != nil || n < 1 {
			err = domain.FieldError(domain.EInvalid, "expire_hours", "Enter from 1 to 168 hours, or leave it empty for 6.")
		}
		change.ExpireHours = int32(min(max(n, 0), 1<<20))
	}
	var res domain.AppendResult
	if err == nil {
		res, err = h.settings.SetSimbriefSettings(c.Request().Context(), commandMeta(c, ""), airlineID, change)
	}
	if fields := domain.ErrorFields(err); len(fields) > 0 {
		tabs, _, terr := airlineTabs(c, h.rm, "settings")
		if terr != nil {
			return terr
		}
		p, _, perr := h.settingsPage(c, tabs)
		if perr != nil {
			return perr
		}
		p.ExpireHours, p.Errors = typed, fields
		return render(c, http.StatusUnprocessableEntity, views.SimbriefSettingsView(p), nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, simbriefSettingsURL(airlineID), "The SimBrief settings are saved.")
}

func row(label, value string) views.Row { return views.Row{Label: label, Value: value} }
