-- name: InsertNews :exec
-- InsertNews records a posted news item; the same one again changes
-- nothing.
INSERT INTO news (tenant_id, id, author_id, title, body, posted_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (tenant_id, id) DO NOTHING;

-- name: UpdateNews :exec
-- UpdateNews sets a news item's new title and body.
UPDATE news SET title = $3, body = $4, updated_at = $5
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteNews :exec
-- DeleteNews takes a deleted news item out.
DELETE FROM news WHERE tenant_id = $1 AND id = $2;

-- name: GetNews :one
-- GetNews is one news item of an airline.
SELECT * FROM news WHERE tenant_id = $1 AND id = $2;

-- name: ListNews :many
-- ListNews is a page of an airline's news, newest first.
SELECT * FROM news
WHERE tenant_id = $1
ORDER BY posted_at DESC, id DESC
LIMIT sqlc.arg(max_rows) OFFSET sqlc.arg(skip_rows);

-- name: CountNews :one
-- CountNews is how many news items an airline has.
SELECT count(*) FROM news WHERE tenant_id = $1;

-- name: DeleteAllNews :exec
-- DeleteAllNews empties the read model before a rebuild.
DELETE FROM news;
