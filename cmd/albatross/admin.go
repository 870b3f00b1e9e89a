package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/wiring"
)

// userCommands returns the user commands on a backend.
func userCommands(b *backend) *domain.Users {
	return wiring.NewCommands(b.events, b.registry, b.reads).Users
}

// ensureFirstAdmin creates the platform admin on the first start, when the
// platform has no users, and shows its one-time password: in the log, and
// in the embedded mode also on standard output where the person who
// started Albatross will see it. The login is claimed with the event, so a
// restart or a second process starting at the same moment creates nothing.
//
// It waits, up to waitBound, until the read models have the admin, so the
// admin can log in as soon as the URL is printed; with no projector in this
// process the wait runs out and the admin can log in once one runs.
func ensureFirstAdmin(ctx context.Context, b *backend, log *slog.Logger, stdout io.Writer, waitBound time.Duration) error {
	n, err := b.reads.CountUsers(ctx)
	if err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, otp, res, err := userCommands(b).CreateFirstAdmin(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: "system"})
	if domain.ErrorCode(err) == domain.EConflict {
		log.Info("the platform admin exists already (created by another process)")
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the platform admin: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, waitBound)
	defer cancel()
	if err := b.projector.WaitFor(wctx, res.Position); err != nil {
		log.Warn("the new admin is not in the read models yet; a projector must run before the admin can log in", "err", err)
	}
	announceOneTimePassword(log, stdout, b.mode == "embedded", domain.FirstAdminLogin, otp, "created the platform admin")
	return nil
}

// announceOneTimePassword shows a one-time password once: it is the only
// secret Albatross ever writes to its log, because the operator has no other
// way to receive it.
func announceOneTimePassword(log *slog.Logger, stdout io.Writer, toStdout bool, login, otp, what string) {
	log.Warn(what+"; the one-time password must be changed at the first login",
		"login", login, "one_time_password", otp)
	if toStdout {
		fmt.Fprintf(stdout, "\n"+
			"  ************************************************************\n"+
			"  *  %s.\n"+
			"  *  Login:              %s\n"+
			"  *  One-time password:  %s\n"+
			"  *  You will choose a new password when you first log in.\n"+
			"  ************************************************************\n\n",
			capitalize(what), login, otp)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// adminCommand runs `albatross admin …`.
func adminCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reset-password" {
		return errors.New("usage: albatross admin reset-password LOGIN")
	}
	c, rest, err := parseConfig("admin reset-password", args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: albatross admin reset-password LOGIN")
	}
	login := domain.NormalizeEmail(rest[0])
	log := newLogger(c, stderr)
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer b.close()
	// The read models must know every user, in either mode.
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := b.projector.CatchUp(cctx); err != nil {
		return fmt.Errorf("bring the read models up to date: %w", err)
	}
	u, err := reads.New(b.reads).GetUserByEmail(ctx, login)
	if domain.ErrorCode(err) == domain.ENotFound {
		return fmt.Errorf("there is no user with the login %q", login)
	}
	if err != nil {
		return err
	}
	otp, _, err := userCommands(b).IssueOneTimePassword(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: "cli"}, u.ID.String())
	if err != nil {
		return err
	}
	announceOneTimePassword(log, stdout, true, login, otp, "issued a new one-time password")
	return nil
}
