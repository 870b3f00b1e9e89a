-- +goose Up
-- Charters and jumpseats (issue 14): the airline's settings for them, a
-- charter booking's plan on its bid row, and the pilots' jumpseats.
ALTER TABLE airline_pirep_rules
    ADD COLUMN allow_charters      boolean NOT NULL DEFAULT false,
    ADD COLUMN allow_jumpseats     boolean NOT NULL DEFAULT false,
    ADD COLUMN jumpseats_per_month integer NOT NULL DEFAULT 0, -- 0: no limit
    ADD COLUMN jumpseat_hubs_only  boolean NOT NULL DEFAULT false;

-- A charter booking is a bid with flight_id '' and the pilot's plan.
ALTER TABLE bids
    ADD COLUMN charter     boolean NOT NULL DEFAULT false,
    ADD COLUMN route       text NOT NULL DEFAULT '',
    ADD COLUMN level       integer NOT NULL DEFAULT 0, -- feet
    ADD COLUMN distance    integer NOT NULL DEFAULT 0, -- nautical miles
    ADD COLUMN cargo       boolean NOT NULL DEFAULT false,
    ADD COLUMN dpt_time    text NOT NULL DEFAULT '',   -- HH:MM UTC
    ADD COLUMN arr_time    text NOT NULL DEFAULT '',
    ADD COLUMN flight_time integer NOT NULL DEFAULT 0; -- minutes

-- The pilots' jumpseats, from their jumpseat streams: where they moved
-- without flying. The latest one, when later than their latest accepted
-- flight, is where they are.
CREATE TABLE jumpseats (
    tenant_id    text NOT NULL,
    id           uuid NOT NULL,
    pilot_id     uuid NOT NULL,
    from_airport text NOT NULL, -- '' when the pilot's location was unknown
    to_airport   text NOT NULL,
    moved_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX jumpseats_by_pilot ON jumpseats (tenant_id, pilot_id, moved_at DESC);

-- +goose Down
DROP TABLE jumpseats;
ALTER TABLE bids DROP COLUMN charter, DROP COLUMN route, DROP COLUMN level, DROP COLUMN distance, DROP COLUMN cargo,
    DROP COLUMN dpt_time, DROP COLUMN arr_time, DROP COLUMN flight_time;
ALTER TABLE airline_pirep_rules DROP COLUMN allow_charters, DROP COLUMN allow_jumpseats, DROP COLUMN jumpseats_per_month,
    DROP COLUMN jumpseat_hubs_only;
