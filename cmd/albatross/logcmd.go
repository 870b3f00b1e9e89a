package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/logfile"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/relay"
	"github.com/albatross-va/albatross/store/sqlite"
	"github.com/albatross-va/albatross/wiring"
)

// logCommand runs `albatross log export FILE` and `albatross log import FILE`.
func logCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "usage: albatross log export FILE | albatross log import FILE"
	if len(args) == 0 {
		return errors.New(usage)
	}
	sub := args[0]
	c, rest, err := parseConfig("log "+sub, args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] == "" {
		return errors.New(usage)
	}
	switch sub {
	case "export":
		return exportLog(ctx, c, rest[0], stdout, newLogger(c, stderr))
	case "import":
		return importLog(ctx, c, rest[0], stdout, newLogger(c, stderr))
	}
	return errors.New(usage)
}

// backupCommand runs `albatross backup DEST`: in the embedded mode a copy
// of the data folder, taken while the server may be serving; in the
// PostgreSQL mode an export of the event log.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, rest, err := parseConfig("backup", args, getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] == "" {
		return errors.New("usage: albatross backup DEST (embedded: a new folder; PostgreSQL: a log file)")
	}
	dest := rest[0]
	log := newLogger(c, stderr)
	if c.DatabaseURL != "" {
		return exportLog(ctx, c, dest, stdout, log)
	}
	es, err := openEmbeddedLog(ctx, c, log)
	if err != nil {
		return err
	}
	defer es.Close()
	if entries, err := os.ReadDir(dest); err == nil && len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty: back up into a new folder", dest)
	}
	if err := os.MkdirAll(dest, 0o750); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := es.Backup(ctx, filepath.Join(dest, "events.db")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up the data folder %s into %s; start from it with: albatross serve --data-dir %s\n", c.DataDir, dest, dest)
	return nil
}

// openEmbeddedLog opens the data folder's event log, refusing a folder
// that has none (rather than creating an empty one).
func openEmbeddedLog(ctx context.Context, c config, log *slog.Logger) (*sqlite.EventStore, error) {
	path := filepath.Join(c.DataDir, "events.db")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("ALBATROSS_DATA_DIR: there is no event log in %s (%s)", c.DataDir, cause(err))
	}
	return sqlite.Open(ctx, path, log)
}

// exportLog writes the configured store's log to file, under a temporary
// name renamed into place once it is whole and on disk.
func exportLog(ctx context.Context, c config, file string, stdout io.Writer, log *slog.Logger) error {
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("log export: %s exists already", file)
	}
	tmp := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".partial")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("log export: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	h := logfile.Header{WrittenAt: time.Now(), Program: buildVersion()}
	var export func(w *logfile.Writer) error
	if c.DatabaseURL == "" {
		h.Source = "embedded"
		es, err := openEmbeddedLog(ctx, c, log)
		if err != nil {
			return err
		}
		defer es.Close()
		export = func(w *logfile.Writer) error { return es.ExportLog(ctx, w) }
	} else {
		h.Source = "postgres"
		pool, err := connectPostgres(ctx, c.DatabaseURL)
		if err != nil {
			return err
		}
		defer pool.Close()
		es := postgres.NewEventStore(pool, log)
		defer es.Close()
		// The reactors this binary runs, so that the export waits for any
		// of them that is between its reactions and its checkpoint.
		cmds := wiring.NewCommands(es, events.NewRegistry(), postgres.NewReadModels(pool).Reader())
		var names []string
		for _, r := range cmds.Reactors() {
			names = append(names, r.Name())
		}
		names = append(names, relay.DefaultName) // the RabbitMQ relay's checkpoint too
		export = func(w *logfile.Writer) error { return es.ExportLog(ctx, w, names) }
	}
	w, err := logfile.NewWriter(f, h)
	if err != nil {
		return fmt.Errorf("log export: %w", err)
	}
	if err := export(w); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("log export: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("log export: %w", err)
	}
	done = true
	if err := os.Rename(tmp, file); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("log export: %w", err)
	}
	n, claims, reactors := w.Counts()
	fmt.Fprintf(stdout, "Exported %d event(s), %d unique claim(s) and %d reactor checkpoint(s) from the %s log to %s.\n",
		n, claims, reactors, h.Source, file)
	return nil
}

// importLog reads file into the configured store, which must hold no
// event, then rebuilds the read models.
func importLog(ctx context.Context, c config, file string, stdout io.Writer, log *slog.Logger) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("log import: %s", cause(err))
	}
	var (
		sum logfile.Summary
		err error
	)
	if c.DatabaseURL == "" {
		if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
			return fmt.Errorf("ALBATROSS_DATA_DIR: cannot create %s: %w", c.DataDir, err)
		}
		es, oerr := sqlite.Open(ctx, filepath.Join(c.DataDir, "events.db"), log)
		if oerr != nil {
			return fmt.Errorf("open event log in %s: %w", c.DataDir, oerr)
		}
		sum, err = es.ImportLog(ctx, file)
		_ = es.Close()
	} else {
		pool, perr := connectPostgres(ctx, c.DatabaseURL)
		if perr != nil {
			return perr
		}
		if _, merr := postgres.Migrate(ctx, pool); merr != nil {
			pool.Close()
			return merr
		}
		es := postgres.NewEventStore(pool, log)
		sum, err = es.ImportLog(ctx, file)
		_ = es.Close()
		pool.Close()
	}
	if err != nil {
		return fmt.Errorf("log import: nothing was imported: %w", err)
	}
	fmt.Fprintf(stdout, "Imported %d event(s), %d unique claim(s) and %d reactor checkpoint(s), written by Albatross %s from a %s log at %s.\n",
		sum.Events, sum.Claims, sum.Reactors, sum.Header.Program, sum.Header.Source, sum.Header.WrittenAt.Format(time.RFC3339))
	if !sum.KeepPositions {
		fmt.Fprintln(stdout, "The events are numbered 1 onwards in their global order (the source's positions were PostgreSQL transaction ids).")
	}
	if c.DatabaseURL == "" {
		fmt.Fprintln(stdout, "The embedded mode builds its read models from the log at start: run albatross serve.")
		return nil
	}
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.projector.Rebuild(ctx, ""); err != nil {
		return fmt.Errorf("log import: the log is imported, but rebuilding the read models failed (run albatross projections rebuild): %w", err)
	}
	fmt.Fprintln(stdout, "Rebuilt the read models.")
	return nil
}
