-- name: GetPirep :one
-- GetPirep finds a PIREP of one airline: another airline's is not found.
SELECT * FROM pireps
WHERE tenant_id = $1 AND id = $2;

-- name: ListPirepsByPilot :many
-- ListPirepsByPilot lists a pilot's PIREPs, newest first.
SELECT * FROM pireps
WHERE tenant_id = $1 AND pilot_id = $2
ORDER BY filed_at DESC, id
LIMIT $3;

-- name: ListPendingPireps :many
-- ListPendingPireps is a page of staff's review queue: pending PIREPs,
-- oldest first, limit of them after the first offset.
SELECT * FROM pireps
WHERE tenant_id = $1 AND state = 'pending'
ORDER BY queued_at, id
LIMIT $2 OFFSET $3;

-- name: ListPirepsByAirline :many
-- ListPirepsByAirline lists an airline's PIREPs, newest first, filtered by
-- state, pilot, airport (departure or arrival) and aircraft (each empty or
-- the nil uuid for any) and by block-off in [from_time, to_time).
SELECT * FROM pireps
WHERE tenant_id = sqlc.arg(tenant_id)
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state)::text)
  AND (sqlc.arg(pilot_id)::uuid = '00000000-0000-0000-0000-000000000000' OR pilot_id = sqlc.arg(pilot_id)::uuid)
  AND (sqlc.arg(airport)::text = '' OR dpt_airport = sqlc.arg(airport)::text OR arr_airport = sqlc.arg(airport)::text)
  AND (sqlc.arg(aircraft_id)::uuid = '00000000-0000-0000-0000-000000000000' OR aircraft_id = sqlc.arg(aircraft_id)::uuid)
  AND block_off >= sqlc.arg(from_time) AND block_off < sqlc.arg(to_time)
ORDER BY filed_at DESC, id
LIMIT sqlc.arg(row_limit) OFFSET sqlc.arg(row_offset);

-- name: UpsertPirep :exec
-- UpsertPirep writes a PIREP's row from its events.
INSERT INTO pireps (tenant_id, id, pilot_id, state, flight_number, route_code, route_leg, flight_id,
    dpt_airport, arr_airport, alt_airport, aircraft_id, block_off, block_on, flight_time, distance, level,
    fuel_used, landing_rate, route, remarks, source, reject_reason, filed_at, queued_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
ON CONFLICT (tenant_id, id) DO UPDATE
SET pilot_id = EXCLUDED.pilot_id, state = EXCLUDED.state, flight_number = EXCLUDED.flight_number,
    route_code = EXCLUDED.route_code, route_leg = EXCLUDED.route_leg, flight_id = EXCLUDED.flight_id,
    dpt_airport = EXCLUDED.dpt_airport, arr_airport = EXCLUDED.arr_airport, alt_airport = EXCLUDED.alt_airport,
    aircraft_id = EXCLUDED.aircraft_id, block_off = EXCLUDED.block_off, block_on = EXCLUDED.block_on,
    flight_time = EXCLUDED.flight_time, distance = EXCLUDED.distance, level = EXCLUDED.level,
    fuel_used = EXCLUDED.fuel_used, landing_rate = EXCLUDED.landing_rate, route = EXCLUDED.route,
    remarks = EXCLUDED.remarks, source = EXCLUDED.source, reject_reason = EXCLUDED.reject_reason,
    filed_at = EXCLUDED.filed_at, queued_at = EXCLUDED.queued_at, updated_at = EXCLUDED.updated_at;

-- name: DeleteAllPireps :exec
-- DeleteAllPireps empties the read model before a rebuild.
DELETE FROM pireps;

-- name: RecalculatePilotStats :exec
-- RecalculatePilotStats sets a pilot's totals from their accepted PIREPs in
-- one statement, so an acceptance and the reversal of one are both exact.
INSERT INTO pilot_stats (tenant_id, pilot_id, flights, minutes, last_flight, location, landing_rate)
SELECT sqlc.arg(tenant_id)::text, sqlc.arg(pilot_id)::uuid, count(*), coalesce(sum(p.flight_time), 0)::bigint,
    max(p.block_on),
    coalesce((SELECT l.arr_airport FROM pireps l
        WHERE l.tenant_id = sqlc.arg(tenant_id)::text AND l.pilot_id = sqlc.arg(pilot_id)::uuid AND l.state = 'accepted'
        ORDER BY l.block_on DESC, l.id LIMIT 1), '')::text,
    coalesce(round(avg(p.landing_rate) FILTER (WHERE p.landing_rate <> 0)), 0)::integer
FROM pireps p
WHERE p.tenant_id = sqlc.arg(tenant_id)::text AND p.pilot_id = sqlc.arg(pilot_id)::uuid AND p.state = 'accepted'
ON CONFLICT (tenant_id, pilot_id) DO UPDATE
SET flights = EXCLUDED.flights, minutes = EXCLUDED.minutes, last_flight = EXCLUDED.last_flight,
    location = EXCLUDED.location, landing_rate = EXCLUDED.landing_rate;

-- name: GetPilotStats :one
-- GetPilotStats returns a pilot's totals; a pilot with no PIREP has none.
SELECT * FROM pilot_stats
WHERE tenant_id = $1 AND pilot_id = $2;

-- name: DeleteAllPilotStats :exec
-- DeleteAllPilotStats empties the read model before a rebuild.
DELETE FROM pilot_stats;

-- name: RecalculateAircraftPirepTotals :exec
-- RecalculateAircraftPirepTotals sets the hours and location an aircraft's
-- accepted PIREPs give it, in one statement.
INSERT INTO aircraft_pirep_totals (tenant_id, aircraft_id, flights, minutes, location)
SELECT sqlc.arg(tenant_id)::text, sqlc.arg(aircraft_id)::uuid, count(*), coalesce(sum(p.flight_time), 0)::bigint,
    coalesce((SELECT l.arr_airport FROM pireps l
        WHERE l.tenant_id = sqlc.arg(tenant_id)::text AND l.aircraft_id = sqlc.arg(aircraft_id)::uuid AND l.state = 'accepted'
        ORDER BY l.block_on DESC, l.id LIMIT 1), '')::text
FROM pireps p
WHERE p.tenant_id = sqlc.arg(tenant_id)::text AND p.aircraft_id = sqlc.arg(aircraft_id)::uuid AND p.state = 'accepted'
ON CONFLICT (tenant_id, aircraft_id) DO UPDATE
SET flights = EXCLUDED.flights, minutes = EXCLUDED.minutes, location = EXCLUDED.location;

-- name: GetAircraftPirepTotals :one
-- GetAircraftPirepTotals returns what accepted PIREPs added to an aircraft.
SELECT * FROM aircraft_pirep_totals
WHERE tenant_id = $1 AND aircraft_id = $2;

-- name: ListAircraftPirepTotals :many
-- ListAircraftPirepTotals is what accepted PIREPs added to each of an
-- airline's aircraft that has flown one, by aircraft id.
SELECT * FROM aircraft_pirep_totals
WHERE tenant_id = $1
ORDER BY aircraft_id;

-- name: DeleteAllAircraftPirepTotals :exec
-- DeleteAllAircraftPirepTotals empties the read model before a rebuild.
DELETE FROM aircraft_pirep_totals;
