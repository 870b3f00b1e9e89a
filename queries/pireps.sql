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
    fuel_used, landing_rate, route, remarks, source, reject_reason, filed_at, queued_at, updated_at,
    phase, source_name, positions, last_lat, last_lon, last_altitude, last_heading, last_gs, last_position_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,
    $27, $28, $29, $30, $31, $32, $33, $34, $35)
ON CONFLICT (tenant_id, id) DO UPDATE
SET pilot_id = EXCLUDED.pilot_id, state = EXCLUDED.state, flight_number = EXCLUDED.flight_number,
    route_code = EXCLUDED.route_code, route_leg = EXCLUDED.route_leg, flight_id = EXCLUDED.flight_id,
    dpt_airport = EXCLUDED.dpt_airport, arr_airport = EXCLUDED.arr_airport, alt_airport = EXCLUDED.alt_airport,
    aircraft_id = EXCLUDED.aircraft_id, block_off = EXCLUDED.block_off, block_on = EXCLUDED.block_on,
    flight_time = EXCLUDED.flight_time, distance = EXCLUDED.distance, level = EXCLUDED.level,
    fuel_used = EXCLUDED.fuel_used, landing_rate = EXCLUDED.landing_rate, route = EXCLUDED.route,
    remarks = EXCLUDED.remarks, source = EXCLUDED.source, reject_reason = EXCLUDED.reject_reason,
    filed_at = EXCLUDED.filed_at, queued_at = EXCLUDED.queued_at, updated_at = EXCLUDED.updated_at,
    phase = EXCLUDED.phase, source_name = EXCLUDED.source_name, positions = EXCLUDED.positions,
    last_lat = EXCLUDED.last_lat, last_lon = EXCLUDED.last_lon, last_altitude = EXCLUDED.last_altitude,
    last_heading = EXCLUDED.last_heading, last_gs = EXCLUDED.last_gs, last_position_at = EXCLUDED.last_position_at;

-- name: ProgressPirep :exec
-- ProgressPirep writes an ACARS client's report of a flight in progress
-- into its row: the details and the phase, nothing else of the row (no
-- state, no totals move). One statement that reads nothing back, so the
-- projector sends it with a batch's positions in one round trip. A flight
-- not in the table gets nothing.
UPDATE pireps
SET flight_number = sqlc.arg(flight_number), route_code = sqlc.arg(route_code), route_leg = sqlc.arg(route_leg),
    flight_id = sqlc.arg(flight_id), dpt_airport = sqlc.arg(dpt_airport), arr_airport = sqlc.arg(arr_airport),
    alt_airport = sqlc.arg(alt_airport), aircraft_id = sqlc.arg(aircraft_id), block_off = sqlc.arg(block_off),
    block_on = sqlc.arg(block_on), flight_time = sqlc.arg(flight_time), distance = sqlc.arg(distance), level = sqlc.arg(level),
    fuel_used = sqlc.arg(fuel_used), landing_rate = sqlc.arg(landing_rate), route = sqlc.arg(route), remarks = sqlc.arg(remarks),
    source = sqlc.arg(source), source_name = sqlc.arg(source_name), phase = sqlc.arg(phase), updated_at = sqlc.arg(updated_at)
WHERE tenant_id = sqlc.arg(tenant_id) AND id = sqlc.arg(id);

-- name: DeleteAllPireps :exec
-- DeleteAllPireps empties the read model before a rebuild.
DELETE FROM pireps;

-- name: AddPirepToPilotStats :exec
-- AddPirepToPilotStats adds a PIREP that became accepted to its pilot's
-- running totals; it becomes the latest flight when it is later by
-- block_on DESC, id than the one held.
INSERT INTO pilot_stats AS s (tenant_id, pilot_id, flights, minutes, last_flight, location, landing_rate,
    landing_rate_sum, landing_rates, last_pirep_id)
SELECT sqlc.arg(tenant_id)::text, sqlc.arg(pilot_id)::uuid, 1, sqlc.arg(flight_time)::integer, sqlc.arg(block_on)::timestamptz,
    sqlc.arg(arr_airport)::text, sqlc.arg(landing_rate)::integer, sqlc.arg(landing_rate)::integer,
    CASE WHEN sqlc.arg(landing_rate)::integer <> 0 THEN 1 ELSE 0 END, sqlc.arg(pirep_id)::uuid
WHERE current_setting('albatross.pirep_counts', true) IS DISTINCT FROM 'deferred' -- a rebuild recounts at its end
ON CONFLICT (tenant_id, pilot_id) DO UPDATE
SET flights = s.flights + 1, minutes = s.minutes + EXCLUDED.minutes,
    landing_rate_sum = s.landing_rate_sum + EXCLUDED.landing_rate_sum,
    landing_rates = s.landing_rates + EXCLUDED.landing_rates,
    landing_rate = coalesce(round((s.landing_rate_sum + EXCLUDED.landing_rate_sum)::numeric
        / nullif(s.landing_rates + EXCLUDED.landing_rates, 0)), 0)::integer,
    last_flight = CASE WHEN s.last_pirep_id IS NULL OR (EXCLUDED.last_flight, s.last_pirep_id) > (s.last_flight, EXCLUDED.last_pirep_id)
        THEN EXCLUDED.last_flight ELSE s.last_flight END,
    location = CASE WHEN s.last_pirep_id IS NULL OR (EXCLUDED.last_flight, s.last_pirep_id) > (s.last_flight, EXCLUDED.last_pirep_id)
        THEN EXCLUDED.location ELSE s.location END,
    last_pirep_id = CASE WHEN s.last_pirep_id IS NULL OR (EXCLUDED.last_flight, s.last_pirep_id) > (s.last_flight, EXCLUDED.last_pirep_id)
        THEN EXCLUDED.last_pirep_id ELSE s.last_pirep_id END;

-- name: SubtractPirepFromPilotStats :exec
-- SubtractPirepFromPilotStats takes a PIREP that was accepted, with the
-- values it was added with, out of its pilot's running totals. Its row
-- must no longer be accepted with those values (the projector writes the
-- row first): when it was the latest flight, the next is looked up in
-- pireps_accepted_pilot.
WITH next AS (
    SELECT l.id, l.block_on, l.arr_airport FROM pireps l
    WHERE l.tenant_id = sqlc.arg(tenant_id)::text AND l.pilot_id = sqlc.arg(pilot_id)::uuid AND l.state = 'accepted'
    ORDER BY l.block_on DESC, l.id LIMIT 1
)
UPDATE pilot_stats s
SET flights = s.flights - 1, minutes = s.minutes - sqlc.arg(flight_time)::integer,
    landing_rate_sum = s.landing_rate_sum - sqlc.arg(landing_rate)::integer,
    landing_rates = s.landing_rates - CASE WHEN sqlc.arg(landing_rate)::integer <> 0 THEN 1 ELSE 0 END,
    landing_rate = coalesce(round((s.landing_rate_sum - sqlc.arg(landing_rate)::integer)::numeric
        / nullif(s.landing_rates - CASE WHEN sqlc.arg(landing_rate)::integer <> 0 THEN 1 ELSE 0 END, 0)), 0)::integer,
    last_flight = CASE WHEN s.last_pirep_id = sqlc.arg(pirep_id)::uuid THEN (SELECT block_on FROM next) ELSE s.last_flight END,
    location = CASE WHEN s.last_pirep_id = sqlc.arg(pirep_id)::uuid THEN coalesce((SELECT arr_airport FROM next), '') ELSE s.location END,
    last_pirep_id = CASE WHEN s.last_pirep_id = sqlc.arg(pirep_id)::uuid THEN (SELECT id FROM next) ELSE s.last_pirep_id END
WHERE s.tenant_id = sqlc.arg(tenant_id)::text AND s.pilot_id = sqlc.arg(pilot_id)::uuid
  AND current_setting('albatross.pirep_counts', true) IS DISTINCT FROM 'deferred';

-- name: GetPilotStats :one
-- GetPilotStats returns a pilot's totals; a pilot with no PIREP has none.
SELECT * FROM pilot_stats
WHERE tenant_id = $1 AND pilot_id = $2;

-- name: DeleteAllPilotStats :exec
-- DeleteAllPilotStats empties the read model before a rebuild.
DELETE FROM pilot_stats;

-- name: AddPirepToAircraftTotals :exec
-- AddPirepToAircraftTotals adds a PIREP that became accepted to its
-- aircraft's running totals, as AddPirepToPilotStats does the pilot's.
INSERT INTO aircraft_pirep_totals AS t (tenant_id, aircraft_id, flights, minutes, location, last_block_on, last_pirep_id)
SELECT sqlc.arg(tenant_id)::text, sqlc.arg(aircraft_id)::uuid, 1, sqlc.arg(flight_time)::integer, sqlc.arg(arr_airport)::text,
    sqlc.arg(block_on)::timestamptz, sqlc.arg(pirep_id)::uuid
WHERE current_setting('albatross.pirep_counts', true) IS DISTINCT FROM 'deferred' -- a rebuild recounts at its end
ON CONFLICT (tenant_id, aircraft_id) DO UPDATE
SET flights = t.flights + 1, minutes = t.minutes + EXCLUDED.minutes,
    location = CASE WHEN t.last_pirep_id IS NULL OR (EXCLUDED.last_block_on, t.last_pirep_id) > (t.last_block_on, EXCLUDED.last_pirep_id)
        THEN EXCLUDED.location ELSE t.location END,
    last_block_on = CASE WHEN t.last_pirep_id IS NULL OR (EXCLUDED.last_block_on, t.last_pirep_id) > (t.last_block_on, EXCLUDED.last_pirep_id)
        THEN EXCLUDED.last_block_on ELSE t.last_block_on END,
    last_pirep_id = CASE WHEN t.last_pirep_id IS NULL OR (EXCLUDED.last_block_on, t.last_pirep_id) > (t.last_block_on, EXCLUDED.last_pirep_id)
        THEN EXCLUDED.last_pirep_id ELSE t.last_pirep_id END;

-- name: SubtractPirepFromAircraftTotals :exec
-- SubtractPirepFromAircraftTotals takes a PIREP that was accepted out of
-- its aircraft's running totals, as SubtractPirepFromPilotStats does the
-- pilot's, looking the next latest up in pireps_accepted_aircraft.
WITH next AS (
    SELECT l.id, l.block_on, l.arr_airport FROM pireps l
    WHERE l.tenant_id = sqlc.arg(tenant_id)::text AND l.aircraft_id = sqlc.arg(aircraft_id)::uuid AND l.state = 'accepted'
    ORDER BY l.block_on DESC, l.id LIMIT 1
)
UPDATE aircraft_pirep_totals t
SET flights = t.flights - 1, minutes = t.minutes - sqlc.arg(flight_time)::integer,
    location = CASE WHEN t.last_pirep_id = sqlc.arg(pirep_id)::uuid THEN coalesce((SELECT arr_airport FROM next), '') ELSE t.location END,
    last_block_on = CASE WHEN t.last_pirep_id = sqlc.arg(pirep_id)::uuid THEN (SELECT block_on FROM next) ELSE t.last_block_on END,
    last_pirep_id = CASE WHEN t.last_pirep_id = sqlc.arg(pirep_id)::uuid THEN (SELECT id FROM next) ELSE t.last_pirep_id END
WHERE t.tenant_id = sqlc.arg(tenant_id)::text AND t.aircraft_id = sqlc.arg(aircraft_id)::uuid
  AND current_setting('albatross.pirep_counts', true) IS DISTINCT FROM 'deferred';

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

-- name: ListPirepsInProgress :many
-- ListPirepsInProgress lists an airline's flights in progress, the latest
-- report first (the live map and phpVMS's /api/acars).
SELECT * FROM pireps
WHERE tenant_id = $1 AND state = 'in_progress'
ORDER BY updated_at DESC, id
LIMIT $2;

-- name: AddPirepPosition :exec
-- AddPirepPosition appends one position to a flight's track, numbered
-- after the flight's last, and keeps it as the flight's last position with
-- the report's time. One statement that reads nothing back, so the
-- projector sends a batch's positions in one round trip; no indexed column
-- of pireps changes, so its row is updated in place. A flight not in the
-- table gets nothing.
WITH flight AS (
    UPDATE pireps
    SET positions = positions + 1, last_lat = sqlc.arg(lat), last_lon = sqlc.arg(lon),
        last_altitude = sqlc.arg(altitude_msl), last_heading = sqlc.arg(heading), last_gs = sqlc.arg(gs),
        last_position_at = sqlc.arg(at), updated_at = sqlc.arg(updated_at)
    WHERE pireps.tenant_id = sqlc.arg(tenant_id) AND pireps.id = sqlc.arg(pirep_id)
    RETURNING pireps.tenant_id, pireps.id, pireps.positions
)
INSERT INTO pirep_positions (tenant_id, pirep_id, n, client_id, lat, lon, altitude_msl, altitude_agl, heading, gs, ias, vs,
    distance, fuel_flow, status, log, transponder, autopilot, sim_time, at)
SELECT flight.tenant_id, flight.id, flight.positions, sqlc.arg(client_id), sqlc.arg(lat), sqlc.arg(lon),
    sqlc.arg(altitude_msl), sqlc.arg(altitude_agl), sqlc.arg(heading), sqlc.arg(gs), sqlc.arg(ias), sqlc.arg(vs),
    sqlc.arg(distance), sqlc.arg(fuel_flow), sqlc.arg(status), sqlc.arg(log), sqlc.arg(transponder), sqlc.arg(autopilot),
    sqlc.narg(sim_time), sqlc.arg(at)
FROM flight;

-- name: ListPirepPositions :many
-- ListPirepPositions is a flight's track, in the order received.
SELECT * FROM pirep_positions
WHERE tenant_id = $1 AND pirep_id = $2
ORDER BY n;

-- name: DeleteAllPirepPositions :exec
-- DeleteAllPirepPositions empties the tracks before a rebuild.
DELETE FROM pirep_positions;

-- name: ListIdlePireps :many
-- ListIdlePireps lists flights in progress of every airline whose last
-- report is older than before, the longest silent first: the ones the
-- system cancels as abandoned.
SELECT tenant_id, id FROM pireps
WHERE state = 'in_progress' AND updated_at < $1
ORDER BY updated_at, tenant_id, id
LIMIT $2;

-- name: ListAircraftInFlight :many
-- ListAircraftInFlight lists the aircraft of an airline's flights in
-- progress (ACARS), each once: they are not available for another flight.
SELECT DISTINCT aircraft_id FROM pireps
WHERE tenant_id = $1 AND state = 'in_progress'
ORDER BY aircraft_id;
