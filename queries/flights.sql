-- name: SearchFlights :many
-- SearchFlights lists an airline's flights from any airport to any.
-- The flight search has one query per index it can use (no airport, from an
-- airport, to an airport, between two), so PostgreSQL's generic plans never
-- fall back to scanning an airline's flights for an airport filter. Each
-- pages by keyset: after_* is the last row of the previous page (start with
-- after_time '' and after_number ''), and the order is the index's.
-- aircraft ('' for any) matches a flight that allows a subfleet with that id
-- or of that ICAO type; day (0 for any) is one bit of the days mask, as
-- phpVMS searches (days & day) > 0.
SELECT * FROM flights
WHERE tenant_id = @tenant_id
  AND (@include_inactive::boolean OR active)
  AND (@aircraft::text = '' OR @aircraft::text = ANY(subfleet_types) OR @aircraft::text = ANY(subfleet_ids))
  AND (@day::integer = 0 OR (days & @day::integer) <> 0)
  AND (dpt_time, flight_number, route_code, route_leg) > (@after_time::text, @after_number::text, @after_code::text, @after_leg::integer)
ORDER BY dpt_time, flight_number, route_code, route_leg
LIMIT @page_size;

-- name: SearchFlightsFrom :many
-- SearchFlightsFrom lists an airline's flights from one airport.
SELECT * FROM flights
WHERE tenant_id = @tenant_id AND dpt_airport = @dpt_airport
  AND (@include_inactive::boolean OR active)
  AND (@aircraft::text = '' OR @aircraft::text = ANY(subfleet_types) OR @aircraft::text = ANY(subfleet_ids))
  AND (@day::integer = 0 OR (days & @day::integer) <> 0)
  AND (dpt_time, flight_number, route_code, route_leg) > (@after_time::text, @after_number::text, @after_code::text, @after_leg::integer)
ORDER BY dpt_time, flight_number, route_code, route_leg
LIMIT @page_size;

-- name: SearchFlightsTo :many
-- SearchFlightsTo lists an airline's flights to one airport.
SELECT * FROM flights
WHERE tenant_id = @tenant_id AND arr_airport = @arr_airport
  AND (@include_inactive::boolean OR active)
  AND (@aircraft::text = '' OR @aircraft::text = ANY(subfleet_types) OR @aircraft::text = ANY(subfleet_ids))
  AND (@day::integer = 0 OR (days & @day::integer) <> 0)
  AND (dpt_time, flight_number, route_code, route_leg) > (@after_time::text, @after_number::text, @after_code::text, @after_leg::integer)
ORDER BY dpt_time, flight_number, route_code, route_leg
LIMIT @page_size;

-- name: SearchFlightsBetween :many
-- SearchFlightsBetween lists an airline's flights from one airport to another.
SELECT * FROM flights
WHERE tenant_id = @tenant_id AND dpt_airport = @dpt_airport AND arr_airport = @arr_airport
  AND (@include_inactive::boolean OR active)
  AND (@aircraft::text = '' OR @aircraft::text = ANY(subfleet_types) OR @aircraft::text = ANY(subfleet_ids))
  AND (@day::integer = 0 OR (days & @day::integer) <> 0)
  AND (dpt_time, flight_number, route_code, route_leg) > (@after_time::text, @after_number::text, @after_code::text, @after_leg::integer)
ORDER BY dpt_time, flight_number, route_code, route_leg
LIMIT @page_size;

-- name: GetFlight :one
-- GetFlight finds one flight of an airline.
SELECT * FROM flights
WHERE tenant_id = $1 AND id = $2;

-- name: UpsertFlight :exec
-- UpsertFlight writes a flight's row as its events describe it; created_at
-- stays the first one's. field_names and field_values are the custom fields,
-- pairwise.
INSERT INTO flights (tenant_id, id, flight_number, route_code, route_leg, callsign, dpt_airport, arr_airport,
    alt_airport, dpt_time, arr_time, days, start_date, end_date, distance, flight_time, level, flight_type,
    route, notes, subfleet_ids, subfleet_types, active, created_at, updated_at, load_factor, load_factor_variance,
    field_names, field_values, fares)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
    $26, $27, $28, $29, $30)
ON CONFLICT (tenant_id, id) DO UPDATE
SET flight_number = EXCLUDED.flight_number, route_code = EXCLUDED.route_code, route_leg = EXCLUDED.route_leg,
    callsign = EXCLUDED.callsign, dpt_airport = EXCLUDED.dpt_airport, arr_airport = EXCLUDED.arr_airport,
    alt_airport = EXCLUDED.alt_airport, dpt_time = EXCLUDED.dpt_time, arr_time = EXCLUDED.arr_time,
    days = EXCLUDED.days, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,
    distance = EXCLUDED.distance, flight_time = EXCLUDED.flight_time, level = EXCLUDED.level,
    flight_type = EXCLUDED.flight_type, route = EXCLUDED.route, notes = EXCLUDED.notes,
    subfleet_ids = EXCLUDED.subfleet_ids, subfleet_types = EXCLUDED.subfleet_types, active = EXCLUDED.active,
    updated_at = EXCLUDED.updated_at, load_factor = EXCLUDED.load_factor,
    load_factor_variance = EXCLUDED.load_factor_variance, field_names = EXCLUDED.field_names,
    field_values = EXCLUDED.field_values, fares = EXCLUDED.fares;

-- name: DeleteAllFlights :exec
-- DeleteAllFlights empties the read model before a rebuild.
DELETE FROM flights;

-- name: CountActiveFlights :one
-- CountActiveFlights is how many flights an airline's schedule offers (its
-- route count on the public page): the inactive ones are not offered.
SELECT count(*)::bigint FROM flights WHERE tenant_id = $1 AND active;
