-- +goose Up
-- A pilot's home airport: the hub they chose at registration ('' for none,
-- as for everyone registered before). Where a pilot is falls back to it
-- before their first accepted arrival or jumpseat.
ALTER TABLE users ADD COLUMN home_airport text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN home_airport;
