package mail

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"
)

// Mailer queues emails into the outbox and wakes this process's worker.
// A nil *Mailer, or one without settings, queues nothing: the deployment
// sends no email.
type Mailer struct {
	Settings Settings
	Store    Store
	wake     chan struct{}
	Now      func() time.Time
}

// NewMailer returns a mailer over store; Wake is what its worker listens
// to.
func NewMailer(s Settings, store Store) *Mailer {
	return &Mailer{Settings: s, Store: store, wake: make(chan struct{}, 1)}
}

// Enabled says whether emails are sent.
func (m *Mailer) Enabled() bool { return m != nil && m.Settings.Enabled() && m.Store != nil }

// Wake is the channel the worker waits on besides its timer.
func (m *Mailer) Wake() <-chan struct{} { return m.wake }

// Queue encodes msg and queues it under key (a second call with the key
// queues nothing), and says whether it queued it.
func (m *Mailer) Queue(ctx context.Context, key, tenantID, kind string, msg Message) (bool, error) {
	if !m.Enabled() {
		return false, nil
	}
	now := m.now()
	added, err := m.Store.Enqueue(ctx, Queued{
		ID: newID(), Key: key, TenantID: tenantID, Kind: kind, To: msg.To, Subject: msg.Subject,
		Raw: msg.Encode(m.Settings.From, now), NextAt: now, CreatedAt: now,
	})
	if err != nil {
		return false, err
	}
	if added {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	}
	return added, nil
}

// Worker is the worker that sends this mailer's outbox over SMTP.
func (m *Mailer) Worker(log *slog.Logger) *Worker {
	return &Worker{Outbox: m.Store, Sender: SMTP{Settings: m.Settings}, Wake: m.wake, Now: m.Now, Log: log}
}

func (m *Mailer) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// newID is a random UUID (version 4).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
