-- +goose Up
-- SimBrief flight plans (OFPs) fetched for a pilot's schedule flight,
-- owned by the simbrief projection. ofp is the OFP as its event carries it
-- (protobuf bytes, read whole by the briefing page); acars_xml the briefing
-- ACARS clients load. pirep_id is '' until a PIREP uses the OFP; bid_id ''
-- until a bid links it. An expired OFP leaves the table.
CREATE TABLE simbrief_ofps (
    tenant_id        text NOT NULL,
    id               text NOT NULL,
    pilot_id         uuid NOT NULL,
    flight_id        text NOT NULL,
    aircraft_id      text NOT NULL,
    bid_id           text NOT NULL,
    pirep_id         text NOT NULL,
    fetched_at       timestamptz NOT NULL,
    planned_distance integer NOT NULL,
    ofp              bytea NOT NULL,
    acars_xml        text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- A pilot's OFPs of one flight, newest first (the flight's page and API).
CREATE INDEX simbrief_ofps_pilot_flight ON simbrief_ofps (tenant_id, pilot_id, flight_id, fetched_at DESC);
-- The OFP a PIREP used.
CREATE INDEX simbrief_ofps_pirep ON simbrief_ofps (tenant_id, pirep_id) WHERE pirep_id <> '';
-- Every airline's unused OFPs, oldest first (the expiry sweep).
CREATE INDEX simbrief_ofps_unused ON simbrief_ofps (fetched_at, tenant_id, id) WHERE pirep_id = '';

-- +goose Down
DROP TABLE simbrief_ofps;
