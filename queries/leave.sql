-- name: UpsertLeaveRules :exec
-- UpsertLeaveRules records an airline's leave rules as they now stand.
INSERT INTO leave_rules (tenant_id, auto_approve, auto_leave_days, changed_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id) DO UPDATE
SET auto_approve = EXCLUDED.auto_approve, auto_leave_days = EXCLUDED.auto_leave_days, changed_at = EXCLUDED.changed_at;

-- name: GetLeaveRules :one
-- GetLeaveRules is an airline's leave rules; an airline that set none has
-- no row.
SELECT * FROM leave_rules
WHERE tenant_id = $1;

-- name: ListAutoLeaveRules :many
-- ListAutoLeaveRules is the rules of every airline with an activity rule,
-- the airlines the activity sweep looks at.
SELECT * FROM leave_rules
WHERE auto_leave_days > 0
ORDER BY tenant_id;

-- name: DeleteAllLeaveRules :exec
-- DeleteAllLeaveRules empties the read model before a rebuild.
DELETE FROM leave_rules;

-- name: InsertLeaveRequest :exec
-- InsertLeaveRequest records a pilot's request; the same one again changes
-- nothing.
INSERT INTO leave_requests (tenant_id, id, user_id, start_date, end_date, note, status, automatic, decided_by, reason, requested_at, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, 'pending', false, '', '', $7, NULL)
ON CONFLICT (tenant_id, id) DO NOTHING;

-- name: DecideLeaveRequest :exec
-- DecideLeaveRequest records staff's (or the airline's automatic)
-- decision on a request.
UPDATE leave_requests
SET status = $3, automatic = $4, decided_by = $5, reason = $6, decided_at = $7
WHERE tenant_id = $1 AND id = $2;

-- name: EndLeaveRequests :exec
-- EndLeaveRequests ends the approved requests of a pilot that the day of
-- their filed flight falls in.
UPDATE leave_requests
SET status = 'ended'
WHERE tenant_id = $1 AND user_id = $2 AND status = 'approved'
  AND start_date <= sqlc.arg(day)::text AND end_date >= sqlc.arg(day)::text;

-- name: ListLeaveRequestsByPilot :many
-- ListLeaveRequestsByPilot is a pilot's requests, latest first.
SELECT * FROM leave_requests
WHERE tenant_id = $1 AND user_id = $2
ORDER BY start_date DESC, id
LIMIT sqlc.arg(row_limit);

-- name: ListOpenLeaveRequests :many
-- ListOpenLeaveRequests is an airline's requests staff still decide and
-- the approved ones not over by the day: soonest first.
SELECT * FROM leave_requests
WHERE tenant_id = $1 AND (status = 'pending' OR (status = 'approved' AND end_date >= sqlc.arg(day)::text))
ORDER BY start_date, id
LIMIT sqlc.arg(row_limit);

-- name: DeleteAllLeaveRequests :exec
-- DeleteAllLeaveRequests empties the read model before a rebuild.
DELETE FROM leave_requests;

-- name: NotePilotJoined :exec
-- NotePilotJoined starts a pilot's activity when they are approved; a
-- pilot it knows keeps theirs.
INSERT INTO pilot_activity (tenant_id, user_id, joined_at, last_flight_at, away, away_since)
VALUES ($1, $2, $3, NULL, false, NULL)
ON CONFLICT (tenant_id, user_id) DO NOTHING;

-- name: NotePilotFlight :exec
-- NotePilotFlight records a flight a pilot filed; an earlier one than
-- their last leaves it.
INSERT INTO pilot_activity (tenant_id, user_id, joined_at, last_flight_at, away, away_since)
VALUES ($1, $2, sqlc.arg(filed_at)::timestamptz, sqlc.arg(filed_at)::timestamptz, false, NULL)
ON CONFLICT (tenant_id, user_id) DO UPDATE
SET last_flight_at = GREATEST(COALESCE(pilot_activity.last_flight_at, EXCLUDED.last_flight_at), EXCLUDED.last_flight_at);

-- name: SetPilotAway :exec
-- SetPilotAway records the activity rule's leave (away) or its end.
INSERT INTO pilot_activity (tenant_id, user_id, joined_at, last_flight_at, away, away_since)
VALUES ($1, $2, sqlc.arg(at)::timestamptz, NULL, sqlc.arg(away)::boolean, sqlc.narg(away_since)::timestamptz)
ON CONFLICT (tenant_id, user_id) DO UPDATE
SET away = EXCLUDED.away, away_since = EXCLUDED.away_since;

-- name: GetPilotActivity :one
-- GetPilotActivity is one pilot's activity.
SELECT * FROM pilot_activity
WHERE tenant_id = $1 AND user_id = $2;

-- name: ListPilotActivity :many
-- ListPilotActivity is the activity of every pilot of an airline.
SELECT * FROM pilot_activity
WHERE tenant_id = $1
ORDER BY user_id;

-- name: DeleteAllPilotActivity :exec
-- DeleteAllPilotActivity empties the read model before a rebuild.
DELETE FROM pilot_activity;
