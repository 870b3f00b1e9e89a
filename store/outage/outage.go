// Package outage tells an error that says a part Albatross depends on is
// unreachable (PostgreSQL, Redis, the network between) from every other
// error, so that the handlers answer 503 with Retry-After instead of 500.
// It knows the drivers' errors so that neither domain nor handlers must.
package outage

import (
	"context"
	"errors"
	"net"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/postgres"
)

// Is reports whether err is an outage: a network error (a refused, reset
// or timed-out connection), Redis's pool waiting in vain for a connection,
// a store call that ran out of time, PostgreSQL unreachable or restarting,
// or an error already coded domain.EUnavailable.
func Is(err error) bool {
	if err == nil {
		return false
	}
	if domain.ErrorCode(err) == domain.EUnavailable {
		return true
	}
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &opErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, redis.ErrPoolTimeout), errors.Is(err, context.DeadlineExceeded):
		return true
	case redis.HasErrorPrefix(err, "LOADING"): // a Redis reading its data after a restart
		return true
	}
	return postgres.Unreachable(err)
}
