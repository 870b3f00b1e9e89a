-- +goose Up
-- An ACARS flight's position moves only its row's last position, position
-- count and updated_at. With updated_at in the in-progress indexes every
-- position was a new row version in each of the table's 17 indexes (500
-- flights reporting every 2 s wrote 4,000 index entries a second); without
-- it, and with room left in each page, PostgreSQL updates the row in place
-- (a HOT update) and touches no index. The in-progress flights are few per
-- airline, so their lists sort them by updated_at after the partial index
-- finds them.
DROP INDEX pireps_in_progress;
DROP INDEX pireps_in_progress_idle;
CREATE INDEX pireps_in_progress ON pireps (tenant_id, id) WHERE state = 'in_progress';
ALTER TABLE pireps SET (fillfactor = 90);

-- +goose Down
ALTER TABLE pireps RESET (fillfactor);
DROP INDEX pireps_in_progress;
CREATE INDEX pireps_in_progress ON pireps (tenant_id, updated_at DESC, id) WHERE state = 'in_progress';
CREATE INDEX pireps_in_progress_idle ON pireps (updated_at, tenant_id, id) WHERE state = 'in_progress';
