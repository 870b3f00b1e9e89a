-- name: QuarantineEvent :exec
-- QuarantineEvent sets aside an event a projection could not apply; the
-- same event again keeps its first time and takes the newer error.
INSERT INTO quarantined_events (projection, commit_tx, seq, stream_id, version, event_type, error, quarantined_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (projection, commit_tx, seq) DO UPDATE SET error = EXCLUDED.error;

-- name: ListQuarantinedEvents :many
-- ListQuarantinedEvents lists the events set aside, in log order.
SELECT projection, commit_tx, seq, stream_id, version, event_type, error, quarantined_at
FROM quarantined_events
ORDER BY commit_tx, seq, projection;

-- name: DeleteQuarantinedEvent :exec
-- DeleteQuarantinedEvent takes an event out of quarantine once it applies.
DELETE FROM quarantined_events WHERE projection = $1 AND commit_tx = $2 AND seq = $3;
