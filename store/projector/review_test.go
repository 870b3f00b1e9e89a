package projector_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TestCommentsAndNoticesReachTheReadModels comments on a PIREP from both
// sides, accepts and rejects it, gives its pilot a rank and dismisses a
// notice, and checks the thread and the pilot's notices, that another
// pilot is told nothing, and that a rebuild of both projections gives the
// same rows, in both deployment models.
func TestCommentsAndNoticesReachTheReadModels(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
		airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
			domain.CreateAirline{Name: "Notice Air", ICAO: "NTC", Slug: "notice-air"})
		must(t, err)
		staff := domain.Actor{UserID: uuid.NewString(), Role: domain.RoleAirlineAdmin, TenantID: airline}
		pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		other := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: uuid.NewString(), Who: a} }
		aircraft := uuid.NewString()
		pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: oneAircraft(aircraft), Settings: domain.NoPirepRules{},
			Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "KJFK": {Lat: 40.6398, Lon: -73.7789}}}
		off := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		d := domain.PirepDetails{FlightNumber: "42", DptAirport: "EGLL", ArrAirport: "KJFK",
			AircraftID: aircraft, BlockOff: off, BlockOn: off.Add(7 * time.Hour), FlightTime: 400}
		id, _, err := pireps.File(ctx, meta(pilot), airline, d, true)
		must(t, err)
		_, _, err = pireps.Comment(ctx, meta(pilot), airline, id, "  Turbulence over the Atlantic  ")
		must(t, err)
		_, _, err = pireps.Comment(ctx, meta(staff), airline, id, "Thanks, noted.")
		must(t, err)
		if _, _, err := pireps.Comment(ctx, meta(other), airline, id, "Me too"); domain.ErrorCode(err) != domain.EForbidden {
			t.Fatalf("another pilot's comment: %v, want forbidden", err)
		}
		_, err = pireps.Accept(ctx, meta(staff), airline, id)
		must(t, err)
		_, err = pireps.Reject(ctx, meta(staff), airline, id, "Wrong aircraft type")
		must(t, err)
		rk := &domain.Ranks{Runner: r, IDs: domain.RandomIDs{}}
		fo, _, err := rk.Save(ctx, meta(staff), airline, "", domain.RankForm{Name: "First Officer", MinHours: "10"})
		must(t, err)
		_, err = rk.SetByHand(ctx, meta(staff), airline, pilot.UserID, fo)
		must(t, err)
		notices := &domain.Notices{Runner: r}
		res, err := notices.Dismiss(ctx, meta(pilot), airline, domain.PirepStream(id)+"@4") // the acceptance: filed 1, comments 2 and 3
		must(t, err)
		if _, err := notices.Dismiss(ctx, meta(domain.Actor{UserID: uuid.NewString(), Role: domain.RolePlatformAdmin}), airline, "x@1"); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("a platform admin's dismissal: %v, want forbidden", err)
		}
		waitVisible(t, e.es, res.Position)
		n := notify.NewLocal()
		defer n.Close()
		p := projector.New(e.es, e.backend, reg, n, nil, projector.All()...)
		must(t, p.CatchUp(ctx))
		q := e.backend.Reader()

		read := func() ([]readmodel.PirepComment, []readmodel.Notice, []readmodel.Notice) {
			t.Helper()
			cs, err := q.ListPirepComments(ctx, readmodel.ListPirepCommentsParams{TenantID: airline, PirepID: uuid.MustParse(id)})
			must(t, err)
			ns, err := q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: airline, UserID: uuid.MustParse(pilot.UserID), Limit: 10})
			must(t, err)
			os, err := q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: airline, UserID: uuid.MustParse(other.UserID), Limit: 10})
			must(t, err)
			return cs, ns, os
		}
		cs, ns, os := read()
		if len(cs) != 2 || cs[0].Text != "Turbulence over the Atlantic" || cs[0].AuthorID != pilot.UserID || cs[1].AuthorID != staff.UserID {
			t.Fatalf("thread = %+v, want the pilot's then the staff's comment", cs)
		}
		if len(ns) != 2 || ns[0].Kind != projector.NoticeRank || ns[0].RankID != fo || ns[0].PrevRankID != "" ||
			ns[1].Kind != projector.NoticeRejected || ns[1].Reason != "Wrong aircraft type" || ns[1].FlightNumber != "42" ||
			ns[1].DptAirport != "EGLL" || ns[1].ArrAirport != "KJFK" || ns[1].PirepID != id {
			t.Fatalf("pilot's unread notices = %+v, want the rank and the rejection (the acceptance dismissed)", ns)
		}
		if len(os) != 0 {
			t.Errorf("another pilot is told %+v", os)
		}

		must(t, p.Rebuild(ctx, "pirep_comments"))
		// A rebuild wakes the pages of the people whose notices it made,
		// not every page of the airline.
		subCtx, stop := context.WithCancel(ctx)
		defer stop()
		sub, err := n.Subscribe(subCtx)
		must(t, err)
		must(t, p.Rebuild(ctx, "notices"))
		var told []string
		for wait := time.After(5 * time.Second); len(told) == 0; {
			select {
			case got := <-sub:
				if got.Topic == projector.TopicNotices {
					told = append(told, got.UserID)
				}
			case <-wait:
				t.Fatal("the rebuild of the notices told nobody")
			}
		}
		if !slices.Equal(told, []string{pilot.UserID}) {
			t.Errorf("the rebuild told %q, want only the pilot %s", told, pilot.UserID)
		}
		cs2, ns2, os2 := read()
		if !reflect.DeepEqual(cs, cs2) || !reflect.DeepEqual(ns, ns2) || len(os2) != 0 {
			t.Errorf("after a rebuild:\n%+v\n%+v\nwant\n%+v\n%+v", cs2, ns2, cs, ns)
		}
	})
}
