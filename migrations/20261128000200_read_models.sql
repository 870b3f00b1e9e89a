-- +goose Up
-- Where each projection has got to in the global order of the log. Written
-- in the same transaction as the read-model rows it covers.
CREATE TABLE projection_checkpoints (
    name        text PRIMARY KEY,
    commit_tx   bigint NOT NULL,
    seq         bigint NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- The airlines read model. An airline's id is its tenant id.
CREATE TABLE airlines (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    icao       text NOT NULL,
    iata       text NOT NULL,
    slug       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX airlines_slug ON airlines (slug);

-- +goose Down
DROP TABLE airlines;
DROP TABLE projection_checkpoints;
