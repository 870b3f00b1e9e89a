// Package backoff is the one rule of waiting between retries that the
// outboxes (emails, webhook deliveries) share: double the wait each time,
// up to a cap.
package backoff

import "time"

// Doubling is the wait before retry n+1 after n failed retries (n = 0: the
// first retry waits first): first doubled n times, at most limit.
func Doubling(first, limit time.Duration, n int) time.Duration {
	d := first
	for i := 0; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
