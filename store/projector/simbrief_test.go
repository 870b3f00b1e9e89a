package projector_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TestSimbriefOfpsProjectAndRebuild: a pilot's OFP is kept, used by a
// PIREP, another expires; the rows say so, projected and rebuilt alike.
func TestSimbriefOfpsProjectAndRebuild(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
		clock := &fixedClock{t: now}
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20, Clock: clock}
		airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
		airline, _, err := airlines.Create(ctx, domain.CommandMeta{Who: domain.System}, domain.CreateAirline{Name: "Plan Air", ICAO: "PLN", Slug: "plan-air"})
		must(t, err)
		pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		sb := &domain.Simbrief{Runner: r}
		ofp := &domain.OFP{Origin: "OMAA", Destination: "OMDB", AirDistance: 134, Route: "DCT BOMUP DCT"}
		_, err = sb.Keep(ctx, domain.CommandMeta{Who: pilot}, airline, domain.KeptOFP{OFPID: "used", FlightID: "f1", OFP: ofp, AcarsXML: "<VMSAcars/>"})
		must(t, err)
		_, err = sb.Keep(ctx, domain.CommandMeta{Who: pilot}, airline, domain.KeptOFP{OFPID: "stale", FlightID: "f1", OFP: ofp, AcarsXML: "<VMSAcars/>"})
		must(t, err)
		_, err = sb.Attach(ctx, domain.CommandMeta{Who: pilot}, airline, "used", "pirep-1")
		must(t, err)
		res, err := sb.Expire(ctx, airline, "stale", now.Add(domain.DefaultOFPExpiry))
		must(t, err)
		if _, err := sb.Expire(ctx, airline, "used", now.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		waitVisible(t, e.es, res.Position)
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		must(t, p.CatchUp(ctx))
		check := func(when string) {
			t.Helper()
			q := e.backend.Reader()
			row, err := q.GetPirepOfp(ctx, readmodel.GetPirepOfpParams{TenantID: airline, PirepID: "pirep-1"})
			if err != nil || row.ID != "used" || row.PlannedDistance != 134 || row.AcarsXml != "<VMSAcars/>" {
				t.Fatalf("%s: the used OFP %+v, %v", when, row, err)
			}
			var got domain.OFP
			if err := proto.Unmarshal(row.Ofp, &got); err != nil || got.Route != "DCT BOMUP DCT" {
				t.Errorf("%s: its OFP %v, %v", when, &got, err)
			}
			if _, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: airline, ID: "stale"}); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("%s: the expired OFP: %v, want not found", when, err)
			}
		}
		check("projected")
		must(t, p.Rebuild(ctx, "simbrief"))
		check("rebuilt")
	})
}

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }
