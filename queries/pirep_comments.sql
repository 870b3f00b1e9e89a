-- name: UpsertPirepComment :exec
-- UpsertPirepComment writes a comment of a PIREP's thread from its event.
INSERT INTO pirep_comments (tenant_id, pirep_id, id, author_id, text, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, pirep_id, id) DO UPDATE
SET author_id = EXCLUDED.author_id, text = EXCLUDED.text, created_at = EXCLUDED.created_at;

-- name: ListPirepComments :many
-- ListPirepComments is a PIREP's thread, oldest first.
SELECT * FROM pirep_comments
WHERE tenant_id = $1 AND pirep_id = $2
ORDER BY created_at, id;

-- name: DeleteAllPirepComments :exec
-- DeleteAllPirepComments empties the read model before a rebuild.
DELETE FROM pirep_comments;
