-- +goose Up
-- The airports read model: each airline's own list of airports, one row per
-- airline and ICAO code, as the latest AirportAdded or AirportChanged event
-- describes it. search is the lower-cased "icao iata name city" that the
-- projection writes, so the search box matches by plain substring
-- (strpos), the same in every locale and in the embedded mode.
CREATE TABLE airports (
    tenant_id            text NOT NULL,
    icao                 text NOT NULL,
    iata                 text NOT NULL,
    name                 text NOT NULL,
    city                 text NOT NULL,
    region               text NOT NULL,
    country              text NOT NULL,
    timezone             text NOT NULL,
    hub                  boolean NOT NULL,
    latitude             double precision NOT NULL,
    longitude            double precision NOT NULL,
    elevation_ft         integer NOT NULL,
    ground_handling_cost double precision NOT NULL,
    fuel_100ll_cost      double precision NOT NULL,
    fuel_jeta_cost       double precision NOT NULL,
    fuel_mogas_cost      double precision NOT NULL,
    notes                text NOT NULL,
    search               text NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, icao)
);

-- +goose Down
DROP TABLE airports;
