package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The SimBrief OFP read model (queries/simbrief.sql) in memory, keyed by
// (tenant_id, id). An airline has few OFPs alive at once (they expire in
// hours), so the lookups scan the airline's rows.

type ofpKey struct{ tenant, id string }

// AttachSimbriefOfp implements readmodel.Querier.
func (m *ReadModels) AttachSimbriefOfp(ctx context.Context, arg readmodel.AttachSimbriefOfpParams) error {
	return m.write(func(t *tx) error { return t.AttachSimbriefOfp(ctx, arg) })
}

// DeleteAllSimbriefOfps implements readmodel.Querier.
func (m *ReadModels) DeleteAllSimbriefOfps(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllSimbriefOfps(ctx) })
}

// DeleteSimbriefOfp implements readmodel.Querier.
func (m *ReadModels) DeleteSimbriefOfp(ctx context.Context, arg readmodel.DeleteSimbriefOfpParams) error {
	return m.write(func(t *tx) error { return t.DeleteSimbriefOfp(ctx, arg) })
}

// GetPilotFlightOfp implements readmodel.Querier.
func (m *ReadModels) GetPilotFlightOfp(ctx context.Context, arg readmodel.GetPilotFlightOfpParams) (readmodel.SimbriefOfp, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPilotFlightOfp(ctx, arg)
}

// GetPirepOfp implements readmodel.Querier.
func (m *ReadModels) GetPirepOfp(ctx context.Context, arg readmodel.GetPirepOfpParams) (readmodel.SimbriefOfp, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPirepOfp(ctx, arg)
}

// GetSimbriefOfp implements readmodel.Querier.
func (m *ReadModels) GetSimbriefOfp(ctx context.Context, arg readmodel.GetSimbriefOfpParams) (readmodel.SimbriefOfp, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getSimbriefOfp(ctx, arg)
}

// ListUnusedOfps implements readmodel.Querier.
func (m *ReadModels) ListUnusedOfps(ctx context.Context, arg readmodel.ListUnusedOfpsParams) ([]readmodel.ListUnusedOfpsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listUnusedOfps(ctx, arg)
}

// UpsertSimbriefOfp implements readmodel.Querier.
func (m *ReadModels) UpsertSimbriefOfp(ctx context.Context, arg readmodel.UpsertSimbriefOfpParams) error {
	return m.write(func(t *tx) error { return t.UpsertSimbriefOfp(ctx, arg) })
}

func (s *state) getSimbriefOfp(ctx context.Context, arg readmodel.GetSimbriefOfpParams) (readmodel.SimbriefOfp, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.SimbriefOfp{}, err
	}
	o, ok := s.simbriefOfps[ofpKey{arg.TenantID, arg.ID}]
	if !ok {
		return readmodel.SimbriefOfp{}, readmodel.NotFound("GetSimbriefOfp")
	}
	return copyOfp(o), nil
}

// newestOfp is the newest row of tenant that keep accepts, by fetched_at
// DESC, id COLLATE "C" DESC.
func (s *state) newestOfp(tenant string, keep func(readmodel.SimbriefOfp) bool) (readmodel.SimbriefOfp, bool) {
	var best readmodel.SimbriefOfp
	found := false
	for k, o := range s.simbriefOfps {
		if k.tenant != tenant || !keep(o) {
			continue
		}
		if !found || o.FetchedAt.After(best.FetchedAt) || (o.FetchedAt.Equal(best.FetchedAt) && o.ID > best.ID) {
			best, found = o, true
		}
	}
	return copyOfp(best), found
}

func (s *state) getPilotFlightOfp(ctx context.Context, arg readmodel.GetPilotFlightOfpParams) (readmodel.SimbriefOfp, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.SimbriefOfp{}, err
	}
	o, ok := s.newestOfp(arg.TenantID, func(o readmodel.SimbriefOfp) bool {
		return o.PilotID == arg.PilotID && o.FlightID == arg.FlightID && o.PirepID == ""
	})
	if !ok {
		return readmodel.SimbriefOfp{}, readmodel.NotFound("GetPilotFlightOfp")
	}
	return o, nil
}

func (s *state) getPirepOfp(ctx context.Context, arg readmodel.GetPirepOfpParams) (readmodel.SimbriefOfp, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.SimbriefOfp{}, err
	}
	o, ok := s.newestOfp(arg.TenantID, func(o readmodel.SimbriefOfp) bool { return o.PirepID != "" && o.PirepID == arg.PirepID })
	if !ok {
		return readmodel.SimbriefOfp{}, readmodel.NotFound("GetPirepOfp")
	}
	return o, nil
}

// listUnusedOfps orders like ORDER BY fetched_at, tenant_id COLLATE "C",
// id COLLATE "C" and returns nil for no rows.
func (s *state) listUnusedOfps(ctx context.Context, arg readmodel.ListUnusedOfpsParams) ([]readmodel.ListUnusedOfpsRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.ListUnusedOfpsRow
	for _, o := range s.simbriefOfps {
		if o.PirepID == "" && !o.FetchedAt.After(arg.FetchedAt) {
			out = append(out, readmodel.ListUnusedOfpsRow{TenantID: o.TenantID, ID: o.ID, FetchedAt: o.FetchedAt})
		}
	}
	slices.SortFunc(out, func(a, b readmodel.ListUnusedOfpsRow) int {
		if c := a.FetchedAt.Compare(b.FetchedAt); c != 0 {
			return c
		}
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if arg.Limit >= 0 && len(out) > int(arg.Limit) {
		out = out[:arg.Limit]
	}
	return out, nil
}

// copyOfp gives a reader its own bytes: rows are shared with the store.
func copyOfp(o readmodel.SimbriefOfp) readmodel.SimbriefOfp {
	if o.Ofp != nil {
		o.Ofp = slices.Clone(o.Ofp)
	}
	return o
}

func (t *tx) putOfp(k ofpKey, o readmodel.SimbriefOfp, had bool, old readmodel.SimbriefOfp) {
	t.st.simbriefOfps[k] = o
	t.undo = append(t.undo, func() {
		if had {
			t.st.simbriefOfps[k] = old
		} else {
			delete(t.st.simbriefOfps, k)
		}
	})
}

// UpsertSimbriefOfp inserts or replaces the row with (tenant_id, id),
// keeping its pirep_id.
func (t *tx) UpsertSimbriefOfp(ctx context.Context, arg readmodel.UpsertSimbriefOfpParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := ofpKey{arg.TenantID, arg.ID}
	old, had := t.st.simbriefOfps[k]
	t.putOfp(k, readmodel.SimbriefOfp{TenantID: arg.TenantID, ID: arg.ID, PilotID: arg.PilotID, FlightID: arg.FlightID,
		AircraftID: arg.AircraftID, BidID: arg.BidID, PirepID: old.PirepID, FetchedAt: timestamptz(arg.FetchedAt),
		PlannedDistance: arg.PlannedDistance, Ofp: slices.Clone(arg.Ofp), AcarsXml: arg.AcarsXml}, had, old)
	return nil
}

// AttachSimbriefOfp updates the row's pirep_id, when there is a row.
func (t *tx) AttachSimbriefOfp(ctx context.Context, arg readmodel.AttachSimbriefOfpParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := ofpKey{arg.TenantID, arg.ID}
	old, had := t.st.simbriefOfps[k]
	if !had {
		return nil
	}
	o := old
	o.PirepID = arg.PirepID
	t.putOfp(k, o, had, old)
	return nil
}

func (t *tx) DeleteSimbriefOfp(ctx context.Context, arg readmodel.DeleteSimbriefOfpParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := ofpKey{arg.TenantID, arg.ID}
	old, had := t.st.simbriefOfps[k]
	if !had {
		return nil
	}
	delete(t.st.simbriefOfps, k)
	t.undo = append(t.undo, func() { t.st.simbriefOfps[k] = old })
	return nil
}

func (t *tx) DeleteAllSimbriefOfps(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.simbriefOfps
	t.st.simbriefOfps = map[ofpKey]readmodel.SimbriefOfp{}
	t.undo = append(t.undo, func() { t.st.simbriefOfps = old })
	return nil
}

func (t *tx) GetSimbriefOfp(ctx context.Context, arg readmodel.GetSimbriefOfpParams) (readmodel.SimbriefOfp, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.SimbriefOfp{}, err
	}
	return t.st.getSimbriefOfp(ctx, arg)
}

func (t *tx) GetPilotFlightOfp(ctx context.Context, arg readmodel.GetPilotFlightOfpParams) (readmodel.SimbriefOfp, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.SimbriefOfp{}, err
	}
	return t.st.getPilotFlightOfp(ctx, arg)
}

func (t *tx) GetPirepOfp(ctx context.Context, arg readmodel.GetPirepOfpParams) (readmodel.SimbriefOfp, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.SimbriefOfp{}, err
	}
	return t.st.getPirepOfp(ctx, arg)
}

func (t *tx) ListUnusedOfps(ctx context.Context, arg readmodel.ListUnusedOfpsParams) ([]readmodel.ListUnusedOfpsRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listUnusedOfps(ctx, arg)
}

// ListBidOfps implements readmodel.Querier.
func (m *ReadModels) ListBidOfps(ctx context.Context, arg readmodel.ListBidOfpsParams) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listBidOfps(ctx, arg)
}

func (t *tx) ListBidOfps(ctx context.Context, arg readmodel.ListBidOfpsParams) ([]string, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listBidOfps(ctx, arg)
}

// listBidOfps orders by id COLLATE "C" and returns nil for no rows.
func (s *state) listBidOfps(ctx context.Context, arg readmodel.ListBidOfpsParams) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []string
	for k, o := range s.simbriefOfps {
		if k.tenant == arg.TenantID && arg.BidID != "" && o.BidID == arg.BidID && o.PirepID == "" {
			out = append(out, o.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

// ListPilotOfps implements readmodel.Querier.
func (m *ReadModels) ListPilotOfps(ctx context.Context, arg readmodel.ListPilotOfpsParams) ([]readmodel.ListPilotOfpsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotOfps(ctx, arg)
}

func (t *tx) ListPilotOfps(ctx context.Context, arg readmodel.ListPilotOfpsParams) ([]readmodel.ListPilotOfpsRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotOfps(ctx, arg)
}

// listPilotOfps orders like ORDER BY fetched_at DESC, id COLLATE "C" DESC
// and returns nil for no rows.
func (s *state) listPilotOfps(ctx context.Context, arg readmodel.ListPilotOfpsParams) ([]readmodel.ListPilotOfpsRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.ListPilotOfpsRow
	for k, o := range s.simbriefOfps {
		if k.tenant == arg.TenantID && o.PilotID == arg.PilotID && o.PirepID == "" {
			out = append(out, readmodel.ListPilotOfpsRow{ID: o.ID, FlightID: o.FlightID, AircraftID: o.AircraftID, FetchedAt: o.FetchedAt})
		}
	}
	slices.SortFunc(out, func(a, b readmodel.ListPilotOfpsRow) int {
		if c := b.FetchedAt.Compare(a.FetchedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}
