-- name: UpsertTour :exec
-- UpsertTour records a tour as staff saved it last.
INSERT INTO tours (tenant_id, id, name, description, any_order, starts_on, ends_on, legs, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
    any_order = EXCLUDED.any_order, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
    legs = EXCLUDED.legs, updated_at = EXCLUDED.updated_at;

-- name: DeleteTour :exec
-- DeleteTour removes a deleted tour.
DELETE FROM tours WHERE tenant_id = $1 AND id = $2;

-- name: ListTours :many
-- ListTours is an airline's tours by name.
SELECT * FROM tours
WHERE tenant_id = $1
ORDER BY name COLLATE "C", id;

-- name: GetTour :one
-- GetTour is one tour of an airline.
SELECT * FROM tours
WHERE tenant_id = $1 AND id = $2;

-- name: DeleteAllTours :exec
-- DeleteAllTours empties the read model before a rebuild.
DELETE FROM tours;

-- name: InsertTourLeg :exec
-- InsertTourLeg records one leg of a tour as saved.
INSERT INTO tour_legs (tenant_id, tour_id, n, dpt, arr, flight_number, aircraft_icao)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (tenant_id, tour_id, n) DO UPDATE SET dpt = EXCLUDED.dpt, arr = EXCLUDED.arr,
    flight_number = EXCLUDED.flight_number, aircraft_icao = EXCLUDED.aircraft_icao;

-- name: DeleteTourLegs :exec
-- DeleteTourLegs removes a tour's legs before they are saved again.
DELETE FROM tour_legs WHERE tenant_id = $1 AND tour_id = $2;

-- name: ListTourLegs :many
-- ListTourLegs is a tour's legs in their order.
SELECT * FROM tour_legs
WHERE tenant_id = $1 AND tour_id = $2
ORDER BY n;

-- name: DeleteAllTourLegs :exec
-- DeleteAllTourLegs empties the read model before a rebuild.
DELETE FROM tour_legs;

-- name: InsertTourLegFlown :exec
-- InsertTourLegFlown records a leg a pilot's PIREP counted.
INSERT INTO tour_legs_flown (tenant_id, user_id, tour_id, n, pirep_id, flown_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, user_id, tour_id, n) DO NOTHING;

-- name: DeleteTourLegFlown :exec
-- DeleteTourLegFlown takes back a leg whose PIREP was rejected.
DELETE FROM tour_legs_flown
WHERE tenant_id = $1 AND user_id = $2 AND tour_id = $3 AND n = $4;

-- name: ListPilotTourLegsFlown :many
-- ListPilotTourLegsFlown is the legs a pilot has flown, on every tour, by
-- tour and leg.
SELECT * FROM tour_legs_flown
WHERE tenant_id = $1 AND user_id = $2
ORDER BY tour_id, n;

-- name: DeleteAllTourLegsFlown :exec
-- DeleteAllTourLegsFlown empties the read model before a rebuild.
DELETE FROM tour_legs_flown;

-- name: InsertTourCompletion :exec
-- InsertTourCompletion records that a pilot finished a tour; a second one
-- keeps the first.
INSERT INTO tour_completions (tenant_id, tour_id, user_id, completed_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, tour_id, user_id) DO NOTHING;

-- name: DeleteTourCompletion :exec
-- DeleteTourCompletion takes back a completion.
DELETE FROM tour_completions
WHERE tenant_id = $1 AND tour_id = $2 AND user_id = $3;

-- name: ListTourCompletions :many
-- ListTourCompletions is a tour's leaderboard: who finished it, first
-- finished first.
SELECT * FROM tour_completions
WHERE tenant_id = $1 AND tour_id = $2
ORDER BY completed_at, user_id;

-- name: DeleteAllTourCompletions :exec
-- DeleteAllTourCompletions empties the read model before a rebuild.
DELETE FROM tour_completions;
