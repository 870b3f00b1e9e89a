-- name: CollectFilingFacts :one
-- CollectFilingFacts reads in one round trip all that filing a PIREP checks
-- against the airline: its filing rules (rules_set is false for an airline
-- that never set them), the pilot's location (their latest accepted
-- arrival or, when later, their latest jumpseat's airport; else their home
-- hub; '' for none), those of the named airports the airline has (three
-- arrays in the same ICAO order), and the aircraft as its accepted PIREPs
-- left it, with its subfleet (aircraft_found is false when the airline has
-- no such aircraft).
-- It always returns one row.
SELECT
    EXISTS (SELECT 1 FROM airline_pirep_rules r WHERE r.tenant_id = sqlc.arg(tenant_id)) AS rules_set,
    COALESCE((SELECT r.aircraft_at_departure FROM airline_pirep_rules r WHERE r.tenant_id = sqlc.arg(tenant_id)), false)::bool AS aircraft_at_departure,
    COALESCE((SELECT r.pilot_at_departure FROM airline_pirep_rules r WHERE r.tenant_id = sqlc.arg(tenant_id)), false)::bool AS pilot_at_departure,
    COALESCE((SELECT r.allow_charters FROM airline_pirep_rules r WHERE r.tenant_id = sqlc.arg(tenant_id)), false)::bool AS allow_charters,
    COALESCE(NULLIF((SELECT CASE WHEN j.moved_at IS NOT NULL AND (s.last_flight IS NULL OR j.moved_at > s.last_flight) THEN j.to_airport ELSE s.location END
              FROM (SELECT 1) one
              LEFT JOIN pilot_stats s ON s.tenant_id = sqlc.arg(tenant_id) AND s.pilot_id = sqlc.arg(pilot_id)
              LEFT JOIN LATERAL (SELECT j.to_airport, j.moved_at FROM jumpseats j
                                 WHERE j.tenant_id = sqlc.arg(tenant_id) AND j.pilot_id = sqlc.arg(pilot_id)
                                 ORDER BY j.moved_at DESC, j.id DESC LIMIT 1) j ON true), ''),
             (SELECT u.home_airport FROM users u WHERE u.tenant_id = sqlc.arg(tenant_id) AND u.id = sqlc.arg(pilot_id)), '')::text AS pilot_location,
    COALESCE((SELECT array_agg(a.icao ORDER BY a.icao) FROM airports a
              WHERE a.tenant_id = sqlc.arg(tenant_id) AND a.icao = ANY(sqlc.arg(icaos)::text[])), '{}')::text[] AS airport_icaos,
    COALESCE((SELECT array_agg(a.latitude ORDER BY a.icao) FROM airports a
              WHERE a.tenant_id = sqlc.arg(tenant_id) AND a.icao = ANY(sqlc.arg(icaos)::text[])), '{}')::float8[] AS airport_latitudes,
    COALESCE((SELECT array_agg(a.longitude ORDER BY a.icao) FROM airports a
              WHERE a.tenant_id = sqlc.arg(tenant_id) AND a.icao = ANY(sqlc.arg(icaos)::text[])), '{}')::float8[] AS airport_longitudes,
    EXISTS (SELECT 1 FROM aircraft ac WHERE ac.tenant_id = sqlc.arg(tenant_id) AND ac.id = sqlc.arg(aircraft_id)) AS aircraft_found,
    COALESCE((SELECT ac.registration FROM aircraft ac WHERE ac.tenant_id = sqlc.arg(tenant_id) AND ac.id = sqlc.arg(aircraft_id)), '')::text AS aircraft_registration,
    COALESCE((SELECT ac.status FROM aircraft ac WHERE ac.tenant_id = sqlc.arg(tenant_id) AND ac.id = sqlc.arg(aircraft_id)), '')::text AS aircraft_status,
    COALESCE((SELECT ac.subfleet_id::text FROM aircraft ac WHERE ac.tenant_id = sqlc.arg(tenant_id) AND ac.id = sqlc.arg(aircraft_id)), '')::text AS aircraft_subfleet_id,
    COALESCE((SELECT COALESCE(NULLIF(t.location, ''), ac.airport_id) FROM aircraft ac
              LEFT JOIN aircraft_pirep_totals t ON t.tenant_id = ac.tenant_id AND t.aircraft_id = ac.id
              WHERE ac.tenant_id = sqlc.arg(tenant_id) AND ac.id = sqlc.arg(aircraft_id)), '')::text AS aircraft_airport;
