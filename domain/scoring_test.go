package domain_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// TestScoreBandsMatchAtTheirEdges: a band holds its softer edge and not its
// harder one, so -100 is no longer "softer than -100"; positive rates (some
// clients send them) read as descents; an open band takes everything harder.
func TestScoreBandsMatchAtTheirEdges(t *testing.T) {
	set := domain.DefaultScoring()
	for _, tc := range []struct {
		rate int32
		want int32
	}{
		{-1, 100}, {-99, 100}, {-100, 80}, {-299, 80}, {-300, 50}, {-499, 50}, {-500, 0}, {-2500, 0},
		{150, 80}, // a client that sends the descent as a positive number
	} {
		if got, lines := set.Score(domain.ScoredFlight{LandingRate: tc.rate, FlightTime: 60}); got != tc.want {
			t.Errorf("landing at %d ft/min scores %d (%v), want %d", tc.rate, got, lines, tc.want)
		}
	}
	// A gap between bands scores 0 and says so.
	gap := domain.ScoringSet{Bands: []domain.ScoreBand{{From: 0, To: 100, HasTo: true, Points: 100}, {From: 200, Points: 10}}}
	if got, lines := gap.Score(domain.ScoredFlight{LandingRate: -150}); got != 0 || !strings.Contains(lines[0], "no band") {
		t.Errorf("a landing in a gap scores %d (%v)", got, lines)
	}
}

// TestScoreRulesOnOtherFields: fuel above its threshold and a flight under
// its time each take their points, the score never goes below 0, and a
// PIREP without a landing rate scores the rule's points or 0.
func TestScoreRulesOnOtherFields(t *testing.T) {
	set := domain.DefaultScoring()
	set.Rules = []domain.ScoreRule{
		{Kind: domain.ScoreRuleFuelOver, Threshold: 10000, Points: 15},
		{Kind: domain.ScoreRuleShortFlight, Threshold: 20, Points: 100},
	}
	for _, tc := range []struct {
		name string
		f    domain.ScoredFlight
		want int32
	}{
		{"fuel at the threshold", domain.ScoredFlight{LandingRate: -50, FlightTime: 60, FuelUsed: 10000}, 100},
		{"fuel over the threshold", domain.ScoredFlight{LandingRate: -50, FlightTime: 60, FuelUsed: 10001}, 85},
		{"a flight of the threshold's minutes", domain.ScoredFlight{LandingRate: -50, FlightTime: 20}, 100},
		{"a hop under it", domain.ScoredFlight{LandingRate: -50, FlightTime: 19}, 0},
		{"both, never below 0", domain.ScoredFlight{LandingRate: -350, FlightTime: 5, FuelUsed: 20000}, 0},
		{"no landing rate", domain.ScoredFlight{FlightTime: 60}, 0},
	} {
		if got, lines := set.Score(tc.f); got != tc.want {
			t.Errorf("%s: %d (%v), want %d", tc.name, got, lines, tc.want)
		}
	}
	set.Rules = append(set.Rules, domain.ScoreRule{Kind: domain.ScoreRuleNoLandingRate, Points: 40})
	if got, _ := set.Score(domain.ScoredFlight{FlightTime: 60}); got != 40 {
		t.Errorf("no landing rate with its rule: %d, want 40", got)
	}
}

// TestScoringFormNamesEachBadField: overlapping bands, points out of 0..100,
// a band that ends before it starts, and half a rule are each refused
// beside their own field.
func TestScoringFormNamesEachBadField(t *testing.T) {
	band := func(rows ...domain.ScoreBandInput) []domain.ScoreBandInput { return rows }
	for _, tc := range []struct {
		name  string
		form  domain.ScoringForm
		field string
	}{
		{"no band", domain.ScoringForm{}, "band_0_from"},
		{"overlap", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"0", "200", "100"}, domain.ScoreBandInput{"150", "300", "50"})}, "band_1_from"},
		{"overlap with an open band", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"100", "", "0"}, domain.ScoreBandInput{"0", "300", "50"})}, "band_0_from"},
		{"points over 100", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"0", "", "101"})}, "band_0_points"},
		{"negative points", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"0", "", "-1"})}, "band_0_points"},
		{"ends before it starts", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"300", "100", "10"})}, "band_0_to"},
		{"not a number", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"soft", "", "10"})}, "band_0_from"},
		{"half a fuel rule", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"0", "", "10"}), FuelOverPoints: "5"}, "fuel_over"},
		{"short flight points", domain.ScoringForm{Bands: band(domain.ScoreBandInput{"0", "", "10"}), ShortFlight: "10", ShortFlightPoints: "500"}, "short_flight_points"},
	} {
		_, err := tc.form.Validate()
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%s: %v (fields %v), want a message on %s", tc.name, err, domain.ErrorFields(err), tc.field)
		}
	}
	// Touching bands (one ends where the next starts) and blank rows are fine.
	set, err := domain.ScoringForm{Bands: band(domain.ScoreBandInput{"100", "300", "80"}, domain.ScoreBandInput{}, domain.ScoreBandInput{"0", "100", "100"},
		domain.ScoreBandInput{"300", "", "0"}), FuelOver: "9000", FuelOverPoints: "10"}.Validate()
	if err != nil || len(set.Bands) != 3 || set.Bands[0].From != 0 || len(set.Rules) != 1 {
		t.Fatalf("touching bands: %+v, %v", set, err)
	}
}

type scoringWorld struct {
	*pirepWorld
	scores *domain.Scores
}

func newScoringWorld(t *testing.T) *scoringWorld {
	w := newPirepWorld(t)
	return &scoringWorld{pirepWorld: w, scores: &domain.Scores{Runner: w.r}}
}

// accepted files, submits and accepts a PIREP landed at rate.
func (w *scoringWorld) accepted(t *testing.T, rate int32) string {
	t.Helper()
	ctx := context.Background()
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	d := heathrowLisbon()
	d.LandingRate = rate
	d.FlightNumber = domain.NewUUID()[:4]
	id, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.pireps.Accept(ctx, meta(w.admin), w.airline, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestAPirepIsScoredOnceWithTheBandsOfItsAcceptance: concurrent reactions
// score once; the bands set after the acceptance do not change the score;
// a rejected PIREP is not scored; staff of another airline and pilots may
// not set bands.
func TestAPirepIsScoredOnceWithTheBandsOfItsAcceptance(t *testing.T) {
	w := newScoringWorld(t)
	ctx := context.Background()
	staff := domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}
	if _, err := w.scores.SetBands(ctx, staff, w.airline, domain.ScoringForm{Bands: []domain.ScoreBandInput{{"0", "200", "90"}, {"200", "", "10"}}}); err != nil {
		t.Fatal(err)
	}
	w.clock.add(time.Minute)
	id := w.accepted(t, -150)
	acceptedAt := w.clock.Now()
	w.clock.add(time.Minute)
	// Staff change the bands before the reactor comes to the PIREP.
	if _, err := w.scores.SetBands(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline,
		domain.ScoringForm{Bands: []domain.ScoreBandInput{{"0", "", "5"}}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			meta := domain.CommandMeta{ID: "reaction-" + string(rune('a'+i)), Who: domain.System}
			if _, err := w.scores.ScorePirep(ctx, meta, w.airline, id, acceptedAt); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs, err := w.r.Store.ReadStream(ctx, domain.PirepScoreStream(id), 0)
	if err != nil || len(recs) != 1 {
		t.Fatalf("the score stream has %d events (%v), want one", len(recs), err)
	}
	ev, err := w.r.Registry.Decode(recs[0].Type, recs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	ps := ev.(*eventsv1.PirepScored)
	if ps.Score != 90 || ps.BandsVersion != 1 || ps.LandingRate != -150 {
		t.Errorf("scored %d with bands v%d at %d, want 90 with v1 at -150", ps.Score, ps.BandsVersion, ps.LandingRate)
	}
	// A PIREP rejected before the reactor came to it is not scored.
	other := w.accepted(t, -50)
	if _, err := w.pireps.Reject(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline, other, "Wrong aircraft"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.scores.ScorePirep(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, w.airline, other, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if recs, _ := w.r.Store.ReadStream(ctx, domain.PirepScoreStream(other), 0); len(recs) != 0 {
		t.Errorf("a rejected PIREP was scored: %d events", len(recs))
	}
	// Another airline's PIREP id is not found.
	if _, err := w.scores.ScorePirep(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, "other-airline", id, acceptedAt); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("scoring another airline's PIREP: %v", err)
	}
	if _, err := w.scores.SetBands(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline,
		domain.ScoringForm{Bands: []domain.ScoreBandInput{{"0", "", "5"}}}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot sets bands: %v", err)
	}
	stranger := domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: "other"}
	if _, err := w.scores.SetBands(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: stranger}, w.airline,
		domain.ScoringForm{Bands: []domain.ScoreBandInput{{"0", "", "5"}}}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin sets bands: %v, want not found", err)
	}
	sc, err := w.scores.Settings(ctx, w.airline)
	if err != nil || sc.Current().Version != 2 || sc.At(acceptedAt).Version != 1 {
		t.Errorf("settings: current %+v, at acceptance %+v, %v", sc.Current(), sc.At(acceptedAt), err)
	}
}
