-- name: ListAirports :many
-- ListAirports lists an airline's airports by ICAO code.
SELECT * FROM airports
WHERE tenant_id = $1
ORDER BY icao COLLATE "C";

-- name: ListHubs :many
-- ListHubs lists an airline's hubs by ICAO code: the home airports a
-- registering pilot chooses from.
SELECT * FROM airports
WHERE tenant_id = $1 AND hub
ORDER BY icao COLLATE "C";

-- name: GetAirport :one
-- GetAirport finds one airport of an airline by its ICAO code.
SELECT * FROM airports
WHERE tenant_id = $1 AND icao = $2;

-- name: ListAirportsByIcao :many
-- ListAirportsByIcao finds the airports of an airline among some ICAO codes
-- (those a page names), by ICAO code; codes it lacks are left out. One
-- round trip for every airport a page shows.
SELECT * FROM airports
WHERE tenant_id = sqlc.arg(tenant_id) AND icao = ANY(sqlc.arg(icaos)::text[])
ORDER BY icao COLLATE "C";

-- name: SearchAirports :many
-- SearchAirports finds up to max_rows airports of an airline whose ICAO,
-- IATA, name or city contains term (lower-case): those whose ICAO code
-- starts with it first, then by ICAO code.
SELECT * FROM airports
WHERE tenant_id = sqlc.arg(tenant_id) AND strpos(search, sqlc.arg(term)::text) > 0
ORDER BY strpos(search, sqlc.arg(term)::text) = 1 DESC, icao COLLATE "C"
LIMIT sqlc.arg(max_rows);

-- name: UpsertAirport :exec
-- UpsertAirport writes an airport's row as its latest event describes it.
INSERT INTO airports (tenant_id, icao, iata, name, city, region, country, timezone, hub, latitude, longitude,
    elevation_ft, ground_handling_cost, fuel_100ll_cost, fuel_jeta_cost, fuel_mogas_cost, notes, search, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (tenant_id, icao) DO UPDATE
SET iata = EXCLUDED.iata, name = EXCLUDED.name, city = EXCLUDED.city, region = EXCLUDED.region,
    country = EXCLUDED.country, timezone = EXCLUDED.timezone, hub = EXCLUDED.hub, latitude = EXCLUDED.latitude,
    longitude = EXCLUDED.longitude, elevation_ft = EXCLUDED.elevation_ft,
    ground_handling_cost = EXCLUDED.ground_handling_cost, fuel_100ll_cost = EXCLUDED.fuel_100ll_cost,
    fuel_jeta_cost = EXCLUDED.fuel_jeta_cost, fuel_mogas_cost = EXCLUDED.fuel_mogas_cost, notes = EXCLUDED.notes,
    search = EXCLUDED.search, updated_at = EXCLUDED.updated_at;

-- name: DeleteAllAirports :exec
-- DeleteAllAirports empties the read model before a rebuild.
DELETE FROM airports;
