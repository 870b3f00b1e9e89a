-- +goose Up
-- The event log. Append-only: a trigger refuses UPDATE and DELETE.
-- seq is unique and ordered within a transaction; commit_tx is the
-- appending transaction's id, and readers order by (commit_tx, seq) and
-- stop below the oldest running transaction (see store/postgres.go).
CREATE TABLE events (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commit_tx      bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    stream_id      text NOT NULL,
    version        bigint NOT NULL CHECK (version > 0),
    tenant_id      text NOT NULL,
    type           text NOT NULL,
    schema_version integer NOT NULL,
    data           bytea NOT NULL,
    actor          text NOT NULL,
    command_id     text NOT NULL,
    correlation_id text NOT NULL,
    causation_id   text NOT NULL,
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX events_global_order ON events (commit_tx, seq);

-- One row per idempotent command: a repeated command id finds its first result here.
CREATE TABLE event_commands (
    command_id   text PRIMARY KEY,
    stream_id    text NOT NULL,
    from_version bigint NOT NULL,
    to_version   bigint NOT NULL
);

-- Unique values (airline slug, user email) claimed in the appending transaction.
CREATE TABLE unique_claims (
    scope     text NOT NULL,
    field     text NOT NULL,
    value     text NOT NULL,
    stream_id text NOT NULL,
    PRIMARY KEY (scope, field, value)
);

-- +goose StatementBegin
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- +goose Down
DROP TABLE unique_claims;
DROP TABLE event_commands;
DROP TABLE events;
DROP FUNCTION events_append_only();
