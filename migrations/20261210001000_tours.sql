-- +goose Up
-- The tours projection: an airline's tours and their legs from the tour
-- streams (a deleted tour's rows go), and each pilot's legs flown and
-- completions from their progress streams. A leg taken back, or a
-- completion taken back, deletes its row.
CREATE TABLE tours (
    tenant_id   text NOT NULL,
    id          uuid NOT NULL,
    name        text NOT NULL,
    description text NOT NULL,
    any_order   boolean NOT NULL,
    starts_on   text NOT NULL, -- YYYY-MM-DD, '' for none
    ends_on     text NOT NULL,
    legs        integer NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE tour_legs (
    tenant_id     text NOT NULL,
    tour_id       uuid NOT NULL,
    n             integer NOT NULL,
    dpt           text NOT NULL,
    arr           text NOT NULL,
    flight_number text NOT NULL,
    aircraft_icao text NOT NULL,
    PRIMARY KEY (tenant_id, tour_id, n)
);

CREATE TABLE tour_legs_flown (
    tenant_id text NOT NULL,
    user_id   uuid NOT NULL,
    tour_id   uuid NOT NULL,
    n         integer NOT NULL,
    pirep_id  text NOT NULL,
    flown_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, tour_id, n)
);

CREATE TABLE tour_completions (
    tenant_id    text NOT NULL,
    tour_id      uuid NOT NULL,
    user_id      uuid NOT NULL,
    completed_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, tour_id, user_id)
);

-- +goose Down
DROP TABLE tour_completions;
DROP TABLE tour_legs_flown;
DROP TABLE tour_legs;
DROP TABLE tours;
