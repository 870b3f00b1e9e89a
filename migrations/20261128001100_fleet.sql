-- +goose Up
-- The fleet read models: an airline's subfleets and aircraft, for the fleet
-- pages. Column names follow phpVMS's CSV files (type, icao, hub_id,
-- airport_id, flight_time). Both lead with the tenant, as every tenant's data
-- does. The codes are unique within an airline, but that is held by the
-- event store's claims when a command appends, not by these tables, which
-- only mirror the log.
CREATE TABLE subfleets (
    tenant_id             text NOT NULL,
    id                    uuid NOT NULL,
    type                  text NOT NULL, -- the airline's code, for example B738-SPB
    icao                  text NOT NULL, -- the ICAO aircraft type designator
    name                  text NOT NULL,
    hub_id                text NOT NULL, -- the home hub's ICAO code
    cost_block_hour_cents bigint,        -- NULL: not set
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE aircraft (
    tenant_id    text NOT NULL,
    id           uuid NOT NULL,
    subfleet_id  uuid NOT NULL,
    registration text NOT NULL, -- upper case
    name         text NOT NULL,
    status       text NOT NULL, -- active, maintenance, stored or retired
    airport_id   text NOT NULL, -- where it is: an ICAO code
    flight_time  bigint NOT NULL, -- total, in minutes
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX aircraft_tenant_registration ON aircraft (tenant_id, registration);

-- +goose Down
DROP TABLE aircraft;
DROP TABLE subfleets;
