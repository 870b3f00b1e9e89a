-- The airline-wide read pages over the PIREP read models: the staff's list
-- of every PIREP in other orders than ListPirepsByAirline's newest first,
-- its count for pagination, the roster and the airline's statistics. The
-- filters are those of ListPirepsByAirline, each empty or the nil uuid for
-- any, so a handler fills one set of parameters for all of them.

-- name: ListPirepsByAirlineOldest :many
-- ListPirepsByAirlineOldest is ListPirepsByAirline oldest filed first.
SELECT * FROM pireps
WHERE tenant_id = sqlc.arg(tenant_id)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state)::text)
  AND (sqlc.arg(pilot_id)::uuid = '00000000-0000-0000-0000-000000000000' OR pilot_id = sqlc.arg(pilot_id)::uuid)
  AND (sqlc.arg(airport)::text = '' OR dpt_airport = sqlc.arg(airport)::text OR arr_airport = sqlc.arg(airport)::text)
  AND (sqlc.arg(aircraft_id)::uuid = '00000000-0000-0000-0000-000000000000' OR aircraft_id = sqlc.arg(aircraft_id)::uuid)
  AND block_off >= sqlc.arg(from_time) AND block_off < sqlc.arg(to_time)
ORDER BY filed_at, id
LIMIT sqlc.arg(row_limit) OFFSET sqlc.arg(row_offset);

-- name: ListPirepsByAirlineLongest :many
-- ListPirepsByAirlineLongest is ListPirepsByAirline longest flight time
-- first, ties newest filed first.
SELECT * FROM pireps
WHERE tenant_id = sqlc.arg(tenant_id)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state)::text)
  AND (sqlc.arg(pilot_id)::uuid = '00000000-0000-0000-0000-000000000000' OR pilot_id = sqlc.arg(pilot_id)::uuid)
  AND (sqlc.arg(airport)::text = '' OR dpt_airport = sqlc.arg(airport)::text OR arr_airport = sqlc.arg(airport)::text)
  AND (sqlc.arg(aircraft_id)::uuid = '00000000-0000-0000-0000-000000000000' OR aircraft_id = sqlc.arg(aircraft_id)::uuid)
  AND block_off >= sqlc.arg(from_time) AND block_off < sqlc.arg(to_time)
ORDER BY flight_time DESC, filed_at DESC, id
LIMIT sqlc.arg(row_limit) OFFSET sqlc.arg(row_offset);

-- name: CountPirepsByAirline :one
-- CountPirepsByAirline counts what ListPirepsByAirline's filters match, for
-- "page N of M". A filter of the state alone, or of nothing, reads the
-- triggers' pirep_counts when no such row's block-off is outside the
-- dates (two probes of pireps_tenant_block_off; the list without dates
-- asks for years 1000 to 3000), so the count of an airline's 100,000
-- PIREPs costs what one of 1,000 does; any other filter counts the rows.
SELECT CASE
    WHEN sqlc.arg(pilot_id)::uuid = '00000000-0000-0000-0000-000000000000'
        AND sqlc.arg(airport)::text = ''
        AND sqlc.arg(aircraft_id)::uuid = '00000000-0000-0000-0000-000000000000'
        AND NOT EXISTS (SELECT 1 FROM pireps o WHERE o.tenant_id = sqlc.arg(tenant_id)
            AND (sqlc.arg(state)::text = '' OR o.state = sqlc.arg(state)::text) AND o.block_off < sqlc.arg(from_time))
        AND NOT EXISTS (SELECT 1 FROM pireps o WHERE o.tenant_id = sqlc.arg(tenant_id)
            AND (sqlc.arg(state)::text = '' OR o.state = sqlc.arg(state)::text) AND o.block_off >= sqlc.arg(to_time))
    THEN (SELECT coalesce(sum(c.pireps), 0) FROM pirep_counts c WHERE c.tenant_id = sqlc.arg(tenant_id)
        AND (sqlc.arg(state)::text = '' OR c.state = sqlc.arg(state)::text))::bigint
    ELSE (SELECT count(*) FROM pireps
        WHERE tenant_id = sqlc.arg(tenant_id)
          AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state)::text)
          AND (sqlc.arg(pilot_id)::uuid = '00000000-0000-0000-0000-000000000000' OR pilot_id = sqlc.arg(pilot_id)::uuid)
          AND (sqlc.arg(airport)::text = '' OR dpt_airport = sqlc.arg(airport)::text OR arr_airport = sqlc.arg(airport)::text)
          AND (sqlc.arg(aircraft_id)::uuid = '00000000-0000-0000-0000-000000000000' OR aircraft_id = sqlc.arg(aircraft_id)::uuid)
          AND block_off >= sqlc.arg(from_time) AND block_off < sqlc.arg(to_time))
END::bigint AS count;

-- name: ListRoster :many
-- ListRoster is a page of an airline's pilots with their rank, hours,
-- flights and location: the active people who have a pilot id or have
-- flown (an airline admin who files PIREPs), by pilot number, then name.
-- The index users_roster serves the order, so a page reads its rows only.
SELECT u.id, u.pilot_id, u.name,
    coalesce(r.name, '')::text AS rank_name,
    coalesce(s.flights, 0)::bigint AS flights,
    coalesce(s.minutes, 0)::bigint AS minutes,
    coalesce(s.location, '')::text AS location
FROM users u
LEFT JOIN pilot_stats s ON s.tenant_id = u.tenant_id AND s.pilot_id = u.id
LEFT JOIN pilot_ranks pr ON pr.tenant_id = u.tenant_id AND pr.pilot_id = u.id
LEFT JOIN ranks r ON r.tenant_id = pr.tenant_id AND r.id::text = pr.rank_id
WHERE u.tenant_id = sqlc.arg(tenant_id) AND u.status = 'active'
  AND (u.pilot_id <> '' OR coalesce(s.flights, 0) > 0)
ORDER BY u.pilot_id = '', u.pilot_number, u.name COLLATE "C", u.id
LIMIT sqlc.arg(row_limit) OFFSET sqlc.arg(row_offset);

-- name: CountRoster :one
-- CountRoster is how many pilots ListRoster lists in all, for its pager:
-- those with a pilot id, counted from the index users_roster alone, and
-- the few without one who have flown.
SELECT ((SELECT count(*) FROM users p
         WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.status = 'active' AND p.pilot_id <> '')
      + (SELECT count(*) FROM users u
         JOIN pilot_stats s ON s.tenant_id = u.tenant_id AND s.pilot_id = u.id
         WHERE u.tenant_id = sqlc.arg(tenant_id) AND u.status = 'active' AND u.pilot_id = '' AND s.flights > 0))::bigint AS count;

-- name: SumAirlineFlights :one
-- SumAirlineFlights is what every accepted PIREP of the airline adds up to,
-- summed from the pilots' totals rather than the PIREPs.
SELECT coalesce(sum(flights), 0)::bigint AS flights, coalesce(sum(minutes), 0)::bigint AS minutes
FROM pilot_stats
WHERE tenant_id = sqlc.arg(tenant_id);

-- name: SumAirlineFlightsBetween :one
-- SumAirlineFlightsBetween adds up the airline's accepted PIREPs whose
-- block-on (the flight's end) is in [from_time, to_time).
SELECT count(*)::bigint AS flights, coalesce(sum(flight_time), 0)::bigint AS minutes
FROM pireps
WHERE tenant_id = sqlc.arg(tenant_id) AND state = 'accepted'
  AND block_on >= sqlc.arg(from_time) AND block_on < sqlc.arg(to_time);

-- name: ListTopPilotsBetween :many
-- ListTopPilotsBetween ranks the airline's pilots by the minutes of their
-- accepted PIREPs with block-on in [from_time, to_time), then by flights;
-- ties by pilot id. A pilot no longer in the airline keeps their place
-- with an empty name.
SELECT p.pilot_id AS user_id, coalesce(u.pilot_id, '')::text AS pilot_ident, coalesce(u.name, '')::text AS name,
    count(*)::bigint AS flights, sum(p.flight_time)::bigint AS minutes
FROM pireps p
LEFT JOIN users u ON u.id = p.pilot_id AND u.tenant_id = p.tenant_id
WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.state = 'accepted'
  AND p.block_on >= sqlc.arg(from_time) AND p.block_on < sqlc.arg(to_time)
GROUP BY p.pilot_id, u.pilot_id, u.name
ORDER BY minutes DESC, flights DESC, p.pilot_id
LIMIT sqlc.arg(row_limit);

-- name: DeferPirepCounts :exec
-- DeferPirepCounts stops the pirep_counts trigger counting row by row, and
-- the pilots' and aircraft's running totals adding and subtracting PIREP
-- by PIREP, for the rest of the transaction (a rebuild's, where a row
-- updated N times walks N of its own versions each time), which must end
-- with RecountPireps.
SELECT set_config('albatross.pirep_counts', 'deferred', true);

-- name: RecountPireps :exec
-- RecountPireps sets every airline's and state's count from the rows, once,
-- after DeferPirepCounts (a count with no rows left is zero), and every
-- pilot's and aircraft's totals from their accepted PIREPs, the latest by
-- block_on DESC, id as the running totals keep it, into the tables the
-- rebuild emptied: a pilot or an aircraft without an accepted PIREP gets
-- no row, which reads as zero totals.
WITH counted AS (
    SELECT tenant_id, state, count(*) AS n FROM pireps GROUP BY tenant_id, state
), counts AS (
    INSERT INTO pirep_counts (tenant_id, state, pireps)
    SELECT k.tenant_id, k.state, coalesce(c.n, 0)
    FROM (SELECT tenant_id, state FROM pirep_counts UNION SELECT tenant_id, state FROM counted) k
    LEFT JOIN counted c ON c.tenant_id = k.tenant_id AND c.state = k.state
    ON CONFLICT (tenant_id, state) DO UPDATE SET pireps = EXCLUDED.pireps
    RETURNING 1
), pilots AS (
    INSERT INTO pilot_stats AS s (tenant_id, pilot_id, flights, minutes, last_flight, location, landing_rate,
        landing_rate_sum, landing_rates, last_pirep_id)
    SELECT a.tenant_id, a.pilot_id, a.flights, a.minutes, l.block_on, l.arr_airport,
        coalesce(round(a.rate_sum::numeric / nullif(a.rates, 0)), 0)::integer, a.rate_sum, a.rates, l.id
    FROM (SELECT tenant_id, pilot_id, count(*) AS flights, sum(flight_time) AS minutes,
                 coalesce(sum(landing_rate) FILTER (WHERE landing_rate <> 0), 0) AS rate_sum,
                 count(*) FILTER (WHERE landing_rate <> 0) AS rates
          FROM pireps WHERE state = 'accepted' GROUP BY tenant_id, pilot_id) a
    CROSS JOIN LATERAL (SELECT p.id, p.block_on, p.arr_airport FROM pireps p
        WHERE p.tenant_id = a.tenant_id AND p.pilot_id = a.pilot_id AND p.state = 'accepted'
        ORDER BY p.block_on DESC, p.id LIMIT 1) l
    ON CONFLICT (tenant_id, pilot_id) DO UPDATE
    SET flights = EXCLUDED.flights, minutes = EXCLUDED.minutes, last_flight = EXCLUDED.last_flight,
        location = EXCLUDED.location, landing_rate = EXCLUDED.landing_rate, landing_rate_sum = EXCLUDED.landing_rate_sum,
        landing_rates = EXCLUDED.landing_rates, last_pirep_id = EXCLUDED.last_pirep_id
    RETURNING 1
)
INSERT INTO aircraft_pirep_totals AS t (tenant_id, aircraft_id, flights, minutes, location, last_block_on, last_pirep_id)
SELECT a.tenant_id, a.aircraft_id, a.flights, a.minutes, l.arr_airport, l.block_on, l.id
FROM (SELECT tenant_id, aircraft_id, count(*) AS flights, sum(flight_time) AS minutes
      FROM pireps WHERE state = 'accepted' GROUP BY tenant_id, aircraft_id) a
CROSS JOIN LATERAL (SELECT p.id, p.block_on, p.arr_airport FROM pireps p
    WHERE p.tenant_id = a.tenant_id AND p.aircraft_id = a.aircraft_id AND p.state = 'accepted'
    ORDER BY p.block_on DESC, p.id LIMIT 1) l
ON CONFLICT (tenant_id, aircraft_id) DO UPDATE
SET flights = EXCLUDED.flights, minutes = EXCLUDED.minutes, location = EXCLUDED.location,
    last_block_on = EXCLUDED.last_block_on, last_pirep_id = EXCLUDED.last_pirep_id;
