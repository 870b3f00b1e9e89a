-- name: ListRanks :many
-- ListRanks lists an airline's ranks from the lowest minimum up, ties by
-- name in byte order.
SELECT * FROM ranks
WHERE tenant_id = $1
ORDER BY min_minutes, name COLLATE "C", id;

-- name: UpsertRank :exec
-- UpsertRank writes a rank's row from its events.
INSERT INTO ranks (tenant_id, id, name, min_minutes, auto_promote, auto_accept, updated_at, auto_accept_acars)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (tenant_id, id) DO UPDATE
SET name = EXCLUDED.name, min_minutes = EXCLUDED.min_minutes, auto_promote = EXCLUDED.auto_promote,
    auto_accept = EXCLUDED.auto_accept, updated_at = EXCLUDED.updated_at, auto_accept_acars = EXCLUDED.auto_accept_acars;

-- name: DeleteAllRanks :exec
-- DeleteAllRanks empties the read model before a rebuild.
DELETE FROM ranks;

-- name: GetPilotRank :one
-- GetPilotRank returns a pilot's rank; a pilot never given one has no row.
SELECT * FROM pilot_ranks
WHERE tenant_id = $1 AND pilot_id = $2;

-- name: UpsertPilotRank :exec
-- UpsertPilotRank writes a pilot's rank from their career's events.
INSERT INTO pilot_ranks (tenant_id, pilot_id, rank_id, floor_id, set_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id, pilot_id) DO UPDATE
SET rank_id = EXCLUDED.rank_id, floor_id = EXCLUDED.floor_id, set_at = EXCLUDED.set_at;

-- name: DeleteAllPilotRanks :exec
-- DeleteAllPilotRanks empties the read model before a rebuild.
DELETE FROM pilot_ranks;

-- name: ReadPilotCareer :one
-- ReadPilotCareer is a pilot's totals and rank in one round trip, for the
-- dashboard: zeros and no rank for a pilot with no PIREP nor rank yet
-- (not a Get: it always has its one row, never a miss).
SELECT COALESCE(s.flights, 0)::bigint AS flights, COALESCE(s.minutes, 0)::bigint AS minutes,
       COALESCE(s.location, '')::text AS location, COALESCE(s.landing_rate, 0)::integer AS landing_rate,
       COALESCE(r.rank_id, '')::text AS rank_id
FROM (SELECT 1) AS pilot
LEFT JOIN pilot_stats s ON s.tenant_id = sqlc.arg(tenant_id) AND s.pilot_id = sqlc.arg(pilot_id)
LEFT JOIN pilot_ranks r ON r.tenant_id = sqlc.arg(tenant_id) AND r.pilot_id = sqlc.arg(pilot_id);
