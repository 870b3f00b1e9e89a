package reactors

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// AwardSettler records the grants and revocations the award rules ask for
// (domain.Awards.Settle).
type AwardSettler interface {
	Settle(ctx context.Context, meta domain.CommandMeta, airlineID, userID string, changes []domain.AwardChange) (domain.AppendResult, error)
}

// Awards grants the rule awards a pilot meets when a PIREP of theirs is
// accepted, takes back the ones a rejection after acceptance leaves unmet,
// grants a tour's awards when the pilot completes it (and takes them back
// with the completion), and on a new rule award grants it to everyone who
// meets it already. It
// only asks; the pilot's award stream decides, so an award held is never
// granted twice (two acceptances at once, a replay) and one staff granted
// by hand is never taken back.
type Awards struct {
	ReadModels reads.Querier // the airline's awards, the PIREPs and totals, the people and airports
	Awards     AwardSettler
	// Now is the clock of the years rule (time.Now when nil).
	Now func() time.Time
}

// Name implements projector.Reactor.
func (Awards) Name() string { return "awards" }

var awardReactorEvents = map[string]bool{
	events.TypeName(&eventsv1.PirepAccepted{}):           true,
	events.TypeName(&eventsv1.PirepRejected{}):           true,
	events.TypeName(&eventsv1.AwardDefined{}):            true,
	events.TypeName(&eventsv1.TourCompleted{}):           true,
	events.TypeName(&eventsv1.TourCompletionTakenBack{}): true,
	// An airline event's award follows its counted flights.
	events.TypeName(&eventsv1.AirlineEventFlightCounted{}):   true,
	events.TypeName(&eventsv1.AirlineEventFlightUncounted{}): true,
	events.TypeName(&eventsv1.AwardEdited{}):                 true,
}

// Handles implements projector.Reactor.
func (Awards) Handles(eventType string) bool { return awardReactorEvents[eventType] }

// Reads implements projector.Reactor.
func (Awards) Reads() []string {
	return []string{"users", "airports", "pireps", "awards", "tours", "airline_events"}
}

// awardPirepsMax bounds the accepted PIREPs one pilot's one-flight rules
// look through (newest first).
const awardPirepsMax = 10_000

// React implements projector.Reactor.
func (a Awards) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	switch m := msg.(type) {
	case *eventsv1.PirepAccepted:
		return a.pirep(ctx, meta, ev.TenantID, m.PirepId, false)
	case *eventsv1.PirepRejected:
		return a.pirep(ctx, meta, ev.TenantID, m.PirepId, true)
	case *eventsv1.AwardDefined:
		return a.defined(ctx, meta, ev.TenantID, m)
	case *eventsv1.TourCompleted:
		return a.settleRule(ctx, meta, ev.TenantID, domain.AwardRuleTour, m.TourId, m.UserId, m.PirepId, true, "")
	case *eventsv1.TourCompletionTakenBack:
		return a.settleRule(ctx, meta, ev.TenantID, domain.AwardRuleTour, m.TourId, m.UserId, m.PirepId, false, "A PIREP the tour needed was rejected.")
	case *eventsv1.AirlineEventFlightCounted:
		return a.settleRule(ctx, meta, ev.TenantID, domain.AwardRuleEvent, m.EventId, m.UserId, m.PirepId, true, "")
	case *eventsv1.AirlineEventFlightUncounted:
		if m.PilotFlightsLeft > 0 {
			return domain.Start, nil // another of the pilot's flights still counts
		}
		return a.settleRule(ctx, meta, ev.TenantID, domain.AwardRuleEvent, m.EventId, m.UserId, m.PirepId, false, "The flight that counted for the event was rejected.")
	case *eventsv1.AwardEdited:
		// An edited rule grants to whoever meets it now, as a new award
		// does; what was granted stays.
		return a.defined(ctx, meta, ev.TenantID, &eventsv1.AwardDefined{AwardId: m.AwardId, TenantId: m.TenantId, Name: m.Name, Rule: m.Rule})
	}
	return domain.Start, nil
}

// settleRule grants (or, with grant false, takes back, saying why) the
// awards whose rule is kind with the given code: a tour's completion or
// an event's counted flight.
func (a Awards) settleRule(ctx context.Context, meta domain.CommandMeta, airlineID, kind, code, userID, pirepID string, grant bool, whyTaken string) (domain.Position, error) {
	all, err := a.ruleAwards(ctx, airlineID)
	if err != nil {
		return domain.Start, err
	}
	var changes []domain.AwardChange
	for _, aw := range all {
		if aw.Rule.Kind != kind || aw.Rule.Code != code {
			continue
		}
		c := domain.AwardChange{AwardID: aw.ID, AwardName: aw.Name, Grant: grant, Reason: aw.Rule.Describe(), PirepID: pirepID}
		if !grant {
			c.Reason = whyTaken
		}
		changes = append(changes, c)
	}
	res, err := a.Awards.Settle(ctx, meta, airlineID, userID, changes)
	return res.Position, err
}

// ruleAward is an award of the airline with a rule that grants by itself.
type ruleAward struct {
	ID, Name string
	Rule     domain.AwardRule
}

// ruleAwards lists the airline's awards whose rules grant by themselves.
func (a Awards) ruleAwards(ctx context.Context, airlineID string) ([]ruleAward, error) {
	rows, err := a.ReadModels.ListAwards(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	var out []ruleAward
	for _, r := range rows {
		rule := domain.AwardRule{Kind: r.RuleKind, Number: r.RuleNumber, Code: r.RuleCode, Code2: r.RuleCode2}
		if rule.Automatic() {
			out = append(out, ruleAward{ID: r.ID.String(), Name: r.Name, Rule: rule})
		}
	}
	return out, nil
}

// pirep settles the awards of the pilot of a PIREP just accepted or
// rejected: an acceptance only grants; a rejection also takes back the
// rule awards the pilot no longer meets.
func (a Awards) pirep(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, rejected bool) (domain.Position, error) {
	awards, err := a.ruleAwards(ctx, airlineID)
	if err != nil || len(awards) == 0 {
		return domain.Start, err
	}
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
	}
	p, err := a.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: airlineID, ID: id})
	if err != nil {
		return domain.Start, err
	}
	rec, err := a.record(ctx, airlineID, p.PilotID, awards)
	if err != nil {
		return domain.Start, err
	}
	var changes []domain.AwardChange
	now := a.now()
	for _, aw := range awards {
		if aw.Rule.Kind == domain.AwardRuleTour || aw.Rule.Kind == domain.AwardRuleEvent {
			continue // a tour's completion or an event's counted flights decide, not the PIREP
		}
		met, by := aw.Rule.Meets(rec, now)
		switch {
		case met:
			if by == "" {
				by = pirepID
			}
			changes = append(changes, domain.AwardChange{AwardID: aw.ID, AwardName: aw.Name, Grant: true, Reason: aw.Rule.Describe(), PirepID: by})
		case rejected:
			changes = append(changes, domain.AwardChange{AwardID: aw.ID, AwardName: aw.Name, Reason: "A PIREP it needed was rejected.", PirepID: pirepID})
		}
	}
	res, err := a.Awards.Settle(ctx, meta, airlineID, p.PilotID.String(), changes)
	return res.Position, err
}

// record reads what a pilot has done, as far as the awards need it: the
// accepted PIREPs only when a one-flight rule asks, their arrivals'
// countries only when a country rule does.
func (a Awards) record(ctx context.Context, airlineID string, pilot uuid.UUID, awards []ruleAward) (domain.AwardRecord, error) {
	var rec domain.AwardRecord
	stats, err := a.ReadModels.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airlineID, PilotID: pilot})
	switch domain.ErrorCode(err) {
	case "":
		rec.Minutes, rec.Flights = stats.Minutes, stats.Flights
	case domain.ENotFound:
	default:
		return rec, err
	}
	oneFlight, countries, years := false, false, false
	for _, aw := range awards {
		oneFlight = oneFlight || aw.Rule.OneFlight()
		countries = countries || aw.Rule.Kind == domain.AwardRuleCountry
		years = years || aw.Rule.Kind == domain.AwardRuleYears
	}
	if years {
		u, err := a.ReadModels.GetTenantUser(ctx, readmodel.GetTenantUserParams{TenantID: airlineID, ID: pilot})
		if err != nil {
			return rec, err
		}
		rec.Joined = u.CreatedAt
	}
	if !oneFlight {
		return rec, nil
	}
	rows, err := a.ReadModels.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: airlineID, State: domain.PirepAccepted,
		PilotID: pilot, FromTime: reads.EarliestBlockOff, ToTime: reads.LatestBlockOff, RowLimit: awardPirepsMax})
	if err != nil {
		return rec, err
	}
	for _, p := range rows {
		rec.Accepted = append(rec.Accepted, awardFlight(p))
	}
	if countries {
		if err := a.countries(ctx, airlineID, rec.Accepted); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

func awardFlight(p readmodel.Pirep) domain.AwardFlight {
	return domain.AwardFlight{PirepID: p.ID.String(), Dpt: p.DptAirport, Arr: p.ArrAirport, LandingRate: p.LandingRate}
}

// countries fills in the arrivals' countries from the airline's airports,
// in one read.
func (a Awards) countries(ctx context.Context, airlineID string, flights []domain.AwardFlight) error {
	seen := map[string]bool{}
	var icaos []string
	for _, f := range flights {
		if !seen[f.Arr] {
			seen[f.Arr] = true
			icaos = append(icaos, f.Arr)
		}
	}
	if len(icaos) == 0 {
		return nil
	}
	rows, err := a.ReadModels.ListAirportsByIcao(ctx, readmodel.ListAirportsByIcaoParams{TenantID: airlineID, Icaos: icaos})
	if err != nil {
		return err
	}
	country := map[string]string{}
	for _, r := range rows {
		country[r.Icao] = r.Country
	}
	for i := range flights {
		flights[i].ArrCountry = country[flights[i].Arr]
	}
	return nil
}

// defined grants a new rule award to each active member who meets it
// already. Each pilot's grant is a command of its own, its id derived
// from this reaction's and the pilot, so a second run grants nobody twice.
func (a Awards) defined(ctx context.Context, meta domain.CommandMeta, airlineID string, m *eventsv1.AwardDefined) (domain.Position, error) {
	rule := domain.AwardRuleOf(m.Rule)
	if !rule.Automatic() {
		return domain.Start, nil
	}
	if rule.Kind == domain.AwardRuleTour {
		return a.definedTour(ctx, meta, airlineID, m, rule)
	}
	if rule.Kind == domain.AwardRuleEvent {
		return a.definedEvent(ctx, meta, airlineID, m, rule)
	}
	aw := []ruleAward{{ID: m.AwardId, Name: m.Name, Rule: rule}}
	members, err := a.ReadModels.ListUsersByTenant(ctx, airlineID)
	if err != nil {
		return domain.Start, err
	}
	last := domain.Start
	now := a.now()
	var byPilot map[uuid.UUID][]domain.AwardFlight
	if rule.OneFlight() {
		// One read of the airline's accepted PIREPs rather than one a pilot.
		if byPilot, err = a.acceptedByPilot(ctx, airlineID, rule.Kind == domain.AwardRuleCountry); err != nil {
			return domain.Start, err
		}
	}
	for _, u := range members {
		if u.Status != domain.StatusActive || u.PilotID == "" {
			continue
		}
		var rec domain.AwardRecord
		if rule.OneFlight() {
			rec.Accepted = byPilot[u.ID]
		} else {
			if rec, err = a.record(ctx, airlineID, u.ID, aw); err != nil {
				return last, err
			}
		}
		met, by := rule.Meets(rec, now)
		if !met {
			continue
		}
		res, err := a.Awards.Settle(ctx, meta, airlineID, u.ID.String(),
			[]domain.AwardChange{{AwardID: m.AwardId, AwardName: m.Name, Grant: true, Reason: rule.Describe(), PirepID: by}})
		if err != nil {
			return last, err
		}
		if res.Position.After(last) {
			last = res.Position
		}
	}
	return last, nil
}

// definedTour grants a new tour award to each pilot who has completed the
// tour already, from the tour's leaderboard.
func (a Awards) definedTour(ctx context.Context, meta domain.CommandMeta, airlineID string, m *eventsv1.AwardDefined, rule domain.AwardRule) (domain.Position, error) {
	tourID, err := uuid.Parse(rule.Code)
	if err != nil {
		return domain.Start, nil
	}
	done, err := a.ReadModels.ListTourCompletions(ctx, readmodel.ListTourCompletionsParams{TenantID: airlineID, TourID: tourID})
	if err != nil {
		return domain.Start, err
	}
	last := domain.Start
	for _, c := range done {
		res, err := a.Awards.Settle(ctx, meta, airlineID, c.UserID.String(),
			[]domain.AwardChange{{AwardID: m.AwardId, AwardName: m.Name, Grant: true, Reason: rule.Describe()}})
		if err != nil {
			return last, err
		}
		if res.Position.After(last) {
			last = res.Position
		}
	}
	return last, nil
}

// definedEvent grants a new event award to each pilot with a flight that
// counted for the event, each a command of its own as in defined.
func (a Awards) definedEvent(ctx context.Context, meta domain.CommandMeta, airlineID string, m *eventsv1.AwardDefined, rule domain.AwardRule) (domain.Position, error) {
	id, err := uuid.Parse(rule.Code)
	if err != nil {
		return domain.Start, nil // no event of this airline: it grants nothing
	}
	flights, err := a.ReadModels.ListAirlineEventFlights(ctx, readmodel.ListAirlineEventFlightsParams{TenantID: airlineID, EventID: id})
	if err != nil {
		return domain.Start, err
	}
	last := domain.Start
	seen := map[uuid.UUID]bool{}
	for _, f := range flights {
		if seen[f.UserID] {
			continue
		}
		seen[f.UserID] = true
		res, err := a.Awards.Settle(ctx, meta, airlineID, f.UserID.String(),
			[]domain.AwardChange{{AwardID: m.AwardId, AwardName: m.Name, Grant: true, Reason: rule.Describe(), PirepID: f.PirepID.String()}})
		if err != nil {
			return last, err
		}
		if res.Position.After(last) {
			last = res.Position
		}
	}
	return last, nil
}

// acceptedPage is how many PIREPs a read of the airline's accepted ones
// takes at a time.
const acceptedPage = 1000

// acceptedByPilot is the airline's accepted PIREPs by pilot.
func (a Awards) acceptedByPilot(ctx context.Context, airlineID string, countries bool) (map[uuid.UUID][]domain.AwardFlight, error) {
	out := map[uuid.UUID][]domain.AwardFlight{}
	var all []domain.AwardFlight
	var pilots []uuid.UUID
	for offset := int32(0); ; offset += acceptedPage {
		rows, err := a.ReadModels.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: airlineID, State: domain.PirepAccepted,
			FromTime: reads.EarliestBlockOff, ToTime: reads.LatestBlockOff, RowOffset: offset, RowLimit: acceptedPage})
		if err != nil {
			return nil, err
		}
		for _, p := range rows {
			all = append(all, awardFlight(p))
			pilots = append(pilots, p.PilotID)
		}
		if len(rows) < acceptedPage {
			break
		}
	}
	if countries {
		if err := a.countries(ctx, airlineID, all); err != nil {
			return nil, err
		}
	}
	for i, f := range all {
		out[pilots[i]] = append(out[pilots[i]], f)
	}
	return out, nil
}

func (a Awards) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// AwardAnniversaries grants the years-since-joining awards: what follows
// no event but the calendar, so it is a sweep on a timer, as
// AbandonedFlights is. Every process may run it: the pilot's award stream
// grants each award once however many sweeps ask.
type AwardAnniversaries struct {
	Reads  reads.Querier
	Awards AwardSettler
	Now    func() time.Time // time.Now when nil
	Log    *slog.Logger
}

// Sweep grants the years awards every active pilot of every airline has
// reached and returns how many it granted.
func (s *AwardAnniversaries) Sweep(ctx context.Context) (int, error) {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	airlines, err := s.Reads.ListAirlines(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, al := range airlines {
		airlineID := al.ID.String()
		var years []ruleAward
		all, err := Awards{ReadModels: s.Reads}.ruleAwards(ctx, airlineID)
		if err != nil {
			return n, err
		}
		for _, aw := range all {
			if aw.Rule.Kind == domain.AwardRuleYears {
				years = append(years, aw)
			}
		}
		if len(years) == 0 {
			continue
		}
		members, err := s.Reads.ListUsersByTenant(ctx, airlineID)
		if err != nil {
			return n, err
		}
		for _, u := range members {
			if u.Status != domain.StatusActive || u.PilotID == "" {
				continue
			}
			rec := domain.AwardRecord{Joined: u.CreatedAt}
			held, err := s.Reads.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: airlineID, UserID: u.ID})
			if err != nil {
				return n, err
			}
			has := map[string]bool{}
			for _, h := range held {
				has[h.AwardID.String()] = true
			}
			var changes []domain.AwardChange
			for _, aw := range years {
				if met, _ := aw.Rule.Meets(rec, now); met && !has[aw.ID] {
					changes = append(changes, domain.AwardChange{AwardID: aw.ID, AwardName: aw.Name, Grant: true, Reason: aw.Rule.Describe()})
				}
			}
			if len(changes) == 0 {
				continue
			}
			meta := domain.CommandMeta{ID: uuid.NewSHA1(anniversaryNamespace, []byte(airlineID+"/"+u.ID.String()+"/"+now.Format(time.DateOnly))).String(),
				Who: domain.System, CausationID: "anniversary sweep"}
			res, err := s.Awards.Settle(ctx, meta, airlineID, u.ID.String(), changes)
			if err != nil {
				s.Log.WarnContext(ctx, "grant an anniversary award", "airline", airlineID, "user", u.ID, "err", err)
				continue
			}
			if res.Position != domain.Start {
				n += len(changes)
			}
		}
	}
	return n, nil
}

// anniversaryNamespace makes the command ids of the anniversary sweep.
var anniversaryNamespace = uuid.MustParse("b7f0e1c2-5d3a-4e8b-9c1f-2a6d4e8f0b13")

// Run sweeps every interval until ctx ends.
func (s *AwardAnniversaries) Run(ctx context.Context, every time.Duration) {
	runSweep(ctx, every, s.Log, "award anniversaries", "granted anniversary awards", "awards", s.Sweep)
}
