-- +goose Up
-- The API keys read model: one row per key, for its owner's list and for
-- finding the key a program sends by its hash. The key itself is never
-- stored: hash is the hex SHA-256 of it, prefix its first characters.
--
-- last_used_at is not event-sourced: the API middleware writes it in place
-- (TouchAPIKeyLastUsed), at most once a minute per key, because an event
-- per use would flood the log. The projection's upsert leaves it alone, but
-- a rebuild (DeleteAllAPIKeys, then a replay of the log) loses it, and so
-- does every start of the embedded mode, whose read models live in memory.
CREATE TABLE api_keys (
    tenant_id    text NOT NULL, -- the owner's airline, or '' for a platform admin
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL,
    name         text NOT NULL,
    prefix       text NOT NULL,
    hash         text NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
-- A key is found by its hash alone: the program sends nothing else.
CREATE UNIQUE INDEX api_keys_hash ON api_keys (hash);
CREATE INDEX api_keys_tenant_user ON api_keys (tenant_id, user_id, created_at DESC, id);

-- +goose Down
DROP TABLE api_keys;
