-- +goose Up
-- The hours each pilot brought from another airline (phpVMS's
-- users.transfer_time, in minutes), from the pilots' transfer streams. A
-- pilot never given any has no row.
CREATE TABLE pilot_transfer_hours (
    tenant_id  text NOT NULL,
    pilot_id   uuid NOT NULL,
    minutes    bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, pilot_id)
);

-- +goose Down
DROP TABLE pilot_transfer_hours;
