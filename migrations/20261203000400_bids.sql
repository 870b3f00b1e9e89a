-- +goose Up
-- An airline's bid settings (phpVMS's bids.*), from its airline stream.
CREATE TABLE airline_bid_rules (
    tenant_id            text PRIMARY KEY,
    allow_multiple       boolean NOT NULL,
    one_pilot_per_flight boolean NOT NULL,
    block_aircraft       boolean NOT NULL,
    expire_after_hours   integer NOT NULL, -- 0: never
    updated_at           timestamptz NOT NULL
);

-- The pilots' bids, from their bid streams. An ended bid keeps its row
-- (ended_at set), so its number is never handed out again: phpVMS's API
-- names bids by small integers, 1, 2, 3... within the airline, assigned
-- in log order, which a rebuild repeats.
CREATE TABLE bids (
    tenant_id     text NOT NULL,
    id            uuid NOT NULL,
    number        integer NOT NULL,
    pilot_id      uuid NOT NULL,
    flight_id     text NOT NULL,
    aircraft_id   text NOT NULL, -- '' when it reserves none
    flight_number text NOT NULL,
    dpt_airport   text NOT NULL,
    arr_airport   text NOT NULL,
    placed_at     timestamptz NOT NULL,
    ended_at      timestamptz,   -- NULL while the bid stands
    end_reason    text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX bids_number ON bids (tenant_id, number);
CREATE INDEX bids_pilot ON bids (tenant_id, pilot_id, placed_at) WHERE ended_at IS NULL;
CREATE INDEX bids_flight ON bids (tenant_id, flight_id) WHERE ended_at IS NULL;
CREATE INDEX bids_standing ON bids (placed_at) WHERE ended_at IS NULL;

-- +goose Down
DROP TABLE bids;
DROP TABLE airline_bid_rules;
