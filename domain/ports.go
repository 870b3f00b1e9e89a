package domain

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Clock is the port for the current time, so tests can fix it.
type Clock interface{ Now() time.Time }

// IDs is the port for new identifiers.
type IDs interface{ NewID() string }

// SystemClock reads the wall clock in UTC.
type SystemClock struct{}

// Now returns the current UTC time.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// RandomIDs returns random version-4 UUIDs as text.
type RandomIDs struct{}

// NewID returns a new random UUID.
func (RandomIDs) NewID() string { return NewUUID() }

// NewUUID returns a random version-4 UUID in its canonical text form.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
