package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/mail"
)

// MailStore is mail.Store on PostgreSQL
// (migrations/20261206002001_mail.sql). Several processes may run a
// worker: a claim skips the rows another one holds.
type MailStore struct {
	pool *pgxpool.Pool
}

var _ mail.Store = (*MailStore)(nil)

// NewMailStore returns the email store on pool.
func NewMailStore(pool *pgxpool.Pool) *MailStore { return &MailStore{pool: pool} }

// Enqueue implements mail.Outbox.
func (m *MailStore) Enqueue(ctx context.Context, q mail.Queued) (bool, error) {
	tag, err := m.pool.Exec(ctx, `
INSERT INTO mail_outbox (id, key, tenant_id, kind, recipient, subject, raw, status, next_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING`,
		q.ID, q.Key, q.TenantID, q.Kind, q.To, q.Subject, q.Raw, mail.StatusPending, q.NextAt, q.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("queue an email: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

const pgOutboxColumns = `id, key, tenant_id, kind, recipient, subject, raw, status, attempts, next_at, last_error, created_at, sent_at`

func scanPgQueued(rows pgx.Rows) ([]mail.Queued, error) {
	defer rows.Close()
	var out []mail.Queued
	for rows.Next() {
		var q mail.Queued
		var sent *time.Time
		if err := rows.Scan(&q.ID, &q.Key, &q.TenantID, &q.Kind, &q.To, &q.Subject, &q.Raw, &q.Status, &q.Attempts,
			&q.NextAt, &q.LastError, &q.CreatedAt, &sent); err != nil {
			return nil, err
		}
		if sent != nil {
			q.SentAt = *sent
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Claim implements mail.Outbox.
func (m *MailStore) Claim(ctx context.Context, now, lease time.Time, limit int) ([]mail.Queued, error) {
	rows, err := m.pool.Query(ctx, `
UPDATE mail_outbox SET next_at = $1 WHERE id IN (
    SELECT id FROM mail_outbox WHERE status = $2 AND next_at <= $3 ORDER BY next_at, created_at LIMIT $4
    FOR UPDATE SKIP LOCKED)
RETURNING `+pgOutboxColumns, lease, mail.StatusPending, now, limit)
	if err != nil {
		return nil, fmt.Errorf("claim due emails: %w", err)
	}
	return scanPgQueued(rows)
}

// Sent implements mail.Outbox.
func (m *MailStore) Sent(ctx context.Context, id string, at time.Time) error {
	_, err := m.pool.Exec(ctx, `UPDATE mail_outbox SET status = $1, sent_at = $2, raw = '', last_error = '' WHERE id = $3`,
		mail.StatusSent, at, id)
	return err
}

// Retry implements mail.Outbox.
func (m *MailStore) Retry(ctx context.Context, id string, attempts int, next time.Time, lastError string, final bool) error {
	status := mail.StatusPending
	if final {
		status = mail.StatusFailed
	}
	_, err := m.pool.Exec(ctx, `UPDATE mail_outbox SET status = $1, attempts = $2, next_at = $3, last_error = $4 WHERE id = $5`,
		status, attempts, next, lastError, id)
	return err
}

// Troubled implements mail.Outbox.
func (m *MailStore) Troubled(ctx context.Context, limit int) ([]mail.Queued, error) {
	rows, err := m.pool.Query(ctx, `SELECT `+pgOutboxColumns+` FROM mail_outbox
WHERE status = $1 OR (status = $2 AND attempts > 0) ORDER BY created_at DESC LIMIT $3`, mail.StatusFailed, mail.StatusPending, limit)
	if err != nil {
		return nil, fmt.Errorf("list failed emails: %w", err)
	}
	return scanPgQueued(rows)
}

// ByKey implements mail.Outbox.
func (m *MailStore) ByKey(ctx context.Context, key string) (mail.Queued, error) {
	rows, err := m.pool.Query(ctx, `SELECT `+pgOutboxColumns+` FROM mail_outbox WHERE key = $1`, key)
	if err != nil {
		return mail.Queued{}, err
	}
	qs, err := scanPgQueued(rows)
	if err != nil {
		return mail.Queued{}, err
	}
	if len(qs) == 0 {
		return mail.Queued{}, domain.Errorf(domain.ENotFound, "There is no such email.")
	}
	return qs[0], nil
}

// IssueToken implements mail.Tokens.
func (m *MailStore) IssueToken(ctx context.Context, t mail.Token) error {
	if _, err := m.pool.Exec(ctx, `INSERT INTO mail_tokens (hash, kind, user_id, email, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash, t.Kind, t.UserID, t.Email, t.ExpiresAt); err != nil {
		return fmt.Errorf("store a token: %w", err)
	}
	// Spent and expired tokens are of no use: drop them on the way.
	_, _ = m.pool.Exec(ctx, `DELETE FROM mail_tokens WHERE expires_at < $1`, time.Now().Add(-24*time.Hour))
	return nil
}

var errNoPgToken = domain.Errorf(domain.ENotFound, "This link is not valid any more: it was used, or it expired.")

func scanPgToken(row pgx.Row) (mail.Token, error) {
	var t mail.Token
	err := row.Scan(&t.Hash, &t.Kind, &t.UserID, &t.Email, &t.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return mail.Token{}, errNoPgToken
	}
	if err != nil {
		return mail.Token{}, fmt.Errorf("read a token: %w", err)
	}
	return t, nil
}

// PeekToken implements mail.Tokens.
func (m *MailStore) PeekToken(ctx context.Context, kind, hash string, now time.Time) (mail.Token, error) {
	return scanPgToken(m.pool.QueryRow(ctx, `SELECT hash, kind, user_id, email, expires_at FROM mail_tokens
WHERE hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3`, hash, kind, now))
}

// UseToken implements mail.Tokens.
func (m *MailStore) UseToken(ctx context.Context, kind, hash string, now time.Time) (mail.Token, error) {
	return scanPgToken(m.pool.QueryRow(ctx, `UPDATE mail_tokens SET used_at = $3
WHERE hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3 RETURNING hash, kind, user_id, email, expires_at`,
		hash, kind, now))
}

// SetChoice implements mail.Choices.
func (m *MailStore) SetChoice(ctx context.Context, userID, kind string, on bool) error {
	var err error
	if on {
		_, err = m.pool.Exec(ctx, `DELETE FROM mail_opt_outs WHERE user_id = $1 AND kind = $2`, userID, kind)
	} else {
		_, err = m.pool.Exec(ctx, `INSERT INTO mail_opt_outs (user_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, kind)
	}
	return err
}

// OptedOut implements mail.Choices.
func (m *MailStore) OptedOut(ctx context.Context, userID string) (map[string]bool, error) {
	rows, err := m.pool.Query(ctx, `SELECT kind FROM mail_opt_outs WHERE user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// SigningKey implements mail.Store.
func (m *MailStore) SigningKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	if _, err := m.pool.Exec(ctx, `INSERT INTO mail_keys (name, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, name, fresh); err != nil {
		return nil, fmt.Errorf("store the signing key: %w", err)
	}
	var key []byte
	if err := m.pool.QueryRow(ctx, `SELECT key FROM mail_keys WHERE name = $1`, name).Scan(&key); err != nil {
		return nil, fmt.Errorf("read the signing key: %w", err)
	}
	return key, nil
}

// Prune implements mail.Outbox.
func (m *MailStore) Prune(ctx context.Context, before time.Time) error {
	_, err := m.pool.Exec(ctx, `DELETE FROM mail_outbox WHERE status = $1 AND sent_at < $2`, mail.StatusSent, before)
	return err
}
