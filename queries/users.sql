-- name: CountUsers :one
-- CountUsers says how many users exist; none means the platform still needs
-- its first admin.
SELECT count(*) FROM users;

-- name: GetUserByEmail :one
-- GetUserByEmail finds the user behind a login; the email is lower-cased by
-- the caller, as it is stored.
SELECT tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at,
       country, status, status_reason, pilot_number, pilot_id, home_airport
FROM users
WHERE email = $1;

-- name: GetUser :one
-- GetUser finds a user by id, for a session or the projector.
SELECT tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at,
       country, status, status_reason, pilot_number, pilot_id, home_airport
FROM users
WHERE id = $1;

-- name: GetUserWithAirline :one
-- GetUserWithAirline finds a user by id with their airline (zero values
-- for the platform's people): what every signed-in request reads, in one
-- round trip.
SELECT sqlc.embed(u),
       COALESCE(a.id, '00000000-0000-0000-0000-000000000000'::uuid)::uuid AS airline_id,
       COALESCE(a.name, '')::text AS airline_name,
       COALESCE(a.icao, '')::text AS airline_icao,
       COALESCE(a.iata, '')::text AS airline_iata,
       COALESCE(a.slug, '')::text AS airline_slug,
       COALESCE(a.created_at, 'epoch'::timestamptz)::timestamptz AS airline_created_at,
       COALESCE(a.pilot_id_prefix, '')::text AS airline_pilot_id_prefix,
       COALESCE(a.registration, '')::text AS airline_registration,
       COALESCE(a.suspended, false)::boolean AS airline_suspended,
       COALESCE(a.number, 0)::integer AS airline_number
FROM users u
LEFT JOIN airlines a ON a.id = NULLIF(u.tenant_id, '')::uuid
WHERE u.id = $1;

-- name: GetTenantUser :one
-- GetTenantUser finds a person of one airline: a person of another airline
-- is not found, whatever id is asked for.
SELECT tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at,
       country, status, status_reason, pilot_number, pilot_id, home_airport
FROM users
WHERE tenant_id = $1 AND id = $2;

-- name: ListUserNames :many
-- ListUserNames names the people of an airline among some ids (the pilots
-- of a page's PIREPs, say), by id; ids of no one of the airline are left
-- out. One round trip for every name a page shows.
SELECT id, name, pilot_id
FROM users
WHERE tenant_id = sqlc.arg(tenant_id) AND id = ANY(sqlc.arg(ids)::uuid[])
ORDER BY id;

-- name: ListSignInStates :many
-- ListSignInStates is what decides whether open live streams may go on,
-- for many people at once: their role, password hash and status, and
-- whether their airline is suspended (false for the platform's people).
-- One round trip per recheck of every stream a process holds, by id.
SELECT u.id, u.role, u.password_hash, u.status, u.status_reason,
       COALESCE(a.suspended, false)::boolean AS airline_suspended
FROM users u
LEFT JOIN airlines a ON a.id = NULLIF(u.tenant_id, '')::uuid
WHERE u.id = ANY(sqlc.arg(ids)::uuid[])
ORDER BY u.id;

-- name: SearchMembers :many
-- SearchMembers finds an airline's admitted pilots (not pending or
-- rejected, and with a pilot id: staff without one file no PIREPs) by what
-- staff type in a pilot box: the start of their pilot id or any part of
-- their name, ignoring case; an exact pilot id first, then an exact name,
-- then by name. At most max_rows.
SELECT id, pilot_id, name
FROM users
WHERE tenant_id = sqlc.arg(tenant_id) AND status NOT IN ('pending', 'rejected') AND pilot_id <> ''
  AND (left(upper(pilot_id), length(sqlc.arg(query)::text)) = upper(sqlc.arg(query)::text)
       OR strpos(lower(name), lower(sqlc.arg(query)::text)) > 0)
ORDER BY upper(pilot_id) = upper(sqlc.arg(query)::text) DESC, lower(name) = lower(sqlc.arg(query)::text) DESC,
    name COLLATE "C", id
LIMIT sqlc.arg(max_rows);

-- name: ListUsersByTenant :many
-- ListUsersByTenant lists an airline's people by name.
SELECT tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at,
       country, status, status_reason, pilot_number, pilot_id, home_airport
FROM users
WHERE tenant_id = $1
ORDER BY name COLLATE "C", id;

-- name: UpsertUser :exec
-- UpsertUser writes a user's row from its events.
INSERT INTO users (tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at,
                   country, status, status_reason, pilot_number, pilot_id, home_airport)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
ON CONFLICT (id) DO UPDATE
SET tenant_id = EXCLUDED.tenant_id, email = EXCLUDED.email, name = EXCLUDED.name,
    role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
    must_change_password = EXCLUDED.must_change_password,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
    country = EXCLUDED.country, status = EXCLUDED.status, status_reason = EXCLUDED.status_reason,
    pilot_number = EXCLUDED.pilot_number, pilot_id = EXCLUDED.pilot_id,
    home_airport = EXCLUDED.home_airport;

-- name: SetUserPassword :exec
-- SetUserPassword replaces a user's password hash; must_change_password is
-- set for a one-time password.
UPDATE users
SET password_hash = $2, must_change_password = $3, updated_at = $4
WHERE id = $1;

-- name: DeleteAllUsers :exec
-- DeleteAllUsers empties the read model before a rebuild.
DELETE FROM users;
