package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/importjobs"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/sessions"
	"github.com/albatross-va/albatross/store/sqlite"
	"github.com/albatross-va/albatross/store/throttle"
	"github.com/albatross-va/albatross/store/webhooks"
)

// backend is the set of adapters one deployment model uses.
type backend struct {
	mode       string // "embedded" or "postgres"
	events     domain.EventStore
	reads      readmodel.Querier
	registry   *events.Registry // the one event registry of the process
	projector  *projector.Projector
	reactors   projector.ReactorCheckpoints // beside the log: the SQLite file or a PostgreSQL table
	webhooks   webhooks.Queue               // the webhooks' deliveries, beside the log too
	notifier   notify.Notifier
	sessions   scs.Store
	apiKeys    apikeycache.Cache       // shared in Redis when REDIS_URL is set
	throttles  handlers.LoginThrottles // shared in Redis when REDIS_URL is set; else in-process
	importJobs imports.JobStore        // shared in Redis when REDIS_URL is set; else in-process
	redis      *redis.Client           // nil unless REDIS_URL is set
	mail       mail.Store              // the email outbox, tokens and choices: beside the log
	closers    []func() error
	mem        *memory.ReadModels // the embedded mode's read models, which snapshots save
}

// close releases everything in reverse order of opening.
func (b *backend) close() error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i]())
	}
	return errors.Join(errs...)
}

// openBackend connects the adapters of the configured mode: PostgreSQL,
// migrated to the binary's schema (and Redis), when DATABASE_URL is set, else the embedded SQLite log with
// in-memory read models. It fails with one line that names the setting.
func openBackend(ctx context.Context, c config, log *slog.Logger) (*backend, error) {
	b := &backend{registry: events.NewRegistry()}
	var projBackend projector.Backend
	if c.DatabaseURL == "" {
		b.mode = "embedded"
		if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("ALBATROSS_DATA_DIR: cannot create %s: %w", c.DataDir, err)
		}
		es, err := sqlite.Open(ctx, filepath.Join(c.DataDir, "events.db"), log)
		if err != nil {
			return nil, fmt.Errorf("open event log in %s: %w", c.DataDir, err)
		}
		b.closers = append(b.closers, es.Close)
		mem := loadSnapshot(ctx, c, es, log)
		b.mem = mem
		b.events, b.reads, projBackend = es, mem, mem
		b.reactors = es.ReactorCheckpoints()
		b.webhooks = es.WebhookQueue()
		b.sessions = es.Sessions() // in the log's file: they survive a restart
		if b.mail, err = es.Mail(ctx); err != nil {
			_ = b.close()
			return nil, err
		}
		local := notify.NewLocal()
		b.notifier = local
		b.closers = append(b.closers, local.Close)
	} else {
		b.mode = "postgres"
		pool, err := connectPostgres(ctx, c.DatabaseURL)
		if err != nil {
			return nil, err
		}
		b.closers = append(b.closers, func() error { pool.Close(); return nil })
		applied, err := postgres.Migrate(ctx, pool)
		if err != nil {
			_ = b.close()
			return nil, err
		}
		if len(applied) > 0 {
			log.Info("applied migrations", "count", len(applied))
		}
		es := postgres.NewEventStore(pool, log)
		b.closers = append(b.closers, es.Close)
		if err := es.Verify(ctx); err != nil {
			_ = b.close()
			return nil, err
		}
		rm := postgres.NewReadModels(pool)
		b.events, b.reads, projBackend = es, rm.Reader(), rm
		b.reactors = postgres.NewReactorCheckpoints(pool)
		b.webhooks = postgres.NewWebhookQueue(pool)
		b.mail = postgres.NewMailStore(pool)
		if c.RedisURL != "" {
			deployment, err := postgres.DeploymentID(ctx, pool)
			if err != nil {
				_ = b.close()
				return nil, err
			}
			rn, err := connectRedis(ctx, c.RedisURL, notify.ChannelFor(deployment), log)
			if err != nil {
				_ = b.close()
				return nil, err
			}
			b.notifier = rn
			b.redis = rn.Client()
			b.closers = append(b.closers, rn.Client().Close, rn.Close)
			b.sessions = sessions.Redis(rn.Client())
			b.apiKeys = apikeycache.NewRedis(rn.Client(), apikeycache.KeyPrefixFor(deployment), apikeycache.DefaultTTL, log)
			b.throttles = handlers.LoginThrottles{
				PerAccount: throttle.NewRedis(rn.Client(), throttle.KeyPrefixFor(deployment, "account"), handlers.AccountAttempts, handlers.AttemptWindow),
				PerAddress: throttle.NewRedis(rn.Client(), throttle.KeyPrefixFor(deployment, "address"), handlers.AddressAttempts, handlers.AttemptWindow),
			}
			b.importJobs = importjobs.NewRedis(rn.Client(), importjobs.KeyPrefixFor(deployment), imports.DefaultRetention)
		} else {
			local := notify.NewLocal()
			b.notifier = local
			b.closers = append(b.closers, local.Close)
			store := postgres.NewSessionStore(pool)
			b.sessions = store
			b.closers = append(b.closers, store.Close)
		}
	}
	if b.throttles.PerAccount == nil {
		b.throttles = handlers.LocalThrottles()
	}
	if b.apiKeys == nil {
		b.apiKeys = apikeycache.NewLocal(apikeycache.DefaultTTL)
	}
	if b.importJobs == nil {
		b.importJobs = importjobs.NewLocal(imports.DefaultRetention)
	}
	b.projector = projector.New(b.events, projBackend, b.registry, b.notifier, log, projector.All()...)
	return b, nil
}

// connectPostgres opens and pings DATABASE_URL; its errors are on one
// line and name the variable or the host, never the password.
func connectPostgres(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pool, err := postgres.Connect(ctx, url)
	if pe := (*postgres.PingError)(nil); errors.As(err, &pe) {
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s (DATABASE_URL): %s", pe.Host, cause(pe.Err))
	}
	return pool, err
}

// connectRedis parses and pings REDIS_URL and subscribes to the notices.
func connectRedis(ctx context.Context, url, channel string, log *slog.Logger) (*notify.Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, errors.New("REDIS_URL is malformed: expected redis://host:6379/0")
	}
	shortenRedisTimeouts(opts, url)
	client := redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("cannot reach Redis at %s (REDIS_URL): %s", opts.Addr, cause(err))
	}
	rn, err := notify.NewRedis(pctx, client, channel, log)
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	return rn, nil
}

// shortenRedisTimeouts bounds how long a request waits for an unreachable
// Redis, unless REDIS_URL sets the option itself. Every page reads its
// session there: with go-redis's defaults (5 s to dial, 3 s to read, five
// dials 100 ms apart, each of three retries with backoff) a page waits seconds for its 503, while a Redis on
// the same network answers in a millisecond. One retry still rides over a
// connection that a restarted Redis closed.
func shortenRedisTimeouts(opts *redis.Options, rawURL string) {
	set := func(name string) bool { return strings.Contains(rawURL, name+"=") }
	if !set("dial_timeout") {
		opts.DialTimeout = time.Second
	}
	if !set("read_timeout") {
		opts.ReadTimeout = time.Second
	}
	if !set("write_timeout") {
		opts.WriteTimeout = time.Second
	}
	if !set("pool_timeout") {
		opts.PoolTimeout = 2 * time.Second
	}
	if !set("max_retries") {
		opts.MaxRetries = 1
	}
	if !set("dialer_retries") {
		opts.DialerRetries = 1 // go-redis dials five times, 100 ms apart
	}
}

// cause reduces a connection error to its root, on one line: the drivers
// list every address they tried, one per line, with the user and database.
func cause(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
