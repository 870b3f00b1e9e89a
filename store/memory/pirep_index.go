package memory

import (
	"bytes"
	"cmp"
	"time"

	"github.com/google/btree"
	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The PIREPs' indexes, as PostgreSQL's on pireps (tenant_id, pilot_id),
// (tenant_id, aircraft_id) and (tenant_id, state): a query about one
// pilot, one aircraft or one state reads only its rows, and recomputing a
// pilot's or an aircraft's totals after each acceptance costs the same at
// 100,000 PIREPs as at 1,000, so the embedded start, which replays every
// PIREP, grows linearly rather than with the square of the PIREPs.
//
// Every write of s.pireps goes through setPirep and deletePirep, which
// keep the indexes in step (an upsert that changes the pilot, aircraft or
// state moves the row between buckets); a rollback undoes through them
// too.

// pirepIndex holds the PIREPs by tenant, by (tenant, pilot), by
// (tenant, aircraft) and by (tenant, state), and the tenant's and each
// (tenant, state)'s rows in the staff list's orders.
type pirepIndex struct {
	byTenant   map[string]rowSet
	byPilot    map[rowKey]*pirepBucket
	byAircraft map[rowKey]*pirepBucket
	byState    map[stateKey]rowSet

	tenantOrders map[string]*pirepOrders
	stateOrders  map[stateKey]*pirepOrders

	// pilotNewest is each pilot's rows in ListPirepsByPilot's order
	// (filed_at DESC, id), like the index on (tenant_id, pilot_id,
	// filed_at DESC, id): the dashboard's five are the first five.
	pilotNewest map[rowKey]*btree.BTreeG[*readmodel.Pirep]

	// queued is each tenant's pending rows in the review queue's order
	// (queued_at, id): a page of the queue is a walk from its start.
	queued map[string]*btree.BTreeG[*readmodel.Pirep]
}

// pirepOrders are one tenant's, or one state's of a tenant, rows sorted
// as the airline list's ORDER BYs and by block-off, as PostgreSQL's
// indexes on pireps (tenant_id, [state,] filed_at / flight_time /
// block_off / block_on). A page of the list filtered by no more than state, airport
// and dates reads its rows in order and stops at the page's last, rather
// than filtering and ranking all of an airline's 100,000; the count of a
// state alone (or of every state) is the tree's size when no row's
// block-off is outside the dates, which the block-off tree's ends tell.
// The statistics' sums of a month read the accepted rows' block-on tree
// from the month's first row to its last.
type pirepOrders struct {
	newest, oldest, longest, blockOff, blockOn *btree.BTreeG[*readmodel.Pirep]
}

// listOrder is one of the airline list's orders.
type listOrder int

const (
	orderNewest  listOrder = iota // ORDER BY filed_at DESC, id
	orderOldest                   // ORDER BY filed_at, id
	orderLongest                  // ORDER BY flight_time DESC, filed_at DESC, id
)

// compare orders a before b (negative), after it (positive), or as the
// same row (zero, the same id).
func (o listOrder) compare(a, b *readmodel.Pirep) int {
	switch o {
	case orderOldest:
		if c := a.FiledAt.Compare(b.FiledAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	case orderLongest:
		if c := cmp.Compare(b.FlightTime, a.FlightTime); c != 0 {
			return c
		}
	}
	if c := b.FiledAt.Compare(a.FiledAt); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

// byBlockOff orders by block_off, id.
func byBlockOff(a, b *readmodel.Pirep) bool {
	if c := a.BlockOff.Compare(b.BlockOff); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

// byBlockOn orders by block_on, id.
func byBlockOn(a, b *readmodel.Pirep) bool {
	if c := a.BlockOn.Compare(b.BlockOn); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

// orderDegree is the trees' B-tree degree: nodes of up to 63 rows.
const orderDegree = 32

func newPirepOrders() *pirepOrders {
	less := func(o listOrder) btree.LessFunc[*readmodel.Pirep] {
		return func(a, b *readmodel.Pirep) bool { return o.compare(a, b) < 0 }
	}
	return &pirepOrders{
		newest:   btree.NewG(orderDegree, less(orderNewest)),
		oldest:   btree.NewG(orderDegree, less(orderOldest)),
		longest:  btree.NewG(orderDegree, less(orderLongest)),
		blockOff: btree.NewG(orderDegree, byBlockOff),
		blockOn:  btree.NewG(orderDegree, byBlockOn),
	}
}

func (o *pirepOrders) trees() []*btree.BTreeG[*readmodel.Pirep] {
	return []*btree.BTreeG[*readmodel.Pirep]{o.newest, o.oldest, o.longest, o.blockOff, o.blockOn}
}

// in is the tree of the order.
func (o *pirepOrders) in(order listOrder) *btree.BTreeG[*readmodel.Pirep] {
	switch order {
	case orderOldest:
		return o.oldest
	case orderLongest:
		return o.longest
	}
	return o.newest
}

// within reports whether every row's block-off is in [from, to).
func (o *pirepOrders) within(from, to time.Time) bool {
	first, ok := o.blockOff.Min()
	if !ok {
		return true
	}
	last, _ := o.blockOff.Max()
	return !first.BlockOff.Before(from) && last.BlockOff.Before(to)
}

func addOrdered[K comparable](m map[K]*pirepOrders, k K, p *readmodel.Pirep) {
	o := m[k]
	if o == nil {
		o = newPirepOrders()
		m[k] = o
	}
	for _, t := range o.trees() {
		t.ReplaceOrInsert(p)
	}
}

func removeOrdered[K comparable](m map[K]*pirepOrders, k K, p *readmodel.Pirep) {
	o := m[k]
	if o == nil {
		return
	}
	for _, t := range o.trees() {
		t.Delete(p)
	}
	if o.newest.Len() == 0 {
		delete(m, k)
	}
}

// rowSet is a set of rows by id; the rows are s.pireps' own, so a query
// reads them without looking each up again.
type rowSet map[uuid.UUID]*readmodel.Pirep

type stateKey struct{ tenant, state string }

// pirepBucket is one pilot's or aircraft's PIREPs, with the running totals
// of the accepted ones that the Recalculate statements compute.
type pirepBucket struct {
	ids rowSet
	acc acceptedSums
}

// acceptedSums are what the Recalculate statements compute from a pilot's
// or aircraft's accepted rows (count, sum of flight time, sum and count of
// the non-zero landing rates for their rounded average), kept as rows come
// and go. The sums are exact integers, so they equal a fresh count. latest
// is the accepted row latest by block_on (ties by the smaller id) unless
// stale, which a removal of that row sets; the next read then finds it
// again among the bucket's rows.
type acceptedSums struct {
	flights, minutes, rateSum, rates int64
	latest                           latestRow
	stale                            bool
}

// latestRow is what the totals take from the latest accepted row.
type latestRow struct {
	id         uuid.UUID
	blockOn    time.Time
	arrAirport string
}

func newPirepIndex() *pirepIndex {
	return &pirepIndex{
		byTenant:   map[string]rowSet{},
		byPilot:    map[rowKey]*pirepBucket{},
		byAircraft: map[rowKey]*pirepBucket{},
		byState:    map[stateKey]rowSet{},

		tenantOrders: map[string]*pirepOrders{},
		stateOrders:  map[stateKey]*pirepOrders{},
		pilotNewest:  map[rowKey]*btree.BTreeG[*readmodel.Pirep]{},
		queued:       map[string]*btree.BTreeG[*readmodel.Pirep]{},
	}
}

// laterThanBy reports whether p takes l's place as the latest row, as
// ORDER BY block_on DESC, id picks it: a later block-on, or the same and
// a smaller id.
func (l latestRow) laterThanBy(p *readmodel.Pirep) bool {
	return p.BlockOn.After(l.blockOn) || p.BlockOn.Equal(l.blockOn) && bytes.Compare(p.ID[:], l.id[:]) < 0
}

func (a *acceptedSums) add(p *readmodel.Pirep) {
	a.flights++
	a.minutes += int64(p.FlightTime)
	if p.LandingRate != 0 {
		a.rateSum += int64(p.LandingRate)
		a.rates++
	}
	if !a.stale && (a.flights == 1 || a.latest.laterThanBy(p)) {
		a.latest = latestRow{id: p.ID, blockOn: p.BlockOn, arrAirport: p.ArrAirport}
	}
}

func (a *acceptedSums) remove(p *readmodel.Pirep) {
	a.flights--
	a.minutes -= int64(p.FlightTime)
	if p.LandingRate != 0 {
		a.rateSum -= int64(p.LandingRate)
		a.rates--
	}
	if a.flights == 0 {
		*a = acceptedSums{}
	} else if a.latest.id == p.ID {
		a.stale = true
	}
}

func (ix *pirepIndex) add(p *readmodel.Pirep) {
	addRow(ix.byTenant, p.TenantID, p)
	addRow(ix.byState, stateKey{p.TenantID, p.State}, p)
	addOrdered(ix.tenantOrders, p.TenantID, p)
	addOrdered(ix.stateOrders, stateKey{p.TenantID, p.State}, p)
	ix.addPilotNewest(p)
	ix.addQueued(p)
	for _, b := range []*pirepBucket{
		bucket(ix.byPilot, rowKey{p.TenantID, p.PilotID}),
		bucket(ix.byAircraft, rowKey{p.TenantID, p.AircraftID}),
	} {
		b.ids[p.ID] = p
		if p.State == "accepted" {
			b.acc.add(p)
		}
	}
}

func (ix *pirepIndex) remove(p *readmodel.Pirep) {
	removeID(ix.byTenant, p.TenantID, p.ID)
	removeID(ix.byState, stateKey{p.TenantID, p.State}, p.ID)
	removeOrdered(ix.tenantOrders, p.TenantID, p)
	removeOrdered(ix.stateOrders, stateKey{p.TenantID, p.State}, p)
	ix.removePilotNewest(p)
	ix.removeQueued(p)
	removeFromBucket(ix.byPilot, rowKey{p.TenantID, p.PilotID}, p)
	removeFromBucket(ix.byAircraft, rowKey{p.TenantID, p.AircraftID}, p)
}

func (ix *pirepIndex) addPilotNewest(p *readmodel.Pirep) {
	k := rowKey{p.TenantID, p.PilotID}
	t := ix.pilotNewest[k]
	if t == nil {
		t = btree.NewG(orderDegree, func(a, b *readmodel.Pirep) bool { return orderNewest.compare(a, b) < 0 })
		ix.pilotNewest[k] = t
	}
	t.ReplaceOrInsert(p)
}

func (ix *pirepIndex) removePilotNewest(p *readmodel.Pirep) {
	k := rowKey{p.TenantID, p.PilotID}
	if t := ix.pilotNewest[k]; t != nil {
		t.Delete(p)
		if t.Len() == 0 {
			delete(ix.pilotNewest, k)
		}
	}
}

// pendingState is the state whose rows the review queue lists.
const pendingState = "pending"

func (ix *pirepIndex) addQueued(p *readmodel.Pirep) {
	if p.State != pendingState {
		return
	}
	t := ix.queued[p.TenantID]
	if t == nil {
		t = btree.NewG(orderDegree, queuedBefore)
		ix.queued[p.TenantID] = t
	}
	t.ReplaceOrInsert(p)
}

func (ix *pirepIndex) removeQueued(p *readmodel.Pirep) {
	if p.State != pendingState {
		return
	}
	if t := ix.queued[p.TenantID]; t != nil {
		t.Delete(p)
		if t.Len() == 0 {
			delete(ix.queued, p.TenantID)
		}
	}
}

func removeFromBucket(m map[rowKey]*pirepBucket, k rowKey, p *readmodel.Pirep) {
	b := m[k]
	if b == nil {
		return
	}
	delete(b.ids, p.ID)
	if p.State == "accepted" {
		b.acc.remove(p)
	}
	if len(b.ids) == 0 {
		delete(m, k)
	}
}

func bucket(m map[rowKey]*pirepBucket, k rowKey) *pirepBucket {
	b := m[k]
	if b == nil {
		b = &pirepBucket{ids: rowSet{}}
		m[k] = b
	}
	return b
}

func addRow[K comparable](m map[K]rowSet, k K, p *readmodel.Pirep) {
	s := m[k]
	if s == nil {
		s = rowSet{}
		m[k] = s
	}
	s[p.ID] = p
}

func removeID[K comparable](m map[K]rowSet, k K, id uuid.UUID) {
	s := m[k]
	delete(s, id)
	if len(s) == 0 {
		delete(m, k)
	}
}

// setPirep stores the row, moving it between the index's buckets. The
// row is not changed after, so an old one a rollback puts back is as it
// was.
func (s *state) setPirep(p *readmodel.Pirep) {
	k := rowKey{p.TenantID, p.ID}
	if old, ok := s.pireps[k]; ok {
		s.pirepIdx.remove(old)
	}
	s.pireps[k] = p
	s.pirepIdx.add(p)
}

// deletePirep removes the row and its index entries.
func (s *state) deletePirep(k rowKey) {
	if old, ok := s.pireps[k]; ok {
		s.pirepIdx.remove(old)
		delete(s.pireps, k)
	}
}

// acceptedOf returns the bucket's accepted sums, finding the latest row
// again when its last one left.
func (s *state) acceptedOf(tenantID string, b *pirepBucket) acceptedSums {
	if b == nil {
		return acceptedSums{}
	}
	if b.acc.stale {
		b.acc.stale = false
		first := true
		for _, p := range b.ids {
			if p.State != "accepted" {
				continue
			}
			if first || b.acc.latest.laterThanBy(p) {
				b.acc.latest = latestRow{id: p.ID, blockOn: p.BlockOn, arrAirport: p.ArrAirport}
				first = false
			}
		}
	}
	return b.acc
}

// candidates is the smallest index set that holds every row the filter of
// the airline list can keep: the pilot's, the aircraft's or the state's
// rows when it names one, else all the tenant's.
func (s *state) candidates(arg readmodel.ListPirepsByAirlineParams) rowSet {
	ix := s.pirepIdx
	best := ix.byTenant[arg.TenantID]
	consider := func(ids rowSet) {
		if len(ids) < len(best) {
			best = ids
		}
	}
	if arg.PilotID != uuid.Nil {
		b := ix.byPilot[rowKey{arg.TenantID, arg.PilotID}]
		if b == nil {
			return nil
		}
		consider(b.ids)
	}
	if arg.AircraftID != uuid.Nil {
		b := ix.byAircraft[rowKey{arg.TenantID, arg.AircraftID}]
		if b == nil {
			return nil
		}
		consider(b.ids)
	}
	if arg.State != "" {
		ids := ix.byState[stateKey{arg.TenantID, arg.State}]
		if ids == nil {
			return nil
		}
		consider(ids)
	}
	return best
}

// orders is the sorted rows a list whose filter names no pilot or
// aircraft reads: the state's when it names one, else the tenant's; nil
// when there are none.
func (s *state) orders(tenantID, st string) *pirepOrders {
	if st != "" {
		return s.pirepIdx.stateOrders[stateKey{tenantID, st}]
	}
	return s.pirepIdx.tenantOrders[tenantID]
}
