package phpvmsdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// users imports the airline's pilots: their login with phpVMS's own
// password hash (replaced at their first login), their number, state,
// rank, transfer time, role and API key.
func (im *Importer) users(ctx context.Context, rep *Report, d *Data, airlineID int64, t Target, airports map[string]bool, ranks map[int64]string) error {
	tenant := t.TenantID
	taken := map[int32]string{}
	for user, n := range t.Numbers {
		if n > 0 {
			taken[n] = user
		}
	}
	prefix := t.PilotIDPrefix
	c := rep.count("users").start(len(d.Users))
	for _, u := range d.Users {
		if u.AirlineID != airlineID {
			continue
		}
		id := fmt.Sprint(u.ID)
		if u.Deleted || u.State == userDeleted {
			skip(rep, c, id, "deleted in phpVMS: not imported (their PIREPs are left out too)")
			continue
		}
		email := domain.NormalizeEmail(u.Email)
		if email == "" || !strings.Contains(email, "@") {
			skip(rep, c, id, "the email %q is not an address", u.Email)
			continue
		}
		uid := im.ID("users", u.ID)
		created := first(u.Created, time.Now().UTC())
		home := strings.ToUpper(u.HomeAirport)
		var homeAirport *string
		if airports[home] {
			homeAirport = &home
		}
		number := int32(u.PilotID)
		if other, ok := taken[number]; ok && other != uid {
			rep.problem("users", id, "pilot number %d is another pilot's in this airline: given the next free number", number)
			number = 0
		}
		err := im.row(rep, c, id, func() (bool, error) {
			did, err := im.step(ctx, rep, domain.UserStream(uid), tenant, "users/"+uid+"/registered", created,
				[]domain.UniqueClaim{{Scope: "", Field: "email", Value: email}},
				&eventsv1.PilotRegistered{UserId: uid, TenantId: tenant, Email: email, Name: strings.TrimSpace(u.Name),
					Country: strings.ToUpper(u.Country), PasswordHash: u.Password, RegisteredAt: ts(created), HomeAirport: homeAirport})
			if err != nil {
				return false, err
			}
			more, err := im.userSteps(ctx, rep, u, uid, tenant, prefix, number, created, ranks)
			return did || more, err
		})
		if err != nil {
			return err
		}
		rep.UserIDs[u.ID] = uid
	}
	im.progress(c)
	return nil
}

// userSteps are a user's steps after registering: the decision on their
// membership (with their phpVMS number), their rank, role, transfer time
// and API key.
func (im *Importer) userSteps(ctx context.Context, rep *Report, u User, uid, tenant, prefix string, number int32, created time.Time, ranks map[int64]string) (bool, error) {
	any := false
	do := func(did bool, err error) error {
		any = any || did
		return err
	}
	if u.State == userRejected {
		err := do(im.step(ctx, rep, domain.UserStream(uid), tenant, "users/"+uid+"/rejected", created, nil,
			&eventsv1.RegistrationRejected{UserId: uid, Reason: "Rejected in phpVMS.", RejectedAt: ts(created)}))
		return any, err
	}
	if u.State == userPending {
		return any, nil
	}
	// Approved: the decision in the airline's stream counts the number.
	if number == 0 {
		n, err := im.nextNumber(ctx, tenant)
		if err != nil {
			return any, err
		}
		number = n
	}
	if err := do(im.step(ctx, rep, domain.AirlineStream(tenant), tenant, "users/"+uid+"/decided", created, nil,
		&eventsv1.MembershipDecided{AirlineId: tenant, UserId: uid, Approved: true, PilotNumber: number, DecidedAt: ts(created)})); err != nil {
		return any, err
	}
	if err := do(im.step(ctx, rep, domain.UserStream(uid), tenant, "users/"+uid+"/approved", created, nil,
		&eventsv1.PilotApproved{UserId: uid, PilotNumber: number, PilotId: domain.FormatPilotID(prefix, number), ApprovedAt: ts(created)})); err != nil {
		return any, err
	}
	if u.Admin {
		if err := do(im.step(ctx, rep, domain.UserStream(uid), tenant, "users/"+uid+"/admin", created, nil,
			&eventsv1.RoleChanged{UserId: uid, Role: domain.RoleAirlineAdmin, ChangedAt: ts(created)})); err != nil {
			return any, err
		}
	}
	if u.State == userSuspended {
		if err := do(im.step(ctx, rep, domain.UserStream(uid), tenant, "users/"+uid+"/suspended", created, nil,
			&eventsv1.UserSuspended{UserId: uid, Reason: "Suspended in phpVMS.", SuspendedAt: ts(created)})); err != nil {
			return any, err
		}
	}
	if rid, ok := ranks[u.RankID]; ok {
		if err := do(im.step(ctx, rep, domain.CareerStream(uid), tenant, "users/"+uid+"/rank/"+rid, created, nil,
			&eventsv1.PilotRankSet{UserId: uid, TenantId: tenant, RankId: rid, ByHand: true, By: Actor, SetAt: ts(created)})); err != nil {
			return any, err
		}
	} else if u.RankID != 0 {
		rep.problem("users", fmt.Sprint(u.ID), "orphan: rank %d is deleted or missing: imported without a rank", u.RankID)
	}
	if u.TransferTime > 0 {
		if err := do(im.step(ctx, rep, domain.TransferStream(uid), tenant, fmt.Sprintf("users/%s/transfer/%d", uid, u.TransferTime), created, nil,
			&eventsv1.PilotTransferHoursSet{UserId: uid, TenantId: tenant, Minutes: u.TransferTime, Reason: "Transfer time in phpVMS", By: Actor, SetAt: ts(created)})); err != nil {
			return any, err
		}
	}
	if key := strings.TrimSpace(u.APIKey); key != "" {
		kid := im.ID("api_key/"+key, u.ID)
		if err := do(im.step(ctx, rep, domain.APIKeyStream(kid), tenant, "api_keys/"+kid, created, nil,
			&eventsv1.ApiKeyCreated{KeyId: kid, UserId: uid, TenantId: tenant, Name: "phpVMS API key",
				Prefix: key[:min(len(key), 8)], Hash: domain.HashAPIKey(key), CreatedAt: ts(created)})); err != nil {
			return any, err
		}
	}
	return any, nil
}

// nextNumber is the airline's next pilot number, for a pilot whose phpVMS
// number is taken or missing.
func (im *Importer) nextNumber(ctx context.Context, tenant string) (int32, error) {
	a := &domain.Airline{}
	recs, err := im.Runner.Store.ReadStream(ctx, domain.AirlineStream(tenant), 0)
	if err != nil {
		return 0, err
	}
	for _, r := range recs {
		m, err := im.Runner.Registry.Decode(r.Type, r.Data)
		if err != nil {
			return 0, err
		}
		if err := a.Apply(m); err != nil {
			return 0, err
		}
	}
	return a.LastPilotNumber + 1, nil
}
