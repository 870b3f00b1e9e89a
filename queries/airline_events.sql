-- name: UpsertAirlineEvent :exec
-- UpsertAirlineEvent records an event as staff created or changed it; a
-- change keeps its creation time and whether it was cancelled.
INSERT INTO airline_events (tenant_id, id, name, description, starts_at, ends_at, match_kind, flight_numbers, airport, cancelled, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false, $10, $10)
ON CONFLICT (tenant_id, id) DO UPDATE SET
    name = EXCLUDED.name, description = EXCLUDED.description, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
    match_kind = EXCLUDED.match_kind, flight_numbers = EXCLUDED.flight_numbers, airport = EXCLUDED.airport,
    updated_at = EXCLUDED.updated_at;

-- name: CancelAirlineEvent :exec
-- CancelAirlineEvent marks an event called off.
UPDATE airline_events SET cancelled = true, updated_at = $3
WHERE tenant_id = $1 AND id = $2;

-- name: ListAirlineEvents :many
-- ListAirlineEvents is an airline's events, first to start first.
SELECT * FROM airline_events
WHERE tenant_id = $1
ORDER BY starts_at, id;

-- name: GetAirlineEvent :one
-- GetAirlineEvent is one event of an airline.
SELECT * FROM airline_events
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteAllAirlineEvents :exec
-- DeleteAllAirlineEvents empties the read model before a rebuild.
DELETE FROM airline_events;

-- name: InsertAirlineEventSignup :exec
-- InsertAirlineEventSignup records a pilot's sign-up; a second keeps the
-- first.
INSERT INTO airline_event_signups (tenant_id, event_id, user_id, signed_up_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, event_id, user_id) DO NOTHING;

-- name: DeleteAirlineEventSignup :exec
-- DeleteAirlineEventSignup takes back a pilot's sign-up.
DELETE FROM airline_event_signups
WHERE tenant_id = $1 AND event_id = $2 AND user_id = $3;

-- name: ListAirlineEventSignups :many
-- ListAirlineEventSignups is who signed up for an event, first first.
SELECT * FROM airline_event_signups
WHERE tenant_id = $1 AND event_id = $2
ORDER BY signed_up_at, user_id;

-- name: DeleteAllAirlineEventSignups :exec
-- DeleteAllAirlineEventSignups empties the read model before a rebuild.
DELETE FROM airline_event_signups;

-- name: InsertAirlineEventFlight :exec
-- InsertAirlineEventFlight records a PIREP that counted for an event; the
-- same again changes nothing.
INSERT INTO airline_event_flights (tenant_id, event_id, pirep_id, user_id, flight_number, dpt_airport, arr_airport, block_on, counted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (tenant_id, event_id, pirep_id) DO NOTHING;

-- name: DeleteAirlineEventFlight :exec
-- DeleteAirlineEventFlight takes back a PIREP that no longer counts.
DELETE FROM airline_event_flights
WHERE tenant_id = $1 AND event_id = $2 AND pirep_id = $3;

-- name: ListAirlineEventFlights :many
-- ListAirlineEventFlights is the PIREPs that counted for an event, first
-- counted first.
SELECT * FROM airline_event_flights
WHERE tenant_id = $1 AND event_id = $2
ORDER BY counted_at, pirep_id;

-- name: ListAirlineEventFlightsByPirep :many
-- ListAirlineEventFlightsByPirep is the events a PIREP counted for.
SELECT * FROM airline_event_flights
WHERE tenant_id = $1 AND pirep_id = $2
ORDER BY event_id;

-- name: DeleteAllAirlineEventFlights :exec
-- DeleteAllAirlineEventFlights empties the read model before a rebuild.
DELETE FROM airline_event_flights;
