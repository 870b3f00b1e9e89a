-- +goose Up
-- The leave projection: each airline's leave rules (from its leave-rules
-- stream), pilots' leave requests and their decisions, and each pilot's
-- activity (when they joined, their last filed flight, and whether the
-- activity rule put them on leave), from the pilots' leave streams, their
-- approvals and their filings. Dates of leave are YYYY-MM-DD text (UTC),
-- as the events carry them, so they compare as they sort.
CREATE TABLE leave_rules (
    tenant_id       text PRIMARY KEY,
    auto_approve    boolean NOT NULL,
    auto_leave_days integer NOT NULL,
    changed_at      timestamptz NOT NULL
);

CREATE TABLE leave_requests (
    tenant_id    text NOT NULL,
    id           uuid NOT NULL,
    user_id      uuid NOT NULL,
    start_date   text NOT NULL,
    end_date     text NOT NULL,
    note         text NOT NULL,
    status       text NOT NULL, -- pending, approved, declined, ended
    automatic    boolean NOT NULL,
    decided_by   text NOT NULL,
    reason       text NOT NULL,
    requested_at timestamptz NOT NULL,
    decided_at   timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX leave_requests_user ON leave_requests (tenant_id, user_id, start_date);

CREATE TABLE pilot_activity (
    tenant_id      text NOT NULL,
    user_id        uuid NOT NULL,
    joined_at      timestamptz NOT NULL,
    last_flight_at timestamptz,
    away           boolean NOT NULL,
    away_since     timestamptz,
    PRIMARY KEY (tenant_id, user_id)
);

-- +goose Down
DROP TABLE pilot_activity;
DROP TABLE leave_requests;
DROP TABLE leave_rules;
