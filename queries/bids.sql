-- name: GetAirlineBidRules :one
-- GetAirlineBidRules returns an airline's bid settings; an airline that
-- never set them has no row.
SELECT * FROM airline_bid_rules
WHERE tenant_id = $1;

-- name: UpsertAirlineBidRules :exec
-- UpsertAirlineBidRules writes an airline's bid settings from its events.
INSERT INTO airline_bid_rules (tenant_id, allow_multiple, one_pilot_per_flight, block_aircraft, expire_after_hours, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id) DO UPDATE
SET allow_multiple = EXCLUDED.allow_multiple, one_pilot_per_flight = EXCLUDED.one_pilot_per_flight,
    block_aircraft = EXCLUDED.block_aircraft, expire_after_hours = EXCLUDED.expire_after_hours,
    updated_at = EXCLUDED.updated_at;

-- name: DeleteAllAirlineBidRules :exec
-- DeleteAllAirlineBidRules empties the read model before a rebuild.
DELETE FROM airline_bid_rules;

-- name: InsertBid :exec
-- InsertBid adds a bid with the airline's next bid number; the same bid
-- again changes nothing.
INSERT INTO bids (tenant_id, id, number, pilot_id, flight_id, aircraft_id, flight_number, dpt_airport, arr_airport, placed_at,
    charter, route, level, distance, cargo, dpt_time, arr_time, flight_time)
VALUES (@tenant_id, @id, (SELECT coalesce(max(b.number), 0) + 1 FROM bids b WHERE b.tenant_id = @tenant_id),
    @pilot_id, @flight_id, @aircraft_id, @flight_number, @dpt_airport, @arr_airport, @placed_at,
    @charter, @route, @level, @distance, @cargo, @dpt_time, @arr_time, @flight_time)
ON CONFLICT (tenant_id, id) DO NOTHING;

-- name: EndBid :exec
-- EndBid marks a standing bid ended; an ended one keeps its first end.
UPDATE bids SET ended_at = @ended_at::timestamptz, end_reason = @end_reason
WHERE tenant_id = @tenant_id AND id = @id AND ended_at IS NULL;

-- name: GetBid :one
-- GetBid finds a standing bid of an airline.
SELECT * FROM bids
WHERE tenant_id = $1 AND id = $2 AND ended_at IS NULL;

-- name: GetBidByNumber :one
-- GetBidByNumber finds a standing bid of an airline by its number.
SELECT * FROM bids
WHERE tenant_id = $1 AND number = $2 AND ended_at IS NULL;

-- name: ListPilotBids :many
-- ListPilotBids is a pilot's standing bids, oldest first.
SELECT * FROM bids
WHERE tenant_id = $1 AND pilot_id = $2 AND ended_at IS NULL
ORDER BY placed_at, number;

-- name: ListFlightBids :many
-- ListFlightBids is the standing bids on some of an airline's flights (a
-- page of search results), by flight.
SELECT * FROM bids
WHERE tenant_id = @tenant_id AND flight_id = ANY(@flight_ids::text[]) AND ended_at IS NULL
ORDER BY flight_id, number;

-- name: ListAircraftBids :many
-- ListAircraftBids is an airline's standing bids that reserve an aircraft.
SELECT * FROM bids
WHERE tenant_id = $1 AND aircraft_id <> '' AND ended_at IS NULL
ORDER BY aircraft_id, number;

-- name: ListExpiredBids :many
-- ListExpiredBids is the standing bids, of every airline, older at now than
-- their airline's expiry, oldest first: the expiry sweep's work.
SELECT b.* FROM bids b
JOIN airline_bid_rules r ON r.tenant_id = b.tenant_id
WHERE b.ended_at IS NULL AND r.expire_after_hours > 0
  AND b.placed_at + r.expire_after_hours * interval '1 hour' <= @now::timestamptz
ORDER BY b.placed_at, b.tenant_id, b.number
LIMIT @max_rows;

-- name: DeleteAllBids :exec
-- DeleteAllBids empties the read model before a rebuild.
DELETE FROM bids;
