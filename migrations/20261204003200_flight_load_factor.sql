-- +goose Up
-- A flight's load factor and its variance, in percent, as phpVMS's
-- flights.load_factor and load_factor_variance (its flights file's
-- columns); 0 when the flight sets none.
ALTER TABLE flights
    ADD COLUMN load_factor double precision NOT NULL DEFAULT 0,
    ADD COLUMN load_factor_variance double precision NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE flights DROP COLUMN load_factor, DROP COLUMN load_factor_variance;
