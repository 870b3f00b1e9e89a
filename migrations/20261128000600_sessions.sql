-- +goose Up
-- HTTP sessions (github.com/alexedwards/scs/pgxstore): the table that store
-- documents. Not an event-sourced read model: rows are written, replaced and
-- deleted in place, and expired rows are swept periodically.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
