-- +goose Up
-- The OFPs planned for a bid, which leave with the bid (the simbrief-bids
-- reactor reads them when a bid ends).
CREATE INDEX simbrief_ofps_bid ON simbrief_ofps (tenant_id, bid_id) WHERE bid_id <> '';

-- +goose Down
DROP INDEX simbrief_ofps_bid;
