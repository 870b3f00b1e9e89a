-- name: GetAPIKeyByHash :one
-- GetAPIKeyByHash finds the key a program sent by the key's hash. Revoked
-- keys are found too: the caller refuses them.
SELECT tenant_id, id, user_id, name, prefix, hash, created_at, revoked_at, last_used_at
FROM api_keys
WHERE hash = $1;

-- name: GetAPIKey :one
-- GetAPIKey finds a key by id: the key caches look up the hash of a key
-- that a change notice names.
SELECT tenant_id, id, user_id, name, prefix, hash, created_at, revoked_at, last_used_at
FROM api_keys
WHERE id = $1;

-- name: ListAPIKeysByUser :many
-- ListAPIKeysByUser lists a user's keys, revoked ones included, newest
-- first. The tenant is part of the filter, as in every query of a tenant's
-- data.
SELECT tenant_id, id, user_id, name, prefix, hash, created_at, revoked_at, last_used_at
FROM api_keys
WHERE tenant_id = $1 AND user_id = $2
ORDER BY created_at DESC, id;

-- name: UpsertAPIKey :exec
-- UpsertAPIKey writes a key's row as its ApiKeyCreated event describes it:
-- not revoked. An existing row keeps its last_used_at, which no event
-- carries.
INSERT INTO api_keys (tenant_id, id, user_id, name, prefix, hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO UPDATE
SET tenant_id = EXCLUDED.tenant_id, user_id = EXCLUDED.user_id, name = EXCLUDED.name,
    prefix = EXCLUDED.prefix, hash = EXCLUDED.hash, created_at = EXCLUDED.created_at,
    revoked_at = NULL;

-- name: RevokeAPIKey :exec
-- RevokeAPIKey marks a key revoked; a key revoked already keeps the time it
-- was first revoked.
UPDATE api_keys
SET revoked_at = sqlc.arg(revoked_at)::timestamptz
WHERE id = sqlc.arg(id) AND revoked_at IS NULL;

-- name: TouchAPIKeyLastUsed :exec
-- TouchAPIKeyLastUsed records that a key was used. It moves last_used_at
-- only forward, and only when it is more than a minute older, so a key in
-- constant use costs at most one write a minute. Not event-sourced: see
-- the api_keys migration.
UPDATE api_keys
SET last_used_at = sqlc.arg(used_at)::timestamptz
WHERE id = sqlc.arg(id)
  AND (last_used_at IS NULL OR last_used_at < sqlc.arg(used_at)::timestamptz - interval '1 minute');

-- name: DeleteAllAPIKeys :exec
-- DeleteAllAPIKeys empties the read model before a rebuild; the last-used
-- times go with it.
DELETE FROM api_keys;
