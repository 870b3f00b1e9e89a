package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// upsertAirlineSQL is queries/airlines.sql's UpsertAirline, which the
// projection runs through sqlc.
const upsertAirlineSQL = `
INSERT INTO airlines (id, name, icao, iata, slug, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE
SET name = EXCLUDED.name, icao = EXCLUDED.icao, iata = EXCLUDED.iata,
    slug = EXCLUDED.slug, created_at = EXCLUDED.created_at`

// eventCopyColumns are the columns the store's Append writes; seq and
// commit_tx come from their defaults, as they do for an Append.
var eventCopyColumns = []string{"stream_id", "version", "tenant_id", "type", "schema_version", "data",
	"actor", "command_id", "correlation_id", "causation_id", "recorded_at"}

// seedThroughCommands is how many of the log's first events are written by
// the real command path (domain.Airlines.Create, with its unique claims)
// before the rest is copied in bulk.
const seedThroughCommands = 1000

// copyChunk is how many events one bulk COPY transaction writes.
const copyChunk = 50_000

// genIDs hands out the generator's ids as domain.IDs.
type genIDs struct{ g *gen }

func (i genIDs) NewID() string { return i.g.id() }

// benchPGProjection compares projector.CatchUp over a log of c.projEvents
// AirlineCreated events with the same upserts done by raw pgx.
func benchPGProjection(ctx context.Context, c config, log *slog.Logger, t *table) error {
	st, err := openPGStore(ctx, c.adminURL, 8, log)
	if err != nil {
		return err
	}
	defer st.close()
	pool, es := st.pool, st.es
	reg := events.NewRegistry()
	g := newGen(reg)

	t0 := time.Now()
	seeded, err := seedAirlines(ctx, es, g, min(seedThroughCommands, c.projEvents))
	if err != nil {
		return err
	}
	if err := copyAirlineEvents(ctx, pool, g, c.projEvents-seeded); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) events, event_commands"); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	log.Info("pg projection: log written", "events", c.projEvents, "through_commands", seeded, "took", time.Since(t0).Round(time.Millisecond))

	// The baseline writes the upserts the projection will write: decode
	// the log once, untimed.
	params, err := readAirlineParams(ctx, es, reg, c.projEvents)
	if err != nil {
		return err
	}

	reset := func(ctx context.Context) error {
		_, err := pool.Exec(ctx, "TRUNCATE airlines")
		if err == nil {
			_, err = pool.Exec(ctx, "DELETE FROM projection_checkpoints")
		}
		if err == nil {
			_, err = pool.Exec(ctx, "VACUUM (ANALYZE) airlines, projection_checkpoints")
		}
		return err
	}
	kinds := []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{"projector", func(ctx context.Context) error {
			n := notify.NewLocal()
			defer n.Close()
			p := projector.New(es, postgres.NewReadModels(pool), reg, n, log, projector.All()...)
			p.BatchSize = c.batchSize
			return p.CatchUp(ctx)
		}},
		{"raw pgx batch", func(ctx context.Context) error { return upsertPipelined(ctx, pool, params, c.batchSize) }},
		{"raw pgx per statement", func(ctx context.Context) error { return upsertOneByOne(ctx, pool, params, c.batchSize) }},
	}
	rates := make([][]float64, len(kinds))
	for round := range c.rounds {
		for i := range kinds {
			k := (i + round) % len(kinds) // rotate the order every round
			if err := reset(ctx); err != nil {
				return fmt.Errorf("reset read model: %w", err)
			}
			start := time.Now()
			if err := kinds[k].do(ctx); err != nil {
				return fmt.Errorf("%s: %w", kinds[k].name, err)
			}
			d := time.Since(start)
			var rows int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM airlines").Scan(&rows); err != nil {
				return err
			}
			if rows != c.projEvents {
				return fmt.Errorf("%s wrote %d airlines, want %d", kinds[k].name, rows, c.projEvents)
			}
			rate := float64(c.projEvents) / d.Seconds()
			rates[k] = append(rates[k], rate)
			log.Info("pg projection", "round", round+1, "kind", kinds[k].name, "events", c.projEvents,
				"took", d.Round(time.Millisecond), "events_per_s", int(rate))
		}
	}
	what := fmt.Sprintf("PostgreSQL projector CatchUp, %dk events", c.projEvents/1000)
	t.add(row{what: what, unit: "events/s", measured: median(rates[0]), baseline: median(rates[1]),
		baseWhat: fmt.Sprintf("pgx.Batch of %d upserts per tx", c.batchSize)})
	t.add(row{what: what, unit: "events/s", measured: median(rates[0]), baseline: median(rates[2]),
		baseWhat: fmt.Sprintf("%d upserts one by one per tx (informative)", c.batchSize)})
	t.note("PostgreSQL projector: the log holds %d AirlineCreated events with unique slugs; the first %d appended through "+
		"domain.Airlines.Create (event store Append with slug/ICAO claims), the rest bulk-loaded with COPY into events and "+
		"event_commands (same columns and Registry encoding as Append; seq and commit_tx from their defaults; no unique claims), "+
		"%d events per COPY transaction. CatchUp reads them through the event store's ReadAll, decodes and applies them "+
		"in batches of %d on a fresh read model (airlines truncated, checkpoint deleted). The baselines write the same "+
		"%d rows (decoded beforehand, untimed) into the same empty table with queries/airlines.sql's upsert.",
		c.projEvents, min(seedThroughCommands, c.projEvents), copyChunk, c.batchSize, c.projEvents)
	return nil
}

// seedAirlines creates n airlines through the command path with 4 writers.
func seedAirlines(ctx context.Context, es domain.EventStore, g *gen, n int) (int, error) {
	airlines := &domain.Airlines{
		Runner: &domain.Runner{Store: es, Registry: g.reg, Clock: domain.SystemClock{}},
		IDs:    genIDs{g},
	}
	const writers = 4
	work := make([][]int, writers)
	for i := range n {
		work[i%writers] = append(work[i%writers], i)
	}
	_, err := runWriters(ctx, work, func(ctx context.Context, i int) error {
		k := g.next.Add(1)
		_, _, err := airlines.Create(ctx, domain.CommandMeta{ID: g.id(), Who: domain.System}, domain.CreateAirline{
			Name: fmt.Sprintf("Benchmark Virtual Airways %07d", k),
			ICAO: letters(uint64(i), 3), // unique: the ICAO claim
			IATA: letters(uint64(i), 2),
			Slug: fmt.Sprintf("bench-virtual-%07d", k),
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("seed airlines: %w", err)
	}
	return n, nil
}

// copyAirlineEvents bulk-loads n one-event airline streams.
func copyAirlineEvents(ctx context.Context, pool *pgxpool.Pool, g *gen, n int) error {
	for done := 0; done < n; {
		size := min(copyChunk, n-done)
		evs := make([][]any, 0, size)
		cmds := make([][]any, 0, size)
		for range size {
			r, err := g.newRow(g.id(), 1)
			if err != nil {
				return err
			}
			m := r.meta
			evs = append(evs, []any{r.streamID, r.version, r.tenantID, r.typ, r.schema, r.data,
				m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt})
			cmds = append(cmds, []any{m.CommandID, r.streamID, r.version, r.version})
		}
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events"}, eventCopyColumns, pgx.CopyFromRows(evs)); err != nil {
				return fmt.Errorf("copy events: %w", err)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"event_commands"},
				[]string{"command_id", "stream_id", "from_version", "to_version"}, pgx.CopyFromRows(cmds)); err != nil {
				return fmt.Errorf("copy event_commands: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += size
	}
	return nil
}

// readAirlineParams reads the whole log through the event store and
// returns the upsert of each event, as the projection would write it.
func readAirlineParams(ctx context.Context, es domain.EventStore, reg *events.Registry, want int) ([]readmodel.UpsertAirlineParams, error) {
	out := make([]readmodel.UpsertAirlineParams, 0, want)
	deadline := time.Now().Add(time.Minute)
	for pos := domain.Start; len(out) < want; {
		evs, err := es.ReadAll(ctx, pos, 5000)
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			// ReadAll may hold back events while an older transaction
			// anywhere on the server is still open; wait for it.
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("read %d events of %d", len(out), want)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		for _, ev := range evs {
			m, err := reg.Decode(ev.Type, ev.Data)
			if err != nil {
				return nil, err
			}
			a, ok := m.(*eventsv1.AirlineCreated)
			if !ok {
				return nil, fmt.Errorf("unexpected event %s", ev.Type)
			}
			p, err := upsertParams(a)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		pos = evs[len(evs)-1].Position
	}
	if len(out) != want {
		return nil, errors.New("the log holds more events than written")
	}
	return out, nil
}

func upsertParams(a *eventsv1.AirlineCreated) (readmodel.UpsertAirlineParams, error) {
	var p readmodel.UpsertAirlineParams
	if err := p.ID.UnmarshalText([]byte(a.AirlineId)); err != nil {
		return p, fmt.Errorf("airline id %q: %w", a.AirlineId, err)
	}
	p.Name, p.Icao, p.Iata, p.Slug, p.CreatedAt = a.Name, a.Icao, a.Iata, a.Slug, a.CreatedAt.AsTime()
	return p, nil
}

// upsertPipelined is the baseline: batchSize upserts sent as one pgx.Batch
// (one round trip) per transaction.
func upsertPipelined(ctx context.Context, pool *pgxpool.Pool, params []readmodel.UpsertAirlineParams, batchSize int) error {
	for from := 0; from < len(params); from += batchSize {
		chunk := params[from:min(from+batchSize, len(params))]
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			b := &pgx.Batch{}
			for _, p := range chunk {
				b.Queue(upsertAirlineSQL, p.ID, p.Name, p.Icao, p.Iata, p.Slug, p.CreatedAt)
			}
			return tx.SendBatch(ctx, b).Close()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// upsertOneByOne sends the same upserts one statement, one round trip, at a
// time, as sqlc's generated Querier does; it explains the gap to the
// pipelined baseline.
func upsertOneByOne(ctx context.Context, pool *pgxpool.Pool, params []readmodel.UpsertAirlineParams, batchSize int) error {
	for from := 0; from < len(params); from += batchSize {
		chunk := params[from:min(from+batchSize, len(params))]
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			for _, p := range chunk {
				if _, err := tx.Exec(ctx, upsertAirlineSQL, p.ID, p.Name, p.Icao, p.Iata, p.Slug, p.CreatedAt); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
