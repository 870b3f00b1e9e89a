-- +goose Up
-- The read models of a PIREP's review extras. pirep_comments is the
-- comment thread of each PIREP (the pirep_comments projection owns it).
-- notices and notice_pireps belong to the notices projection: a member's
-- notices about their PIREPs and rank, and what that projection needs to
-- know of each PIREP (its pilot, flight and route) to write them, kept apart
-- from the pireps table so that it can rebuild alone. Every table leads
-- with the tenant.
CREATE TABLE pirep_comments (
    tenant_id  text NOT NULL,
    pirep_id   uuid NOT NULL,
    id         uuid NOT NULL,
    author_id  text NOT NULL,
    text       text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, pirep_id, id)
);
CREATE INDEX pirep_comments_thread ON pirep_comments (tenant_id, pirep_id, created_at, id);

CREATE TABLE notice_pireps (
    tenant_id     text NOT NULL,
    pirep_id      uuid NOT NULL,
    pilot_id      uuid NOT NULL,
    flight_number text NOT NULL,
    dpt_airport   text NOT NULL,
    arr_airport   text NOT NULL,
    PRIMARY KEY (tenant_id, pirep_id)
);

CREATE TABLE notices (
    tenant_id     text NOT NULL,
    user_id       uuid NOT NULL,
    id            text NOT NULL, -- the stream and version of the event it tells of
    kind          text NOT NULL, -- accepted, rejected, rank
    pirep_id      text NOT NULL, -- '' for a rank notice
    flight_number text NOT NULL,
    dpt_airport   text NOT NULL,
    arr_airport   text NOT NULL,
    reason        text NOT NULL, -- a rejection's reason
    rank_id       text NOT NULL, -- the new rank; '' for none
    prev_rank_id  text NOT NULL, -- the rank before
    created_at    timestamptz NOT NULL,
    read_at       timestamptz, -- NULL: not dismissed
    PRIMARY KEY (tenant_id, user_id, id)
);
CREATE INDEX notices_unread ON notices (tenant_id, user_id, created_at DESC, id DESC) WHERE read_at IS NULL;
CREATE INDEX notices_kind ON notices (tenant_id, user_id, kind, created_at DESC, id DESC);

-- +goose Down
DROP TABLE notices;
DROP TABLE notice_pireps;
DROP TABLE pirep_comments;
