package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/postgres"
)

// tempDB is a database created for one measurement and dropped after it.
type tempDB struct {
	adminURL string
	name     string
	url      string
	log      *slog.Logger
}

// createDB creates an empty database on the admin server and migrates it.
func createDB(ctx context.Context, adminURL string, log *slog.Logger) (*tempDB, error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to the PostgreSQL server (is it running? set ALBATROSS_TEST_DATABASE_URL or -admin-url): %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	name := "albatross_bench_" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:16]
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("parse admin url: %w", err)
	}
	u.Path = "/" + name
	d := &tempDB{adminURL: adminURL, name: name, url: u.String(), log: log}
	log.Info("created database", "name", name)
	return d, nil
}

// pool opens a pool of up to maxConns connections on the database, migrated.
func (d *tempDB) pool(ctx context.Context, maxConns int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(d.url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", d.name, err)
	}
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate %s: %w", d.name, err)
	}
	return pool, nil
}

// drop removes the database even when ctx has ended (an interrupted run).
func (d *tempDB) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, d.adminURL)
	if err != nil {
		d.log.Error("drop database: connect", "name", d.name, "err", err)
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+d.name+" WITH (FORCE)"); err != nil {
		d.log.Error("drop database", "name", d.name, "err", err)
		return
	}
	d.log.Info("dropped database", "name", d.name)
}

// pgStore is a fresh database with a pool and an event store on it.
type pgStore struct {
	db   *tempDB
	pool *pgxpool.Pool
	es   *postgres.EventStore
}

// openPGStore creates a database for one measurement and opens a pool of
// maxConns connections and an event store on it; close drops it all.
func openPGStore(ctx context.Context, adminURL string, maxConns int, log *slog.Logger) (*pgStore, error) {
	db, err := createDB(ctx, adminURL, log)
	if err != nil {
		return nil, err
	}
	pool, err := db.pool(ctx, maxConns)
	if err != nil {
		db.drop()
		return nil, err
	}
	return &pgStore{db: db, pool: pool, es: postgres.NewEventStore(pool, log)}, nil
}

func (s *pgStore) close() {
	_ = s.es.Close()
	s.pool.Close()
	s.db.drop()
}
