-- name: UpsertFare :exec
-- UpsertFare writes a fare's row from its latest save.
INSERT INTO fares (tenant_id, code, name, type, price_cents, cost_cents, capacity, notes, active, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (tenant_id, code) DO UPDATE
SET name = EXCLUDED.name, type = EXCLUDED.type, price_cents = EXCLUDED.price_cents, cost_cents = EXCLUDED.cost_cents,
    capacity = EXCLUDED.capacity, notes = EXCLUDED.notes, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at;

-- name: ListFares :many
-- ListFares is an airline's fares by code (byte order, as the in-memory
-- read models sort).
SELECT tenant_id, code, name, type, price_cents, cost_cents, capacity, notes, active, updated_at
FROM fares
WHERE tenant_id = $1
ORDER BY code COLLATE "C";

-- name: DeleteAllFares :exec
-- DeleteAllFares empties the read model before a rebuild.
DELETE FROM fares;

-- name: UpsertExpense :exec
-- UpsertExpense writes an expense's row from its latest save; a new one
-- comes after the airline's others, a changed one keeps its place.
INSERT INTO expenses (tenant_id, key, airline, name, amount_cents, type, flight_type, charge_to_user, multiplier, active,
    ref_model, ref_model_id, seq, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
    COALESCE((SELECT max(seq) FROM expenses WHERE tenant_id = $1), 0) + 1, $13)
ON CONFLICT (tenant_id, key) DO UPDATE
SET airline = EXCLUDED.airline, name = EXCLUDED.name, amount_cents = EXCLUDED.amount_cents, type = EXCLUDED.type,
    flight_type = EXCLUDED.flight_type, charge_to_user = EXCLUDED.charge_to_user, multiplier = EXCLUDED.multiplier,
    active = EXCLUDED.active, ref_model = EXCLUDED.ref_model, ref_model_id = EXCLUDED.ref_model_id,
    updated_at = EXCLUDED.updated_at;

-- name: ListExpenses :many
-- ListExpenses is an airline's expenses in the order they were first
-- saved (a file's order).
SELECT tenant_id, key, airline, name, amount_cents, type, flight_type, charge_to_user, multiplier, active,
    ref_model, ref_model_id, seq, updated_at
FROM expenses
WHERE tenant_id = $1
ORDER BY seq;

-- name: DeleteAllExpenses :exec
-- DeleteAllExpenses empties the read model before a rebuild.
DELETE FROM expenses;
