-- name: UpsertSimbriefOfp :exec
-- UpsertSimbriefOfp writes an OFP's row from its fetch; a second fetch of
-- the same OFP replaces it and keeps the PIREP that used it.
INSERT INTO simbrief_ofps (tenant_id, id, pilot_id, flight_id, aircraft_id, bid_id, pirep_id, fetched_at,
    planned_distance, ofp, acars_xml)
VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10)
ON CONFLICT (tenant_id, id) DO UPDATE
SET pilot_id = EXCLUDED.pilot_id, flight_id = EXCLUDED.flight_id, aircraft_id = EXCLUDED.aircraft_id,
    bid_id = EXCLUDED.bid_id, fetched_at = EXCLUDED.fetched_at, planned_distance = EXCLUDED.planned_distance,
    ofp = EXCLUDED.ofp, acars_xml = EXCLUDED.acars_xml;

-- name: AttachSimbriefOfp :exec
-- AttachSimbriefOfp records the PIREP that used an OFP.
UPDATE simbrief_ofps SET pirep_id = $3
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteSimbriefOfp :exec
-- DeleteSimbriefOfp removes an expired OFP.
DELETE FROM simbrief_ofps
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteAllSimbriefOfps :exec
-- DeleteAllSimbriefOfps empties the read model before a rebuild.
DELETE FROM simbrief_ofps;

-- name: GetSimbriefOfp :one
-- GetSimbriefOfp returns an airline's OFP by its id.
SELECT * FROM simbrief_ofps
WHERE tenant_id = $1 AND id = $2;

-- name: GetPilotFlightOfp :one
-- GetPilotFlightOfp returns a pilot's newest OFP of a schedule flight that
-- no PIREP used yet: the one the flight's page and API show them.
SELECT * FROM simbrief_ofps
WHERE tenant_id = $1 AND pilot_id = $2 AND flight_id = $3 AND pirep_id = ''
ORDER BY fetched_at DESC, id COLLATE "C" DESC
LIMIT 1;

-- name: GetPirepOfp :one
-- GetPirepOfp returns the OFP a PIREP used, the newest when several.
SELECT * FROM simbrief_ofps
WHERE tenant_id = $1 AND pirep_id = $2 AND pirep_id <> ''
ORDER BY fetched_at DESC, id COLLATE "C" DESC
LIMIT 1;

-- name: ListUnusedOfps :many
-- ListUnusedOfps lists every airline's OFPs no PIREP used, fetched at or
-- before a time, oldest first (the expiry sweep).
SELECT tenant_id, id, fetched_at FROM simbrief_ofps
WHERE pirep_id = '' AND fetched_at <= $1
ORDER BY fetched_at, tenant_id COLLATE "C", id COLLATE "C"
LIMIT $2;

-- name: ListBidOfps :many
-- ListBidOfps lists the OFPs planned for a bid that no PIREP used (they
-- leave with the bid), by id.
SELECT id FROM simbrief_ofps
WHERE tenant_id = $1 AND bid_id = $2 AND bid_id <> '' AND pirep_id = ''
ORDER BY id COLLATE "C";

-- name: ListPilotOfps :many
-- ListPilotOfps lists a pilot's OFPs that no PIREP used, newest first,
-- without the OFPs themselves: a list of flights shows each flight's
-- newest from one read.
SELECT id, flight_id, aircraft_id, fetched_at FROM simbrief_ofps
WHERE tenant_id = $1 AND pilot_id = $2 AND pirep_id = ''
ORDER BY fetched_at DESC, id COLLATE "C" DESC;
