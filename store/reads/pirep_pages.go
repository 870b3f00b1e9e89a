package reads

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's PIREP pages: a pilot's PIREPs, the review
// queue, the staff's list with its filters, a PIREP and its comments, and
// the people and aircraft the pages name.

// EarliestBlockOff and LatestBlockOff are the block-off range of a PIREP
// query with no bound; PostgreSQL's timestamptz holds both.
var (
	EarliestBlockOff = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	LatestBlockOff   = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Pirep is a pilot report as the airline's pages show it.
type Pirep struct {
	ID, AirlineID, PilotID             string
	State                              string // one of domain.PirepStates
	FlightID, FlightNumber, RouteCode  string
	RouteLeg                           int32
	DptAirport, ArrAirport, AltAirport string
	AircraftID                         string
	BlockOff, BlockOn, FiledAt         time.Time
	FlightTime, Distance, Level        int32 // minutes, nm, feet
	FuelUsed, LandingRate              int32 // lb, ft/min
	Route, Remarks, RejectReason       string
	// Source is domain.PirepSourceManual or ...ACARS, SourceName the ACARS
	// client's name; Phase an ACARS flight's phase code.
	Source, SourceName, Phase string
	QueuedAt, UpdatedAt       time.Time
	// Positions is how many an ACARS flight reported; Last the latest,
	// nil before the first.
	Positions int32
	Last      *LastPosition
}

// LastPosition is where an ACARS flight was last reported.
type LastPosition struct {
	Lat, Lon                       float64
	Altitude, Heading, GroundSpeed int32 // feet, degrees, knots
	At                             time.Time
}

func pirep(p readmodel.Pirep) Pirep {
	out := Pirep{ID: p.ID.String(), AirlineID: p.TenantID, PilotID: p.PilotID.String(), State: p.State,
		FlightID: p.FlightID, FlightNumber: p.FlightNumber, RouteCode: p.RouteCode, RouteLeg: p.RouteLeg,
		DptAirport: p.DptAirport, ArrAirport: p.ArrAirport, AltAirport: p.AltAirport, AircraftID: p.AircraftID.String(),
		BlockOff: p.BlockOff, BlockOn: p.BlockOn, FiledAt: p.FiledAt, FlightTime: p.FlightTime, Distance: p.Distance,
		Level: p.Level, FuelUsed: p.FuelUsed, LandingRate: p.LandingRate, Route: p.Route, Remarks: p.Remarks,
		RejectReason: p.RejectReason, Source: p.Source, SourceName: p.SourceName, Phase: p.Phase,
		QueuedAt: p.QueuedAt, UpdatedAt: p.UpdatedAt, Positions: p.Positions}
	if p.LastPositionAt != nil {
		out.Last = &LastPosition{Lat: p.LastLat, Lon: p.LastLon, Altitude: p.LastAltitude, Heading: p.LastHeading,
			GroundSpeed: p.LastGs, At: *p.LastPositionAt}
	}
	return out
}

// FlightsInProgress are an airline's ACARS flights under way, the latest
// report first, at most limit.
func (q Querier) FlightsInProgress(ctx context.Context, airlineID string, limit int) ([]Pirep, error) {
	rows, err := q.ListPirepsInProgress(ctx, readmodel.ListPirepsInProgressParams{TenantID: airlineID, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	return pireps(rows), nil
}

// PirepTrack is an ACARS flight's positions, in the order reported; a
// PIREP of another airline, or not one, has none.
func (q Querier) PirepTrack(ctx context.Context, airlineID, pirepID string) ([]domain.AircraftPosition, error) {
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return nil, nil
	}
	rows, err := q.ListPirepPositions(ctx, readmodel.ListPirepPositionsParams{TenantID: airlineID, PirepID: id})
	if err != nil {
		return nil, err
	}
	out := make([]domain.AircraftPosition, 0, len(rows))
	for _, r := range rows {
		p := domain.AircraftPosition{ID: r.ClientID, Lat: r.Lat, Lon: r.Lon, AltitudeMSL: r.AltitudeMsl, AltitudeAGL: r.AltitudeAgl,
			Heading: r.Heading, GroundSpeed: r.Gs, IAS: r.Ias, VerticalSpeed: r.Vs, Distance: r.Distance, FuelFlow: r.FuelFlow,
			Status: r.Status, Log: r.Log, Transponder: r.Transponder, Autopilot: r.Autopilot, At: r.At}
		if r.SimTime != nil {
			p.SimTime = *r.SimTime
		}
		out = append(out, p)
	}
	return out, nil
}

func pireps(rows []readmodel.Pirep) []Pirep {
	out := make([]Pirep, 0, len(rows))
	for _, r := range rows {
		out = append(out, pirep(r))
	}
	return out
}

// PilotPireps are a pilot's PIREPs in an airline, newest first, at most
// limit; a pilot id that is not one has none.
func (q Querier) PilotPireps(ctx context.Context, airlineID, pilotID string, limit int) ([]Pirep, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return nil, domain.Errorf(domain.EForbidden, "Only an airline's pilots have PIREPs.")
	}
	rows, err := q.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: airlineID, PilotID: id, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	return pireps(rows), nil
}

// PirepQueue is a page of an airline's review queue.
type PirepQueue struct {
	Pireps []Pirep // the page's pending PIREPs, oldest first
	Paging
}

// Waiting is how many PIREPs are pending in all.
func (q PirepQueue) Waiting() int64 { return q.Total }

// PendingPireps reads page number page (from 1; past the last it is the
// last) of pageSize PIREPs of the review queue, oldest first, and how many
// wait in all. The first page, the one staff work through, is counted
// only when it is full: a shorter one holds every PIREP waiting.
func (q Querier) PendingPireps(ctx context.Context, airlineID string, page, pageSize int) (PirepQueue, error) {
	if page <= 1 {
		rows, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: airlineID, Limit: int32(pageSize)})
		if err != nil {
			return PirepQueue{}, err
		}
		total := int64(len(rows))
		if len(rows) == pageSize {
			if total, err = q.countPending(ctx, airlineID); err != nil {
				return PirepQueue{}, err
			}
		}
		return PirepQueue{Pireps: pireps(rows), Paging: pagingOf(total, 1, pageSize)}, nil
	}
	total, err := q.countPending(ctx, airlineID)
	if err != nil {
		return PirepQueue{}, err
	}
	out := PirepQueue{Paging: pagingOf(total, page, pageSize)}
	rows, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: airlineID, Limit: int32(pageSize), Offset: int32(out.Offset)})
	if err != nil {
		return PirepQueue{}, err
	}
	out.Pireps = pireps(rows)
	return out, nil
}

// countPending is how many of the airline's PIREPs wait for review.
func (q Querier) countPending(ctx context.Context, airlineID string) (int64, error) {
	return q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: airlineID,
		State: domain.PirepPending, FromTime: EarliestBlockOff, ToTime: LatestBlockOff})
}

// FindPirep reads one PIREP of an airline by its id; an id that is not
// one, or a PIREP of another airline, is not found.
func (q Querier) FindPirep(ctx context.Context, airlineID, pirepID string) (Pirep, error) {
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return Pirep{}, domain.Errorf(domain.ENotFound, "There is no such PIREP.")
	}
	p, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: airlineID, ID: id})
	if err != nil {
		return Pirep{}, err
	}
	return pirep(p), nil
}

// The orders of the staff's PIREP list.
const (
	PirepsNewest  = "newest"  // filed, newest first (the default)
	PirepsOldest  = "oldest"  // filed, oldest first
	PirepsLongest = "longest" // flight time, longest first
)

// PirepFilter is a search of an airline's PIREPs: empty fields match any
// PIREP.
type PirepFilter struct {
	State               string // one of domain.PirepStates
	PilotID, AircraftID string
	Airport             string // of departure or arrival
	// From and To bound the block-off: From is the first instant, To the
	// first one after the range.
	From, To time.Time
	// Sort is one of PirepsNewest (also for ""), PirepsOldest and
	// PirepsLongest.
	Sort string
	// Page is the page wanted, from 1; past the last it is the last.
	Page int
}

// PirepResults is one page of a PIREP search.
type PirepResults struct {
	Pireps []Pirep
	// Total is how many PIREPs the filter matches; Offset how many come
	// before this page.
	Total  int64
	Offset int
	// Page is this page's number, from 1, of Pages (at least 1).
	Page, Pages int
}

// FindPireps runs a search of an airline's PIREPs: the filter's page of
// pageSize PIREPs in its order, with how many match in all. A pilot or
// aircraft id that is not one matches none.
func (q Querier) FindPireps(ctx context.Context, airlineID string, f PirepFilter, pageSize int) (PirepResults, error) {
	arg := readmodel.ListPirepsByAirlineParams{TenantID: airlineID, State: f.State, Airport: f.Airport,
		FromTime: EarliestBlockOff, ToTime: LatestBlockOff}
	if !f.From.IsZero() {
		arg.FromTime = f.From
	}
	if !f.To.IsZero() {
		arg.ToTime = f.To
	}
	for _, id := range []struct {
		s  string
		to *uuid.UUID
	}{{f.PilotID, &arg.PilotID}, {f.AircraftID, &arg.AircraftID}} {
		if id.s == "" {
			continue
		}
		u, err := uuid.Parse(id.s)
		if err != nil {
			return PirepResults{Page: 1, Pages: 1}, nil
		}
		*id.to = u
	}
	total, err := q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: arg.TenantID, State: arg.State,
		PilotID: arg.PilotID, Airport: arg.Airport, AircraftID: arg.AircraftID, FromTime: arg.FromTime, ToTime: arg.ToTime})
	if err != nil {
		return PirepResults{}, err
	}
	out := PirepResults{Total: total, Pages: max(1, int((total+int64(pageSize)-1)/int64(pageSize)))}
	out.Page = min(max(f.Page, 1), out.Pages)
	out.Offset = (out.Page - 1) * pageSize
	arg.RowLimit, arg.RowOffset = int32(pageSize), int32(out.Offset)
	var rows []readmodel.Pirep
	switch f.Sort {
	case PirepsOldest:
		rows, err = q.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(arg))
	case PirepsLongest:
		rows, err = q.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(arg))
	default:
		rows, err = q.ListPirepsByAirline(ctx, arg)
	}
	if err != nil {
		return PirepResults{}, err
	}
	out.Pireps = pireps(rows)
	return out, nil
}

// PirepComment is a comment of a PIREP's thread.
type PirepComment struct {
	ID, AuthorID string
	Text         string
	CreatedAt    time.Time
}

// PirepComments are a PIREP's thread, in the order they were written.
func (q Querier) PirepComments(ctx context.Context, airlineID, pirepID string) ([]PirepComment, error) {
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return nil, nil // no such PIREP, no comments
	}
	rows, err := q.ListPirepComments(ctx, readmodel.ListPirepCommentsParams{TenantID: airlineID, PirepID: id})
	if err != nil {
		return nil, err
	}
	out := make([]PirepComment, 0, len(rows))
	for _, c := range rows {
		out = append(out, PirepComment{ID: c.ID.String(), AuthorID: c.AuthorID, Text: c.Text, CreatedAt: c.CreatedAt})
	}
	return out, nil
}

// Member is a person of an airline as the PIREP pages name them and the
// list's pilot filter offers them.
type Member struct {
	ID      string
	PilotID string // their pilot id, such as ABC0042; "" for staff without one
	Name    string
	Status  string // domain.StatusPending and the like
}

// Members are an airline's people, in the read model's order.
func (q Querier) Members(ctx context.Context, airlineID string) ([]Member, error) {
	rows, err := q.ListUsersByTenant(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]Member, 0, len(rows))
	for _, u := range rows {
		out = append(out, Member{ID: u.ID.String(), PilotID: u.PilotID, Name: u.Name, Status: u.Status})
	}
	return out, nil
}

// UserName is the name of a user of any airline by id; a user no longer
// known, or an id that is not one, is not found.
func (q Querier) UserName(ctx context.Context, userID string) (string, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return "", domain.Errorf(domain.ENotFound, "There is no such user.")
	}
	u, err := q.GetUser(ctx, id)
	return u.Name, err
}

// UserNames are the names of an airline's people among the ids given (a
// page's pilots and authors), by id, in one query; an id of no one of the
// airline (a platform admin, a user no longer known, not an id) is left
// out, for the caller to name otherwise.
func (q Querier) UserNames(ctx context.Context, airlineID string, userIDs []string) (map[string]string, error) {
	ids := make([]uuid.UUID, 0, len(userIDs))
	for _, s := range userIDs {
		if id, err := uuid.Parse(s); err == nil {
			ids = append(ids, id)
		}
	}
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.ListUserNames(ctx, readmodel.ListUserNamesParams{TenantID: airlineID, Ids: ids})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID.String()] = r.Name
	}
	return out, nil
}

// Registrations are the registrations of an airline's aircraft among the
// ids given (a page's PIREPs' aircraft), by id, in one query; an id of
// none of the airline's aircraft is left out.
func (q Querier) Registrations(ctx context.Context, airlineID string, aircraftIDs []string) (map[string]string, error) {
	ids := make([]uuid.UUID, 0, len(aircraftIDs))
	for _, s := range aircraftIDs {
		if id, err := uuid.Parse(s); err == nil {
			ids = append(ids, id)
		}
	}
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.ListAircraftRegistrations(ctx, readmodel.ListAircraftRegistrationsParams{TenantID: airlineID, Ids: ids})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID.String()] = r.Registration
	}
	return out, nil
}

// MemberLabels are the people of an airline among userIDs as lists name
// them (their pilot id, then their name), by id, in one read; ids of no
// one of the airline are left out.
func (q Querier) MemberLabels(ctx context.Context, airlineID string, userIDs []string) (map[string]string, error) {
	ids := make([]uuid.UUID, 0, len(userIDs))
	for _, s := range userIDs {
		if id, err := uuid.Parse(s); err == nil {
			ids = append(ids, id)
		}
	}
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.ListUserNames(ctx, readmodel.ListUserNamesParams{TenantID: airlineID, Ids: ids})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID.String()] = Member{PilotID: r.PilotID, Name: r.Name}.Label()
	}
	return out, nil
}

// Label names a member as lists do: with their pilot id when they have
// one.
func (m Member) Label() string {
	if m.PilotID != "" {
		return m.PilotID + " " + m.Name
	}
	return m.Name
}

// FindMembers are at most limit admitted people of an airline whose pilot
// id starts with what was typed or whose name holds it, ignoring case, an
// exact pilot id or name first.
func (q Querier) FindMembers(ctx context.Context, airlineID, typed string, limit int) ([]Member, error) {
	rows, err := q.SearchMembers(ctx, readmodel.SearchMembersParams{TenantID: airlineID, Query: typed, MaxRows: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]Member, 0, len(rows))
	for _, r := range rows {
		out = append(out, Member{ID: r.ID.String(), PilotID: r.PilotID, Name: r.Name})
	}
	return out, nil
}

// AircraftOption is an aircraft of an airline as a PIREP names it and a
// form offers it.
type AircraftOption struct {
	ID, Registration, Name string
	SubfleetID             string
	Status                 string // domain.AircraftActive and the like
	// At is the airport it is at: where its accepted PIREPs left it from
	// FlownAircraftOptions, the one staff entered from AircraftOptions.
	At string
}

func aircraftOptions(rows []readmodel.Aircraft) []AircraftOption {
	out := make([]AircraftOption, 0, len(rows))
	for _, a := range rows {
		out = append(out, AircraftOption{ID: a.ID.String(), Registration: a.Registration, Name: a.Name, SubfleetID: a.SubfleetID.String(), Status: a.Status, At: a.AirportID})
	}
	return out
}

// AircraftOptions are an airline's aircraft, in the read model's order.
func (q Querier) AircraftOptions(ctx context.Context, airlineID string) ([]AircraftOption, error) {
	rows, err := q.ListAircraft(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	return aircraftOptions(rows), nil
}

// FlownAircraftOptions are AircraftOptions at where each aircraft is now
// (asFlown), as the filing form offers them.
func (q Querier) FlownAircraftOptions(ctx context.Context, airlineID string) ([]AircraftOption, error) {
	rows, err := q.ListAircraft(ctx, airlineID)
	if err == nil {
		rows, err = asFlown(ctx, q, airlineID, rows)
	}
	if err != nil {
		return nil, err
	}
	return aircraftOptions(rows), nil
}

// IdleFlight is a flight in progress of some airline that went silent.
type IdleFlight struct{ AirlineID, PirepID string }

// IdleFlights are every airline's flights in progress silent since before
// a time, the longest silent first, at most limit.
func (q Querier) IdleFlights(ctx context.Context, before time.Time, limit int) ([]IdleFlight, error) {
	rows, err := q.ListIdlePireps(ctx, readmodel.ListIdlePirepsParams{UpdatedAt: before, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]IdleFlight, 0, len(rows))
	for _, r := range rows {
		out = append(out, IdleFlight{AirlineID: r.TenantID, PirepID: r.ID.String()})
	}
	return out, nil
}
