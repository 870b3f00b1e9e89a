package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports/phpvmsdb"
	phpvmsstore "github.com/albatross-va/albatross/store/phpvmsdb"
	"github.com/albatross-va/albatross/wiring"
)

const phpvmsUsage = "usage: albatross import phpvms --from mysql://user:password@host:port/database [--prefix P] [--airline ICAO] [--dry-run]"

// importCommand runs `albatross import phpvms …`: a phpVMS 7 database's
// airlines, fleet, schedules, pilots and PIREPs appended as events, the
// import recorded as their actor. A second run appends only what changed.
func importCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "phpvms" {
		return errors.New(phpvmsUsage)
	}
	var from, prefix, airline string
	var dryRun bool
	var rest []string
	args = args[1:]
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		takeValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("--%s needs a value; %s", name, phpvmsUsage)
			}
			i++
			return args[i], nil
		}
		var err error
		switch {
		case !strings.HasPrefix(args[i], "-"):
			return fmt.Errorf("unexpected %q; %s", args[i], phpvmsUsage)
		case name == "from":
			from, err = takeValue()
		case name == "prefix":
			prefix, err = takeValue()
		case name == "airline":
			airline, err = takeValue()
		case name == "dry-run":
			dryRun = !hasValue || value == "true"
		default:
			rest = append(rest, args[i])
			if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				rest = append(rest, args[i])
			}
		}
		if err != nil {
			return err
		}
	}
	if from == "" {
		return errors.New(phpvmsUsage)
	}
	c, _, err := parseConfig("import phpvms", rest, getenv, stderr)
	if err != nil {
		return err
	}
	db, source, err := phpvmsstore.Open(ctx, from)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "Reading phpVMS database %s…\n", source)
	data, err := phpvmsstore.Read(ctx, db, prefix)
	if err != nil {
		return err
	}
	log := newLogger(c, stderr)
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer b.close()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := b.projector.CatchUp(cctx); err != nil {
		return fmt.Errorf("bring the read models up to date: %w", err)
	}
	cmds := wiring.NewCommands(b.events, b.registry, b.reads)
	clock := &phpvmsdb.Clock{}
	runner := *cmds.Runner
	runner.Clock, runner.States = clock, nil
	im := &phpvmsdb.Importer{Runner: &runner, Clock: clock, Source: source, DryRun: dryRun, Out: stdout,
		Airline: func(ctx context.Context, a phpvmsdb.Airline, create bool) (phpvmsdb.Target, bool, error) {
			return phpvmsAirline(ctx, b, cmds, a, create)
		}}
	rep, err := im.Run(ctx, data, airline)
	if err != nil {
		return err
	}
	if !dryRun && rep.Appended > 0 {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		if err := catchUpTo(wctx, b, rep.Position); err != nil {
			return fmt.Errorf("bring the read models up to date: %w", err)
		}
	}
	return nil
}

// catchUpTo projects in this process until the read models include pos.
// One catch-up is not enough on PostgreSQL: it reads only below the oldest
// transaction still open on the server, so it may stop short of the
// import's last events while another client's transaction is open.
func catchUpTo(ctx context.Context, b *backend, pos domain.Position) error {
	for {
		if err := b.projector.CatchUp(ctx); err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		err := b.projector.WaitFor(wctx, pos)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// phpvmsAirline finds the Albatross airline of a phpVMS airline's ICAO
// code, or creates it (slug: the code in lower case).
func phpvmsAirline(ctx context.Context, b *backend, cmds wiring.Commands, a phpvmsdb.Airline, create bool) (phpvmsdb.Target, bool, error) {
	list, err := b.reads.ListAirlines(ctx)
	if err != nil {
		return phpvmsdb.Target{}, false, err
	}
	icao := strings.ToUpper(strings.TrimSpace(a.ICAO))
	for _, al := range list {
		if al.Icao == icao {
			// The numbers the airline has given already: an imported pilot
			// whose phpVMS number another person holds gets the next free one.
			people, err := b.reads.ListUsersByTenant(ctx, al.ID.String())
			if err != nil {
				return phpvmsdb.Target{}, false, err
			}
			numbers := map[string]int32{}
			for _, u := range people {
				if u.PilotNumber > 0 {
					numbers[u.ID.String()] = u.PilotNumber
				}
			}
			return phpvmsdb.Target{TenantID: al.ID.String(), PilotIDPrefix: prefixOr(al.PilotIDPrefix, icao), Numbers: numbers}, false, nil
		}
	}
	if !create {
		return phpvmsdb.Target{TenantID: domain.NewUUID(), PilotIDPrefix: icao}, true, nil
	}
	id, res, err := cmds.Airlines.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System, Actor: phpvmsdb.Actor},
		domain.CreateAirline{Name: a.Name, ICAO: icao, IATA: a.IATA, Slug: strings.ToLower(icao)})
	if err != nil {
		return phpvmsdb.Target{}, false, fmt.Errorf("create airline %s: %w", icao, err)
	}
	if err := catchUpTo(ctx, b, res.Position); err != nil {
		return phpvmsdb.Target{}, false, err
	}
	return phpvmsdb.Target{TenantID: id, PilotIDPrefix: icao}, true, nil
}

func prefixOr(p, icao string) string {
	if p == "" {
		return icao
	}
	return p
}
