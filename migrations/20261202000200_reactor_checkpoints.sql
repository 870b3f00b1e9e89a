-- +goose Up
-- How far each reactor has reacted to the log. Reactors send commands, not
-- read-model rows, so their checkpoints are not read models: a rebuild of
-- the projections leaves this table alone and no reaction is sent twice.
-- caused_* is the latest event the reactor's reactions appended, which a
-- page that shows a reaction waits for.
CREATE TABLE reactor_checkpoints (
    name             text PRIMARY KEY,
    commit_tx        bigint NOT NULL,
    seq              bigint NOT NULL,
    caused_commit_tx bigint NOT NULL,
    caused_seq       bigint NOT NULL,
    updated_at       timestamptz NOT NULL
);

-- +goose Down
DROP TABLE reactor_checkpoints;
