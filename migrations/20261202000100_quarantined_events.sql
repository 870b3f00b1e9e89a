-- +goose Up
-- An event a projection could not apply (its data, not a lost connection,
-- made it fail) is set aside here and the projection moves on, so that one
-- event written before the domain checked text cannot stop the read side.
-- `albatross projections retry` applies them again and removes those that
-- now apply.
CREATE TABLE quarantined_events (
    projection     text NOT NULL,
    commit_tx      bigint NOT NULL,
    seq            bigint NOT NULL,
    stream_id      text NOT NULL,
    version        bigint NOT NULL,
    event_type     text NOT NULL,
    error          text NOT NULL,
    quarantined_at timestamptz NOT NULL,
    PRIMARY KEY (projection, commit_tx, seq)
);

-- +goose Down
DROP TABLE quarantined_events;
