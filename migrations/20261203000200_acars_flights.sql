-- +goose Up
-- Flights an ACARS client flies (issue 13): a PIREP in progress has a
-- phase (phpVMS's status code), the client's name, and its positions so
-- far; the row keeps the last one (last_position_at null before the
-- first), for the live list and map, and
-- pirep_positions the whole track, in the order the client sent it.
ALTER TABLE pireps
    ADD COLUMN phase text NOT NULL DEFAULT '',
    ADD COLUMN source_name text NOT NULL DEFAULT '',
    ADD COLUMN positions integer NOT NULL DEFAULT 0,
    ADD COLUMN last_lat double precision NOT NULL DEFAULT 0,
    ADD COLUMN last_lon double precision NOT NULL DEFAULT 0,
    ADD COLUMN last_altitude integer NOT NULL DEFAULT 0,
    ADD COLUMN last_heading integer NOT NULL DEFAULT 0,
    ADD COLUMN last_gs integer NOT NULL DEFAULT 0,
    ADD COLUMN last_position_at timestamptz;

-- The flights in progress of an airline, newest report first (the live map).
CREATE INDEX pireps_in_progress ON pireps (tenant_id, updated_at DESC, id) WHERE state = 'in_progress';
-- Every airline's, the longest silent first (the abandoned-flight sweep).
CREATE INDEX pireps_in_progress_idle ON pireps (updated_at, tenant_id, id) WHERE state = 'in_progress';

CREATE TABLE pirep_positions (
    tenant_id    text NOT NULL,
    pirep_id     uuid NOT NULL,
    n            integer NOT NULL, -- 1, 2, ... in the order received
    client_id    text NOT NULL,
    lat          double precision NOT NULL,
    lon          double precision NOT NULL,
    altitude_msl integer NOT NULL,
    altitude_agl integer NOT NULL,
    heading      integer NOT NULL,
    gs           integer NOT NULL,
    ias          integer NOT NULL,
    vs           integer NOT NULL,
    distance     double precision NOT NULL,
    fuel_flow    integer NOT NULL,
    status       text NOT NULL,
    log          text NOT NULL,
    transponder  text NOT NULL,
    autopilot    text NOT NULL,
    sim_time     timestamptz,
    at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, pirep_id, n)
);

-- A rank accepts its pilots' ACARS PIREPs at once apart from their manual
-- ones, as phpVMS's auto_approve_acars.
ALTER TABLE ranks ADD COLUMN auto_accept_acars boolean NOT NULL DEFAULT false;

-- How long an airline lets a flight in progress go without a report
-- before the system cancels it (0: the default, 2 hours).
ALTER TABLE airline_pirep_rules ADD COLUMN abandon_after_minutes integer NOT NULL DEFAULT 0;
-- Whether the airline's public page leaves out the live map (on by default).
ALTER TABLE airline_pirep_rules ADD COLUMN public_live_map_off boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE airline_pirep_rules DROP COLUMN abandon_after_minutes, DROP COLUMN public_live_map_off;
ALTER TABLE ranks DROP COLUMN auto_accept_acars;
DROP TABLE pirep_positions;
DROP INDEX pireps_in_progress_idle;
DROP INDEX pireps_in_progress;
ALTER TABLE pireps
    DROP COLUMN phase, DROP COLUMN source_name, DROP COLUMN positions, DROP COLUMN last_lat, DROP COLUMN last_lon,
    DROP COLUMN last_altitude, DROP COLUMN last_heading, DROP COLUMN last_gs, DROP COLUMN last_position_at;
