-- +goose Up
-- The roster is paged: its ORDER BY (pilots with an id first, by number,
-- then name and id) over an airline's active people, so a page's LIMIT and
-- OFFSET read that page's rows in order instead of sorting the airline's
-- people for every request. It carries pilot_id so the count reads the
-- index alone (an index-only scan: 2.6 ms against 61 ms through the heap at
-- 2,000 pilots). The review queue needs none: pireps_tenant_state
-- (tenant_id, state, queued_at) gives its order, ties on queued_at sorted
-- by id within the page.
CREATE INDEX users_roster ON users (tenant_id, (pilot_id = ''), pilot_number, name COLLATE "C", id)
    INCLUDE (pilot_id) WHERE status = 'active';

-- +goose Down
DROP INDEX users_roster;
