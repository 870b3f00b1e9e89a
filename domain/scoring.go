package domain

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// Landing scores (issue 17): an airline's bands of landing rate, each worth
// some points, and rules on other fields the PIREP carries. A PIREP is
// scored once, when it is accepted, with the bands in force then; a later
// change of bands never rescores it.

// Stream prefixes of the scoring streams.
const (
	ScoringStreamPrefix    = "scoring-"
	PirepScoreStreamPrefix = "pirep-score-"
)

// ScoringStream is the stream of an airline's scoring bands.
func ScoringStream(airlineID string) string { return ScoringStreamPrefix + airlineID }

// PirepScoreStream is the stream of one PIREP's score.
func PirepScoreStream(pirepID string) string { return PirepScoreStreamPrefix + pirepID }

// The kinds of scoring rule, on fields every PIREP carries (manual or
// ACARS): fuel used in pounds, flight time in minutes, and whether a
// landing rate was reported at all.
const (
	// ScoreRuleFuelOver subtracts Points when fuel used is above Threshold
	// pounds.
	ScoreRuleFuelOver = "fuel_over"
	// ScoreRuleShortFlight subtracts Points when flight time is under
	// Threshold minutes (Points 100: a hop scores 0).
	ScoreRuleShortFlight = "short_flight"
	// ScoreRuleNoLandingRate gives a PIREP without a landing rate (0) Points
	// instead of a band's (otherwise it scores 0).
	ScoreRuleNoLandingRate = "no_landing_rate"
)

// MaxScore is the most points a PIREP scores; a score is never below 0.
const MaxScore = 100

// ScoreBand is a band of descent rate in ft/min as a positive number: From
// up to, not including, To; HasTo false is "From and harder".
type ScoreBand struct {
	From, To int32
	HasTo    bool
	Points   int32
}

// Contains tells whether a descent rate (positive ft/min) is in the band.
func (b ScoreBand) Contains(rate int32) bool {
	return rate >= b.From && (!b.HasTo || rate < b.To)
}

// Label names the band as pilots read landing rates (negative).
func (b ScoreBand) Label() string {
	switch {
	case !b.HasTo:
		return fmt.Sprintf("-%d ft/min and harder", b.From)
	case b.From == 0:
		return fmt.Sprintf("softer than -%d ft/min", b.To)
	}
	return fmt.Sprintf("-%d to -%d ft/min", b.From, b.To)
}

// ScoreRule is a rule on another field of the PIREP.
type ScoreRule struct {
	Kind      string
	Threshold int64
	Points    int32
}

// ScoringSet is an airline's bands and rules as one set of them was made.
// Version 0 is DefaultScoring, the set of an airline that never set one.
type ScoringSet struct {
	Version int64
	SetAt   time.Time
	Bands   []ScoreBand // ordered by From
	Rules   []ScoreRule
}

// DefaultScoring is the set an airline scores with until staff set theirs.
func DefaultScoring() ScoringSet {
	return ScoringSet{Bands: []ScoreBand{
		{From: 0, To: 100, HasTo: true, Points: 100},
		{From: 100, To: 300, HasTo: true, Points: 80},
		{From: 300, To: 500, HasTo: true, Points: 50},
		{From: 500, Points: 0},
	}}
}

// Rule returns the set's rule of a kind, if it has one.
func (s ScoringSet) Rule(kind string) (ScoreRule, bool) {
	for _, r := range s.Rules {
		if r.Kind == kind {
			return r, true
		}
	}
	return ScoreRule{}, false
}

// ScoredFlight is what of a PIREP scoring reads.
type ScoredFlight struct {
	LandingRate int32 // ft/min, negative when descending; 0: not reported
	FlightTime  int32 // minutes
	FuelUsed    int32 // pounds
}

// Score is a PIREP's points, between 0 and MaxScore, and one line a step of
// how they were made.
func (s ScoringSet) Score(f ScoredFlight) (int32, []string) {
	var lines []string
	var points int32
	if f.LandingRate == 0 {
		if r, ok := s.Rule(ScoreRuleNoLandingRate); ok {
			points = r.Points
		}
		lines = append(lines, fmt.Sprintf("No landing rate reported: %d", points))
	} else {
		rate := f.LandingRate
		if rate < 0 {
			rate = -rate
		}
		found := false
		for _, b := range s.Bands {
			if b.Contains(rate) {
				points, found = b.Points, true
				lines = append(lines, fmt.Sprintf("Landing %s: %d", b.Label(), b.Points))
				break
			}
		}
		if !found {
			lines = append(lines, fmt.Sprintf("Landing at -%d ft/min is in no band: 0", rate))
		}
	}
	if r, ok := s.Rule(ScoreRuleFuelOver); ok && int64(f.FuelUsed) > r.Threshold {
		points -= r.Points
		lines = append(lines, fmt.Sprintf("Fuel used over %d lb: -%d", r.Threshold, r.Points))
	}
	if r, ok := s.Rule(ScoreRuleShortFlight); ok && int64(f.FlightTime) < r.Threshold {
		points -= r.Points
		lines = append(lines, fmt.Sprintf("Flight time under %d min: -%d", r.Threshold, r.Points))
	}
	return min(max(points, 0), MaxScore), lines
}

// Scoring keeps every set an airline made, so a score is made with the
// set in force when its PIREP was accepted, however late the reactor runs.
type Scoring struct {
	TenantID string
	Sets     []ScoringSet // oldest first
}

// Apply folds one stored event into the airline's scoring.
func (s *Scoring) Apply(ev proto.Message) error {
	if e, ok := ev.(*eventsv1.ScoringBandsSet); ok {
		s.TenantID = e.TenantId
		s.Sets = append(s.Sets, ScoringSetOf(e))
	}
	return nil
}

// ScoringSetOf reads a set from its event.
func ScoringSetOf(e *eventsv1.ScoringBandsSet) ScoringSet {
	set := ScoringSet{Version: e.Version, SetAt: e.SetAt.AsTime()}
	for _, b := range e.Bands {
		set.Bands = append(set.Bands, ScoreBand{From: b.From, To: b.To, HasTo: b.HasTo, Points: b.Points})
	}
	for _, r := range e.Rules {
		switch r.Kind {
		case ScoreRuleFuelOver, ScoreRuleShortFlight, ScoreRuleNoLandingRate:
			set.Rules = append(set.Rules, ScoreRule{Kind: r.Kind, Threshold: r.Threshold, Points: r.Points})
		}
	}
	return set
}

// Current is the set in force now.
func (s *Scoring) Current() ScoringSet {
	if len(s.Sets) == 0 {
		return DefaultScoring()
	}
	return s.Sets[len(s.Sets)-1]
}

// At is the set in force at t: the last one set at or before t.
func (s *Scoring) At(t time.Time) ScoringSet {
	out := DefaultScoring()
	for _, set := range s.Sets {
		if set.SetAt.After(t) {
			break
		}
		out = set
	}
	return out
}

// PirepScore is one PIREP's score stream.
type PirepScore struct {
	Scored   bool
	TenantID string
	Score    int32
}

// Apply folds one stored event into the score.
func (p *PirepScore) Apply(ev proto.Message) error {
	if e, ok := ev.(*eventsv1.PirepScored); ok {
		p.Scored, p.TenantID, p.Score = true, e.TenantId, e.Score
	}
	return nil
}

// ScoringBandRows is how many band rows the settings form offers.
const ScoringBandRows = 6

// ScoreBandInput is one band row of the form as typed; a row left blank is
// no band.
type ScoreBandInput struct {
	From, To, Points string
}

// ScoringForm is the scoring settings form as typed. A rule whose two
// fields are blank is off.
type ScoringForm struct {
	Bands                          []ScoreBandInput
	FuelOver, FuelOverPoints       string
	ShortFlight, ShortFlightPoints string
	NoLandingRatePoints            string
}

// ScoringFormOf fills the form from a set, for the page's first render.
func ScoringFormOf(s ScoringSet) ScoringForm {
	f := ScoringForm{Bands: make([]ScoreBandInput, ScoringBandRows)}
	for i, b := range s.Bands {
		if i >= ScoringBandRows {
			break
		}
		f.Bands[i] = ScoreBandInput{From: strconv.Itoa(int(b.From)), Points: strconv.Itoa(int(b.Points))}
		if b.HasTo {
			f.Bands[i].To = strconv.Itoa(int(b.To))
		}
	}
	for _, r := range s.Rules {
		th, pts := strconv.FormatInt(r.Threshold, 10), strconv.Itoa(int(r.Points))
		switch r.Kind {
		case ScoreRuleFuelOver:
			f.FuelOver, f.FuelOverPoints = th, pts
		case ScoreRuleShortFlight:
			f.ShortFlight, f.ShortFlightPoints = th, pts
		case ScoreRuleNoLandingRate:
			f.NoLandingRatePoints = pts
		}
	}
	return f
}

// maxRate bounds the rates a band may name (ft/min).
const maxRate = 10_000

func parseWhole(s string, lo, hi int64) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n >= lo && n <= hi
}

// Validate checks the form and returns the set it says (without version or
// time), or an EInvalid error whose fields are the form's: band_{i}_from,
// band_{i}_to, band_{i}_points, fuel_over, fuel_over_points, short_flight,
// short_flight_points, no_landing_rate_points.
func (f ScoringForm) Validate() (ScoringSet, error) {
	fields := map[string]string{}
	var set ScoringSet
	type row struct {
		i    int
		band ScoreBand
	}
	var rows []row
	for i, in := range f.Bands {
		from, to, pts := strings.TrimSpace(in.From), strings.TrimSpace(in.To), strings.TrimSpace(in.Points)
		if from == "" && to == "" && pts == "" {
			continue
		}
		key := fmt.Sprintf("band_%d_", i)
		b := ScoreBand{}
		ok := true
		if n, good := parseWhole(from, 0, maxRate); !good {
			fields[key+"from"] = fmt.Sprintf("Give the band's softest rate in ft/min, a whole number from 0 to %d.", maxRate)
			ok = false
		} else {
			b.From = int32(n)
		}
		if to != "" {
			if n, good := parseWhole(to, 1, maxRate); !good {
				fields[key+"to"] = fmt.Sprintf("Give a whole number up to %d, or leave it blank for \"and harder\".", maxRate)
				ok = false
			} else if ok && int32(n) <= b.From {
				fields[key+"to"] = "The band must end at a harder rate than it starts."
				ok = false
			} else {
				b.To, b.HasTo = int32(n), true
			}
		}
		if n, good := parseWhole(pts, 0, MaxScore); !good {
			fields[key+"points"] = fmt.Sprintf("Points are a whole number from 0 to %d.", MaxScore)
			ok = false
		} else {
			b.Points = int32(n)
		}
		if ok {
			rows = append(rows, row{i, b})
		}
	}
	if len(rows) == 0 && len(fields) == 0 {
		fields["band_0_from"] = "Give at least one band."
	}
	// Bands must not overlap: sorted by where they start, each must start
	// at or after the end of the one before.
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b row) int { return int(a.band.From - b.band.From) })
	for k := 1; k < len(sorted); k++ {
		prev, cur := sorted[k-1].band, sorted[k].band
		if !prev.HasTo || prev.To > cur.From {
			fields[fmt.Sprintf("band_%d_from", sorted[k].i)] = fmt.Sprintf("This band overlaps the band %s.", prev.Label())
		}
	}
	for _, r := range sorted {
		set.Bands = append(set.Bands, r.band)
	}
	rule := func(kind, thKey, th, ptsKey, pts string, thLo, thHi int64, thMsg string) {
		th, pts = strings.TrimSpace(th), strings.TrimSpace(pts)
		if th == "" && pts == "" {
			return
		}
		r := ScoreRule{Kind: kind}
		ok := true
		if thKey != "" {
			if n, good := parseWhole(th, thLo, thHi); !good {
				fields[thKey] = thMsg
				ok = false
			} else {
				r.Threshold = n
			}
		}
		if n, good := parseWhole(pts, 0, MaxScore); !good {
			fields[ptsKey] = fmt.Sprintf("Points are a whole number from 0 to %d.", MaxScore)
			ok = false
		} else {
			r.Points = int32(n)
		}
		if ok {
			set.Rules = append(set.Rules, r)
		}
	}
	rule(ScoreRuleFuelOver, "fuel_over", f.FuelOver, "fuel_over_points", f.FuelOverPoints, 1, 2_000_000,
		"Give the fuel in pounds, a whole number above 0.")
	rule(ScoreRuleShortFlight, "short_flight", f.ShortFlight, "short_flight_points", f.ShortFlightPoints, 1, 24*60,
		"Give the flight time in minutes, a whole number from 1 to 1440.")
	rule(ScoreRuleNoLandingRate, "", "", "no_landing_rate_points", f.NoLandingRatePoints, 0, 0, "")
	return set, Invalid(fields)
}

// Scores sets an airline's scoring and scores its accepted PIREPs.
type Scores struct {
	Runner *Runner
}

// Settings reads an airline's scoring: every set made, the current last.
func (s *Scores) Settings(ctx context.Context, airlineID string) (Scoring, error) {
	sc := Scoring{}
	if _, err := s.Runner.load(ctx, ScoringStream(airlineID), &sc); err != nil {
		return Scoring{}, err
	}
	return sc, nil
}

// SetBands makes the form's bands and rules the airline's from now on.
// PIREPs scored already keep their scores.
func (s *Scores) SetBands(ctx context.Context, meta CommandMeta, airlineID string, f ScoringForm) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageScoring, airlineID); err != nil {
		return AppendResult{}, err
	}
	set, err := f.Validate()
	if err != nil {
		return AppendResult{}, err
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: ScoringStream(airlineID), TenantID: airlineID}, meta,
		func() *Scoring { return &Scoring{} },
		func(_ *Scoring, version int64) (Decision, error) {
			e := &eventsv1.ScoringBandsSet{TenantId: airlineID, Version: version + 1, By: meta.Who.UserID,
				SetAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}
			for _, b := range set.Bands {
				e.Bands = append(e.Bands, &eventsv1.ScoringBandsSet_Band{From: b.From, To: b.To, HasTo: b.HasTo, Points: b.Points})
			}
			for _, r := range set.Rules {
				e.Rules = append(e.Rules, &eventsv1.ScoringBandsSet_Rule{Kind: r.Kind, Threshold: r.Threshold, Points: r.Points})
			}
			return Decision{Events: []proto.Message{e}}, nil
		})
}

// ScorePirep scores an accepted PIREP of the airline with the set in force
// at acceptedAt. A PIREP scored already keeps its score (a replay, two
// reactors at once, a second acceptance after a rejection), and one no
// longer accepted (rejected before the reactor came to it) is not scored.
func (s *Scores) ScorePirep(ctx context.Context, meta CommandMeta, airlineID, pirepID string, acceptedAt time.Time) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	p := &Pirep{}
	if _, err := s.Runner.load(ctx, PirepStream(pirepID), p); err != nil {
		return AppendResult{}, err
	}
	if !p.Created || p.TenantID != airlineID {
		return AppendResult{}, Errorf(ENotFound, "There is no such PIREP in this airline.")
	}
	if p.State != PirepAccepted {
		return AppendResult{}, nil
	}
	sc, err := s.Settings(ctx, airlineID)
	if err != nil {
		return AppendResult{}, err
	}
	set := sc.At(acceptedAt)
	score, lines := set.Score(ScoredFlight{LandingRate: p.Details.LandingRate, FlightTime: p.Details.FlightTime, FuelUsed: p.Details.FuelUsed})
	return Execute(ctx, s.Runner, StreamRef{StreamID: PirepScoreStream(pirepID), TenantID: airlineID}, meta,
		func() *PirepScore { return &PirepScore{} },
		func(ps *PirepScore, _ int64) (Decision, error) {
			if ps.Scored {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.PirepScored{PirepId: pirepID, TenantId: airlineID, PilotId: p.PilotID,
				Score: score, BandsVersion: set.Version, LandingRate: p.Details.LandingRate, Breakdown: strings.Join(lines, "\n"),
				ScoredAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
}
