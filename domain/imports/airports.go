package imports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/domain"
)

// AirportColumns are the columns of phpVMS 7's airports file
// (AirportImporter), in its order. phpVMS's "location" is the city.
var AirportColumns = []Column{
	{Name: "icao", Required: true}, {Name: "iata"}, {Name: "name", Required: true}, {Name: "location"},
	{Name: "region"}, {Name: "country"}, {Name: "timezone"}, {Name: "hub"},
	{Name: "lat", Required: true}, {Name: "lon", Required: true}, {Name: "elevation"},
	{Name: "ground_handling_cost"}, {Name: "fuel_100ll_cost"}, {Name: "fuel_jeta_cost"}, {Name: "fuel_mogas_cost"},
	{Name: "notes", Multiline: true},
}

// CheckAirport reads one row of an airports file. Empty costs and an empty
// elevation are 0; hub is true for 1, true, yes, y and on, as phpVMS reads it.
func CheckAirport(r Row) (domain.AirportDetails, map[string]string) {
	f := map[string]string{}
	num := func(col string, required bool) float64 {
		v := r.Get(col)
		if v == "" {
			if required {
				f[col] = "This column is required."
			}
			return 0
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			f[col] = fmt.Sprintf("%q is not a number.", v)
		}
		return x
	}
	d := domain.AirportDetails{
		ICAO: r.Get("icao"), IATA: r.Get("iata"), Name: r.Get("name"), City: r.Get("location"), Region: r.Get("region"),
		Country: r.Get("country"), Timezone: r.Get("timezone"), Notes: r.Get("notes"),
		Latitude: num("lat", true), Longitude: num("lon", true),
		GroundHandlingCost: num("ground_handling_cost", false), Fuel100LLCost: num("fuel_100ll_cost", false),
		FuelJetACost: num("fuel_jeta_cost", false), FuelMogasCost: num("fuel_mogas_cost", false),
	}
	if elev := num("elevation", false); f["elevation"] == "" {
		if elev < -1500 || elev > 30000 {
			f["elevation"] = "The elevation is in feet, from -1500 to 30000."
		}
		d.Elevation = int32(math.Round(elev))
	}
	switch h := strings.ToLower(r.Get("hub")); h {
	case "1", "true", "yes", "y", "on":
		d.Hub = true
	case "", "0", "false", "no", "n", "off":
	default:
		f["hub"] = fmt.Sprintf("%q is not 1 or 0 (yes or no).", r.Get("hub"))
	}
	if code, ok := CountryCode(d.Country); ok {
		d.Country = code
	} else {
		f["country"] = fmt.Sprintf("%q is neither a country code (two or three letters, for example GB or GBR) nor a country's name in English.", d.Country)
		d.Country = ""
	}
	d.Normalize()
	if err := d.Validate(); err != nil {
		for col, msg := range domain.ErrorFields(err) {
			if f[col] == "" {
				f[col] = msg
			}
		}
	}
	if len(f) > 0 {
		return d, f
	}
	return d, nil
}

// AirportRow writes an airport as a row of AirportColumns.
func AirportRow(d domain.AirportDetails) []string {
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	hub := "0"
	if d.Hub {
		hub = "1"
	}
	return []string{d.ICAO, d.IATA, d.Name, d.City, d.Region, d.Country, d.Timezone, hub,
		num(d.Latitude), num(d.Longitude), strconv.Itoa(int(d.Elevation)),
		num(d.GroundHandlingCost), num(d.Fuel100LLCost), num(d.FuelJetACost), num(d.FuelMogasCost), d.Notes}
}
