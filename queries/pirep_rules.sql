-- name: GetAirlinePirepRules :one
-- GetAirlinePirepRules returns an airline's optional filing rules; an
-- airline that never set them has no row.
SELECT * FROM airline_pirep_rules
WHERE tenant_id = $1;

-- name: UpsertAirlinePirepRules :exec
-- UpsertAirlinePirepRules writes an airline's filing rules from its events.
INSERT INTO airline_pirep_rules (tenant_id, aircraft_at_departure, pilot_at_departure, updated_at, abandon_after_minutes,
    public_live_map_off, allow_charters, allow_jumpseats, jumpseats_per_month, jumpseat_hubs_only)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (tenant_id) DO UPDATE
SET aircraft_at_departure = EXCLUDED.aircraft_at_departure, pilot_at_departure = EXCLUDED.pilot_at_departure,
    updated_at = EXCLUDED.updated_at, abandon_after_minutes = EXCLUDED.abandon_after_minutes,
    public_live_map_off = EXCLUDED.public_live_map_off, allow_charters = EXCLUDED.allow_charters,
    allow_jumpseats = EXCLUDED.allow_jumpseats, jumpseats_per_month = EXCLUDED.jumpseats_per_month,
    jumpseat_hubs_only = EXCLUDED.jumpseat_hubs_only;

-- name: DeleteAllAirlinePirepRules :exec
-- DeleteAllAirlinePirepRules empties the read model before a rebuild.
DELETE FROM airline_pirep_rules;
