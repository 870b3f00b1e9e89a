-- name: InsertNews :exec
-- InsertNews records a posted news item with the airline's next number;
-- the same one again (deleted or not) changes nothing.
INSERT INTO news (tenant_id, id, number, author_id, title, body, posted_at, updated_at)
VALUES (@tenant_id, @id, (SELECT coalesce(max(n.number), 0) + 1 FROM news n WHERE n.tenant_id = @tenant_id),
    @author_id, @title, @body, @posted_at, @posted_at)
ON CONFLICT (tenant_id, id) DO NOTHING;

-- name: UpdateNews :exec
-- UpdateNews sets a news item's new title and body.
UPDATE news SET title = $3, body = $4, updated_at = $5
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: DeleteNews :exec
-- DeleteNews marks a news item deleted: it shows nowhere, and keeps its
-- number.
UPDATE news SET deleted_at = $3
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: GetNews :one
-- GetNews is one news item of an airline, unless deleted.
SELECT * FROM news WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: ListNews :many
-- ListNews is a page of an airline's news, newest first.
SELECT * FROM news
WHERE tenant_id = $1 AND deleted_at IS NULL
ORDER BY posted_at DESC, id DESC
LIMIT sqlc.arg(max_rows) OFFSET sqlc.arg(skip_rows);

-- name: CountNews :one
-- CountNews is how many news items an airline shows.
SELECT count(*) FROM news WHERE tenant_id = $1 AND deleted_at IS NULL;

-- name: DeleteAllNews :exec
-- DeleteAllNews empties the read model before a rebuild.
DELETE FROM news;
