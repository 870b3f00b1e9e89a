-- +goose Up
-- The fares and expenses projections: an airline's fares (phpVMS's fares,
-- by code) and expenses (phpVMS's expenses, by the key of name, ref_model
-- and ref_model_id), each row the latest save of its stream; and the
-- subfleets' fares cell (phpVMS's subfleet_fare as its subfleets file
-- writes it), '' for subfleets saved before it.
CREATE TABLE fares (
    tenant_id   text NOT NULL,
    code        text NOT NULL,
    name        text NOT NULL,
    type        integer NOT NULL, -- 0 passenger, 1 cargo
    price_cents bigint NOT NULL,
    cost_cents  bigint NOT NULL,
    capacity    integer NOT NULL,
    notes       text NOT NULL,
    active      boolean NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

CREATE TABLE expenses (
    tenant_id      text NOT NULL,
    key            text NOT NULL,
    airline        text NOT NULL, -- '' for the whole airline
    name           text NOT NULL,
    amount_cents   bigint NOT NULL,
    type           text NOT NULL, -- F, D or M
    flight_type    text NOT NULL,
    charge_to_user boolean NOT NULL,
    multiplier     boolean NOT NULL,
    active         boolean NOT NULL,
    ref_model      text NOT NULL,
    ref_model_id   text NOT NULL,
    seq            bigint NOT NULL, -- the order of first saves, which the export keeps
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

ALTER TABLE subfleets ADD COLUMN fares text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE subfleets DROP COLUMN fares;
DROP TABLE expenses;
DROP TABLE fares;
