-- +goose Up
-- The roster is paged: its ORDER BY (pilots with an id first, by number,
-- then name and id) over an airline's active people, so a page's LIMIT and
-- OFFSET read that page's rows in order instead of sorting the airline's
-- people for every request; the count reads the same index.
CREATE INDEX users_roster ON users (tenant_id, (pilot_id = ''), pilot_number, name COLLATE "C", id)
    WHERE status = 'active';

-- An index on pending PIREPs in the queue's order, (tenant_id, queued_at,
-- id), so a page of the queue and its count read only pending rows.
CREATE INDEX pireps_pending_queue ON pireps (tenant_id, queued_at, id) WHERE state = 'pending';

-- +goose Down
DROP INDEX pireps_pending_queue;
DROP INDEX users_roster;
