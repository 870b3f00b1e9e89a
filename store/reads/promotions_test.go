package reads_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The promotion step reads the pilot's projected hours and the airline's
// ranks, and records the rank the rule gives in the pilot's career.
func TestPromotionsUseTheProjectedHoursAndRanks(t *testing.T) {
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { es.Close() })
	r := &domain.Runner{Store: es, Registry: events.NewRegistry()}
	mem := memory.New()
	tenant, pilot := uuid.NewString(), uuid.New()
	cadet, fo := uuid.New(), uuid.New()
	for _, rk := range []readmodel.UpsertRankParams{
		{TenantID: tenant, ID: cadet, Name: "Cadet", AutoPromote: true, UpdatedAt: time.Now()},
		{TenantID: tenant, ID: fo, Name: "First Officer", MinMinutes: 600, AutoPromote: true, UpdatedAt: time.Now()},
	} {
		if err := mem.UpsertRank(ctx, rk); err != nil {
			t.Fatal(err)
		}
	}
	promo := reads.Promotions{Q: reads.New(mem), Ranks: &domain.Ranks{Runner: r, IDs: domain.RandomIDs{}}}
	career := func() domain.Career {
		t.Helper()
		if _, err := promo.Promote(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, tenant, pilot.String()); err != nil {
			t.Fatal(err)
		}
		c := domain.Career{}
		recs, err := es.ReadStream(ctx, domain.CareerStream(pilot.String()), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			m, err := r.Registry.Decode(rec.Type, rec.Data)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Apply(m); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	if c := career(); c.RankID != cadet.String() {
		t.Errorf("a pilot without hours: %+v, want Cadet", c)
	}
	off := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	for i := range 2 {
		if err := mem.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: tenant, ID: uuid.New(), PilotID: pilot, State: domain.PirepAccepted,
			FlightNumber: "1", DptAirport: "EGLL", ArrAirport: "KJFK", AircraftID: uuid.New(), BlockOff: off, BlockOn: off.Add(time.Duration(i+7) * time.Hour),
			FlightTime: 360, Source: "manual", FiledAt: off, QueuedAt: off, UpdatedAt: off}); err != nil {
			t.Fatal(err)
		}
	}
	if err := mem.RecalculatePilotStats(ctx, readmodel.RecalculatePilotStatsParams{TenantID: tenant, PilotID: pilot}); err != nil {
		t.Fatal(err)
	}
	if c := career(); c.RankID != fo.String() {
		t.Errorf("after 12 hours: %+v, want First Officer", c)
	}
}
