package sessions

import (
	"context"
	"log/slog"
	"time"
)

// Sweep calls deleteExpired every interval until ctx ends, logging
// failures; session stores that keep rows run it in a goroutine.
func Sweep(ctx context.Context, every time.Duration, deleteExpired func(context.Context) error, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := deleteExpired(ctx); err != nil && ctx.Err() == nil {
				log.Warn("delete expired sessions", "err", err)
			}
		}
	}
}
