-- The EXPLAIN sweep's data (explain_test.go): one large airline, "big",
-- beside 50 small ones, "small-01" to "small-50", written straight into
-- the read models with generate_series, for plans only (the rows obey the
-- columns, not the domain's rules). Ids are md5s of (tenant, table, n), so
-- a run makes the same rows and the sweep's cases can name them.
CREATE FUNCTION pg_temp.uid(tenant text, what text, n integer) RETURNS uuid
    LANGUAGE sql IMMUTABLE AS $$ SELECT md5(tenant || '/' || what || '/' || n)::uuid $$;

CREATE FUNCTION pg_temp.fill(t text, pirep_n int, pilot_n int, user_n int, flight_n int, airport_n int,
                             aircraft_n int, subfleet_n int, rank_n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    epoch timestamptz := '2024-01-01 00:00:00+00';
BEGIN
    INSERT INTO airlines (id, name, icao, iata, slug, created_at, pilot_id_prefix)
    VALUES (pg_temp.uid(t, 'airline', 0), t, 'ABC', 'AB', t, epoch, 'ABC');

    INSERT INTO airports (tenant_id, icao, iata, name, city, region, country, timezone, hub, latitude, longitude,
        elevation_ft, ground_handling_cost, fuel_100ll_cost, fuel_jeta_cost, fuel_mogas_cost, notes, search, updated_at)
    SELECT t, 'K' || lpad(i::text, 3, '0'), '', 'Airport ' || i, 'City ' || i, '', 'US', 'UTC', i % 20 = 0, 0, 0,
        0, 0, 0, 0, 0, '', lower('K' || lpad(i::text, 3, '0') || ' airport ' || i || ' city ' || i), epoch
    FROM generate_series(0, airport_n - 1) i;

    INSERT INTO subfleets (tenant_id, id, type, icao, name, hub_id, created_at, updated_at)
    SELECT t, pg_temp.uid(t, 'subfleet', i), 'T' || lpad(i::text, 2, '0'), 'B738', 'Subfleet ' || i, 'K000', epoch, epoch
    FROM generate_series(0, subfleet_n - 1) i;

    INSERT INTO aircraft (tenant_id, id, subfleet_id, registration, name, status, airport_id, flight_time, created_at, updated_at)
    SELECT t, pg_temp.uid(t, 'aircraft', i), pg_temp.uid(t, 'subfleet', i % subfleet_n), 'N' || lpad(((i * 7919) % 10000)::text, 4, '0'),
        '', 'active', 'K' || lpad((i % airport_n)::text, 3, '0'), 0, epoch, epoch
    FROM generate_series(0, aircraft_n - 1) i;

    INSERT INTO ranks (tenant_id, id, name, min_minutes, auto_promote, auto_accept, updated_at)
    SELECT t, pg_temp.uid(t, 'rank', i), 'Rank ' || i, i * 600, true, false, epoch
    FROM generate_series(0, rank_n - 1) i;

    -- The first pilot_n users are pilots with an id; of the rest, nine in
    -- ten are active members without one, the others pending.
    INSERT INTO users (tenant_id, id, email, name, role, password_hash, must_change_password, created_at, updated_at,
        country, status, status_reason, pilot_number, pilot_id)
    SELECT t, pg_temp.uid(t, 'user', i), t || '-' || i || '@example.com', 'Person ' || md5(t || i), CASE WHEN i = 0 THEN 'admin' ELSE 'pilot' END,
        '', false, epoch, epoch, 'US', CASE WHEN i < pilot_n OR i % 10 <> 0 THEN 'active' ELSE 'pending' END, '',
        CASE WHEN i < pilot_n THEN i + 1 ELSE 0 END, CASE WHEN i < pilot_n THEN 'ABC' || lpad((i + 1)::text, 4, '0') ELSE '' END
    FROM generate_series(0, user_n - 1) i;

    INSERT INTO api_keys (tenant_id, id, user_id, name, prefix, hash, created_at)
    SELECT t, pg_temp.uid(t, 'key', i), pg_temp.uid(t, 'user', i / 2), 'key', 'k', md5(t || 'key' || i), epoch + i * interval '1 minute'
    FROM generate_series(0, 2 * user_n - 1) i;

    INSERT INTO flights (tenant_id, id, flight_number, route_code, route_leg, callsign, dpt_airport, arr_airport, alt_airport,
        dpt_time, arr_time, days, start_date, end_date, distance, flight_time, level, flight_type, route, notes,
        subfleet_ids, subfleet_types, active, created_at, updated_at)
    SELECT t, pg_temp.uid(t, 'flight', i), (1000 + i)::text, '', 0, '', 'K' || lpad((i % airport_n)::text, 3, '0'),
        'K' || lpad(((i * 7 + 1) % airport_n)::text, 3, '0'), '', lpad(((i * 13) % 24)::text, 2, '0') || ':' || lpad(((i * 17) % 60)::text, 2, '0'),
        '', CASE WHEN i % 3 = 0 THEN 127 ELSE 31 END, '', '', 500, 90, 350, 'J', '', '',
        ARRAY[pg_temp.uid(t, 'subfleet', i % subfleet_n)::text], ARRAY['T' || lpad((i % subfleet_n)::text, 2, '0')], i % 20 <> 0, epoch, epoch
    FROM generate_series(0, flight_n - 1) i;

    -- PIREPs: one every ten minutes from 2024 on; seven in ten accepted,
    -- one pending, the rest rejected or drafts.
    INSERT INTO pireps (tenant_id, id, pilot_id, state, flight_number, route_code, route_leg, flight_id, dpt_airport, arr_airport,
        alt_airport, aircraft_id, block_off, block_on, flight_time, distance, level, fuel_used, landing_rate, route, remarks,
        source, reject_reason, filed_at, queued_at, updated_at)
    SELECT t, pg_temp.uid(t, 'pirep', i), pg_temp.uid(t, 'user', i % pilot_n),
        CASE WHEN i % 10 < 7 THEN 'accepted' WHEN i % 10 = 7 THEN 'pending' WHEN i % 10 = 8 THEN 'rejected' ELSE 'draft' END,
        (1000 + i % flight_n)::text, '', 0, '', 'K' || lpad((i % airport_n)::text, 3, '0'), 'K' || lpad(((i * 7 + 1) % airport_n)::text, 3, '0'),
        '', pg_temp.uid(t, 'aircraft', i % aircraft_n), f - interval '3 hours', f - interval '1 hour', 30 + (i * 37) % 271, 500, 350, 1000,
        -100 - i % 300, '', '', 'manual', '', f, f + (i % 7) * interval '1 minute', f
    FROM generate_series(0, pirep_n - 1) i, LATERAL (SELECT epoch + i * interval '10 minutes' AS f) filed;

    INSERT INTO pilot_stats (tenant_id, pilot_id, flights, minutes, last_flight, location, landing_rate, landing_rate_sum, landing_rates)
    SELECT t, pilot_id, count(*), sum(flight_time), max(block_on), 'K000', avg(landing_rate)::int, sum(landing_rate), count(*)
    FROM pireps WHERE tenant_id = t AND state = 'accepted' GROUP BY pilot_id;

    INSERT INTO aircraft_pirep_totals (tenant_id, aircraft_id, flights, minutes, location, last_block_on)
    SELECT t, aircraft_id, count(*), sum(flight_time), 'K000', max(block_on)
    FROM pireps WHERE tenant_id = t AND state = 'accepted' GROUP BY aircraft_id;

    INSERT INTO pilot_ranks (tenant_id, pilot_id, rank_id, floor_id, set_at)
    SELECT t, pg_temp.uid(t, 'user', i), pg_temp.uid(t, 'rank', i % rank_n)::text, '', epoch
    FROM generate_series(0, pilot_n - 1) i;

    -- Ten notices a user, the older half read.
    INSERT INTO notices (tenant_id, user_id, id, kind, pirep_id, flight_number, dpt_airport, arr_airport, reason, rank_id,
        prev_rank_id, created_at, read_at)
    SELECT t, pg_temp.uid(t, 'user', i / 10), 'n' || i, 'pirep_accepted', pg_temp.uid(t, 'pirep', i)::text, '1000', 'K000', 'K001',
        '', '', '', epoch + i * interval '1 minute', CASE WHEN i % 10 < 5 THEN epoch + i * interval '1 minute' END
    FROM generate_series(0, 10 * user_n - 1) i;

    -- Three comments on every fifth PIREP.
    INSERT INTO pirep_comments (tenant_id, pirep_id, id, author_id, text, created_at)
    SELECT t, pg_temp.uid(t, 'pirep', (i / 3) * 5), pg_temp.uid(t, 'comment', i), pg_temp.uid(t, 'user', 0)::text, 'A comment',
        epoch + i * interval '1 minute'
    FROM generate_series(0, 3 * (pirep_n / 5) - 1) i;
END $$;

SELECT pg_temp.fill('big', 100000, 200, 2000, 50000, 400, 500, 20, 10);
SELECT pg_temp.fill('small-' || lpad(n::text, 2, '0'), 2000, 10, 40, 1000, 30, 20, 4, 6) FROM generate_series(1, 50) n;
ANALYZE;
