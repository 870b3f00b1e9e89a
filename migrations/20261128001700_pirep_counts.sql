-- +goose Up
-- How many PIREPs each airline has in each state, kept by triggers on
-- pireps in the same transaction as the rows, so the staff list's "of N"
-- for a state (or for every state) is one row's read rather than a count
-- of up to all the airline's PIREPs (26 ms at 100,000 of them, a seq scan
-- whose cost grows with the airline). Triggers rather than the projector
-- keep it exact under every writer of pireps: upserts, a rolled-back
-- batch, and a rebuild's DELETE (one statement, its rows counted per
-- tenant and state) or TRUNCATE. Rows that reach zero stay, at zero.
CREATE TABLE pirep_counts (
    tenant_id text NOT NULL,
    state     text NOT NULL,
    pireps    bigint NOT NULL,
    PRIMARY KEY (tenant_id, state)
);
INSERT INTO pirep_counts (tenant_id, state, pireps)
SELECT tenant_id, state, count(*) FROM pireps GROUP BY tenant_id, state;

-- +goose StatementBegin
CREATE FUNCTION pirep_counts_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE pirep_counts SET pireps = pireps - 1 WHERE tenant_id = OLD.tenant_id AND state = OLD.state;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO pirep_counts (tenant_id, state, pireps) VALUES (NEW.tenant_id, NEW.state, 1)
        ON CONFLICT (tenant_id, state) DO UPDATE SET pireps = pirep_counts.pireps + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION pirep_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pirep_counts c SET pireps = c.pireps - d.n
    FROM (SELECT tenant_id, state, count(*) AS n FROM deleted_pireps GROUP BY tenant_id, state) d
    WHERE c.tenant_id = d.tenant_id AND c.state = d.state;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION pirep_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pirep_counts;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER pirep_counts_insert AFTER INSERT ON pireps
    FOR EACH ROW EXECUTE FUNCTION pirep_counts_row();
CREATE TRIGGER pirep_counts_update AFTER UPDATE OF tenant_id, state ON pireps
    FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION pirep_counts_row();
-- A rebuild deletes every row in one statement: one UPDATE per tenant and
-- state rather than one per row.
CREATE TRIGGER pirep_counts_delete AFTER DELETE ON pireps
    REFERENCING OLD TABLE AS deleted_pireps FOR EACH STATEMENT EXECUTE FUNCTION pirep_counts_deleted();
CREATE TRIGGER pirep_counts_truncate AFTER TRUNCATE ON pireps
    FOR EACH STATEMENT EXECUTE FUNCTION pirep_counts_truncated();

-- The list of one state longest first (a rare state among 100,000 took
-- 9 ms through pireps_tenant_flight_time, filtering out the others) reads
-- its page in order.
CREATE INDEX pireps_tenant_state_flight_time ON pireps (tenant_id, state, flight_time DESC, filed_at DESC, id);

-- +goose Down
DROP INDEX pireps_tenant_state_flight_time;
DROP TRIGGER pirep_counts_truncate ON pireps;
DROP TRIGGER pirep_counts_delete ON pireps;
DROP TRIGGER pirep_counts_update ON pireps;
DROP TRIGGER pirep_counts_insert ON pireps;
DROP FUNCTION pirep_counts_truncated();
DROP FUNCTION pirep_counts_deleted();
DROP FUNCTION pirep_counts_row();
DROP TABLE pirep_counts;
