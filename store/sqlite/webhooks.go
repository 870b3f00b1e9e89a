package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/albatross-va/albatross/store/webhooks"
)

// webhookSchema has the meaning of migrations/20261206003001_webhook_deliveries.sql;
// times are Unix microseconds. Like reactor_checkpoints it is kept beside
// the log, so a restart, which rebuilds the in-memory read models, sends
// nothing twice and forgets no delivery. The embedded mode is one process:
// no claims are kept.
const webhookSchema = `
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    key             TEXT NOT NULL,
    topic           TEXT NOT NULL,
    body            BLOB NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    response_code   INTEGER NOT NULL DEFAULT 0,
    response        TEXT NOT NULL DEFAULT '',
    CONSTRAINT webhook_deliveries_key UNIQUE (webhook_id, key)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries (webhook_id, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_log ON webhook_deliveries (tenant_id, webhook_id, id DESC);
CREATE TABLE IF NOT EXISTS webhook_signing_key (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    key       TEXT NOT NULL
);
`

// WebhookQueue keeps the webhooks' deliveries in the log's file
// (webhooks.Queue).
type WebhookQueue struct {
	writer, reader *sql.DB

	once sync.Once
	err  error
}

var _ webhooks.Queue = (*WebhookQueue)(nil)

// WebhookQueue returns the log's webhook delivery queue, creating its
// tables on first use.
func (s *EventStore) WebhookQueue() *WebhookQueue {
	return &WebhookQueue{writer: s.writer, reader: s.reader}
}

func (q *WebhookQueue) ready(ctx context.Context) error {
	q.once.Do(func() {
		if _, err := q.writer.ExecContext(ctx, webhookSchema); err != nil {
			q.err = fmt.Errorf("create the webhook delivery tables: %w", err)
			return
		}
		var b [32]byte
		_, _ = rand.Read(b[:])
		if _, err := q.writer.ExecContext(ctx, `INSERT INTO webhook_signing_key (singleton, key) VALUES (1, ?) ON CONFLICT DO NOTHING`,
			hex.EncodeToString(b[:])); err != nil {
			q.err = fmt.Errorf("create the webhook signing key: %w", err)
		}
	})
	return q.err
}

const sqliteDeliveryColumns = `tenant_id, webhook_id, id, key, topic, body, status, attempts, created_at, next_attempt_at,
    last_attempt_at, response_code, response`

type rowScanner interface{ Scan(dest ...any) error }

func scanSQLiteDelivery(row rowScanner) (webhooks.Delivery, error) {
	var d webhooks.Delivery
	var created, next int64
	var last sql.NullInt64
	err := row.Scan(&d.TenantID, &d.WebhookID, &d.ID, &d.Key, &d.Topic, &d.Body, &d.Status, &d.Attempts,
		&created, &next, &last, &d.ResponseCode, &d.Response)
	d.CreatedAt, d.NextAttemptAt = time.UnixMicro(created).UTC(), time.UnixMicro(next).UTC()
	if last.Valid {
		d.LastAttemptAt = time.UnixMicro(last.Int64).UTC()
	}
	return d, err
}

// Enqueue implements webhooks.Queue.
func (q *WebhookQueue) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	if err := q.ready(ctx); err != nil {
		return false, err
	}
	res, err := q.writer.ExecContext(ctx, `
INSERT INTO webhook_deliveries (tenant_id, webhook_id, key, topic, body, created_at, next_attempt_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (webhook_id, key) DO NOTHING`, d.TenantID, d.WebhookID, d.Key, d.Topic, d.Body, d.CreatedAt.UnixMicro(), d.CreatedAt.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("queue a delivery to webhook %s: %w", d.WebhookID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PendingWebhooks implements webhooks.Queue.
func (q *WebhookQueue) PendingWebhooks(ctx context.Context) ([][2]string, error) {
	if err := q.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := q.reader.QueryContext(ctx, `SELECT DISTINCT tenant_id, webhook_id FROM webhook_deliveries WHERE status = 'pending'`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks with pending deliveries: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var h [2]string
		if err := rows.Scan(&h[0], &h[1]); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Head implements webhooks.Queue.
func (q *WebhookQueue) Head(ctx context.Context, webhookID string) (webhooks.Delivery, bool, error) {
	if err := q.ready(ctx); err != nil {
		return webhooks.Delivery{}, false, err
	}
	d, err := scanSQLiteDelivery(q.reader.QueryRowContext(ctx, `SELECT `+sqliteDeliveryColumns+` FROM webhook_deliveries
WHERE webhook_id = ? AND status = 'pending' ORDER BY id LIMIT 1`, webhookID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("read the next delivery of webhook %s: %w", webhookID, err)
	}
	return d, true, nil
}

// Record implements webhooks.Queue.
func (q *WebhookQueue) Record(ctx context.Context, id int64, a webhooks.Attempt) error {
	if err := q.ready(ctx); err != nil {
		return err
	}
	next := a.NextAt
	if next.IsZero() {
		next = a.At
	}
	if _, err := q.writer.ExecContext(ctx, `
UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?,
    response_code = ?, response = ?
WHERE id = ?`, a.Status, a.At.UnixMicro(), next.UnixMicro(), a.ResponseCode, a.Response, id); err != nil {
		return fmt.Errorf("record an attempt of delivery %d: %w", id, err)
	}
	return nil
}

// List implements webhooks.Queue.
func (q *WebhookQueue) List(ctx context.Context, tenantID, webhookID string, limit int) ([]webhooks.Delivery, error) {
	if err := q.ready(ctx); err != nil {
		return nil, err
	}
	rows, err := q.reader.QueryContext(ctx, `SELECT `+sqliteDeliveryColumns+` FROM webhook_deliveries
WHERE tenant_id = ? AND webhook_id = ? ORDER BY id DESC LIMIT ?`, tenantID, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of webhook %s: %w", webhookID, err)
	}
	defer rows.Close()
	var out []webhooks.Delivery
	for rows.Next() {
		d, err := scanSQLiteDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Get implements webhooks.Queue.
func (q *WebhookQueue) Get(ctx context.Context, tenantID, webhookID string, id int64) (webhooks.Delivery, bool, error) {
	if err := q.ready(ctx); err != nil {
		return webhooks.Delivery{}, false, err
	}
	d, err := scanSQLiteDelivery(q.reader.QueryRowContext(ctx, `SELECT `+sqliteDeliveryColumns+` FROM webhook_deliveries
WHERE tenant_id = ? AND webhook_id = ? AND id = ?`, tenantID, webhookID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("read delivery %d: %w", id, err)
	}
	return d, true, nil
}

// Claim implements webhooks.Queue: the embedded mode is one process, whose
// worker runs each webhook's queue in one goroutine.
func (q *WebhookQueue) Claim(context.Context, string, string, time.Duration) (bool, error) {
	return true, nil
}

// SigningKey implements webhooks.Queue.
func (q *WebhookQueue) SigningKey(ctx context.Context) ([]byte, error) {
	if err := q.ready(ctx); err != nil {
		return nil, err
	}
	var key string
	if err := q.reader.QueryRowContext(ctx, `SELECT key FROM webhook_signing_key WHERE singleton = 1`).Scan(&key); err != nil {
		return nil, fmt.Errorf("read the webhook signing key: %w", err)
	}
	return []byte(key), nil
}

// Prune implements webhooks.Queue.
func (q *WebhookQueue) Prune(ctx context.Context, before time.Time) error {
	if err := q.ready(ctx); err != nil {
		return err
	}
	if _, err := q.writer.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE status <> ? AND last_attempt_at < ?`,
		webhooks.Pending, before.UnixMicro()); err != nil {
		return fmt.Errorf("prune the webhook deliveries: %w", err)
	}
	return nil
}
