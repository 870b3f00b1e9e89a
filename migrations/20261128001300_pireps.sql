-- +goose Up
-- The PIREP read models, all owned by the pireps projection so that it can
-- drop and rebuild them alone: the reports themselves, each pilot's totals
-- from their accepted reports, and each aircraft's hours and location added
-- by accepted reports (on top of the fleet's own aircraft row, which the
-- fleet projection owns). Units as phpVMS: minutes, nautical miles, pounds,
-- feet, feet per minute. Every table leads with the tenant.
CREATE TABLE pireps (
    tenant_id     text NOT NULL,
    id            uuid NOT NULL,
    pilot_id      uuid NOT NULL,
    state         text NOT NULL, -- draft, in_progress, pending, accepted, rejected, cancelled
    flight_number text NOT NULL,
    route_code    text NOT NULL,
    route_leg     integer NOT NULL,
    flight_id     text NOT NULL, -- the schedule flight it was filed from; '' when none
    dpt_airport   text NOT NULL,
    arr_airport   text NOT NULL,
    alt_airport   text NOT NULL,
    aircraft_id   uuid NOT NULL,
    block_off     timestamptz NOT NULL,
    block_on      timestamptz NOT NULL,
    flight_time   integer NOT NULL,
    distance      integer NOT NULL,
    level         integer NOT NULL,
    fuel_used     integer NOT NULL,
    landing_rate  integer NOT NULL,
    route         text NOT NULL,
    remarks       text NOT NULL,
    source        text NOT NULL,
    reject_reason text NOT NULL,
    filed_at      timestamptz NOT NULL,
    queued_at     timestamptz NOT NULL, -- when it entered staff's queue (submitted); filed_at for drafts
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX pireps_tenant_pilot ON pireps (tenant_id, pilot_id, filed_at DESC);
CREATE INDEX pireps_tenant_state ON pireps (tenant_id, state, queued_at);
CREATE INDEX pireps_tenant_filed ON pireps (tenant_id, filed_at DESC);
-- The totals are recomputed from a pilot's or an aircraft's accepted rows,
-- latest first for the location.
CREATE INDEX pireps_tenant_pilot_state ON pireps (tenant_id, pilot_id, state, block_on DESC);
CREATE INDEX pireps_tenant_aircraft ON pireps (tenant_id, aircraft_id, state, block_on DESC);

CREATE TABLE pilot_stats (
    tenant_id    text NOT NULL,
    pilot_id     uuid NOT NULL,
    flights      bigint NOT NULL,
    minutes      bigint NOT NULL,
    last_flight  timestamptz, -- block-on of the latest accepted flight; NULL: none
    location     text NOT NULL, -- its arrival airport; '' when none
    landing_rate integer NOT NULL, -- average of the accepted flights' non-zero landing rates
    PRIMARY KEY (tenant_id, pilot_id)
);

CREATE TABLE aircraft_pirep_totals (
    tenant_id   text NOT NULL,
    aircraft_id uuid NOT NULL,
    flights     bigint NOT NULL,
    minutes     bigint NOT NULL,
    location    text NOT NULL, -- the latest accepted flight's arrival; '' when none
    PRIMARY KEY (tenant_id, aircraft_id)
);

-- An airline's ranks and each pilot's rank, owned by the ranks projection.
CREATE TABLE ranks (
    tenant_id    text NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL,
    min_minutes  integer NOT NULL,
    auto_promote boolean NOT NULL,
    auto_accept  boolean NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE pilot_ranks (
    tenant_id text NOT NULL,
    pilot_id  uuid NOT NULL,
    rank_id   text NOT NULL, -- '' when the promotion rule left the pilot without a rank
    floor_id  text NOT NULL, -- the rank staff set by hand; '' when none
    set_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, pilot_id)
);

-- +goose Down
DROP TABLE pilot_ranks;
DROP TABLE ranks;
DROP TABLE aircraft_pirep_totals;
DROP TABLE pilot_stats;
DROP TABLE pireps;
