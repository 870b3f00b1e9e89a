-- name: UpdateAward :exec
-- UpdateAward records staff's edit of an award's name, description and
-- rule; its image is kept.
UPDATE awards SET name = $3, description = $4, rule_kind = $5, rule_number = $6, rule_code = $7, rule_code2 = $8
WHERE tenant_id = $1 AND id = $2;

-- name: UpdateAwardImage :exec
-- UpdateAwardImage replaces an award's image (an empty one and '' remove
-- it).
UPDATE awards SET image_type = $3, image = $4
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteAward :exec
-- DeleteAward removes a deleted award.
DELETE FROM awards
WHERE tenant_id = $1 AND id = $2;

-- name: DeletePilotAwardsOfAward :exec
-- DeletePilotAwardsOfAward removes every grant of a deleted award, so no
-- page shows it.
DELETE FROM pilot_awards
WHERE tenant_id = $1 AND award_id = $2;
