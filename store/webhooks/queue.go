// Package webhooks delivers an airline's webhooks: the queue of deliveries
// the webhooks reactor fills (kept beside the event log, never among the
// read models: it is operational state, and a rebuild must not send
// anything twice), the worker that posts them in order, one queue per
// webhook, with retries, and the guard that keeps webhooks off the
// deployment's own network.
package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// The states of a delivery.
const (
	Pending   = "pending"   // not sent yet, or to be tried again at NextAttemptAt
	Delivered = "delivered" // the receiver answered 2xx
	Failed    = "failed"    // given up: no 2xx within MaxAge
)

// Delivery is one message to one webhook, with the outcome of its last
// attempt: a row of the webhook's delivery log.
type Delivery struct {
	ID        int64 // the queue's own, growing in the order deliveries are queued
	TenantID  string
	WebhookID string
	// Key makes the delivery unique per webhook: "event@<position>" for
	// the event it reports, so that a reactor run twice queues it once.
	Key           string
	Topic         string // "pirep.accepted", …
	Body          []byte // the JSON posted
	Status        string
	Attempts      int32
	CreatedAt     time.Time
	NextAttemptAt time.Time
	LastAttemptAt time.Time // zero before the first attempt
	ResponseCode  int32     // of the last attempt; 0 when no answer came
	Response      string    // the first bytes of the last answer, or why none came
}

// Attempt is what one attempt of a delivery came to.
type Attempt struct {
	At           time.Time
	Status       string    // Pending (to be tried again), Delivered or Failed
	NextAt       time.Time // with Pending
	ResponseCode int32
	Response     string
}

// Queue keeps the deliveries, in the event log's database: the embedded
// log's SQLite file or PostgreSQL.
type Queue interface {
	// Enqueue adds d unless the webhook has a delivery with its key
	// already; it reports whether it added one.
	Enqueue(ctx context.Context, d Delivery) (bool, error)
	// PendingWebhooks lists the webhooks (tenant and id) with a pending
	// delivery.
	PendingWebhooks(ctx context.Context) ([][2]string, error)
	// Head returns a webhook's oldest pending delivery; ok is false when
	// it has none.
	Head(ctx context.Context, webhookID string) (d Delivery, ok bool, err error)
	// Record stores an attempt's outcome.
	Record(ctx context.Context, id int64, a Attempt) error
	// List returns a webhook's latest deliveries, newest first, within its
	// airline.
	List(ctx context.Context, tenantID, webhookID string, limit int) ([]Delivery, error)
	// Get returns one delivery of an airline's webhook; ok is false when
	// there is none.
	Get(ctx context.Context, tenantID, webhookID string, id int64) (d Delivery, ok bool, err error)
	// Claim makes holder the only sender of a webhook for ttl, or reports
	// false when another holds it: several processes may run workers.
	Claim(ctx context.Context, webhookID, holder string, ttl time.Duration) (bool, error)
	// SigningKey returns the deployment's key the signing secrets are
	// derived from, creating it the first time.
	SigningKey(ctx context.Context) ([]byte, error)
	// Prune deletes the deliveries done (delivered or given up) before
	// before, their keys with them: by then no reaction runs again for
	// their events. Pending deliveries are kept however old.
	Prune(ctx context.Context, before time.Time) error
}

// Retention is how long a done delivery stays in its webhook's log.
const Retention = 30 * 24 * time.Hour

// SecretPrefix starts every signing secret, so people and secret scanners
// recognise one.
const SecretPrefix = "whsec_"

// Secret is a webhook's signing secret: derived, never stored, from the
// deployment's key, the webhook and the secret's version, so that the
// worker can sign with it and staff see it once.
func Secret(key []byte, webhookID string, version int32) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("webhook-secret:" + webhookID + ":"))
	m.Write([]byte{byte(version >> 24), byte(version >> 16), byte(version >> 8), byte(version)})
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// SignatureHeader carries a generic delivery's signature: "sha256=" and the
// hex HMAC-SHA256 of the body with the webhook's secret.
const SignatureHeader = "X-Albatross-Signature"

// Sign returns the SignatureHeader value of body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
