package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

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
	people, err := h.rm.Members(ctx, tabs.ID)
	if err != nil {
		return err
	}
	aircraft, err := h.rm.AircraftOptions(ctx, tabs.ID)
	if err != nil {
		return err
	}
	f, search := parsePirepFilter(c, people, aircraft)
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
	names := map[string]string{}
	for _, u := range people {
		names[u.ID] = personLabel(u)
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

// personLabel names a person as lists do: with their pilot id when they
// have one.
func personLabel(u reads.Member) string {
	if u.PilotID != "" {
		return u.PilotID + " " + u.Name
	}
	return u.Name
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
func parsePirepFilter(c echo.Context, people []reads.Member, aircraft []reads.AircraftOption) (views.PirepListFilter, reads.PirepFilter) {
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

	f.PilotOptions = [][2]string{{"", "Any pilot"}}
	known = false
	for _, u := range people {
		if u.Status == domain.StatusPending || u.Status == domain.StatusRejected {
			continue // never admitted: no PIREPs to find
		}
		f.PilotOptions = append(f.PilotOptions, [2]string{u.ID, personLabel(u)})
		if u.ID == f.Pilot {
			known, search.PilotID = true, u.ID
		}
	}
	if f.Pilot != "" && !known {
		f.Errors["pilot"] = "There is no such pilot in this airline."
		f.PilotOptions = append(f.PilotOptions, [2]string{f.Pilot, "Unknown pilot"})
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
