// Package phpvmstest makes phpVMS-shaped MariaDB databases for tests: each
// test gets its own, loaded from the fixture, and drops it at cleanup.
package phpvmstest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/albatross-va/albatross/store/pgtest"
)

// ServerURL is the MariaDB server of the tests, without a database:
// ALBATROSS_TEST_MYSQL_URL or root without a password on 127.0.0.1:3306.
func ServerURL() string {
	if u := os.Getenv("ALBATROSS_TEST_MYSQL_URL"); u != "" {
		return u
	}
	return "mysql://root@127.0.0.1:3306"
}

// Fixture is the path of the phpVMS 7.0.10 fixture (testdata beside
// store/phpvmsdb).
func Fixture() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "phpvms-7.0.10.sql")
}

func connect(ctx context.Context, db string, multi bool) (*sql.DB, error) {
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr, c.DBName, c.MultiStatements = "root", "tcp", "127.0.0.1:3306", db, multi
	if u := os.Getenv("ALBATROSS_TEST_MYSQL_ADDR"); u != "" {
		c.Addr = u
	}
	conn, err := sql.Open("mysql", c.FormatDSN())
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := conn.PingContext(pctx); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// NewDatabase creates a database phpvms_test_<random> loaded with the
// fixture and returns its mysql:// URL and a connection to it. The test
// skips when MariaDB is not reachable, and fails when CI is set.
func NewDatabase(t testing.TB) (string, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	admin, err := connect(ctx, "", false)
	if err != nil {
		pgtest.Unavailable(t, "MariaDB at 127.0.0.1:3306", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "phpvms_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	})
	sqlText, err := os.ReadFile(Fixture())
	if err != nil {
		t.Fatal(err)
	}
	db, err := connect(ctx, name, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, string(sqlText)); err != nil {
		t.Fatalf("load the phpVMS fixture: %v", err)
	}
	return ServerURL() + "/" + name, db
}
