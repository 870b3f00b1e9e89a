-- +goose Up
-- Each airline's optional PIREP filing rules, owned by the pirep_rules
-- projection; an airline without a row has none of the rules on.
CREATE TABLE airline_pirep_rules (
    tenant_id             text NOT NULL,
    aircraft_at_departure boolean NOT NULL, -- the aircraft must be at the departure airport
    pilot_at_departure    boolean NOT NULL, -- the pilot must be at the departure airport
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- +goose Down
DROP TABLE airline_pirep_rules;
