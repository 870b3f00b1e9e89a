-- +goose Up
-- A flight's custom fields (phpVMS's "Departure Gate=4;Arrival Gate=C41"),
-- as two lists of the same length in the fields' order, and phpVMS's fares
-- cell as an import read it, kept for the economy to come. Flights projected
-- before these columns have none, as their events carry none.
ALTER TABLE flights
    ADD COLUMN field_names text[] NOT NULL DEFAULT '{}',
    ADD COLUMN field_values text[] NOT NULL DEFAULT '{}',
    ADD COLUMN fares text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE flights DROP COLUMN fares, DROP COLUMN field_values, DROP COLUMN field_names;
