-- +goose Up
-- The scores projection: each accepted PIREP's landing score as it was
-- made, with the version of the airline's bands it was made with. Only the
-- PIREPs that are accepted now count (the leaderboards join pireps), so a
-- rejection after acceptance takes a score off the boards without editing
-- it, and a later acceptance puts it back.
CREATE TABLE pirep_scores (
    tenant_id     text NOT NULL,
    pirep_id      uuid NOT NULL,
    pilot_id      uuid NOT NULL,
    score         integer NOT NULL, -- 0..100
    bands_version bigint NOT NULL,  -- 0: the default bands
    landing_rate  integer NOT NULL,
    breakdown     text NOT NULL,    -- one line a step
    scored_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, pirep_id)
);
CREATE INDEX pirep_scores_pilot ON pirep_scores (tenant_id, pilot_id);

-- +goose Down
DROP TABLE pirep_scores;
