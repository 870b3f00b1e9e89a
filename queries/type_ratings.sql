-- name: UpsertTypeRating :exec
-- UpsertTypeRating writes a type rating's row from its events.
INSERT INTO type_ratings (tenant_id, id, name, code, subfleet_ids, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, id) DO UPDATE
SET name = EXCLUDED.name, code = EXCLUDED.code, subfleet_ids = EXCLUDED.subfleet_ids, updated_at = EXCLUDED.updated_at;

-- name: ListTypeRatings :many
-- ListTypeRatings lists an airline's type ratings by code, then name, in
-- byte order.
SELECT * FROM type_ratings
WHERE tenant_id = $1
ORDER BY code COLLATE "C", name COLLATE "C", id;

-- name: DeleteAllTypeRatings :exec
-- DeleteAllTypeRatings empties the read model before a rebuild.
DELETE FROM type_ratings;

-- name: GrantPilotTypeRating :exec
-- GrantPilotTypeRating records that a pilot holds a type rating; granting
-- one held changes nothing.
INSERT INTO pilot_type_ratings (tenant_id, pilot_id, rating_id, granted_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, pilot_id, rating_id) DO NOTHING;

-- name: RevokePilotTypeRating :exec
-- RevokePilotTypeRating records that a pilot no longer holds a type rating.
DELETE FROM pilot_type_ratings
WHERE tenant_id = $1 AND pilot_id = $2 AND rating_id = $3;

-- name: ListPilotTypeRatings :many
-- ListPilotTypeRatings lists the type ratings staff granted a pilot, the
-- oldest grant first.
SELECT * FROM pilot_type_ratings
WHERE tenant_id = $1 AND pilot_id = $2
ORDER BY granted_at, rating_id;

-- name: DeleteAllPilotTypeRatings :exec
-- DeleteAllPilotTypeRatings empties the read model before a rebuild.
DELETE FROM pilot_type_ratings;

-- name: UpsertRankAllowances :exec
-- UpsertRankAllowances writes what a rank lets its pilots fly.
INSERT INTO rank_allowances (tenant_id, rank_id, subfleet_ids, rating_ids, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id, rank_id) DO UPDATE
SET subfleet_ids = EXCLUDED.subfleet_ids, rating_ids = EXCLUDED.rating_ids, updated_at = EXCLUDED.updated_at;

-- name: ListRankAllowances :many
-- ListRankAllowances lists what each rank of an airline lets its pilots
-- fly; a rank never given any has no row.
SELECT * FROM rank_allowances
WHERE tenant_id = $1
ORDER BY rank_id;

-- name: DeleteAllRankAllowances :exec
-- DeleteAllRankAllowances empties the read model before a rebuild.
DELETE FROM rank_allowances;

-- name: GetAirlineFlyingRules :one
-- GetAirlineFlyingRules returns an airline's rules of who may fly what; an
-- airline that never set them has no row (nothing is restricted).
SELECT * FROM airline_flying_rules
WHERE tenant_id = $1;

-- name: UpsertAirlineFlyingRules :exec
-- UpsertAirlineFlyingRules writes an airline's flying rules from its events.
INSERT INTO airline_flying_rules (tenant_id, restrict_to_rank, restrict_to_type_rating, updated_at, count_transfer_hours)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id) DO UPDATE
SET restrict_to_rank = EXCLUDED.restrict_to_rank, restrict_to_type_rating = EXCLUDED.restrict_to_type_rating,
    updated_at = EXCLUDED.updated_at, count_transfer_hours = EXCLUDED.count_transfer_hours;

-- name: DeleteAllAirlineFlyingRules :exec
-- DeleteAllAirlineFlyingRules empties the read model before a rebuild.
DELETE FROM airline_flying_rules;

-- name: UpsertPilotTransferHours :exec
-- UpsertPilotTransferHours writes the minutes a pilot brought from another
-- airline.
INSERT INTO pilot_transfer_hours (tenant_id, pilot_id, minutes, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, pilot_id) DO UPDATE
SET minutes = EXCLUDED.minutes, updated_at = EXCLUDED.updated_at;

-- name: GetPilotTransferHours :one
-- GetPilotTransferHours returns a pilot's transfer hours; a pilot never
-- given any has no row.
SELECT * FROM pilot_transfer_hours
WHERE tenant_id = $1 AND pilot_id = $2;

-- name: DeleteAllPilotTransferHours :exec
-- DeleteAllPilotTransferHours empties the read model before a rebuild.
DELETE FROM pilot_transfer_hours;
