package handlers

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// chartDays is how many days, today (UTC) the last, the daily charts show;
// chartRows how many routes and aircraft types the row charts show.
const (
	chartDays = 90
	chartRows = 8
)

// statsChartsOf reads the statistics page's charts: every day of the last
// chartDays, a day without a flight a bar of 0, and the days' top routes
// and aircraft types.
func statsChartsOf(ctx context.Context, rm reads.Querier, airlineID string, now time.Time) (views.StatsCharts, error) {
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from, to := today.AddDate(0, 0, -(chartDays-1)), today.AddDate(0, 0, 1)
	out := views.StatsCharts{Days: fmt.Sprintf("the last %d days (UTC), %s to %s", chartDays, from.Format("2 Jan"), today.Format("2 Jan 2006"))}
	days, err := rm.ListDailyFlightsBetween(ctx, readmodel.ListDailyFlightsBetweenParams{TenantID: airlineID, FromTime: from, ToTime: to})
	if err != nil {
		return out, err
	}
	byDay := map[int64]readmodel.ListDailyFlightsBetweenRow{}
	for _, d := range days {
		byDay[d.Day] = d
	}
	out.FlightsPerDay = views.BarChart{ID: "chart-flights", Title: "Flights per day", Column: "Day"}
	out.HoursPerDay = views.BarChart{ID: "chart-hours", Title: "Hours per day", Column: "Day"}
	var flights, minutes int64
	busiest := ""
	var most int64
	for i := range chartDays {
		day := from.AddDate(0, 0, i)
		d := byDay[day.Unix()/86400]
		label := day.Format("2 Jan")
		out.FlightsPerDay.Bars = append(out.FlightsPerDay.Bars, views.Bar{Label: label, Value: float64(d.Flights), Text: strconv.FormatInt(d.Flights, 10)})
		out.HoursPerDay.Bars = append(out.HoursPerDay.Bars, views.Bar{Label: label, Value: float64(d.Minutes) / 60, Text: domain.FormatFlightTime(d.Minutes)})
		flights += d.Flights
		minutes += d.Minutes
		if d.Flights > most {
			most, busiest = d.Flights, label
		}
	}
	out.FlightsPerDay.Desc = fmt.Sprintf("%d flights in %d days", flights, chartDays)
	out.HoursPerDay.Desc = fmt.Sprintf("%s hours in %d days", domain.FormatFlightTime(minutes), chartDays)
	if busiest != "" {
		out.FlightsPerDay.Desc += fmt.Sprintf("; the busiest day %s with %d", busiest, most)
	}
	out.FlightsPerDay.Desc += "."
	out.HoursPerDay.Desc += "."

	routes, err := rm.ListTopRoutesBetween(ctx, readmodel.ListTopRoutesBetweenParams{TenantID: airlineID, FromTime: from, ToTime: to, RowLimit: chartRows})
	if err != nil {
		return out, err
	}
	out.TopRoutes = views.BarChart{ID: "chart-routes", Title: "Top routes", Column: "Route"}
	for _, r := range routes {
		out.TopRoutes.Bars = append(out.TopRoutes.Bars, views.Bar{Label: r.DptAirport + "–" + r.ArrAirport, Value: float64(r.Flights), Text: flightsText(r.Flights)})
	}
	out.TopRoutes.Desc = rowsDesc("routes", out.TopRoutes.Bars)
	types, err := rm.ListAircraftTypesFlownBetween(ctx, readmodel.ListAircraftTypesFlownBetweenParams{TenantID: airlineID, FromTime: from, ToTime: to, RowLimit: chartRows})
	if err != nil {
		return out, err
	}
	out.AircraftTypes = views.BarChart{ID: "chart-types", Title: "Aircraft types flown", Column: "Type"}
	for _, t := range types {
		label := t.AircraftIcao
		if label == "" {
			label = "unknown"
		}
		out.AircraftTypes.Bars = append(out.AircraftTypes.Bars, views.Bar{Label: label, Value: float64(t.Flights), Text: flightsText(t.Flights)})
	}
	out.AircraftTypes.Desc = rowsDesc("aircraft types", out.AircraftTypes.Bars)
	return out, nil
}

func flightsText(n int64) string {
	if n == 1 {
		return "1 flight"
	}
	return strconv.FormatInt(n, 10) + " flights"
}

// rowsDesc says a row chart's figures in one sentence.
func rowsDesc(what string, bars []views.Bar) string {
	if len(bars) == 0 {
		return "No " + what + " flown in these days."
	}
	s := "The most flown " + what + ": "
	for i, b := range bars {
		if i > 0 {
			s += ", "
		}
		s += b.Label + " " + b.Text
	}
	return s + "."
}
