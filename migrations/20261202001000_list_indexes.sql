-- +goose Up
-- Every list a page shows reads an index in its own ORDER BY, ties and
-- collation included, so a page's LIMIT stops at its last row instead of
-- sorting: the EXPLAIN sweep (store/postgres/explain_test.go,
-- bench/explain.md) found these lists sorting all of an airline's rows
-- (users, aircraft, airports: the indexes were in the column's default
-- collation or missing) or re-sorting each page by id (PIREPs, the review
-- queue, notices: the indexes stopped before the id that breaks ties). The
-- replaced PIREP indexes gain the id at their end; they serve what they
-- served before, with no extra index for a PIREP write to keep.
DROP INDEX pireps_tenant_filed;
CREATE INDEX pireps_tenant_filed ON pireps (tenant_id, filed_at DESC, id);
DROP INDEX pireps_tenant_pilot;
CREATE INDEX pireps_tenant_pilot ON pireps (tenant_id, pilot_id, filed_at DESC, id);
DROP INDEX pireps_tenant_state;
CREATE INDEX pireps_tenant_state ON pireps (tenant_id, state, queued_at, id);
DROP INDEX pireps_tenant_flight_time;
CREATE INDEX pireps_tenant_flight_time ON pireps (tenant_id, flight_time DESC, filed_at DESC, id);
-- The one new PIREP index: the staff list's "oldest first", which no
-- index read backwards gives (filed_at DESC, id backwards is filed_at,
-- id DESC).
CREATE INDEX pireps_tenant_oldest ON pireps (tenant_id, filed_at, id);

DROP INDEX notices_unread;
CREATE INDEX notices_unread ON notices (tenant_id, user_id, created_at DESC, id COLLATE "C" DESC) WHERE read_at IS NULL;

CREATE INDEX users_tenant_name ON users (tenant_id, name COLLATE "C", id);

DROP INDEX aircraft_tenant_registration;
CREATE INDEX aircraft_tenant_registration ON aircraft (tenant_id, registration COLLATE "C", id);
CREATE INDEX aircraft_tenant_subfleet ON aircraft (tenant_id, subfleet_id, registration COLLATE "C", id);

-- Subfleets and ranks are a few rows an airline; at this platform's size a
-- Seq Scan of their few pages is cheaper and PostgreSQL keeps it, but
-- with thousands of airlines the index keeps a list from reading theirs.
CREATE INDEX subfleets_tenant_type ON subfleets (tenant_id, type COLLATE "C", id);
CREATE INDEX ranks_tenant_order ON ranks (tenant_id, min_minutes, name COLLATE "C", id);

CREATE INDEX airports_tenant_icao ON airports (tenant_id, icao COLLATE "C");

-- +goose Down
DROP INDEX airports_tenant_icao;
DROP INDEX ranks_tenant_order;
DROP INDEX subfleets_tenant_type;
DROP INDEX aircraft_tenant_subfleet;
DROP INDEX aircraft_tenant_registration;
CREATE INDEX aircraft_tenant_registration ON aircraft (tenant_id, registration);
DROP INDEX users_tenant_name;
DROP INDEX notices_unread;
CREATE INDEX notices_unread ON notices (tenant_id, user_id, created_at DESC, id DESC) WHERE read_at IS NULL;
DROP INDEX pireps_tenant_oldest;
DROP INDEX pireps_tenant_flight_time;
CREATE INDEX pireps_tenant_flight_time ON pireps (tenant_id, flight_time DESC, filed_at DESC);
DROP INDEX pireps_tenant_state;
CREATE INDEX pireps_tenant_state ON pireps (tenant_id, state, queued_at);
DROP INDEX pireps_tenant_pilot;
CREATE INDEX pireps_tenant_pilot ON pireps (tenant_id, pilot_id, filed_at DESC);
DROP INDEX pireps_tenant_filed;
CREATE INDEX pireps_tenant_filed ON pireps (tenant_id, filed_at DESC);
