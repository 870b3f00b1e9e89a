package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/mail"
)

// mailSchema has the meaning of migrations/20261206002001_mail.sql: the
// email outbox, the tokens links carry and each person's email choices.
// None is part of the log. Times are Unix microseconds.
const mailSchema = `
CREATE TABLE IF NOT EXISTS mail_outbox (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    tenant_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    raw         BLOB NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS mail_outbox_due ON mail_outbox (status, next_at);
CREATE TABLE IF NOT EXISTS mail_tokens (
    hash        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    email       TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mail_opt_outs (
    user_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
CREATE TABLE IF NOT EXISTS mail_keys (
    name TEXT PRIMARY KEY,
    key  BLOB NOT NULL
);
`

// MailStore is the embedded mode's mail.Store, in the event log's file (so
// a backup of the data folder carries it).
type MailStore struct {
	writer, reader *sql.DB
}

var _ mail.Store = (*MailStore)(nil)

// Mail returns the email store in the log's file, creating its tables.
func (s *EventStore) Mail(ctx context.Context) (*MailStore, error) {
	if _, err := s.writer.ExecContext(ctx, mailSchema); err != nil {
		return nil, fmt.Errorf("create the email tables: %w", err)
	}
	return &MailStore{writer: s.writer, reader: s.reader}, nil
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

// Enqueue implements mail.Outbox.
func (m *MailStore) Enqueue(ctx context.Context, q mail.Queued) (bool, error) {
	res, err := m.writer.ExecContext(ctx, `
INSERT INTO mail_outbox (id, key, tenant_id, kind, recipient, subject, raw, status, next_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		q.ID, q.Key, q.TenantID, q.Kind, q.To, q.Subject, q.Raw, mail.StatusPending, micros(q.NextAt), micros(q.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("queue an email: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const outboxColumns = `id, key, tenant_id, kind, recipient, subject, raw, status, attempts, next_at, last_error, created_at, sent_at`

func scanQueued(rows *sql.Rows) ([]mail.Queued, error) {
	defer rows.Close()
	var out []mail.Queued
	for rows.Next() {
		var q mail.Queued
		var next, created, sent int64
		if err := rows.Scan(&q.ID, &q.Key, &q.TenantID, &q.Kind, &q.To, &q.Subject, &q.Raw, &q.Status, &q.Attempts,
			&next, &q.LastError, &created, &sent); err != nil {
			return nil, err
		}
		q.NextAt, q.CreatedAt, q.SentAt = fromMicros(next), fromMicros(created), fromMicros(sent)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Claim implements mail.Outbox. The embedded mode has one writer, so the
// update that moves the due emails' next attempt to the lease claims them.
func (m *MailStore) Claim(ctx context.Context, now, lease time.Time, limit int) ([]mail.Queued, error) {
	rows, err := m.writer.QueryContext(ctx, `
UPDATE mail_outbox SET next_at = ? WHERE id IN (
    SELECT id FROM mail_outbox WHERE status = ? AND next_at <= ? ORDER BY next_at, created_at LIMIT ?)
RETURNING `+outboxColumns, micros(lease), mail.StatusPending, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim due emails: %w", err)
	}
	return scanQueued(rows)
}

// Sent implements mail.Outbox.
func (m *MailStore) Sent(ctx context.Context, id string, at time.Time) error {
	_, err := m.writer.ExecContext(ctx, `UPDATE mail_outbox SET status = ?, sent_at = ?, raw = x'', last_error = '' WHERE id = ?`,
		mail.StatusSent, micros(at), id)
	return err
}

// Retry implements mail.Outbox.
func (m *MailStore) Retry(ctx context.Context, id string, attempts int, next time.Time, lastError string, final bool) error {
	status := mail.StatusPending
	if final {
		status = mail.StatusFailed
	}
	_, err := m.writer.ExecContext(ctx, `UPDATE mail_outbox SET status = ?, attempts = ?, next_at = ?, last_error = ? WHERE id = ?`,
		status, attempts, micros(next), lastError, id)
	return err
}

// Troubled implements mail.Outbox.
func (m *MailStore) Troubled(ctx context.Context, limit int) ([]mail.Queued, error) {
	rows, err := m.reader.QueryContext(ctx, `SELECT `+outboxColumns+` FROM mail_outbox
WHERE status = ? OR (status = ? AND attempts > 0) ORDER BY created_at DESC LIMIT ?`, mail.StatusFailed, mail.StatusPending, limit)
	if err != nil {
		return nil, fmt.Errorf("list failed emails: %w", err)
	}
	return scanQueued(rows)
}

// ByKey implements mail.Outbox.
func (m *MailStore) ByKey(ctx context.Context, key string) (mail.Queued, error) {
	rows, err := m.reader.QueryContext(ctx, `SELECT `+outboxColumns+` FROM mail_outbox WHERE key = ?`, key)
	if err != nil {
		return mail.Queued{}, err
	}
	qs, err := scanQueued(rows)
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
	_, err := m.writer.ExecContext(ctx, `INSERT INTO mail_tokens (hash, kind, user_id, email, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.Hash, t.Kind, t.UserID, t.Email, micros(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store a token: %w", err)
	}
	// Spent and expired tokens are of no use: drop them on the way.
	_, _ = m.writer.ExecContext(ctx, `DELETE FROM mail_tokens WHERE expires_at < ?`, micros(time.Now().Add(-24*time.Hour)))
	return nil
}

var errNoToken = domain.Errorf(domain.ENotFound, "This link is not valid any more: it was used, or it expired.")

func scanToken(row *sql.Row) (mail.Token, error) {
	var t mail.Token
	var exp int64
	err := row.Scan(&t.Hash, &t.Kind, &t.UserID, &t.Email, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return mail.Token{}, errNoToken
	}
	if err != nil {
		return mail.Token{}, fmt.Errorf("read a token: %w", err)
	}
	t.ExpiresAt = fromMicros(exp)
	return t, nil
}

// PeekToken implements mail.Tokens.
func (m *MailStore) PeekToken(ctx context.Context, kind, hash string, now time.Time) (mail.Token, error) {
	return scanToken(m.reader.QueryRowContext(ctx, `SELECT hash, kind, user_id, email, expires_at FROM mail_tokens
WHERE hash = ? AND kind = ? AND used_at = 0 AND expires_at > ?`, hash, kind, micros(now)))
}

// UseToken implements mail.Tokens.
func (m *MailStore) UseToken(ctx context.Context, kind, hash string, now time.Time) (mail.Token, error) {
	return scanToken(m.writer.QueryRowContext(ctx, `UPDATE mail_tokens SET used_at = ?
WHERE hash = ? AND kind = ? AND used_at = 0 AND expires_at > ? RETURNING hash, kind, user_id, email, expires_at`,
		micros(now), hash, kind, micros(now)))
}

// SetChoice implements mail.Choices.
func (m *MailStore) SetChoice(ctx context.Context, userID, kind string, on bool) error {
	var err error
	if on {
		_, err = m.writer.ExecContext(ctx, `DELETE FROM mail_opt_outs WHERE user_id = ? AND kind = ?`, userID, kind)
	} else {
		_, err = m.writer.ExecContext(ctx, `INSERT INTO mail_opt_outs (user_id, kind) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, kind)
	}
	return err
}

// OptedOut implements mail.Choices.
func (m *MailStore) OptedOut(ctx context.Context, userID string) (map[string]bool, error) {
	rows, err := m.reader.QueryContext(ctx, `SELECT kind FROM mail_opt_outs WHERE user_id = ?`, userID)
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
		out[strings.TrimSpace(k)] = true
	}
	return out, rows.Err()
}

// SigningKey implements mail.Store.
func (m *MailStore) SigningKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	if _, err := m.writer.ExecContext(ctx, `INSERT INTO mail_keys (name, key) VALUES (?, ?) ON CONFLICT DO NOTHING`, name, fresh); err != nil {
		return nil, fmt.Errorf("store the signing key: %w", err)
	}
	var key []byte
	if err := m.writer.QueryRowContext(ctx, `SELECT key FROM mail_keys WHERE name = ?`, name).Scan(&key); err != nil {
		return nil, fmt.Errorf("read the signing key: %w", err)
	}
	return key, nil
}

// Prune implements mail.Outbox.
func (m *MailStore) Prune(ctx context.Context, before time.Time) error {
	_, err := m.writer.ExecContext(ctx, `DELETE FROM mail_outbox WHERE status = ? AND sent_at < ?`, mail.StatusSent, micros(before))
	return err
}
