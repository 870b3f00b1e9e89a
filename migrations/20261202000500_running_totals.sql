-- +goose Up
-- The pilots' and aircraft's totals become running totals: an acceptance
-- adds its PIREP, a reversal subtracts it, rather than re-adding the whole
-- accepted history on every event (quadratic on a rebuild). The average
-- landing rate stays exact from the sum and count of the non-zero rates;
-- the latest accepted flight (by block_on DESC, id) is kept with its id so
-- that a later one replaces it and a reversal of it finds the next through
-- the partial indexes below.
ALTER TABLE pilot_stats
    ADD COLUMN landing_rate_sum bigint NOT NULL DEFAULT 0,
    ADD COLUMN landing_rates    bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_pirep_id    uuid; -- the PIREP last_flight and location are from; NULL: none
ALTER TABLE aircraft_pirep_totals
    ADD COLUMN last_block_on timestamptz,
    ADD COLUMN last_pirep_id uuid;
CREATE INDEX pireps_accepted_pilot ON pireps (tenant_id, pilot_id, block_on DESC, id) WHERE state = 'accepted';
CREATE INDEX pireps_accepted_aircraft ON pireps (tenant_id, aircraft_id, block_on DESC, id) WHERE state = 'accepted';

UPDATE pilot_stats s
SET landing_rate_sum = coalesce(a.rate_sum, 0), landing_rates = a.rates,
    last_pirep_id = (SELECT l.id FROM pireps l
        WHERE l.tenant_id = s.tenant_id AND l.pilot_id = s.pilot_id AND l.state = 'accepted'
        ORDER BY l.block_on DESC, l.id LIMIT 1)
FROM (SELECT tenant_id, pilot_id, sum(landing_rate) FILTER (WHERE landing_rate <> 0) AS rate_sum,
        count(*) FILTER (WHERE landing_rate <> 0) AS rates
      FROM pireps WHERE state = 'accepted' GROUP BY tenant_id, pilot_id) a
WHERE a.tenant_id = s.tenant_id AND a.pilot_id = s.pilot_id;

UPDATE aircraft_pirep_totals t
SET (last_block_on, last_pirep_id) = (SELECT l.block_on, l.id FROM pireps l
    WHERE l.tenant_id = t.tenant_id AND l.aircraft_id = t.aircraft_id AND l.state = 'accepted'
    ORDER BY l.block_on DESC, l.id LIMIT 1);

-- +goose Down
DROP INDEX pireps_accepted_aircraft;
DROP INDEX pireps_accepted_pilot;
ALTER TABLE aircraft_pirep_totals DROP COLUMN last_pirep_id, DROP COLUMN last_block_on;
ALTER TABLE pilot_stats DROP COLUMN last_pirep_id, DROP COLUMN landing_rates, DROP COLUMN landing_rate_sum;
