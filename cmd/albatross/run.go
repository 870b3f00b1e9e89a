package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/albatross-va/albatross/store/postgres"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Usage: albatross COMMAND [flags]

Commands:
  serve                       run the web server (embedded mode unless DATABASE_URL is set)
  migrate                     apply PostgreSQL migrations (DATABASE_URL)
  projections rebuild [NAME]  replay read models beside the live ones, then swap (all, or NAME)
  projections retry           apply the quarantined events again, after a fix
  admin reset-password LOGIN  issue a new one-time password (for a lost admin password)
  import phpvms --from mysql://user:pass@host:port/db [--prefix P] [--airline ICAO] [--dry-run]
                              bring a phpVMS 7 database over (see README, Moving from phpVMS)
  log export FILE             write the whole event log to FILE (a checksummed file; see README)
  log import FILE             read FILE into a new data folder or an empty PostgreSQL database
  backup DEST                 embedded: copy the data folder into the new folder DEST while serving;
                              PostgreSQL: export the event log to the file DEST
  relay                       publish every event to RabbitMQ (ALBATROSS_AMQP_URL), in order; see README
  version                     print the version
  healthcheck [URL]           exit 0 when the local server's /healthz answers 200 (the image's health check)
  help                        print this help and every setting

Settings (flag, environment variable, default):
`

// run is the whole program; main only calls it. Tests call it too, with
// their own arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		c, _, err := parseConfig("serve", rest, getenv, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, c, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout, stderr)
	case "projections":
		switch {
		case len(rest) > 0 && rest[0] == "rebuild":
			return rebuildProjections(ctx, rest[1:], getenv, stdout, stderr)
		case len(rest) > 0 && rest[0] == "retry":
			return retryQuarantined(ctx, rest[1:], getenv, stdout, stderr)
		}
		return errors.New("usage: albatross projections rebuild [NAME] | albatross projections retry")
	case "admin":
		return adminCommand(ctx, rest, getenv, stdout, stderr)
	case "import":
		return importCommand(ctx, rest, getenv, stdout, stderr)
	case "log":
		return logCommand(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, rest, getenv, stdout, stderr)
	case "relay":
		return relayCommand(ctx, rest, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, rest, getenv, stdout)
	case "version":
		info, _ := debug.ReadBuildInfo()
		fmt.Fprintln(stdout, versionLine(buildVersion(), info))
		return nil
	case "help", "-h", "--help":
		printUsage(stdout)
		return nil
	default:
		printUsage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(w, "  --%-20s %-30s %-18s %s\n", s.flag, s.env, def, s.usage)
	}
}

func buildVersion() string {
	if version != "dev" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}

// versionLine is what `albatross version` prints: the version, the
// commit it was built from and that commit's time (the build's date, kept
// reproducible: two builds of one commit are the same binary), and the Go
// toolchain and platform. A build outside a git checkout (go install
// @version) has no VCS stamp; its version is the module's, and a
// pseudo-version (go install @latest or @commit of an untagged commit)
// names the commit and its time, which are read from it.
func versionLine(v string, info *debug.BuildInfo) string {
	commit, at, modified := "", "", false
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if commit == "" {
		commit, at = pseudoVersionCommit(v)
	}
	line := "albatross " + v
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if modified {
			commit += " with local changes"
		}
		line += ", commit " + commit
		if at != "" {
			line += " of " + at
		}
	}
	return line + fmt.Sprintf(" (%s, %s/%s)", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// pseudoVersion is a Go module pseudo-version's tail: -yyyymmddhhmmss-commit.
var pseudoVersion = regexp.MustCompile(`[.-](\d{14})-([0-9a-f]{12})(\+incompatible)?$`)

// pseudoVersionCommit reads the commit and its time (RFC 3339, UTC) from a
// module pseudo-version such as v0.0.0-20261207143000-0757b8c1d2e3, as
// `go install …@latest` stamps an untagged commit; "", "" for a tag.
func pseudoVersionCommit(v string) (commit, at string) {
	m := pseudoVersion.FindStringSubmatch(v)
	if m == nil {
		return "", ""
	}
	t, err := time.Parse("20060102150405", m[1])
	if err != nil {
		return "", ""
	}
	return m[2], t.UTC().Format(time.RFC3339)
}

// migrate applies the PostgreSQL migrations and lists what it applied.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, _, err := parseConfig("migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	if c.DatabaseURL == "" {
		fmt.Fprintln(stdout, "Nothing to migrate: without DATABASE_URL Albatross runs embedded and creates its schema at start.")
		return nil
	}
	pool, err := connectPostgres(ctx, c.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := postgres.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "The database is up to date.")
		return nil
	}
	fmt.Fprintf(stdout, "Applied %d migration(s): %s\n", len(applied), strings.Join(applied, ", "))
	return nil
}

// retryQuarantined applies the quarantined events again: the projections
// that set some aside are rebuilt, and those events that now apply leave
// the quarantine.
func retryQuarantined(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, rest, err := parseConfig("projections retry", args, getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return errors.New("usage: albatross projections retry")
	}
	log := newLogger(c, stderr)
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer b.close()
	if b.mode == "embedded" {
		fmt.Fprintln(stdout, "The embedded mode rebuilds its read models from the log at every start, quarantined events included; restart it to apply them again.")
		return nil
	}
	before, err := b.projector.Quarantined(ctx)
	if err != nil {
		return err
	}
	if len(before) == 0 {
		fmt.Fprintln(stdout, "No event is quarantined.")
		return nil
	}
	still, err := b.projector.Retry(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d of %d quarantined event(s) now apply; %d still fail (see /admin/quarantine).\n", len(before)-still, len(before), still)
	return nil
}

// rebuildProjections drops read models and replays the log into them.
func rebuildProjections(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, rest, err := parseConfig("projections rebuild", args, getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return errors.New("usage: albatross projections rebuild [NAME]")
	}
	log := newLogger(c, stderr)
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer b.close()
	name := ""
	if len(rest) == 1 {
		name = rest[0]
	}
	names := b.projector.Names()
	if name != "" && !slices.Contains(names, name) {
		return fmt.Errorf("unknown projection %q (known: %s)", name, strings.Join(names, ", "))
	}
	if b.mode == "embedded" {
		fmt.Fprintln(stdout, "The embedded mode keeps its read models in memory and rebuilds them at every start, from its snapshot (readmodels.snapshot in the data folder) and the events after it; nothing to do. To replay the whole log, stop Albatross and delete that file.")
		return nil
	}
	// Beside the live read models: pages keep answering from them, and a
	// running server keeps projecting, until the rebuilt rows replace
	// them in one short transaction per projection.
	if err := b.projector.RebuildOnline(ctx, name); err != nil {
		return err
	}
	if name == "" {
		name = strings.Join(names, ", ")
	}
	fmt.Fprintf(stdout, "Rebuilt %s.\n", name)
	return nil
}
