-- name: ReadAirlineSetup :one
-- ReadAirlineSetup is what an airline admin's home shows in one round
-- trip: the registrations waiting for a decision, and whether each first
-- step of a new airline is done (an airport, a subfleet, an aircraft, a
-- flight, a rank, a pilot invited or registered in any state). The
-- EXISTS probes stop at the first row, so a big schedule costs nothing.
SELECT
    (SELECT count(*) FROM users u WHERE u.tenant_id = sqlc.arg(tenant_id) AND u.status = 'pending')::bigint AS pending_registrations,
    EXISTS (SELECT 1 FROM airports a WHERE a.tenant_id = sqlc.arg(tenant_id)) AS has_airport,
    EXISTS (SELECT 1 FROM subfleets s WHERE s.tenant_id = sqlc.arg(tenant_id)) AS has_subfleet,
    EXISTS (SELECT 1 FROM aircraft ac WHERE ac.tenant_id = sqlc.arg(tenant_id)) AS has_aircraft,
    EXISTS (SELECT 1 FROM flights f WHERE f.tenant_id = sqlc.arg(tenant_id)) AS has_flight,
    EXISTS (SELECT 1 FROM ranks r WHERE r.tenant_id = sqlc.arg(tenant_id)) AS has_rank,
    EXISTS (SELECT 1 FROM users p WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.role = 'pilot') AS has_pilot;
