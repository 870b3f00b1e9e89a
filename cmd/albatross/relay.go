package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/albatross-va/albatross/internal/metrics"
	"github.com/albatross-va/albatross/store/relay"
)

// relayCommand runs `albatross relay`: it publishes every event of the log
// to RabbitMQ until it is stopped.
func relayCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, rest, err := parseConfig("relay", args, getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return errors.New("usage: albatross relay (with --amqp-url or ALBATROSS_AMQP_URL)")
	}
	if c.AMQPURL == "" {
		return errors.New("ALBATROSS_AMQP_URL: empty: the relay needs RabbitMQ's URL, such as amqp://guest:guest@localhost:5672/")
	}
	if c.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(c.DataDir, "events.db")); err != nil {
			return fmt.Errorf("ALBATROSS_DATA_DIR: %s holds no event log (events.db): start albatross serve there first, or name the data folder", c.DataDir)
		}
	}
	log := newLogger(c, stderr)
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer b.close()
	if c.MetricsAddr != "" {
		m := metrics.New(buildVersion())
		m.WatchLag("relay", relayCheckpoint(b), b.events, log)
		stop, err := serveMetrics(m, c, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	fmt.Fprintf(stdout, "Relaying the event log to %s, exchange %s (%s mode). Press Ctrl+C to stop.\n",
		relay.Describe(c.AMQPURL), c.AMQPExchange, b.mode)
	return newRelay(b, c, log).Run(ctx)
}

// newRelay is the relay of the backend's log: one active per deployment,
// by the checkpoint's advisory lock on PostgreSQL and by a lock file in
// the embedded data folder, whose processes share no lock otherwise.
func newRelay(b *backend, c config, log *slog.Logger) *relay.Relay {
	cfg := relay.Config{URL: c.AMQPURL, Exchange: c.AMQPExchange}
	if b.mode == "embedded" {
		cfg.LockFile = filepath.Join(c.DataDir, "relay.lock")
	}
	return relay.New(b.events, b.reactors, log, cfg)
}
