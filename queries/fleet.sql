-- name: ListSubfleets :many
-- ListSubfleets lists an airline's subfleets by their code. COLLATE "C"
-- orders by bytes, as the in-memory read models do.
SELECT tenant_id, id, type, icao, name, hub_id, cost_block_hour_cents, created_at, updated_at, number, fares
FROM subfleets
WHERE tenant_id = $1
ORDER BY type COLLATE "C", id;

-- name: GetSubfleet :one
-- GetSubfleet finds a subfleet of one airline: another airline's is not
-- found, whatever id is asked for.
SELECT tenant_id, id, type, icao, name, hub_id, cost_block_hour_cents, created_at, updated_at, number, fares
FROM subfleets
WHERE tenant_id = $1 AND id = $2;

-- name: GetSubfleetByNumber :one
-- GetSubfleetByNumber finds a subfleet of one airline by the number
-- phpVMS's API names it by; another airline's number is not found.
SELECT tenant_id, id, type, icao, name, hub_id, cost_block_hour_cents, created_at, updated_at, number, fares
FROM subfleets
WHERE tenant_id = $1 AND number = $2;

-- name: UpsertSubfleet :exec
-- UpsertSubfleet writes a subfleet's row from its events. A new subfleet
-- takes the number after its airline's highest; an update keeps its
-- number, so the numbers follow the log and a rebuild gives the same.
INSERT INTO subfleets (tenant_id, id, type, icao, name, hub_id, cost_block_hour_cents, created_at, updated_at, number, fares)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE((SELECT max(number) FROM subfleets WHERE tenant_id = $1), 0) + 1, $10)
ON CONFLICT (tenant_id, id) DO UPDATE
SET type = EXCLUDED.type, icao = EXCLUDED.icao, name = EXCLUDED.name, hub_id = EXCLUDED.hub_id,
    cost_block_hour_cents = EXCLUDED.cost_block_hour_cents, fares = EXCLUDED.fares,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at;

-- name: DeleteAllSubfleets :exec
-- DeleteAllSubfleets empties the read model before a rebuild.
DELETE FROM subfleets;

-- name: ListAircraft :many
-- ListAircraft lists an airline's aircraft by registration.
SELECT tenant_id, id, subfleet_id, registration, name, status, airport_id, flight_time, created_at, updated_at, number
FROM aircraft
WHERE tenant_id = $1
ORDER BY registration COLLATE "C", id;

-- name: ListAircraftBySubfleet :many
-- ListAircraftBySubfleet lists the aircraft of one subfleet of an airline
-- by registration.
SELECT tenant_id, id, subfleet_id, registration, name, status, airport_id, flight_time, created_at, updated_at, number
FROM aircraft
WHERE tenant_id = $1 AND subfleet_id = $2
ORDER BY registration COLLATE "C", id;

-- name: ListAircraftRegistrations :many
-- ListAircraftRegistrations names an airline's aircraft among some ids (the
-- aircraft of a page's PIREPs, say), by id; ids of none of the airline's
-- aircraft are left out. One round trip for every registration a page shows.
SELECT id, registration
FROM aircraft
WHERE tenant_id = sqlc.arg(tenant_id) AND id = ANY(sqlc.arg(ids)::uuid[])
ORDER BY id;

-- name: GetAircraft :one
-- GetAircraft finds an aircraft of one airline: another airline's is not
-- found, whatever id is asked for.
SELECT tenant_id, id, subfleet_id, registration, name, status, airport_id, flight_time, created_at, updated_at, number
FROM aircraft
WHERE tenant_id = $1 AND id = $2;

-- name: GetAircraftByNumber :one
-- GetAircraftByNumber finds an aircraft of one airline by the number
-- phpVMS's API names it by; another airline's number is not found.
SELECT tenant_id, id, subfleet_id, registration, name, status, airport_id, flight_time, created_at, updated_at, number
FROM aircraft
WHERE tenant_id = $1 AND number = $2;

-- name: UpsertAircraft :exec
-- UpsertAircraft writes an aircraft's row from its events. A new aircraft
-- takes the number after its airline's highest; an update keeps its
-- number, so the numbers follow the log and a rebuild gives the same.
INSERT INTO aircraft (tenant_id, id, subfleet_id, registration, name, status, airport_id, flight_time, created_at, updated_at, number)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE((SELECT max(number) FROM aircraft WHERE tenant_id = $1), 0) + 1)
ON CONFLICT (tenant_id, id) DO UPDATE
SET subfleet_id = EXCLUDED.subfleet_id, registration = EXCLUDED.registration, name = EXCLUDED.name,
    status = EXCLUDED.status, airport_id = EXCLUDED.airport_id, flight_time = EXCLUDED.flight_time,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at;

-- name: DeleteAllAircraft :exec
-- DeleteAllAircraft empties the read model before a rebuild.
DELETE FROM aircraft;
