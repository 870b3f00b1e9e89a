-- name: GetCheckpoint :one
-- GetCheckpoint returns how far a projection has applied the log.
SELECT name, commit_tx, seq, updated_at
FROM projection_checkpoints
WHERE name = $1;

-- name: SetCheckpoint :exec
-- SetCheckpoint records a projection's progress with the rows it wrote.
INSERT INTO projection_checkpoints (name, commit_tx, seq, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (name) DO UPDATE
SET commit_tx = EXCLUDED.commit_tx, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at;

-- name: DeleteCheckpoint :exec
-- DeleteCheckpoint resets a projection to the start of the log for a rebuild.
DELETE FROM projection_checkpoints WHERE name = $1;

-- name: ListCheckpoints :many
-- ListCheckpoints returns every projection's progress in one read, for the
-- waits of a process whose projections another process may run.
SELECT name, commit_tx, seq, updated_at
FROM projection_checkpoints
ORDER BY name COLLATE "C";
