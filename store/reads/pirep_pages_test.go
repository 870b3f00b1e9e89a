package reads_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// pirepWorld is an in-memory read model with a way to file PIREPs into it.
type pirepWorld struct {
	t   *testing.T
	m   *memory.ReadModels
	day time.Time
}

// file writes a PIREP of tenant flown by pilot, block-off day days after
// the first, lasting minutes.
func (w pirepWorld) file(tenant string, pilot uuid.UUID, number, state string, days, minutes int) uuid.UUID {
	w.t.Helper()
	id := uuid.New()
	off := w.day.AddDate(0, 0, days)
	if err := w.m.UpsertPirep(context.Background(), readmodel.UpsertPirepParams{TenantID: tenant, ID: id, PilotID: pilot,
		State: state, FlightNumber: number, DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: uuid.New(),
		BlockOff: off, BlockOn: off.Add(time.Duration(minutes) * time.Minute), FlightTime: int32(minutes),
		Source: domain.PirepSourceManual, FiledAt: off, QueuedAt: off, UpdatedAt: off}); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func flightNumbers(list []reads.Pirep) (out []string) {
	for _, p := range list {
		out = append(out, p.FlightNumber)
	}
	return out
}

// TestFindPirepsFiltersSortsAndPages searches an airline's PIREPs the way
// the staff's list does, and never finds another airline's.
func TestFindPirepsFiltersSortsAndPages(t *testing.T) {
	ctx := context.Background()
	w := pirepWorld{t: t, m: memory.New(), day: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	q := reads.New(w.m)
	ann, bob := uuid.New(), uuid.New()
	w.file("a", ann, "1", domain.PirepAccepted, 0, 60)
	w.file("a", bob, "2", domain.PirepPending, 1, 180)
	w.file("a", ann, "3", domain.PirepPending, 2, 30)
	other := w.file("b", ann, "9", domain.PirepPending, 3, 999)

	first, err := q.FindPireps(ctx, "a", reads.PirepFilter{}, 2)
	if err != nil || first.Total != 3 || first.Pages != 2 || first.Page != 1 || len(first.Pireps) != 2 || first.Pireps[0].FlightNumber != "3" {
		t.Fatalf("first page: %v %+v, %v; want 3 and 2 of 3 PIREPs on 2 pages", flightNumbers(first.Pireps), first, err)
	}
	last, err := q.FindPireps(ctx, "a", reads.PirepFilter{Page: 7}, 2)
	if err != nil || last.Page != 2 || last.Offset != 2 || len(last.Pireps) != 1 || last.Pireps[0].FlightNumber != "1" {
		t.Errorf("page 7 of 2: %v %+v, %v; want the last page, with 1", flightNumbers(last.Pireps), last, err)
	}
	for sort, want := range map[string]string{reads.PirepsOldest: "1", reads.PirepsLongest: "2", "": "3"} {
		got, err := q.FindPireps(ctx, "a", reads.PirepFilter{Sort: sort}, 10)
		if err != nil || len(got.Pireps) != 3 || got.Pireps[0].FlightNumber != want {
			t.Errorf("order %q: %v, %v; want %s first", sort, flightNumbers(got.Pireps), err, want)
		}
	}
	mine, err := q.FindPireps(ctx, "a", reads.PirepFilter{PilotID: ann.String(), State: domain.PirepPending}, 10)
	if err != nil || mine.Total != 1 || len(mine.Pireps) != 1 || mine.Pireps[0].FlightNumber != "3" || mine.Pireps[0].PilotID != ann.String() {
		t.Errorf("Ann's pending PIREPs: %v, %v; want only 3", flightNumbers(mine.Pireps), err)
	}
	between, err := q.FindPireps(ctx, "a", reads.PirepFilter{From: w.day.AddDate(0, 0, 1), To: w.day.AddDate(0, 0, 2)}, 10)
	if err != nil || len(between.Pireps) != 1 || between.Pireps[0].FlightNumber != "2" {
		t.Errorf("block-off on the second day: %v, %v; want only 2", flightNumbers(between.Pireps), err)
	}

	if p, err := q.FindPirep(ctx, "b", other.String()); err != nil || p.FlightNumber != "9" || p.AirlineID != "b" || p.FlightTime != 999 {
		t.Errorf("PIREP 9: %+v, %v", p, err)
	}
	for _, id := range []string{"not-an-id", uuid.NewString(), other.String()} {
		if _, err := q.FindPirep(ctx, "a", id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("PIREP %q in airline a: %v, want not found", id, err)
		}
	}
}

// TestPilotCareerIsEmptyBeforeTheFirstFlight reads a pilot's totals and
// rank, and nothing for a pilot who has neither yet.
func TestPilotCareerIsEmptyBeforeTheFirstFlight(t *testing.T) {
	ctx := context.Background()
	w := pirepWorld{t: t, m: memory.New(), day: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	q := reads.New(w.m)
	ann := uuid.New()
	if c, err := q.PilotCareer(ctx, "a", ann.String()); err != nil || c != (reads.Career{}) {
		t.Errorf("a new pilot's career: %+v, %v; want none", c, err)
	}
	flown := w.file("a", ann, "1", domain.PirepAccepted, 0, 90)
	w.file("a", ann, "2", domain.PirepPending, 1, 60)
	if err := w.m.AddPirepToPilotStats(ctx, readmodel.AddPirepToPilotStatsParams{TenantID: "a", PilotID: ann, PirepID: flown,
		FlightTime: 90, BlockOn: w.day.Add(90 * time.Minute), ArrAirport: "LPPT"}); err != nil {
		t.Fatal(err)
	}
	rank := uuid.NewString()
	if err := w.m.UpsertPilotRank(ctx, readmodel.UpsertPilotRankParams{TenantID: "a", PilotID: ann, RankID: rank, SetAt: w.day}); err != nil {
		t.Fatal(err)
	}
	c, err := q.PilotCareer(ctx, "a", ann.String())
	if err != nil || c.Flights != 1 || c.Minutes != 90 || c.Location != "LPPT" || c.RankID != rank {
		t.Errorf("after an accepted flight: %+v, %v; want 1 flight of 1:30 to LPPT and the rank", c, err)
	}
	if c, err := q.PilotCareer(ctx, "b", ann.String()); err != nil || c != (reads.Career{}) {
		t.Errorf("in another airline: %+v, %v; want none", c, err)
	}
}
