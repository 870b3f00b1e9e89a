-- name: InsertAward :exec
-- InsertAward records an award staff defined; the same one again changes
-- nothing.
INSERT INTO awards (tenant_id, id, name, description, rule_kind, rule_number, rule_code, rule_code2, image_type, image, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (tenant_id, id) DO NOTHING;

-- name: ListAwards :many
-- ListAwards is an airline's awards by name, without their images.
SELECT tenant_id, id, name, description, rule_kind, rule_number, rule_code, rule_code2, image_type, created_at
FROM awards
WHERE tenant_id = $1
ORDER BY name COLLATE "C", id;

-- name: GetAwardImage :one
-- GetAwardImage is an award's image and its type.
SELECT image_type, image FROM awards
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteAllAwards :exec
-- DeleteAllAwards empties the read model before a rebuild.
DELETE FROM awards;

-- name: InsertPilotAward :exec
-- InsertPilotAward records an award a pilot was granted; one they hold
-- already keeps its first grant.
INSERT INTO pilot_awards (tenant_id, user_id, award_id, award_name, reason, pirep_id, by_hand, granted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (tenant_id, user_id, award_id) DO NOTHING;

-- name: DeletePilotAward :exec
-- DeletePilotAward takes back an award a pilot held.
DELETE FROM pilot_awards
WHERE tenant_id = $1 AND user_id = $2 AND award_id = $3;

-- name: ListPilotAwards :many
-- ListPilotAwards is the awards a pilot holds, first granted first.
SELECT * FROM pilot_awards
WHERE tenant_id = $1 AND user_id = $2
ORDER BY granted_at, award_id;

-- name: DeleteAllPilotAwards :exec
-- DeleteAllPilotAwards empties the read model before a rebuild.
DELETE FROM pilot_awards;
