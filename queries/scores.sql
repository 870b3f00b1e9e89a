-- name: InsertPirepScore :exec
-- InsertPirepScore records a PIREP's score; a PIREP scored already keeps
-- its first.
INSERT INTO pirep_scores (tenant_id, pirep_id, pilot_id, score, bands_version, landing_rate, breakdown, scored_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (tenant_id, pirep_id) DO NOTHING;

-- name: GetPirepScore :one
-- GetPirepScore is a PIREP's score.
SELECT * FROM pirep_scores
WHERE tenant_id = $1 AND pirep_id = $2;

-- name: DeleteAllPirepScores :exec
-- DeleteAllPirepScores empties the read model before a rebuild.
DELETE FROM pirep_scores;

-- name: SumPilotScores :one
-- SumPilotScores is how many of a pilot's PIREPs that are accepted
-- now were scored, and their points.
SELECT count(*)::bigint AS flights, coalesce(sum(s.score), 0)::bigint AS points
FROM pirep_scores s
JOIN pireps p ON p.tenant_id = s.tenant_id AND p.id = s.pirep_id AND p.state = 'accepted'
WHERE s.tenant_id = sqlc.arg(tenant_id) AND s.pilot_id = sqlc.arg(pilot_id);

-- name: ListPointsLeadersBetween :many
-- ListPointsLeadersBetween ranks the airline's pilots by the points of
-- their accepted PIREPs with block-on in [from_time, to_time), then by
-- flights; ties by user id. A pilot no longer in the airline keeps their
-- place with an empty name.
SELECT s.pilot_id AS user_id, coalesce(u.pilot_id, '')::text AS pilot_ident, coalesce(u.name, '')::text AS name,
    count(*)::bigint AS flights, sum(s.score)::bigint AS points
FROM pirep_scores s
JOIN pireps p ON p.tenant_id = s.tenant_id AND p.id = s.pirep_id AND p.state = 'accepted'
LEFT JOIN users u ON u.id = s.pilot_id AND u.tenant_id = s.tenant_id
WHERE s.tenant_id = sqlc.arg(tenant_id)
  AND p.block_on >= sqlc.arg(from_time) AND p.block_on < sqlc.arg(to_time)
GROUP BY s.pilot_id, u.pilot_id, u.name
ORDER BY points DESC, flights DESC, s.pilot_id
LIMIT sqlc.arg(row_limit);

-- name: ListBestLandingsBetween :many
-- ListBestLandingsBetween is the airline's softest landings: accepted
-- PIREPs with a landing rate, block-on in [from_time, to_time), the rate
-- nearest zero first, then the earlier, then by id.
SELECT p.id, p.pilot_id AS user_id, coalesce(u.pilot_id, '')::text AS pilot_ident, coalesce(u.name, '')::text AS name,
    p.flight_number, p.dpt_airport, p.arr_airport, coalesce(a.registration, '')::text AS registration,
    coalesce(sf.icao, '')::text AS aircraft_icao, p.landing_rate, p.block_on
FROM pireps p
LEFT JOIN users u ON u.id = p.pilot_id AND u.tenant_id = p.tenant_id
LEFT JOIN aircraft a ON a.tenant_id = p.tenant_id AND a.id = p.aircraft_id
LEFT JOIN subfleets sf ON sf.tenant_id = a.tenant_id AND sf.id = a.subfleet_id
WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.state = 'accepted' AND p.landing_rate <> 0
  AND p.block_on >= sqlc.arg(from_time) AND p.block_on < sqlc.arg(to_time)
ORDER BY abs(p.landing_rate), p.block_on, p.id
LIMIT sqlc.arg(row_limit);

-- name: ListDailyFlightsBetween :many
-- ListDailyFlightsBetween is the airline's accepted flights and minutes by
-- UTC day of block-on in [from_time, to_time); day is days since
-- 1970-01-01. A day without a flight has no row.
SELECT floor(extract(epoch FROM p.block_on) / 86400)::bigint AS day, count(*)::bigint AS flights,
    coalesce(sum(p.flight_time), 0)::bigint AS minutes
FROM pireps p
WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.state = 'accepted'
  AND p.block_on >= sqlc.arg(from_time) AND p.block_on < sqlc.arg(to_time)
GROUP BY 1
ORDER BY 1;

-- name: ListTopRoutesBetween :many
-- ListTopRoutesBetween is the airline's most flown routes (departure to
-- arrival) of accepted PIREPs with block-on in [from_time, to_time), most
-- flights first, then by the airports.
SELECT p.dpt_airport, p.arr_airport, count(*)::bigint AS flights, coalesce(sum(p.flight_time), 0)::bigint AS minutes
FROM pireps p
WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.state = 'accepted'
  AND p.block_on >= sqlc.arg(from_time) AND p.block_on < sqlc.arg(to_time)
GROUP BY p.dpt_airport, p.arr_airport
ORDER BY flights DESC, p.dpt_airport COLLATE "C", p.arr_airport COLLATE "C"
LIMIT sqlc.arg(row_limit);

-- name: ListAircraftTypesFlownBetween :many
-- ListAircraftTypesFlownBetween is the ICAO types of the aircraft of the
-- airline's accepted PIREPs with block-on in [from_time, to_time), most
-- flights first, then by type; an aircraft no longer known counts as ''.
SELECT coalesce(sf.icao, '')::text AS aircraft_icao, count(*)::bigint AS flights, coalesce(sum(p.flight_time), 0)::bigint AS minutes
FROM pireps p
LEFT JOIN aircraft a ON a.tenant_id = p.tenant_id AND a.id = p.aircraft_id
LEFT JOIN subfleets sf ON sf.tenant_id = a.tenant_id AND sf.id = a.subfleet_id
WHERE p.tenant_id = sqlc.arg(tenant_id) AND p.state = 'accepted'
  AND p.block_on >= sqlc.arg(from_time) AND p.block_on < sqlc.arg(to_time)
GROUP BY coalesce(sf.icao, '')
ORDER BY flights DESC, coalesce(sf.icao, '') COLLATE "C"
LIMIT sqlc.arg(row_limit);
