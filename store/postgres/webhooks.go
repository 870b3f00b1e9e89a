package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/store/webhooks"
)

// WebhookQueue keeps the webhooks' deliveries in the webhook_deliveries
// table (webhooks.Queue), beside the log and apart from the read models.
type WebhookQueue struct{ pool *pgxpool.Pool }

// NewWebhookQueue returns the delivery queue of pool's database.
func NewWebhookQueue(pool *pgxpool.Pool) *WebhookQueue { return &WebhookQueue{pool: pool} }

var _ webhooks.Queue = (*WebhookQueue)(nil)

const deliveryColumns = `tenant_id, webhook_id, id, key, topic, body, status, attempts, created_at, next_attempt_at,
    last_attempt_at, response_code, response`

func scanDelivery(row pgx.Row) (webhooks.Delivery, error) {
	var d webhooks.Delivery
	var last *time.Time
	err := row.Scan(&d.TenantID, &d.WebhookID, &d.ID, &d.Key, &d.Topic, &d.Body, &d.Status, &d.Attempts,
		&d.CreatedAt, &d.NextAttemptAt, &last, &d.ResponseCode, &d.Response)
	if last != nil {
		d.LastAttemptAt = *last
	}
	return d, err
}

// Enqueue implements webhooks.Queue.
func (q *WebhookQueue) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	tag, err := q.pool.Exec(ctx, `
INSERT INTO webhook_deliveries (tenant_id, webhook_id, key, topic, body, created_at, next_attempt_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (webhook_id, key) DO NOTHING`, d.TenantID, d.WebhookID, d.Key, d.Topic, d.Body, d.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("queue a delivery to webhook %s: %w", d.WebhookID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// PendingWebhooks implements webhooks.Queue.
func (q *WebhookQueue) PendingWebhooks(ctx context.Context) ([][2]string, error) {
	rows, err := q.pool.Query(ctx, `SELECT DISTINCT tenant_id, webhook_id FROM webhook_deliveries WHERE status = 'pending'`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks with pending deliveries: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var h [2]string
		err := r.Scan(&h[0], &h[1])
		return h, err
	})
}

// Head implements webhooks.Queue.
func (q *WebhookQueue) Head(ctx context.Context, webhookID string) (webhooks.Delivery, bool, error) {
	d, err := scanDelivery(q.pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
WHERE webhook_id = $1 AND status = 'pending' ORDER BY id LIMIT 1`, webhookID))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("read the next delivery of webhook %s: %w", webhookID, err)
	}
	return d, true, nil
}

// Record implements webhooks.Queue.
func (q *WebhookQueue) Record(ctx context.Context, id int64, a webhooks.Attempt) error {
	next := a.NextAt
	if next.IsZero() {
		next = a.At
	}
	if _, err := q.pool.Exec(ctx, `
UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_attempt_at = $3, next_attempt_at = $4,
    response_code = $5, response = $6
WHERE id = $1`, id, a.Status, a.At, next, a.ResponseCode, a.Response); err != nil {
		return fmt.Errorf("record an attempt of delivery %d: %w", id, err)
	}
	return nil
}

// List implements webhooks.Queue.
func (q *WebhookQueue) List(ctx context.Context, tenantID, webhookID string, limit int) ([]webhooks.Delivery, error) {
	rows, err := q.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
WHERE tenant_id = $1 AND webhook_id = $2 ORDER BY id DESC LIMIT $3`, tenantID, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of webhook %s: %w", webhookID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (webhooks.Delivery, error) { return scanDelivery(r) })
}

// Get implements webhooks.Queue.
func (q *WebhookQueue) Get(ctx context.Context, tenantID, webhookID string, id int64) (webhooks.Delivery, bool, error) {
	d, err := scanDelivery(q.pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
WHERE tenant_id = $1 AND webhook_id = $2 AND id = $3`, tenantID, webhookID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("read delivery %d: %w", id, err)
	}
	return d, true, nil
}

// Claim implements webhooks.Queue: the claim is a row whose holder may
// renew it, and which anyone may take once it has run out.
func (q *WebhookQueue) Claim(ctx context.Context, webhookID, holder string, ttl time.Duration) (bool, error) {
	var got string
	err := q.pool.QueryRow(ctx, `
INSERT INTO webhook_claims (webhook_id, holder, until) VALUES ($1, $2, now() + make_interval(secs => $3))
ON CONFLICT (webhook_id) DO UPDATE SET holder = excluded.holder, until = excluded.until
WHERE webhook_claims.holder = excluded.holder OR webhook_claims.until < now()
RETURNING holder`, webhookID, holder, ttl.Seconds()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim webhook %s: %w", webhookID, err)
	}
	return got == holder, nil
}

// SigningKey implements webhooks.Queue.
func (q *WebhookQueue) SigningKey(ctx context.Context) ([]byte, error) {
	var key string
	if err := q.pool.QueryRow(ctx, `SELECT key FROM webhook_signing_key`).Scan(&key); err != nil {
		return nil, fmt.Errorf("read the webhook signing key: %w", err)
	}
	return []byte(key), nil
}

// Prune implements webhooks.Queue.
func (q *WebhookQueue) Prune(ctx context.Context, before time.Time) error {
	if _, err := q.pool.Exec(ctx, `DELETE FROM webhook_deliveries WHERE status <> $1 AND last_attempt_at < $2`,
		webhooks.Pending, before); err != nil {
		return fmt.Errorf("prune the webhook deliveries: %w", err)
	}
	return nil
}
