package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/sqlite"
)

var oneTimeLine = regexp.MustCompile(`One-time password:\s+(\S+)`)

// oneTimePassword returns the one-time password printed in out, or "".
func oneTimePassword(out string) string {
	if m := oneTimeLine.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

// passwordHashes reads the admin's password hashes from an embedded log, in
// the order they were set.
func passwordHashes(t *testing.T, dir string) []string {
	t.Helper()
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	recs, err := es.ReadAll(ctx, domain.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	reg := events.NewRegistry()
	var hashes []string
	for _, r := range recs {
		m, err := reg.Decode(r.Type, r.Data)
		if err != nil {
			t.Fatal(err)
		}
		switch e := m.(type) {
		case *eventsv1.UserCreated:
			hashes = append(hashes, e.PasswordHash)
		case *eventsv1.PasswordChanged:
			hashes = append(hashes, e.PasswordHash)
		}
	}
	return hashes
}

func verifies(hash, plain string) bool {
	ok, err := passwords.New().Verify(hash, plain)
	return err == nil && ok
}

func TestFirstStartCreatesOnePlatformAdminAndResetIssuesANewPassword(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir}
	first := startServer(t, env)
	otp := oneTimePassword(first.out.String())
	if len(otp) < domain.MinPasswordLength {
		t.Fatalf("the first start printed no one-time password:\n%s", first.out)
	}
	if !strings.Contains(first.logs.String(), "one_time_password="+otp) {
		t.Errorf("the one-time password is not in the log")
	}
	first.stop(t)

	again := startServer(t, env)
	again.stop(t)
	if p := oneTimePassword(again.out.String()); p != "" {
		t.Errorf("a restart created another admin (printed %q)", p)
	}
	hashes := passwordHashes(t, dir)
	if len(hashes) != 1 || !verifies(hashes[0], otp) {
		t.Fatalf("after a restart the log holds %d password hashes, want the one admin's", len(hashes))
	}

	out, _, err := runCLI(t, env, "admin", "reset-password", "ADMIN")
	if err != nil {
		t.Fatalf("reset-password: %v", err)
	}
	newOTP := oneTimePassword(out)
	if newOTP == "" || newOTP == otp {
		t.Fatalf("reset-password printed %q, want a new one-time password", newOTP)
	}
	hashes = passwordHashes(t, dir)
	if len(hashes) != 2 || !verifies(hashes[1], newOTP) || verifies(hashes[1], otp) {
		t.Errorf("after the reset the admin's password is not the new one-time password")
	}

	if _, _, err := runCLI(t, env, "admin", "reset-password", "nobody@example.com"); err == nil || !strings.Contains(err.Error(), "no user with the login") {
		t.Errorf("reset of an unknown login: %v", err)
	}
}

func TestTwoProcessesStartingOnAnEmptyDatabaseCreateOneAdmin(t *testing.T) {
	dbURL := pgtest.NewEmptyDatabase(t)
	env := map[string]string{"DATABASE_URL": dbURL}
	servers := startServers(t, 2, env)
	printed := 0
	for _, s := range servers {
		if strings.Contains(s.logs.String(), "one_time_password=") {
			printed++
		}
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var created int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM events WHERE type = $1`, events.TypeName(&eventsv1.UserCreated{})).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if created != 1 || printed != 1 {
		t.Errorf("two starts created %d admins and announced %d one-time passwords, want one of each", created, printed)
	}
}
