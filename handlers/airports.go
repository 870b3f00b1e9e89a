package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// airportHandlers are an airline's airport pages and the airport search.
type airportHandlers struct {
	cmds AirportCommands
	rm   reads.Querier
	ref  *airportref.Index
	readYourWrites
	log *slog.Logger
}

// searchLimit is how many airports the search box lists.
const searchLimit = 10

func airportRow(a domain.AirportDetails) views.AirportRow {
	return views.AirportRow{ICAO: a.ICAO, IATA: a.IATA, Name: a.Name, City: a.City, Country: a.Country, Hub: a.Hub,
		Latitude: num(a.Latitude), Longitude: num(a.Longitude), Elevation: a.Elevation}
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func airportForm(d domain.AirportDetails) views.AirportForm {
	return views.AirportForm{ICAO: d.ICAO, IATA: d.IATA, Name: d.Name, City: d.City, Region: d.Region, Country: d.Country,
		Timezone: d.Timezone, Lat: num(d.Latitude), Lon: num(d.Longitude), Elevation: strconv.Itoa(int(d.Elevation)),
		GroundHandlingCost: num(d.GroundHandlingCost), Fuel100LL: num(d.Fuel100LLCost), FuelJetA: num(d.FuelJetACost),
		FuelMogas: num(d.FuelMogasCost), Notes: d.Notes, Hub: d.Hub}
}

// The search box's sources: the airline's own airports, which every form
// asking for one of them uses, and the world reference, to add one.
const (
	sourceAirline = "airline"
	sourceWorld   = "world"
)

// searchBox is an airport search box on the airline's airports or the
// world reference (source).
func searchBox(airlineID, id, name, label, source, value string) views.AirportSearchBox {
	return views.AirportSearchBox{ID: id, Name: name, Label: label, Value: value,
		URL: "/airlines/" + airlineID + "/airports/search?source=" + source + "&field=" + name + "&box=" + id + "&label=" + url.QueryEscape(label)}
}

// namedAirports are the airline's airports among the codes a page shows,
// by ICAO code, so the page can name them: one query for all, not one per
// airport nor the airline's whole list, and none when the page names no
// airport. A code is taken as a search box takes it (trimmed, in capitals).
func namedAirports(ctx context.Context, rm reads.Querier, airlineID string, icaos ...string) (map[string]views.AirportOption, error) {
	var codes []string
	for _, c := range icaos {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	out := map[string]views.AirportOption{}
	if len(codes) == 0 {
		return out, nil
	}
	list, err := rm.AirportsAmong(ctx, airlineID, codes)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		out[a.ICAO] = airportOption(a)
	}
	return out, nil
}

// airlineAirportBox is the search box of a form field that takes one of
// the airline's airports: it keeps what was typed with its message, and
// names the airport when the code is one of the airline's.
func airlineAirportBox(airlineID, id, name, label, value string, errs map[string]string, known map[string]views.AirportOption) views.AirportSearchBox {
	b := searchBox(airlineID, id, name, label, sourceAirline, value)
	b.Error = errs[name]
	if o, ok := known[strings.ToUpper(strings.TrimSpace(value))]; ok && b.Error == "" {
		b.Picked = &o
	}
	return b
}

// listAirports is the airline's airports page.
func (h *airportHandlers) listAirports(c echo.Context) error {
	return h.renderList(c, http.StatusOK, views.AirportForm{}, "")
}

func (h *airportHandlers) renderList(c echo.Context, status int, add views.AirportForm, icao string) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	list, err := h.rm.Airports(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	p := views.AirportsPage{Page: page(c, tabs.Name+" airports"), Tabs: tabs, Add: add,
		CanManage: domain.Authorize(currentActor(c), domain.ManageOperations, tabs.ID) == nil,
		Find:      searchBox(tabs.ID, "find-airport", "q", "Find one of your airports", sourceAirline, ""),
		Search:    searchBox(tabs.ID, "add-airport", "icao", "ICAO code (search by code, name or city)", sourceWorld, icao)}
	p.Search.Error = add.Errors["icao"]
	for _, a := range list {
		p.Airports = append(p.Airports, airportRow(a))
	}
	return render(c, status, views.AirportsView(p), nil)
}

// listAirportRows is the list's body, for the live update.
func (h *airportHandlers) listAirportRows(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	list, err := h.rm.Airports(c.Request().Context(), id.String())
	if err != nil {
		return err
	}
	rows := make([]views.AirportRow, 0, len(list))
	for _, a := range list {
		rows = append(rows, airportRow(a))
	}
	token, _ := c.Get(csrfKey).(string)
	canManage := domain.Authorize(currentActor(c), domain.ManageOperations, id.String()) == nil
	return renderComponent(c, http.StatusOK, views.AirportRows(id.String(), rows, canManage, token))
}

var boxParam = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,40}$`)

// searchAirports answers the search box: the airports matching what was
// typed, from the airline's own list (source=airline) or the world
// reference (source=world); with pick, the whole box filled with that
// airport.
func (h *airportHandlers) searchAirports(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	field, box, source := c.QueryParam("field"), c.QueryParam("box"), c.QueryParam("source")
	if !boxParam.MatchString(field) || !boxParam.MatchString(box) || (source != sourceAirline && source != sourceWorld) {
		return domain.Errorf(domain.EInvalid, "This search box is not set up right.")
	}
	b := searchBox(tabs.ID, box, field, c.QueryParam("label"), source, c.QueryParam(field))
	if pick := c.QueryParam("pick"); pick != "" {
		opts, err := h.find(c, tabs.ID, source, pick)
		if err != nil {
			return err
		}
		b.Value = strings.ToUpper(pick)
		for _, o := range opts {
			if o.ICAO == b.Value {
				b.Picked = &o
			}
		}
		return renderComponent(c, http.StatusOK, views.AirportSearch(b))
	}
	b.Query = strings.TrimSpace(b.Value)
	if b.Query != "" {
		if b.Results, err = h.find(c, tabs.ID, source, b.Query); err != nil {
			return err
		}
	}
	return renderComponent(c, http.StatusOK, views.AirportResults(b))
}

func (h *airportHandlers) find(c echo.Context, airlineID, source, q string) ([]views.AirportOption, error) {
	var out []views.AirportOption
	if source == sourceWorld {
		for _, a := range h.ref.Search(q, searchLimit) {
			out = append(out, views.AirportOption{ICAO: a.ICAO, IATA: a.IATA, Name: a.Name, City: a.City, Country: a.Country})
		}
		return out, nil
	}
	rows, err := h.rm.SearchAirlineAirports(c.Request().Context(), airlineID, q, searchLimit)
	for _, a := range rows {
		out = append(out, airportOption(a))
	}
	return out, err
}

// airportOption is an airport as a search box offers it.
func airportOption(a domain.AirportDetails) views.AirportOption {
	return views.AirportOption{ICAO: a.ICAO, IATA: a.IATA, Name: a.Name, City: a.City, Country: a.Country}
}

// addAirport adds an airport by ICAO: the world reference fills what the
// form leaves empty.
func (h *airportHandlers) addAirport(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	var f views.AirportForm
	readForm(c, &f)
	f.ICAO = strings.ToUpper(strings.TrimSpace(f.ICAO))
	d := domain.AirportDetails{ICAO: f.ICAO}
	ref, known := h.ref.Lookup(f.ICAO)
	if known {
		d = domain.AirportDetails{ICAO: ref.ICAO, IATA: ref.IATA, Name: ref.Name, City: ref.City, Country: ref.Country,
			Latitude: ref.Latitude, Longitude: ref.Longitude, Elevation: ref.Elevation}
	}
	for _, o := range []struct {
		v   string
		dst *string
	}{{f.Name, &d.Name}, {f.IATA, &d.IATA}, {f.City, &d.City}} {
		if strings.TrimSpace(o.v) != "" {
			*o.dst = o.v
		}
	}
	d.Hub = f.Hub
	parse := formErrors{}
	if strings.TrimSpace(f.Country) != "" {
		d.Country = formCountry(parse, f.Country)
	}
	// A private or fictional airfield, which the world list does not
	// have, is added by hand: its name and position are then needed.
	private := !known && (strings.TrimSpace(f.Lat) != "" || strings.TrimSpace(f.Lon) != "")
	if private {
		const number = "Enter a number, for example 51.47."
		parse.float64("lat", f.Lat, &d.Latitude, number)
		parse.float64("lon", f.Lon, &d.Longitude, number)
		for field, v := range map[string]string{"name": f.Name, "lat": f.Lat, "lon": f.Lon} {
			if strings.TrimSpace(v) == "" && parse[field] == "" {
				parse[field] = "A private or fictional airfield needs its name, latitude and longitude."
			}
		}
	}
	var res domain.AppendResult
	switch {
	case len(parse) > 0:
	case !known && !private && domain.ValidAirportICAO(f.ICAO):
		err = domain.FieldError(domain.EInvalid, "icao", f.ICAO+" is not in the world list of airports: check the code, pick one from the search, "+
			"or give its name, latitude and longitude below to add it as a private or fictional airfield.")
	default:
		res, err = h.cmds.Add(c.Request().Context(), commandMeta(c, ""), tabs.ID, d)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderList(c, status, f, f.ICAO)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"/airports")
}

// showAirport is one airport with its edit form.
func (h *airportHandlers) showAirport(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	a, err := h.rm.FindAirport(c.Request().Context(), tabs.ID, c.Param("icao"))
	if err != nil {
		return err
	}
	return h.renderAirport(c, http.StatusOK, tabs, airportForm(a), c.QueryParam("saved") != "")
}

func (h *airportHandlers) renderAirport(c echo.Context, status int, tabs views.AirlineTabs, f views.AirportForm, saved bool) error {
	p := views.AirportPage{Page: page(c, f.ICAO+" "+f.Name), Tabs: tabs, Form: f, Saved: saved,
		CanManage: domain.Authorize(currentActor(c), domain.ManageOperations, tabs.ID) == nil}
	return render(c, status, views.AirportView(p), nil)
}

// changeAirport saves the edit form: every field as the form gives it.
func (h *airportHandlers) changeAirport(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := h.rm.FindAirport(ctx, tabs.ID, c.Param("icao"))
	if err != nil {
		return err
	}
	var f views.AirportForm
	readForm(c, &f)
	f.ICAO = a.ICAO
	d := domain.AirportDetails{ICAO: a.ICAO, IATA: f.IATA, Name: f.Name, City: f.City, Region: f.Region, Country: f.Country,
		Timezone: f.Timezone, Hub: f.Hub, Notes: f.Notes}
	parse := formErrors{}
	d.Country = formCountry(parse, f.Country)
	const number = "Enter a number, for example 51.47."
	parse.float64("lat", f.Lat, &d.Latitude, number)
	parse.float64("lon", f.Lon, &d.Longitude, number)
	parse.float64("ground_handling_cost", f.GroundHandlingCost, &d.GroundHandlingCost, number)
	parse.float64("fuel_100ll_cost", f.Fuel100LL, &d.Fuel100LLCost, number)
	parse.float64("fuel_jeta_cost", f.FuelJetA, &d.FuelJetACost, number)
	parse.float64("fuel_mogas_cost", f.FuelMogas, &d.FuelMogasCost, number)
	parse.int32("elevation", f.Elevation, &d.Elevation, "Enter the elevation in whole feet, for example 83.")
	var res domain.AppendResult
	if len(parse) == 0 {
		res, err = h.cmds.Change(ctx, commandMeta(c, ""), tabs.ID, d)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderAirport(c, status, tabs, f, false)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"/airports/"+a.ICAO+"?saved=1")
}

// setHub marks an airport a hub (hub=1) or not.
func (h *airportHandlers) setHub(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	res, err := h.cmds.SetHub(c.Request().Context(), commandMeta(c, ""), id.String(), c.Param("icao"), c.FormValue("hub") != "")
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+id.String()+"/airports")
}

// formCountry reads a form's country as the import does: a two- or
// three-letter code or an English name, as its two-letter code. One it
// does not know is a problem of the field, and the value is kept for the
// form.
func formCountry(parse formErrors, v string) string {
	code, ok := imports.CountryCode(v)
	if !ok {
		parse["country"] = fmt.Sprintf("%q is neither a country code (two or three letters, for example GB or GBR) nor a country's name in English.", strings.TrimSpace(v))
		return v
	}
	return code
}
