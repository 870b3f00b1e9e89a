-- +goose Up
-- Indexes for the staff's PIREP list and the airline's statistics with a
-- hundred thousand PIREPs in one airline (each EXPLAINed with that many):
-- the list sorted by flight time; the airport filter, which matches the
-- departure or the arrival (a BitmapOr of the two); the date range on
-- block-off; and the month's accepted flights by block-on, whose pilot and
-- minutes the index carries so the statistics read no table rows.
CREATE INDEX pireps_tenant_flight_time ON pireps (tenant_id, flight_time DESC, filed_at DESC);
CREATE INDEX pireps_tenant_dpt ON pireps (tenant_id, dpt_airport, filed_at DESC);
CREATE INDEX pireps_tenant_arr ON pireps (tenant_id, arr_airport, filed_at DESC);
CREATE INDEX pireps_tenant_block_off ON pireps (tenant_id, block_off);
CREATE INDEX pireps_tenant_state_block_on ON pireps (tenant_id, state, block_on) INCLUDE (pilot_id, flight_time);

-- +goose Down
DROP INDEX pireps_tenant_state_block_on;
DROP INDEX pireps_tenant_block_off;
DROP INDEX pireps_tenant_arr;
DROP INDEX pireps_tenant_dpt;
DROP INDEX pireps_tenant_flight_time;
