package main

import (
	"bytes"
	"context"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/albatross-va/albatross/store/pgtest"
)

// runCLI runs one albatross command to completion.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = run(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// refusedStart is a configuration serve must refuse, and what its one
// line of error must mention.
type refusedStart struct {
	env  map[string]string
	args []string
	want []string
}

// checkRefusedStarts runs serve with each configuration and checks that it
// stops with one line that mentions what it should and no password.
func checkRefusedStarts(t *testing.T, cases []refusedStart) {
	t.Helper()
	for _, c := range cases {
		env := map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()}
		for k, v := range c.env {
			env[k] = v
		}
		_, _, err := runCLI(t, env, append([]string{"serve"}, c.args...)...)
		if err == nil {
			t.Errorf("%v %v: serve started, want an error", c.env, c.args)
			continue
		}
		msg := err.Error()
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%v %v: error %q does not mention %q", c.env, c.args, msg, w)
			}
		}
		if strings.Contains(msg, "\n") || strings.Contains(msg, "hunter2") {
			t.Errorf("error %q is not one line without secrets", msg)
		}
	}
}

func TestSettingsAreValidatedWithOneLineNamingTheSetting(t *testing.T) {
	checkRefusedStarts(t, []refusedStart{
		{map[string]string{"DATABASE_URL": "postgres://user:hunter2@[::1"}, nil, []string{"DATABASE_URL", "malformed"}},
		{map[string]string{"DATABASE_URL": "postgres://user:hunter2@127.0.0.1:1/db?connect_timeout=2"}, nil, []string{"cannot reach PostgreSQL at 127.0.0.1:1"}},
		// A database of their own: serve migrates it before it reaches Redis.
		{map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t), "REDIS_URL": "redis://127.0.0.1:1/0"}, nil, []string{"cannot reach Redis at 127.0.0.1:1"}},
		{map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t), "REDIS_URL": "mysql://x"}, nil, []string{"REDIS_URL is malformed"}},
		{map[string]string{"ALBATROSS_SHUTDOWN_TIMEOUT": "soon"}, nil, []string{"ALBATROSS_SHUTDOWN_TIMEOUT", "soon"}},
		{nil, []string{"--shutdown-timeout", "-1s"}, []string{"--shutdown-timeout"}},
		{map[string]string{"ALBATROSS_LOG_LEVEL": "loud"}, nil, []string{"ALBATROSS_LOG_LEVEL"}},
		{map[string]string{"REDIS_URL": "redis://127.0.0.1:6379"}, nil, []string{"REDIS_URL is set without DATABASE_URL"}},
		{map[string]string{"ALBATROSS_ADDR": "256.1.1.1:99999"}, nil, []string{"ALBATROSS_ADDR"}},
		{map[string]string{"ALBATROSS_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, nil, []string{"ALBATROSS_TRUSTED_PROXIES", "proxy.local"}},
		{map[string]string{"ALBATROSS_WEBHOOK_ALLOW_PRIVATE": "maybe"}, nil, []string{"ALBATROSS_WEBHOOK_ALLOW_PRIVATE", "maybe"}},
		{map[string]string{"ALBATROSS_PUBLIC_URL": "va.example.com"}, nil, []string{"ALBATROSS_PUBLIC_URL", "not an http or https URL"}},
	})
}

func TestUsageNeverPrintsSecretsFromTheEnvironment(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL": "postgres://albatross:db-s3cret@127.0.0.1:1/x",
		"REDIS_URL":    "redis://:redis-s3cret@127.0.0.1:1/0",
		// An SMTP password is a secret too.
		"ALBATROSS_SMTP_PASSWORD": "smtp-s3cret",
	}
	for _, args := range [][]string{{"serve", "--no-such-flag"}, {"serve", "-h"}, {"migrate", "-h"}} {
		_, stderr, err := runCLI(t, env, args...)
		if err == nil {
			t.Errorf("%v succeeded", args)
		}
		if strings.Contains(stderr, "s3cret") {
			t.Errorf("%v printed a password from the environment:\n%s", args, stderr)
		}
		if !strings.Contains(stderr, "DATABASE_URL") {
			t.Errorf("%v usage does not name the variables:\n%s", args, stderr)
		}
	}
}

func TestUnknownCommandAndVersion(t *testing.T) {
	if _, _, err := runCLI(t, nil, "fly"); err == nil || !strings.Contains(err.Error(), `unknown command "fly"`) {
		t.Errorf("unknown command: %v", err)
	}
	out, _, err := runCLI(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "albatross ") {
		t.Errorf("version printed %q, %v", out, err)
	}
	out, _, err = runCLI(t, nil, "help")
	if err != nil || !strings.Contains(out, "DATABASE_URL") || !strings.Contains(out, "projections rebuild") {
		t.Errorf("help does not list the settings and commands: %q %v", out, err)
	}
}

// The version names the commit and its time when the build knows them.
func TestVersionNamesTheCommitAndItsTime(t *testing.T) {
	info := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0757b8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7"},
		{Key: "vcs.time", Value: "2026-12-03T14:20:00Z"}, {Key: "vcs.modified", Value: "false"}}}
	if got := versionLine("v1.2.0", info); !strings.HasPrefix(got, "albatross v1.2.0, commit 0757b8c1d2e3 of 2026-12-03T14:20:00Z (go") {
		t.Errorf("version line %q", got)
	}
	info.Settings[2].Value = "true"
	if got := versionLine("v1.2.0", info); !strings.Contains(got, "0757b8c1d2e3 with local changes of 2026-12-03T14:20:00Z") {
		t.Errorf("a build with local changes: %q", got)
	}
	if got := versionLine("v1.2.0", &debug.BuildInfo{}); strings.Contains(got, "commit") || !strings.HasPrefix(got, "albatross v1.2.0 (go") {
		t.Errorf("a build without a commit: %q", got)
	}
}

func TestShutdownClosesStreamsAndExitsZero(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	stream := openStream(t, srv.URL, loginAsAdmin(t, srv).cookieHeader())
	srv.stop(t) // fails the test unless run returns nil
	select {
	case _, ok := <-stream:
		for ok {
			_, ok = <-stream
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the live stream stayed open after shutdown")
	}
	if _, err := http.Get(srv.URL + "/healthz"); err == nil {
		t.Errorf("the server still accepts connections after shutdown")
	}
}

func TestMigrateAndServeCreateTheSchemaOnAnEmptyDatabase(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t)}
	out, _, err := runCLI(t, env, "migrate")
	if err != nil || !strings.Contains(out, "Applied") {
		t.Fatalf("migrate on an empty database: %q %v", out, err)
	}
	if out, _, err := runCLI(t, env, "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Errorf("migrate again: %q %v", out, err)
	}

	// serve migrates by itself, and two processes starting at once agree.
	env = map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t)}
	both := startServers(t, 2, env)
	first, second := both[0], both[1]
	createAirline(t, loginAsAdmin(t, first, second), "Fresh Air", "FRS", "fresh")
	onSecond := newBrowser(t, second)
	onSecond.logIn(t, "admin", adminPassword, "/airlines")
	if _, doc := onSecond.get("/airlines"); !slices.Contains(airlineNames(doc), "Fresh Air") {
		t.Errorf("the second process does not list the airline: %v", airlineNames(doc))
	}
}

func TestMigrateAndRebuildAgainstPostgres(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	env := map[string]string{"DATABASE_URL": dbURL}
	out, _, err := runCLI(t, env, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate on a migrated database: %q %v", out, err)
	}

	srv := startServer(t, env)
	admin := loginAsAdmin(t, srv)
	for _, a := range [][3]string{{"Alpha Air", "ALP", "alpha"}, {"Bravo Air", "BRV", "bravo"}, {"Charlie Air", "CHR", "charlie"}} {
		createAirline(t, admin, a[0], a[1], a[2])
	}
	srv.stop(t)
	before := dumpAirlines(t, dbURL)

	if _, _, err := runCLI(t, env, "projections", "rebuild", "nope"); err == nil || !strings.Contains(err.Error(), "unknown projection") {
		t.Errorf("rebuild of an unknown projection: %v", err)
	}
	out, _, err = runCLI(t, env, "projections", "rebuild", "airlines")
	if err != nil || !strings.Contains(out, "Rebuilt airlines") {
		t.Fatalf("rebuild: %q %v", out, err)
	}
	if after := dumpAirlines(t, dbURL); after != before {
		t.Errorf("rebuild changed the read model:\nbefore %s\nafter  %s", before, after)
	}
	if !strings.Contains(before, "Charlie Air") {
		t.Errorf("the read model lacks an airline: %s", before)
	}

	if out, _, err := runCLI(t, env, "projections", "retry"); err != nil || !strings.Contains(out, "No event is quarantined") {
		t.Errorf("retry with nothing quarantined: %q %v", out, err)
	}
	// An event set aside that applies now (after a fix) leaves the
	// quarantine, and the read model is whole.
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(context.Background(), `INSERT INTO quarantined_events
SELECT 'airlines', commit_tx, seq, stream_id, version, type, 'a bug, since fixed', now()
FROM events WHERE type = 'albatross.events.v1.AirlineCreated' ORDER BY seq DESC LIMIT 1`)
	conn.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, env, "projections", "retry"); err != nil || !strings.Contains(out, "1 of 1 quarantined event(s) now apply; 0 still fail") {
		t.Errorf("retry of an event that applies now: %q %v", out, err)
	}
	if after := dumpAirlines(t, dbURL); after != before {
		t.Errorf("retry changed the read model:\nbefore %s\nafter  %s", before, after)
	}
	if out, _, err := runCLI(t, env, "projections", "retry", "extra"); err == nil {
		t.Errorf("retry with an argument: %q, want a usage error", out)
	}
}

func dumpAirlines(t *testing.T, dbURL string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dump string
	err = conn.QueryRow(ctx, `SELECT coalesce(string_agg(format('%s|%s|%s|%s|%s|%s', id, name, icao, iata, slug, created_at), ';' ORDER BY id), '') FROM airlines`).Scan(&dump)
	if err != nil {
		t.Fatal(err)
	}
	return dump
}

// Two embedded servers of one data folder would each answer from read
// models that miss the other's writes: the second refuses to start, and
// the folder is free again once the first has stopped.
func TestASecondEmbeddedServerOfOneDataFolderIsRefused(t *testing.T) {
	env := map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_METRICS_ADDR": "127.0.0.1:0"}
	first := startServer(t, env)
	_, _, err := runCLI(t, env, "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "ALBATROSS_DATA_DIR") || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("a second serve of the same folder: %v; want it refused, naming ALBATROSS_DATA_DIR", err)
	}
	if resp, err := http.Get(first.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("the first server after the second was refused: %v %v", err, resp)
	}
	first.stop(t)
	again := startServer(t, env)
	if resp, err := http.Get(again.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("a server of the folder after the first stopped: %v %v", err, resp)
	}
}
