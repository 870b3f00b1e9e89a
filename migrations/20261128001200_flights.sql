-- +goose Up
-- The flights read model: an airline's scheduled flights, in phpVMS's
-- columns, for the pilots' flight search and the staff's forms. The key
-- (flight_number, route_code, route_leg) is unique in an airline, and the
-- search orders by departure time and that key, so every list and page of
-- results has one stable order. Text columns that take part in the order
-- compare as bytes (COLLATE "C"), as the embedded mode compares them.
-- subfleet_types holds the ICAO types of the allowed subfleets, so the
-- search can filter by aircraft type without a join.
CREATE TABLE flights (
    tenant_id      text NOT NULL,
    id             uuid NOT NULL,
    flight_number  text COLLATE "C" NOT NULL,
    route_code     text COLLATE "C" NOT NULL, -- '' for none
    route_leg      integer NOT NULL,          -- 0 for none
    callsign       text NOT NULL,
    dpt_airport    text COLLATE "C" NOT NULL,
    arr_airport    text COLLATE "C" NOT NULL,
    alt_airport    text NOT NULL,
    dpt_time       text COLLATE "C" NOT NULL, -- HH:MM UTC or ''
    arr_time       text NOT NULL,
    days           integer NOT NULL,          -- phpVMS bitmask: Monday 1 … Sunday 64
    start_date     text NOT NULL,             -- YYYY-MM-DD or ''
    end_date       text NOT NULL,
    distance       integer NOT NULL,          -- nautical miles
    flight_time    integer NOT NULL,          -- minutes
    level          integer NOT NULL,          -- feet, 0 for none
    flight_type    text NOT NULL,
    route          text NOT NULL,
    notes          text NOT NULL,
    subfleet_ids   text[] NOT NULL,
    subfleet_types text[] NOT NULL,
    active         boolean NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- The search without an airport, and the key's uniqueness.
CREATE UNIQUE INDEX flights_order ON flights (tenant_id, dpt_time, flight_number, route_code, route_leg);
-- The search from an airport (and between two), and to an airport.
CREATE INDEX flights_departure ON flights (tenant_id, dpt_airport, dpt_time, flight_number, route_code, route_leg);
CREATE INDEX flights_arrival ON flights (tenant_id, arr_airport, dpt_time, flight_number, route_code, route_leg);

-- +goose Down
DROP TABLE flights;
