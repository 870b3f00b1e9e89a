package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// pirepListHandlers are the staff's list of every PIREP of the airline, as
// phpVMS's admin PIREP list: filters, sort and pages.
type pirepListHandlers struct {
	rm reads.Querier
}

// pirepListPageSize is how many PIREPs a page of the list shows.
const pirepListPageSize = 50

var pirepSortOptions = [][2]string{
	{reads.PirepsNewest, "Filed, newest first"},
	{reads.PirepsOldest, "Filed, oldest first"},
	{reads.PirepsLongest, "Flight time, longest first"},
}

// dateLayout is how a date input sends a date.
const dateLayout = "2006-01-02"

// airportCode is what an airport filter may be: an ICAO (or other) code.
var airportCode = regexp.MustCompile(`^[A-Z0-9]{3,4}$`)

// listAllPireps is the list with the filters, sort and page the query
// string asks for. A filter that makes no sense comes back at 422 with its
// message beside the field and no rows.
func (h *pirepListHandlers) listAllPireps(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "pireps-all")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	aircraft, err := h.rm.AircraftOptions(ctx, tabs.ID)
	if err != nil {
		return err
	}
	f, search := parsePirepFilter(c, aircraft)
	if f.PilotBox, search.PilotID, err = h.pilotFilter(c, tabs.ID, f.Pilot); err != nil {
		return err
	}
	if f.PilotBox.Error != "" {
		f.Errors["pilot"] = f.PilotBox.Error
	}
	base := pirepsURL(tabs.ID) + "/all"
	query := filterQuery(f)
	p := views.PirepListPage{Page: page(c, tabs.Name+" · All PIREPs"), Tabs: tabs, Filter: f, URL: withQuery(base, query)}
	c.Response().Header().Set("Cache-Control", "no-store")
	if len(f.Errors) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.PirepListView(p), nil)
	}
	search.Page, _ = strconv.Atoi(c.QueryParam("page"))
	found, err := h.rm.FindPireps(ctx, tabs.ID, search, pirepListPageSize)
	if err != nil {
		return err
	}
	pilots := make([]string, 0, len(found.Pireps))
	for _, r := range found.Pireps {
		pilots = append(pilots, r.PilotID)
	}
	names, err := h.rm.MemberLabels(ctx, tabs.ID, pilots)
	if err != nil {
		return err
	}
	regs := registrationsOf(aircraft)
	for _, r := range found.Pireps {
		name, ok := names[r.PilotID]
		if !ok {
			name = "someone no longer in the airline"
		}
		p.Rows = append(p.Rows, pirepRow(tabs, r, name, regs))
	}
	n, pages := found.Page, found.Pages
	p.PageNumber, p.Pages = n, pages
	if len(found.Pireps) > 0 {
		first := found.Offset + 1
		p.Showing = fmt.Sprintf("Showing %d–%d of %d", first, first+len(found.Pireps)-1, found.Total)
	}
	at := func(page int) string {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		return withQuery(base, q)
	}
	if n > 1 {
		p.PrevURL = at(n - 1)
	}
	if n < pages {
		p.NextURL = at(n + 1)
	}
	if n > 1 {
		p.URL = at(n)
	}
	return render(c, http.StatusOK, views.PirepListView(p), nil)
}

// pilotSuggestions is how many pilots the pilot box suggests.
const pilotSuggestions = 10

// pilotBoxURL is the address of the list's pilot box.
func pilotBoxURL(airlineID string) string { return pirepsURL(airlineID) + "/all/pilots" }

// pilotFilter reads the pilot box as typed: empty for any pilot, a pilot
// id or a name that matches one pilot (or one pilot better than the
// others: an exact pilot id, then an exact name), or a person's id (the
// links other pages make). It reads the matching pilots only, never the
// roster; what matches no one, or several alike, is the box's error.
func (h *pirepListHandlers) pilotFilter(c echo.Context, airlineID, typed string) (views.PilotSearchBox, string, error) {
	box := views.PilotSearchBox{ID: "filter-pilot", Value: typed, URL: pilotBoxURL(airlineID)}
	if typed == "" {
		return box, "", nil
	}
	if _, err := uuid.Parse(typed); err == nil {
		u, err := h.rm.FindPerson(c.Request().Context(), airlineID, typed)
		switch {
		case domain.ErrorCode(err) == domain.ENotFound:
			box.Error = "There is no such pilot in this airline."
			return box, "", nil
		case err != nil:
			return box, "", err
		}
		m := reads.Member{ID: u.ID, PilotID: u.PilotID, Name: u.Name}
		box.Value, box.Picked = boxValue(m), m.Label()
		return box, m.ID, nil
	}
	found, err := h.rm.FindMembers(c.Request().Context(), airlineID, typed, 2)
	if err != nil {
		return box, "", err
	}
	switch {
	case len(found) == 0:
		box.Error = "No pilot of this airline has that pilot id or name."
	case len(found) == 1 || strings.EqualFold(found[0].PilotID, typed) ||
		strings.EqualFold(found[0].Name, typed) && !strings.EqualFold(found[1].Name, typed):
		box.Picked = found[0].Label()
		return box, found[0].ID, nil
	default:
		box.Error = "Several pilots match: type more, or pick one from the list."
		box.Query = typed
		if box.Results, err = h.suggest(c, airlineID, typed); err != nil {
			return box, "", err
		}
	}
	return box, "", nil
}

// boxValue is what the pilot box holds for a chosen pilot: their pilot id,
// or their name when they have none.
func boxValue(m reads.Member) string {
	if m.PilotID != "" {
		return m.PilotID
	}
	return m.Name
}

// suggest is the pilots the box offers for what was typed.
func (h *pirepListHandlers) suggest(c echo.Context, airlineID, typed string) ([]views.PilotOption, error) {
	found, err := h.rm.FindMembers(c.Request().Context(), airlineID, typed, pilotSuggestions)
	if err != nil {
		return nil, err
	}
	out := make([]views.PilotOption, 0, len(found))
	for _, m := range found {
		out = append(out, views.PilotOption{ID: m.ID, Label: m.Label()})
	}
	return out, nil
}

// pilotBox answers the pilot box as it is typed into (?pilot=, the
// suggestions) and when a suggestion is picked (?pick=, the box filled).
func (h *pirepListHandlers) pilotBox(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	airlineID := id.String()
	c.Response().Header().Set("Cache-Control", "no-store")
	if pick := c.QueryParam("pick"); pick != "" {
		box, _, err := h.pilotFilter(c, airlineID, pick)
		if err != nil {
			return err
		}
		return renderComponent(c, http.StatusOK, views.PilotSearch(box))
	}
	typed := strings.TrimSpace(c.QueryParam("pilot"))
	box := views.PilotSearchBox{ID: "filter-pilot", URL: pilotBoxURL(airlineID), Query: typed}
	if typed != "" {
		if box.Results, err = h.suggest(c, airlineID, typed); err != nil {
			return err
		}
	}
	return renderComponent(c, http.StatusOK, views.PilotResults(box))
}

func withQuery(base string, q url.Values) string {
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// filterQuery is the filter as a query string, without empty values or
// the default sort.
func filterQuery(f views.PirepListFilter) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"state": f.State, "pilot": f.Pilot, "airport": f.Airport, "aircraft": f.Aircraft,
		"from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Sort != reads.PirepsNewest {
		q.Set("sort", f.Sort)
	}
	return q
}

// parsePirepFilter reads the filter from the query string into the form
// (as typed, with each bad value's message) and the query's parameters.
func parsePirepFilter(c echo.Context, aircraft []reads.AircraftOption) (views.PirepListFilter, reads.PirepFilter) {
	param := func(name string) string { return strings.TrimSpace(c.QueryParam(name)) }
	f := views.PirepListFilter{State: param("state"), Pilot: param("pilot"), Airport: strings.ToUpper(param("airport")),
		Aircraft: param("aircraft"), From: param("from"), To: param("to"), Sort: param("sort"), Errors: map[string]string{}}
	search := reads.PirepFilter{State: f.State, Airport: f.Airport}

	f.StateOptions = [][2]string{{"", "Any state"}}
	known := false
	for _, s := range domain.PirepStates {
		f.StateOptions = append(f.StateOptions, [2]string{s, pirepStateLabels[s]})
		known = known || s == f.State
	}
	if f.State != "" && !known {
		f.Errors["state"] = "Choose one of the states in the list."
		f.StateOptions = append(f.StateOptions, [2]string{f.State, f.State})
	}

	f.AircraftOptions = [][2]string{{"", "Any aircraft"}}
	known = false
	for _, a := range aircraft {
		f.AircraftOptions = append(f.AircraftOptions, [2]string{a.ID, aircraftLabel(a)})
		if a.ID == f.Aircraft {
			known, search.AircraftID = true, a.ID
		}
	}
	if f.Aircraft != "" && !known {
		f.Errors["aircraft"] = "There is no such aircraft in this airline."
		f.AircraftOptions = append(f.AircraftOptions, [2]string{f.Aircraft, "Unknown aircraft"})
	}

	if f.Airport != "" && !airportCode.MatchString(f.Airport) {
		f.Errors["airport"] = "Enter an airport code such as EGLL."
	}
	if f.From != "" {
		if d, err := time.Parse(dateLayout, f.From); err != nil {
			f.Errors["from"] = "Enter a date as YYYY-MM-DD."
		} else {
			search.From = d
		}
	}
	if f.To != "" {
		if d, err := time.Parse(dateLayout, f.To); err != nil {
			f.Errors["to"] = "Enter a date as YYYY-MM-DD."
		} else {
			search.To = d.AddDate(0, 0, 1) // the whole day
		}
	}
	if f.Errors["from"] == "" && f.Errors["to"] == "" && f.From != "" && f.To != "" && !search.From.Before(search.To) {
		f.Errors["to"] = "The end date is before the start date."
	}

	f.SortOptions = pirepSortOptions
	switch f.Sort {
	case "":
		f.Sort = reads.PirepsNewest
	case reads.PirepsNewest, reads.PirepsOldest, reads.PirepsLongest:
	default:
		f.Errors["sort"] = "Choose one of the orders in the list."
		f.SortOptions = append(append([][2]string(nil), pirepSortOptions...), [2]string{f.Sort, f.Sort})
	}
	search.Sort = f.Sort
	return f, search
}
