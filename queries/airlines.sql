-- name: ListAirlines :many
-- ListAirlines returns every airline for the platform admin's list, by name.
-- COLLATE "C" orders names by their bytes whatever the database's default
-- collation, so the in-memory read models (store/memory) give the same order.
SELECT id, name, icao, iata, slug, created_at
FROM airlines
ORDER BY name COLLATE "C", id;

-- name: GetAirlineBySlug :one
-- GetAirlineBySlug finds the airline behind a public /a/{slug} address.
SELECT id, name, icao, iata, slug, created_at
FROM airlines
WHERE slug = $1;

-- name: UpsertAirline :exec
-- UpsertAirline writes an airline's row from its events.
INSERT INTO airlines (id, name, icao, iata, slug, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE
SET name = EXCLUDED.name, icao = EXCLUDED.icao, iata = EXCLUDED.iata,
    slug = EXCLUDED.slug, created_at = EXCLUDED.created_at;

-- name: DeleteAllAirlines :exec
-- DeleteAllAirlines empties the read model before a rebuild.
DELETE FROM airlines;

-- name: GetAirline :one
-- GetAirline finds an airline by its id, which is also its tenant id.
SELECT id, name, icao, iata, slug, created_at
FROM airlines
WHERE id = $1;
