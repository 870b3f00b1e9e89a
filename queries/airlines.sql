-- name: ListAirlines :many
-- ListAirlines returns every airline for the platform admin's list, by name.
-- COLLATE "C" orders names by their bytes whatever the database's default
-- collation, so the in-memory read models (store/memory) give the same order.
SELECT id, name, icao, iata, slug, created_at, pilot_id_prefix, registration, suspended, number
FROM airlines
ORDER BY name COLLATE "C", id;

-- name: GetAirline :one
-- GetAirline finds an airline by id: its tenant id.
SELECT id, name, icao, iata, slug, created_at, pilot_id_prefix, registration, suspended, number
FROM airlines
WHERE id = $1;

-- name: GetAirlineBySlug :one
-- GetAirlineBySlug finds the airline behind a public /a/{slug} address.
SELECT id, name, icao, iata, slug, created_at, pilot_id_prefix, registration, suspended, number
FROM airlines
WHERE slug = $1;

-- name: GetAirlineByNumber :one
-- GetAirlineByNumber finds an airline by the number phpVMS's API names it
-- by.
SELECT id, name, icao, iata, slug, created_at, pilot_id_prefix, registration, suspended, number
FROM airlines
WHERE number = $1;

-- name: UpsertAirline :exec
-- UpsertAirline writes an airline's row from its events. A new airline
-- takes the number after the platform's highest; an update keeps its
-- number, so the numbers follow the log and a rebuild gives the same.
INSERT INTO airlines (id, name, icao, iata, slug, created_at, pilot_id_prefix, registration, suspended, number)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE((SELECT max(number) FROM airlines), 0) + 1)
ON CONFLICT (id) DO UPDATE
SET name = EXCLUDED.name, icao = EXCLUDED.icao, iata = EXCLUDED.iata,
    slug = EXCLUDED.slug, created_at = EXCLUDED.created_at,
    pilot_id_prefix = EXCLUDED.pilot_id_prefix, registration = EXCLUDED.registration,
    suspended = EXCLUDED.suspended;

-- name: DeleteAllAirlines :exec
-- DeleteAllAirlines empties the read model before a rebuild.
DELETE FROM airlines;
