-- name: CountUsers :one
-- CountUsers says how many users exist; none means the platform still needs
-- its first admin.
SELECT count(*) FROM users;

-- name: GetUserByEmail :one
-- GetUserByEmail finds the user behind a login; the email is lower-cased by
-- the caller, as it is stored.
SELECT tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at
FROM users
WHERE email = $1;

-- name: GetUser :one
-- GetUser finds a user by id, for a session or the projector.
SELECT tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at
FROM users
WHERE id = $1;

-- name: UpsertUser :exec
-- UpsertUser writes a user's row from its events.
INSERT INTO users (tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO UPDATE
SET tenant_id = EXCLUDED.tenant_id, email = EXCLUDED.email, name = EXCLUDED.name,
    role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
    must_change_password = EXCLUDED.must_change_password,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at;

-- name: SetUserPassword :exec
-- SetUserPassword replaces a user's password hash; must_change_password is
-- set for a one-time password.
UPDATE users
SET password_hash = $2, must_change_password = $3, updated_at = $4
WHERE id = $1;

-- name: DeleteAllUsers :exec
-- DeleteAllUsers empties the read model before a rebuild.
DELETE FROM users;
