// Package memory holds the read models of the embedded mode in memory. It
// implements the sqlc-generated readmodel.Querier with the results PostgreSQL
// would give (order, errors, time precision), so handlers and the projector
// cannot tell the two apart, and the projector's Backend with batches that
// are atomic like a PostgreSQL transaction.
package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// ReadModels is the in-memory read-model store. The zero value is not
// usable; call New.
type ReadModels struct {
	mu sync.RWMutex // writers: Batch and the single-statement writes
	st *state

	busyMu sync.Mutex
	busy   map[string]bool // projections with a Batch in flight

	snapshotSize atomic.Int64 // of the last snapshot written or loaded: the next one's buffer
	encodeHook   func()       // tests: runs in EncodeSnapshot once the state is copied, before it is encoded
}

var _ readmodel.Querier = (*ReadModels)(nil)

// New returns an empty store.
func New() *ReadModels {
	return &ReadModels{st: newState(), busy: map[string]bool{}}
}

// Reader returns the store itself: reads see only committed batches.
func (m *ReadModels) Reader() readmodel.Querier { return m }

// Batch runs fn against a transaction on the store. When fn fails (or
// panics) every change it made is undone. The transaction holds the write
// lock from its first statement until fn returns, except where fn lets it
// go with Yield (the projector does between events, and before it reads
// the log), so that a reader never waits behind a whole batch: it waits
// for one event's writes at most, and may see the events of a batch
// before its checkpoint moves (never the half of one event). A batch that
// fails takes back under the lock what it had written. A second Batch of
// the same projection while one runs returns ran=false at once, like the
// PostgreSQL advisory lock; fn must not call Batch itself. Batches of
// different projections may interleave between yields: each projection
// writes its own tables.
func (m *ReadModels) Batch(ctx context.Context, projection string, fn func(q readmodel.Querier) error) (ran bool, err error) {
	locked, err := m.BatchAll(ctx, []string{projection}, func(q readmodel.Querier, _ []string) error { return fn(q) })
	return len(locked) > 0, err
}

// BatchAll is Batch for several projections at once: fn runs in one
// transaction for those of projections no other batch holds, and learns
// which; when every one is held it returns none without calling fn.
func (m *ReadModels) BatchAll(ctx context.Context, projections []string, fn func(q readmodel.Querier, locked []string) error) (locked []string, err error) {
	m.busyMu.Lock()
	for _, name := range projections {
		if !m.busy[name] && !slices.Contains(locked, name) {
			m.busy[name] = true
			locked = append(locked, name)
		}
	}
	m.busyMu.Unlock()
	if len(locked) == 0 {
		return nil, nil
	}
	held := locked
	defer func() {
		m.busyMu.Lock()
		for _, name := range held {
			delete(m.busy, name)
		}
		m.busyMu.Unlock()
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	tx := &tx{st: m.st, mu: &m.mu}
	committed := false
	defer func() {
		tx.done = true
		if !committed && len(tx.undo) > 0 {
			tx.lock()
			tx.rollback()
		}
		tx.Yield()
	}()
	if err := fn(tx, locked); err != nil {
		return locked, err
	}
	if tx.failed != nil {
		// PostgreSQL refuses to commit a transaction after a failed statement.
		return locked, fmt.Errorf("commit: %w", tx.failed)
	}
	committed = true
	return locked, nil
}

// write runs one write statement outside a batch: it commits on its own, or
// leaves nothing behind when it fails, like an autocommit statement.
func (m *ReadModels) write(f func(t *tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &tx{st: m.st} // the lock is held here, not by t
	if err := f(t); err != nil {
		t.rollback()
		return err
	}
	return nil
}

// DeleteAllAirlines implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlines(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlines(ctx) })
}

// DeleteCheckpoint implements readmodel.Querier.
func (m *ReadModels) DeleteCheckpoint(ctx context.Context, name string) error {
	return m.write(func(t *tx) error { return t.DeleteCheckpoint(ctx, name) })
}

// GetAirlineByNumber implements readmodel.Querier.
func (m *ReadModels) GetAirlineByNumber(ctx context.Context, number int32) (readmodel.Airline, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirlineByNumber(ctx, number)
}

// GetAirlineBySlug implements readmodel.Querier.
func (m *ReadModels) GetAirlineBySlug(ctx context.Context, slug string) (readmodel.Airline, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirlineBySlug(ctx, slug)
}

// GetCheckpoint implements readmodel.Querier.
func (m *ReadModels) GetCheckpoint(ctx context.Context, name string) (readmodel.ProjectionCheckpoint, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getCheckpoint(ctx, name)
}

// ListCheckpoints implements readmodel.Querier.
func (m *ReadModels) ListCheckpoints(ctx context.Context) ([]readmodel.ProjectionCheckpoint, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listCheckpoints(ctx)
}

// ListAirlines implements readmodel.Querier.
func (m *ReadModels) ListAirlines(ctx context.Context) ([]readmodel.Airline, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirlines(ctx)
}

// SetCheckpoint implements readmodel.Querier.
func (m *ReadModels) SetCheckpoint(ctx context.Context, arg readmodel.SetCheckpointParams) error {
	return m.write(func(t *tx) error { return t.SetCheckpoint(ctx, arg) })
}

// UpsertAirline implements readmodel.Querier.
func (m *ReadModels) UpsertAirline(ctx context.Context, arg readmodel.UpsertAirlineParams) error {
	return m.write(func(t *tx) error { return t.UpsertAirline(ctx, arg) })
}

// CountUsers implements readmodel.Querier.
func (m *ReadModels) CountUsers(ctx context.Context) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.countUsers(ctx)
}

// DeleteAllUsers implements readmodel.Querier.
func (m *ReadModels) DeleteAllUsers(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllUsers(ctx) })
}

// GetUser implements readmodel.Querier.
func (m *ReadModels) GetUser(ctx context.Context, id uuid.UUID) (readmodel.User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getUser(ctx, id)
}

// GetUserByEmail implements readmodel.Querier.
func (m *ReadModels) GetUserByEmail(ctx context.Context, email string) (readmodel.User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getUserByEmail(ctx, email)
}

// SetUserPassword implements readmodel.Querier.
func (m *ReadModels) SetUserPassword(ctx context.Context, arg readmodel.SetUserPasswordParams) error {
	return m.write(func(t *tx) error { return t.SetUserPassword(ctx, arg) })
}

// UpsertUser implements readmodel.Querier.
func (m *ReadModels) UpsertUser(ctx context.Context, arg readmodel.UpsertUserParams) error {
	return m.write(func(t *tx) error { return t.UpsertUser(ctx, arg) })
}

// state is the tables. Rows are stored as the database returns them
// (microsecond times in time.Local), so reads hand out copies as they are.
type state struct {
	airlines    map[uuid.UUID]readmodel.Airline
	slugs       map[string]uuid.UUID // the unique index airlines_slug
	checkpoints map[string]readmodel.ProjectionCheckpoint
	users       map[uuid.UUID]readmodel.User
	roster      rosterIndex          // the active users in roster order; see roster.go
	emails      map[string]uuid.UUID // the unique index users_email
	// usersByTenant is users by tenant in ListUsersByTenant's order; every
	// write of users goes through putUser and dropUser, which keep it.
	usersByTenant *sortedRows[string, readmodel.User]
	// airlinesByName is airlines in ListAirlines' order (one group, "").
	airlinesByName *sortedRows[string, readmodel.Airline]
	airlineNumbers *numbers // the unique index airlines_number; see numbers.go

	apiKeys      map[uuid.UUID]readmodel.APIKey // see apikeys.go
	apiKeyHashes map[string]uuid.UUID           // the unique index api_keys_hash
	keysByUser   *sortedRows[rowKey, readmodel.APIKey]

	subfleets       map[rowKey]readmodel.Subfleet // see fleet.go
	aircraft        map[rowKey]readmodel.Aircraft
	fleet           fleetOrders // subfleets and aircraft in their lists' orders
	subfleetNumbers *numbers    // the unique indexes subfleets_number and aircraft_number
	aircraftNumbers *numbers
	airports        airportTable  // see airports.go
	flights         *flightTables // see flights.go

	pireps         map[rowKey]*readmodel.Pirep          // see pireps.go; rows are never changed in place
	pirepIdx       *pirepIndex                          // see pirep_index.go
	positions      map[rowKey][]readmodel.PirepPosition // see pirep_positions.go; by n
	pilotStats     map[rowKey]readmodel.PilotStat
	aircraftTotals map[rowKey]readmodel.AircraftPirepTotal
	// totalsInOrder is aircraftTotals by tenant by aircraft id, the order
	// ListAircraftPirepTotals reads.
	totalsInOrder *sortedRows[string, readmodel.AircraftPirepTotal]
	ranks         map[rowKey]readmodel.Rank // see ranks.go
	ranksInOrder  *sortedRows[string, readmodel.Rank]
	pilotRanks    map[rowKey]readmodel.PilotRank

	pirepRules   map[string]readmodel.AirlinePirepRule    // see pirep_rules.go
	bidRules     map[string]readmodel.AirlineBidRule      // see bids.go
	bids         map[string]map[uuid.UUID]readmodel.Bid   // by tenant; see bids.go
	simbriefOfps map[ofpKey]readmodel.SimbriefOfp         // see simbrief.go
	review       *reviewTables                            // see review.go
	jumpseats    map[rowKey][]readmodel.Jumpseat          // by pilot, latest first; see jumpseats.go
	news         map[string][]readmodel.News              // by tenant, newest first; see news.go
	awards       map[string][]readmodel.InsertAwardParams // by tenant, in ListAwards' order; see awards.go
	pilotAwards  map[rowKey][]readmodel.PilotAward        // by pilot, in grant order
	ratings      *ratingTables                            // who may fly what; see type_ratings.go
	fares        map[string][]readmodel.Fare              // by tenant, by code; see fares.go
	expenses     map[string][]readmodel.Expense           // by tenant, in first-save order
	// The tours projection; see tours.go.
	tours           map[string][]readmodel.Tour                   // by tenant, in ListTours' order
	tourLegs        map[rowKey][]readmodel.TourLeg                // by tour, in leg order
	tourLegsFlown   map[rowKey][]readmodel.TourLegsFlown          // by pilot, by tour and leg
	tourCompletions map[rowKey][]readmodel.TourCompletion         // by tour, first finished first
	events          *eventTables                                  // airline events; see airline_events.go
	leave           *leaveTables                                  // leave and activity; see leave.go
	pirepScores     map[string]map[uuid.UUID]readmodel.PirepScore // by tenant, by PIREP; see scores.go
	profiles        map[rowKey]readmodel.PilotProfile             // pilots who chose; see profiles.go

	quarantine map[quarantineKey]readmodel.QuarantinedEvent // see quarantine.go

	rowsRead atomic.Int64 // rows the list reads visited; see RowsRead
}

// RowsRead is how many stored rows the store's list reads have visited
// since it was made: the work a page costs, counted rather than timed, so
// a test can check that one airline's page does not read other airlines'
// rows.
func (m *ReadModels) RowsRead() int64 { return m.st.rowsRead.Load() }

// visited counts n rows a read walked.
func (s *state) visited(n int) { s.rowsRead.Add(int64(n)) }

func newState() *state {
	return &state{
		airlines:    map[uuid.UUID]readmodel.Airline{},
		slugs:       map[string]uuid.UUID{},
		checkpoints: map[string]readmodel.ProjectionCheckpoint{},
		quarantine:  map[quarantineKey]readmodel.QuarantinedEvent{},
		users:       map[uuid.UUID]readmodel.User{},
		roster:      rosterIndex{},
		emails:      map[string]uuid.UUID{},

		usersByTenant: newSortedRows[string](func(a, b *readmodel.User) bool {
			return byNameThenID(a.Name, a.ID, b.Name, b.ID)
		}),
		airlinesByName: newSortedRows[string](func(a, b *readmodel.Airline) bool {
			return byNameThenID(a.Name, a.ID, b.Name, b.ID)
		}),
		airlineNumbers: newNumbers(),

		apiKeys:      map[uuid.UUID]readmodel.APIKey{},
		apiKeyHashes: map[string]uuid.UUID{},
		keysByUser:   newSortedRows[rowKey](newestKeyFirst),

		subfleets:       map[rowKey]readmodel.Subfleet{},
		aircraft:        map[rowKey]readmodel.Aircraft{},
		fleet:           newFleetOrders(),
		subfleetNumbers: newNumbers(),
		aircraftNumbers: newNumbers(),
		airports:        airportTable{},
		flights:         newFlightTables(),

		pireps:         map[rowKey]*readmodel.Pirep{},
		pirepIdx:       newPirepIndex(),
		positions:      map[rowKey][]readmodel.PirepPosition{},
		pilotStats:     map[rowKey]readmodel.PilotStat{},
		aircraftTotals: map[rowKey]readmodel.AircraftPirepTotal{},
		totalsInOrder:  newSortedRows[string](byAircraftID),
		ranks:          map[rowKey]readmodel.Rank{},
		ranksInOrder:   newSortedRows[string](byMinutesThenName),
		pilotRanks:     map[rowKey]readmodel.PilotRank{},

		pirepRules:   map[string]readmodel.AirlinePirepRule{},
		bidRules:     map[string]readmodel.AirlineBidRule{},
		bids:         map[string]map[uuid.UUID]readmodel.Bid{},
		simbriefOfps: map[ofpKey]readmodel.SimbriefOfp{},
		review:       newReviewTables(),
		jumpseats:    map[rowKey][]readmodel.Jumpseat{},
		news:         map[string][]readmodel.News{},
		awards:       map[string][]readmodel.InsertAwardParams{},
		pilotAwards:  map[rowKey][]readmodel.PilotAward{},
		pirepScores:  map[string]map[uuid.UUID]readmodel.PirepScore{},
		ratings:      newRatingTables(),
		fares:        map[string][]readmodel.Fare{},
		expenses:     map[string][]readmodel.Expense{},

		tours:           map[string][]readmodel.Tour{},
		tourLegs:        map[rowKey][]readmodel.TourLeg{},
		tourLegsFlown:   map[rowKey][]readmodel.TourLegsFlown{},
		tourCompletions: map[rowKey][]readmodel.TourCompletion{},
		events:          newEventTables(),
		leave:           newLeaveTables(),
		profiles:        map[rowKey]readmodel.PilotProfile{},
	}
}

func (s *state) getAirlineBySlug(ctx context.Context, slug string) (readmodel.Airline, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Airline{}, err
	}
	id, ok := s.slugs[slug]
	if !ok {
		return readmodel.Airline{}, readmodel.NotFound("GetAirlineBySlug")
	}
	return s.airlines[id], nil
}

func (s *state) getCheckpoint(ctx context.Context, name string) (readmodel.ProjectionCheckpoint, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.ProjectionCheckpoint{}, err
	}
	c, ok := s.checkpoints[name]
	if !ok {
		return readmodel.ProjectionCheckpoint{}, readmodel.NotFound("GetCheckpoint")
	}
	return c, nil
}

func (s *state) listCheckpoints(ctx context.Context) ([]readmodel.ProjectionCheckpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]readmodel.ProjectionCheckpoint, 0, len(s.checkpoints))
	for _, c := range s.checkpoints {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b readmodel.ProjectionCheckpoint) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *state) countUsers(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return int64(len(s.users)), nil
}

func (s *state) getUser(ctx context.Context, id uuid.UUID) (readmodel.User, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.User{}, err
	}
	u, ok := s.users[id]
	if !ok {
		return readmodel.User{}, readmodel.NotFound("GetUser")
	}
	return u, nil
}

func (s *state) getUserByEmail(ctx context.Context, email string) (readmodel.User, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.User{}, err
	}
	id, ok := s.emails[email]
	if !ok {
		return readmodel.User{}, readmodel.NotFound("GetUserByEmail")
	}
	return s.users[id], nil
}

// byNameThenID orders like ORDER BY name COLLATE "C", id: names by their
// UTF-8 bytes, ties by the uuid's 16 bytes, as PostgreSQL compares uuids.
func byNameThenID(aName string, aID uuid.UUID, bName string, bID uuid.UUID) bool {
	if c := strings.Compare(aName, bName); c != 0 {
		return c < 0
	}
	return bytes.Compare(aID[:], bID[:]) < 0
}

// listAirlines orders like ORDER BY name COLLATE "C", id. Like the sqlc
// code it returns nil, not an empty slice, when there are no rows.
func (s *state) listAirlines(ctx context.Context) ([]readmodel.Airline, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.airlinesByName.list(s, "", same), nil
}

// putAirline stores the row and keeps airlinesByName and airlineNumbers;
// the caller keeps the slugs.
func (s *state) putAirline(a readmodel.Airline) {
	s.dropAirline(a.ID)
	s.airlines[a.ID] = a
	s.airlinesByName.put("", a)
	s.airlineNumbers.put("", a.Number, a.ID)
}

func (s *state) dropAirline(id uuid.UUID) {
	if old, ok := s.airlines[id]; ok {
		s.airlinesByName.remove("", old)
		s.airlineNumbers.drop("", old.Number)
		delete(s.airlines, id)
	}
}

func (s *state) getAirlineByNumber(ctx context.Context, number int32) (readmodel.Airline, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Airline{}, err
	}
	id, ok := s.airlineNumbers.find("", number)
	if !ok {
		return readmodel.Airline{}, readmodel.NotFound("GetAirlineByNumber")
	}
	return s.airlines[id], nil
}

// putUser stores the row and keeps usersByTenant; the caller keeps the
// emails.
func (s *state) putUser(u readmodel.User) {
	if old, ok := s.users[u.ID]; ok {
		s.usersByTenant.remove(old.TenantID, old)
	}
	s.users[u.ID] = u
	s.usersByTenant.put(u.TenantID, u)
}

func (s *state) dropUser(id uuid.UUID) {
	if old, ok := s.users[id]; ok {
		s.usersByTenant.remove(old.TenantID, old)
		delete(s.users, id)
	}
}

// tx is a transaction on the state: it writes in place and keeps an undo
// log. A batch's tx takes the write lock at its first statement and keeps
// it until Yield; a tx without mu runs under a lock its caller holds.
type tx struct {
	st     *state
	mu     *sync.RWMutex // the store's lock, taken and let go by the tx; nil when the caller holds it
	held   bool
	undo   []func()
	failed error // the first failed statement; PostgreSQL aborts the transaction
	done   bool
}

func (t *tx) lock() {
	if t.mu != nil && !t.held {
		t.mu.Lock()
		t.held = true
	}
}

// Yield lets readers in: the transaction's writes so far become visible,
// and its next statement waits for the lock again. The projector calls it
// between events; on another querier it is not there, and not needed
// (PostgreSQL readers never wait for a writer).
func (t *tx) Yield() {
	if t.mu != nil && t.held {
		t.held = false
		t.mu.Unlock()
	}
}

var _ readmodel.Querier = (*tx)(nil)

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

// ErrBatchEnded is the error of a statement on the querier of a batch that
// has returned, as pgx refuses a statement on a finished transaction.
var ErrBatchEnded = errors.New("memory: statement on a read-model batch that has ended")

// errBatchAborted is the error of a statement after a failed one in the
// same batch, as PostgreSQL refuses it in an aborted transaction.
var errBatchAborted = errors.New("memory: statement in a read-model batch aborted by a failed statement")

// check refuses statements on a finished or aborted transaction.
func (t *tx) check(ctx context.Context) error {
	if t.done {
		return ErrBatchEnded
	}
	if t.failed != nil {
		return errBatchAborted
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t.lock()
	return nil
}

// fail marks the transaction aborted by a statement the tables refused (a
// domain error: a conflict or an invalid value), as PostgreSQL aborts it.
func (t *tx) fail(err error) error {
	if errors.As(err, new(*domain.Error)) {
		t.failed = err
	}
	return err
}

func (t *tx) DeleteAllAirlines(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldSlugs, oldOrder, oldNumbers := t.st.airlines, t.st.slugs, t.st.airlinesByName, t.st.airlineNumbers
	// The numbers start again at 1, as max(number) of an empty table does.
	t.st.airlines, t.st.slugs, t.st.airlinesByName, t.st.airlineNumbers = map[uuid.UUID]readmodel.Airline{}, map[string]uuid.UUID{}, oldOrder.empty(), newNumbers()
	t.undo = append(t.undo, func() {
		t.st.airlines, t.st.slugs, t.st.airlinesByName, t.st.airlineNumbers = old, oldSlugs, oldOrder, oldNumbers
	})
	return nil
}

func (t *tx) DeleteCheckpoint(ctx context.Context, name string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.checkpoints[name]
	if !ok {
		return nil
	}
	delete(t.st.checkpoints, name)
	t.undo = append(t.undo, func() { t.st.checkpoints[name] = old })
	return nil
}

func (t *tx) GetAirlineByNumber(ctx context.Context, number int32) (readmodel.Airline, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Airline{}, err
	}
	return t.st.getAirlineByNumber(ctx, number)
}

func (t *tx) GetAirlineBySlug(ctx context.Context, slug string) (readmodel.Airline, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Airline{}, err
	}
	return t.st.getAirlineBySlug(ctx, slug)
}

func (t *tx) GetCheckpoint(ctx context.Context, name string) (readmodel.ProjectionCheckpoint, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.ProjectionCheckpoint{}, err
	}
	return t.st.getCheckpoint(ctx, name)
}

func (t *tx) ListCheckpoints(ctx context.Context) ([]readmodel.ProjectionCheckpoint, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listCheckpoints(ctx)
}

func (t *tx) ListAirlines(ctx context.Context) ([]readmodel.Airline, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirlines(ctx)
}

func (t *tx) SetCheckpoint(ctx context.Context, arg readmodel.SetCheckpointParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, existed := t.st.checkpoints[arg.Name]
	t.st.checkpoints[arg.Name] = readmodel.ProjectionCheckpoint{
		Name: arg.Name, CommitTx: arg.CommitTx, Seq: arg.Seq, UpdatedAt: timestamptz(arg.UpdatedAt),
	}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.checkpoints[arg.Name] = old
		} else {
			delete(t.st.checkpoints, arg.Name)
		}
	})
	return nil
}

// UpsertAirline inserts or replaces the row with arg.ID. Like the unique
// index airlines_slug, it refuses a slug another airline holds. A new row
// takes the platform's next number; a replaced one keeps its own.
func (t *tx) UpsertAirline(ctx context.Context, arg readmodel.UpsertAirlineParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if holder, ok := t.st.slugs[arg.Slug]; ok && holder != arg.ID {
		return t.fail(readmodel.UniqueViolation("airlines_slug"))
	}
	old, existed := t.st.airlines[arg.ID]
	number, giveBack := old.Number, func() {}
	if existed {
		delete(t.st.slugs, old.Slug)
	} else {
		number, giveBack = t.st.airlineNumbers.next("")
	}
	t.st.putAirline(readmodel.Airline{
		ID: arg.ID, Name: arg.Name, Icao: arg.Icao, Iata: arg.Iata, Slug: arg.Slug,
		CreatedAt: timestamptz(arg.CreatedAt), PilotIDPrefix: arg.PilotIDPrefix,
		Registration: arg.Registration, Suspended: arg.Suspended, Number: number,
	})
	t.st.slugs[arg.Slug] = arg.ID
	t.undo = append(t.undo, func() {
		delete(t.st.slugs, arg.Slug)
		if existed {
			t.st.putAirline(old)
			t.st.slugs[old.Slug] = arg.ID
		} else {
			t.st.dropAirline(arg.ID)
			giveBack()
		}
	})
	return nil
}

func (t *tx) CountUsers(ctx context.Context) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.st.countUsers(ctx)
}

func (t *tx) DeleteAllUsers(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldEmails, oldOrder, oldRoster := t.st.users, t.st.emails, t.st.usersByTenant, t.st.roster
	t.st.users, t.st.emails, t.st.usersByTenant, t.st.roster = map[uuid.UUID]readmodel.User{}, map[string]uuid.UUID{}, oldOrder.empty(), rosterIndex{}
	t.undo = append(t.undo, func() { t.st.users, t.st.emails, t.st.usersByTenant, t.st.roster = old, oldEmails, oldOrder, oldRoster })
	return nil
}

func (t *tx) GetUser(ctx context.Context, id uuid.UUID) (readmodel.User, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.User{}, err
	}
	return t.st.getUser(ctx, id)
}

func (t *tx) GetUserByEmail(ctx context.Context, email string) (readmodel.User, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.User{}, err
	}
	return t.st.getUserByEmail(ctx, email)
}

// SetUserPassword updates the row with arg.ID; like an UPDATE that matches
// no row, it does nothing and succeeds when there is none.
func (t *tx) SetUserPassword(ctx context.Context, arg readmodel.SetUserPasswordParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.users[arg.ID]
	if !ok {
		return nil
	}
	u := old
	u.PasswordHash, u.MustChangePassword, u.UpdatedAt = arg.PasswordHash, arg.MustChangePassword, timestamptz(arg.UpdatedAt)
	t.st.putUser(u)
	t.undo = append(t.undo, func() { t.st.putUser(old) })
	return nil
}

// UpsertUser inserts or replaces the row with arg.ID. Like the unique index
// users_email, it refuses an email another user holds.
func (t *tx) UpsertUser(ctx context.Context, arg readmodel.UpsertUserParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if holder, ok := t.st.emails[arg.Email]; ok && holder != arg.ID {
		return t.fail(readmodel.UniqueViolation("users_email"))
	}
	old, existed := t.st.users[arg.ID]
	if existed {
		delete(t.st.emails, old.Email)
	}
	t.st.putUser(readmodel.User{
		TenantID: arg.TenantID, ID: arg.ID, Email: arg.Email, Name: arg.Name, Role: arg.Role,
		PasswordHash: arg.PasswordHash, MustChangePassword: arg.MustChangePassword,
		CreatedAt: timestamptz(arg.CreatedAt), UpdatedAt: timestamptz(arg.UpdatedAt),
		Country: arg.Country, Status: arg.Status, StatusReason: arg.StatusReason,
		PilotNumber: arg.PilotNumber, PilotID: arg.PilotID, HomeAirport: arg.HomeAirport,
	})
	t.moveOnRoster(old, existed, t.st.users[arg.ID])
	t.st.emails[arg.Email] = arg.ID
	t.undo = append(t.undo, func() {
		delete(t.st.emails, arg.Email)
		if existed {
			t.st.putUser(old)
			t.st.emails[old.Email] = arg.ID
		} else {
			t.st.dropUser(arg.ID)
		}
	})
	return nil
}

// timestamptz returns t as a timestamptz column gives it back through pgx:
// truncated to microseconds (pgx truncates when it encodes), without a
// monotonic reading, in time.Local.
func timestamptz(t time.Time) time.Time {
	return t.Truncate(time.Microsecond).In(time.Local)
}
