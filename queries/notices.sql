-- name: UpsertNoticePirep :exec
-- UpsertNoticePirep keeps what the notices projection knows of a PIREP:
-- its pilot, flight and route as filed or last edited.
INSERT INTO notice_pireps (tenant_id, pirep_id, pilot_id, flight_number, dpt_airport, arr_airport)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, pirep_id) DO UPDATE
SET pilot_id = EXCLUDED.pilot_id, flight_number = EXCLUDED.flight_number,
    dpt_airport = EXCLUDED.dpt_airport, arr_airport = EXCLUDED.arr_airport;

-- name: GetNoticePirep :one
-- GetNoticePirep returns what the notices projection knows of a PIREP.
SELECT * FROM notice_pireps
WHERE tenant_id = $1 AND pirep_id = $2;

-- name: DeleteAllNoticePireps :exec
-- DeleteAllNoticePireps empties the read model before a rebuild.
DELETE FROM notice_pireps;

-- name: InsertNotice :exec
-- InsertNotice adds a notice for a member; the same id again changes
-- nothing.
INSERT INTO notices (tenant_id, user_id, id, kind, pirep_id, flight_number, dpt_airport, arr_airport,
    reason, rank_id, prev_rank_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (tenant_id, user_id, id) DO NOTHING;

-- name: ListUnreadNotices :many
-- ListUnreadNotices is a member's notices not yet dismissed, newest first.
SELECT * FROM notices
WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL
ORDER BY created_at DESC, id COLLATE "C" DESC
LIMIT $3;

-- name: GetLastNoticeOfKind :one
-- GetLastNoticeOfKind is a member's newest notice of a kind, dismissed or
-- not: the rank notice before tells which rank a new one follows.
SELECT * FROM notices
WHERE tenant_id = $1 AND user_id = $2 AND kind = $3
ORDER BY created_at DESC, id COLLATE "C" DESC
LIMIT 1;

-- name: MarkNoticeRead :exec
-- MarkNoticeRead dismisses a member's notice; another member's is never
-- touched, and a dismissed one keeps its first time.
UPDATE notices SET read_at = $4
WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND read_at IS NULL;

-- name: PutAwayPirepNotices :exec
-- PutAwayPirepNotices dismisses a member's unread notices of a PIREP: a new
-- decision on it (a reject after an accept) makes the ones before stale.
UPDATE notices SET read_at = $4
WHERE tenant_id = $1 AND user_id = $2 AND pirep_id = $3 AND read_at IS NULL;

-- name: DeleteAllNotices :exec
-- DeleteAllNotices empties the read model before a rebuild.
DELETE FROM notices;
