-- +goose Up
-- A decision on a PIREP puts its pilot's earlier unread notices of that
-- PIREP away (PutAwayPirepNotices). Through notices_unread it walked every
-- unread notice of the pilot, hundreds for a pilot who never dismisses
-- them, on each accept or reject; the in-memory store had the same
-- quadratic walk and now indexes notices by PIREP too.
CREATE INDEX notices_unread_pirep ON notices (tenant_id, user_id, pirep_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notices_unread_pirep;
