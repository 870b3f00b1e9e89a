-- +goose Up
-- The airline_events projection: an airline's events (gatherings pilots
-- sign up for and fly in a UTC window) from their streams, who signed up,
-- and the PIREPs that counted for each. A withdrawn sign-up's row and an
-- uncounted flight's row go.
CREATE TABLE airline_events (
    tenant_id      text NOT NULL,
    id             uuid NOT NULL,
    name           text NOT NULL,
    description    text NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    match_kind     text NOT NULL, -- 'flights' or 'airport'
    flight_numbers text[] NOT NULL,
    airport        text NOT NULL,
    cancelled      boolean NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE airline_event_signups (
    tenant_id    text NOT NULL,
    event_id     uuid NOT NULL,
    user_id      uuid NOT NULL,
    signed_up_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id, user_id)
);

CREATE TABLE airline_event_flights (
    tenant_id     text NOT NULL,
    event_id      uuid NOT NULL,
    pirep_id      uuid NOT NULL,
    user_id       uuid NOT NULL,
    flight_number text NOT NULL,
    dpt_airport   text NOT NULL,
    arr_airport   text NOT NULL,
    block_on      timestamptz NOT NULL,
    counted_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id, pirep_id)
);
CREATE INDEX airline_event_flights_pirep ON airline_event_flights (tenant_id, pirep_id);

-- +goose Down
DROP TABLE airline_event_flights;
DROP TABLE airline_event_signups;
DROP TABLE airline_events;
