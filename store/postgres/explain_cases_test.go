package postgres_test

import (
	"context"
	"crypto/md5"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// fillID is the id testdata/explain_fill.sql gives row n of what in tenant.
func fillID(tenant, what string, n int) uuid.UUID {
	return uuid.UUID(md5.Sum(fmt.Appendf(nil, "%s/%s/%d", tenant, what, n)))
}

// explainCases are the list queries the pages make, on the large airline,
// with the arguments the pages pass (store/reads; the page sizes of
// handlers: 50 a list page, 5 PIREPs on the dashboard, 10 notices, the
// top 10 pilots of a month).
func explainCases() []explainCase {
	const big = "big"
	pilot, aircraft, subfleet := fillID(big, "user", 7), fillID(big, "aircraft", 7), fillID(big, "subfleet", 3)
	from, to := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	list := readmodel.ListPirepsByAirlineParams{TenantID: big, FromTime: from, ToTime: to, RowLimit: 50}
	with := func(f func(*readmodel.ListPirepsByAirlineParams)) readmodel.ListPirepsByAirlineParams {
		a := list
		f(&a)
		return a
	}
	count := func(a readmodel.ListPirepsByAirlineParams) readmodel.CountPirepsByAirlineParams {
		return readmodel.CountPirepsByAirlineParams{TenantID: a.TenantID, State: a.State, PilotID: a.PilotID, Airport: a.Airport,
			AircraftID: a.AircraftID, FromTime: a.FromTime, ToTime: a.ToTime}
	}
	byState := with(func(a *readmodel.ListPirepsByAirlineParams) { a.State = "accepted" })
	byPilot := with(func(a *readmodel.ListPirepsByAirlineParams) { a.PilotID = pilot })
	byAirport := with(func(a *readmodel.ListPirepsByAirlineParams) { a.Airport = "K123" })
	byAircraft := with(func(a *readmodel.ListPirepsByAirlineParams) { a.AircraftID = aircraft })
	month, next := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	// Page 10 of the flight search starts after page 9's last flight; the
	// fill's departure times make flight 1000+n leave at (13n mod 24):(17n
	// mod 60), so "09:00" is about 9/24 of the way through the day.
	after := readmodel.SearchFlightsParams{TenantID: big, AfterTime: "09:00", AfterNumber: "", AfterLeg: 0, PageSize: 51}
	pirepList := func(name string, a readmodel.ListPirepsByAirlineParams) explainCase {
		return explainCase{name, func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepsByAirline(ctx, a)
			return err
		}}
	}
	countCase := func(name string, a readmodel.ListPirepsByAirlineParams) explainCase {
		return explainCase{name, func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.CountPirepsByAirline(ctx, count(a))
			return err
		}}
	}
	return []explainCase{
		{"ListPirepsByPilot (dashboard, 5)", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: big, PilotID: pilot, Limit: 5})
			return err
		}},
		{"ListAircraftInFlight (the flight search's aircraft available)", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListAircraftInFlight(ctx, big)
			return err
		}},
		pirepList("ListPirepsByAirline", list),
		pirepList("ListPirepsByAirline state", byState),
		pirepList("ListPirepsByAirline pilot", byPilot),
		pirepList("ListPirepsByAirline airport", byAirport),
		pirepList("ListPirepsByAirline aircraft", byAircraft),
		pirepList("ListPirepsByAirline page 20", with(func(a *readmodel.ListPirepsByAirlineParams) { a.RowOffset = 950 })),
		{"ListPirepsByAirlineOldest", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(list))
			return err
		}},
		{"ListPirepsByAirlineOldest state", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(byState))
			return err
		}},
		{"ListPirepsByAirlineLongest", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(list))
			return err
		}},
		{"ListPirepsByAirlineLongest state", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(byState))
			return err
		}},
		{"ListPendingPireps page 1", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: big, Limit: 50})
			return err
		}},
		{"ListPendingPireps page 3", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: big, Limit: 50, Offset: 100})
			return err
		}},
		countCase("CountPirepsByAirline", list),
		countCase("CountPirepsByAirline state", byState),
		countCase("CountPirepsByAirline pending (queue)", with(func(a *readmodel.ListPirepsByAirlineParams) { a.State = "pending" })),
		countCase("CountPirepsByAirline pilot", byPilot),
		countCase("CountPirepsByAirline airport", byAirport),
		countCase("CountPirepsByAirline aircraft", byAircraft),
		{"SearchFlights", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: big, PageSize: 51})
			return err
		}},
		{"SearchFlights page 10 (keyset)", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchFlights(ctx, after)
			return err
		}},
		{"SearchFlights aircraft type", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: big, Aircraft: "T05", PageSize: 51})
			return err
		}},
		{"SearchFlightsFrom", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: big, DptAirport: "K123", PageSize: 51})
			return err
		}},
		{"SearchFlightsTo", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchFlightsTo(ctx, readmodel.SearchFlightsToParams{TenantID: big, ArrAirport: "K123", PageSize: 51})
			return err
		}},
		{"SearchFlightsBetween", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchFlightsBetween(ctx, readmodel.SearchFlightsBetweenParams{TenantID: big, DptAirport: "K123", ArrAirport: "K062", PageSize: 51})
			return err
		}},
		{"ListUsersByTenant", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListUsersByTenant(ctx, big)
			return err
		}},
		{"ListRoster page 1", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListRoster(ctx, readmodel.ListRosterParams{TenantID: big, RowLimit: 50})
			return err
		}},
		{"ListRoster page 3", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListRoster(ctx, readmodel.ListRosterParams{TenantID: big, RowLimit: 50, RowOffset: 100})
			return err
		}},
		{"CountRoster", func(ctx context.Context, q *readmodel.Queries) error { _, err := q.CountRoster(ctx, big); return err }},
		{"ListAircraft", func(ctx context.Context, q *readmodel.Queries) error { _, err := q.ListAircraft(ctx, big); return err }},
		{"ListAircraftBySubfleet", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListAircraftBySubfleet(ctx, readmodel.ListAircraftBySubfleetParams{TenantID: big, SubfleetID: subfleet})
			return err
		}},
		{"ListSubfleets", func(ctx context.Context, q *readmodel.Queries) error { _, err := q.ListSubfleets(ctx, big); return err }},
		{"ListRanks", func(ctx context.Context, q *readmodel.Queries) error { _, err := q.ListRanks(ctx, big); return err }},
		{"ListAirports", func(ctx context.Context, q *readmodel.Queries) error { _, err := q.ListAirports(ctx, big); return err }},
		{"ListHubs", func(ctx context.Context, q *readmodel.Queries) error { _, err := q.ListHubs(ctx, big); return err }},
		{"SearchAirports", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SearchAirports(ctx, readmodel.SearchAirportsParams{TenantID: big, Term: "k12", MaxRows: 20})
			return err
		}},
		{"ListUnreadNotices", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: big, UserID: pilot, Limit: 10})
			return err
		}},
		{"ListPirepComments", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListPirepComments(ctx, readmodel.ListPirepCommentsParams{TenantID: big, PirepID: fillID(big, "pirep", 500)})
			return err
		}},
		{"ListAPIKeysByUser", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: big, UserID: pilot})
			return err
		}},
		{"ListAircraftPirepTotals", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListAircraftPirepTotals(ctx, big)
			return err
		}},
		{"ListTopPilotsBetween (a month)", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.ListTopPilotsBetween(ctx, readmodel.ListTopPilotsBetweenParams{TenantID: big, FromTime: month, ToTime: next, RowLimit: 10})
			return err
		}},
		{"SumAirlineFlightsBetween (a month)", func(ctx context.Context, q *readmodel.Queries) error {
			_, err := q.SumAirlineFlightsBetween(ctx, readmodel.SumAirlineFlightsBetweenParams{TenantID: big, FromTime: month, ToTime: next})
			return err
		}},
	}
}
