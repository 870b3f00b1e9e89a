// Package throttle counts attempts (logins, password checks) per key in a
// sliding window: in the process, or in Redis so that every process of a
// deployment shares one count.
package throttle

import (
	"context"
	"time"
)

// Limiter counts attempts per key (an account, a client address). An
// attempt is counted when it starts, in the same step as the check, so a
// burst of parallel requests cannot all slip past the check while the first
// ones are still hashing.
type Limiter interface {
	// Attempt records an attempt for key and returns 0, or, when key has
	// used its attempts in the window, records nothing and says how long to
	// wait.
	Attempt(ctx context.Context, key string) (time.Duration, error)
	// Forgive takes back key's attempts after a success.
	Forgive(ctx context.Context, key string) error
	// Refund takes back only key's latest attempt, the one that succeeded,
	// and leaves the earlier failures counted: a success on one account
	// must not clear what an address has tried on others.
	Refund(ctx context.Context, key string) error
}
