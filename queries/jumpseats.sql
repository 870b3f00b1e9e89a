-- name: InsertJumpseat :exec
-- InsertJumpseat records a pilot's jumpseat; the same one again changes
-- nothing.
INSERT INTO jumpseats (tenant_id, id, pilot_id, from_airport, to_airport, moved_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, id) DO NOTHING;

-- name: ListPilotJumpseats :many
-- ListPilotJumpseats is a pilot's jumpseats, latest first.
SELECT * FROM jumpseats
WHERE tenant_id = $1 AND pilot_id = $2
ORDER BY moved_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: DeleteAllJumpseats :exec
-- DeleteAllJumpseats empties the read model before a rebuild.
DELETE FROM jumpseats;
