package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TestExplainListQueries is the EXPLAIN sweep of bench/explain.md: it
// rebuilds the scratch database albatross_explain (kept after the run, to
// look at with psql), fills it with one large airline beside 50 small
// ones (testdata/explain_fill.sql), and prints the plan of every list
// query a page makes, run as the server runs it (the sqlc text, custom
// plans) with the parameters a page passes. It only reports: a plan is a
// thing to read, and its times are the machine's. Run it with
//
//	ALBATROSS_EXPLAIN=1 go test -count=1 -run ExplainListQueries -v ./store/postgres/
//
// (ALBATROSS_EXPLAIN=reuse to keep the last run's data.)
func TestExplainListQueries(t *testing.T) {
	if os.Getenv("ALBATROSS_EXPLAIN") == "" {
		t.Skip("set ALBATROSS_EXPLAIN=1 to rebuild the scratch database and print the list queries' plans")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	// ALBATROSS_EXPLAIN=reuse keeps the database of the last run and only
	// migrates it, to see what a new migration changes without the fill's
	// two minutes.
	reuse := os.Getenv("ALBATROSS_EXPLAIN") == "reuse"
	dbURL := scratchDatabase(t, ctx, "albatross_explain", !reuse)
	pool, err := postgres.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if !reuse {
		fillScratchDatabase(t, ctx, pool)
	}
	// A vacuumed database, as autovacuum keeps a live one: the fill's
	// 200,000 PIREPs each updated their airline's pirep_counts row, and the
	// dead versions would make its four rows cost 600 pages to read.
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		t.Fatal(err)
	}

	var mode string
	if err := pool.QueryRow(ctx, "SHOW plan_cache_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	t.Logf("plan_cache_mode = %s", mode)
	var summary []string
	e := &explainer{t: t, pool: pool}
	q := readmodel.New(e)
	for _, c := range explainCases() {
		// Twice: the first run reads the pages from disk into the cache.
		for range 2 {
			if err := c.run(ctx, q); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		verdict := judgePlan(e.plan)
		summary = append(summary, fmt.Sprintf("%-40s %-11s %s", c.name, planTime(e.plan), verdict))
		t.Logf("=== %s\n%s", c.name, e.plan)
		if verdict == "index order" {
			continue
		}
		// What the plan would be without the Sort or the Seq Scan: an index
		// in the order that the planner found dearer at this size, or none.
		e.indexOnly = true
		for range 2 {
			if err := c.run(ctx, q); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		e.indexOnly = false
		summary = append(summary, fmt.Sprintf("%-40s %-11s %s", "  without Sort and Seq Scan", planTime(e.plan), judgePlan(e.plan)))
		t.Logf("=== %s, without Sort and Seq Scan\n%s", c.name, e.plan)
	}
	t.Logf("summary (case, execution time, plan shape):\n%s", strings.Join(summary, "\n"))
}

// explainCase is one page's call of one query.
type explainCase struct {
	name string
	run  func(context.Context, *readmodel.Queries) error
}

func fillScratchDatabase(t *testing.T, ctx context.Context, pool *pgxpool.Pool) {
	t.Helper()
	fill, err := os.ReadFile(filepath.Join("testdata", "explain_fill.sql"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := pool.Exec(ctx, string(fill)); err != nil {
		t.Fatalf("fill: %v", err)
	}
	t.Logf("filled in %v", time.Since(start).Round(time.Millisecond))
}

// scratchDatabase returns the URL of the named database on the test
// server, dropped and created again when rebuild is set.
func scratchDatabase(t *testing.T, ctx context.Context, name string, rebuild bool) string {
	t.Helper()
	u, err := url.Parse(pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	// ALBATROSS_EXPLAIN_PARAMS adds settings, such as random_page_cost=1.1,
	// to the connection, to see how the planner's costs change its plans.
	if extra := os.Getenv("ALBATROSS_EXPLAIN_PARAMS"); extra != "" {
		q := u.Query()
		for _, kv := range strings.Split(extra, "&") {
			k, v, _ := strings.Cut(kv, "=")
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
	}
	if !rebuild {
		return u.String()
	}
	admin, err := pgx.Connect(ctx, pgtest.AdminURL())
	if err != nil {
		pgtest.Unavailable(t, "PostgreSQL", err)
	}
	defer admin.Close(context.Background())
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return u.String()
}

// explainer is a readmodel.DBTX that explains what it is asked to run
// instead of running it: the generated methods send it their exact text
// and arguments, and get no rows back.
type explainer struct {
	t    *testing.T
	pool *pgxpool.Pool
	plan string
	// indexOnly turns the planner's Sort and Seq Scan off, to see whether
	// an index serves the order when the planner prefers not to use it.
	indexOnly bool
}

func (e *explainer) run(ctx context.Context, text string, args []any) {
	e.t.Helper()
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if e.indexOnly {
		if _, err := tx.Exec(ctx, "SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off"); err != nil {
			e.t.Fatal(err)
		}
	}
	rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+text, args...)
	if err != nil {
		e.t.Fatalf("explain: %v\n%s", err, text)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		e.t.Fatalf("explain: %v\n%s", err, text)
	}
	e.plan = strings.Join(lines, "\n")
}

func (e *explainer) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	e.t.Fatal("the sweep explains reads only")
	return pgconn.CommandTag{}, nil
}

func (e *explainer) Query(ctx context.Context, text string, args ...any) (pgx.Rows, error) {
	e.run(ctx, text, args)
	return e.pool.Query(ctx, "SELECT WHERE false")
}

func (e *explainer) QueryRow(ctx context.Context, text string, args ...any) pgx.Row {
	e.run(ctx, text, args)
	return noRow{}
}

// noRow scans as a row that set nothing.
type noRow struct{}

func (noRow) Scan(...any) error { return nil }

var (
	seqScan  = regexp.MustCompile(`Seq Scan on (\w+) .*\(actual`)
	sortNode = regexp.MustCompile(`(?m)^\s*(->\s*)?(Incremental )?Sort  \(.*actual.*rows=(\d+) loops`)
	execTime = regexp.MustCompile(`Execution Time: ([\d.]+) ms`)
)

// judgePlan names what a list's plan should not have: a Seq Scan, or a
// Sort (with the rows it sorted), of the nodes that ran ("never executed"
// ones, such as the count's fallback, do not count); "index order" when
// it has neither.
func judgePlan(plan string) string {
	var bad []string
	for _, m := range seqScan.FindAllStringSubmatch(plan, -1) {
		bad = append(bad, "Seq Scan on "+m[1])
	}
	for _, m := range sortNode.FindAllStringSubmatch(plan, -1) {
		bad = append(bad, fmt.Sprintf("%sSort of %s rows", m[2], m[3]))
	}
	if len(bad) == 0 {
		return "index order"
	}
	return strings.Join(bad, ", ")
}

func planTime(plan string) string {
	if m := execTime.FindStringSubmatch(plan); m != nil {
		return m[1] + " ms"
	}
	return "?"
}
