-- name: SetPilotProfileVisibility :exec
-- SetPilotProfileVisibility records whether a pilot shows their profile
-- publicly.
INSERT INTO pilot_profiles (tenant_id, user_id, public, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, user_id) DO UPDATE SET public = EXCLUDED.public, updated_at = EXCLUDED.updated_at;

-- name: GetPilotProfileVisibility :one
-- GetPilotProfileVisibility is whether a pilot who chose shows their
-- profile publicly; one who never chose has no row (and is public).
SELECT public FROM pilot_profiles
WHERE tenant_id = $1 AND user_id = $2;

-- name: ListHiddenProfiles :many
-- ListHiddenProfiles is the pilots of an airline who turned their public
-- profile off, so public pages link to the others only.
SELECT user_id FROM pilot_profiles
WHERE tenant_id = $1 AND NOT public
ORDER BY user_id;

-- name: DeleteAllPilotProfiles :exec
-- DeleteAllPilotProfiles empties the read model before a rebuild.
DELETE FROM pilot_profiles;
