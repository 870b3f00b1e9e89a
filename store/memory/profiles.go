package memory

import (
	"bytes"
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The profiles projection (queries/profiles.sql) in memory: each pilot's
// choice of whether their profile is public, for the pilots who chose.

// SetPilotProfileVisibility implements readmodel.Querier.
func (m *ReadModels) SetPilotProfileVisibility(ctx context.Context, arg readmodel.SetPilotProfileVisibilityParams) error {
	return m.write(func(t *tx) error { return t.SetPilotProfileVisibility(ctx, arg) })
}

// GetPilotProfileVisibility implements readmodel.Querier.
func (m *ReadModels) GetPilotProfileVisibility(ctx context.Context, arg readmodel.GetPilotProfileVisibilityParams) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPilotProfileVisibility(ctx, arg)
}

// ListHiddenProfiles implements readmodel.Querier.
func (m *ReadModels) ListHiddenProfiles(ctx context.Context, tenantID string) ([]uuid.UUID, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listHiddenProfiles(ctx, tenantID)
}

// DeleteAllPilotProfiles implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotProfiles(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotProfiles(ctx) })
}

func (s *state) getPilotProfileVisibility(ctx context.Context, arg readmodel.GetPilotProfileVisibilityParams) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	p, ok := s.profiles[rowKey{arg.TenantID, arg.UserID}]
	if !ok {
		return false, readmodel.NotFound("GetPilotProfileVisibility")
	}
	s.visited(1)
	return p.Public, nil
}

func (s *state) listHiddenProfiles(ctx context.Context, tenantID string) ([]uuid.UUID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []uuid.UUID
	for k, p := range s.profiles {
		if k.tenant == tenantID && !p.Public {
			out = append(out, p.UserID)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	s.visited(len(out))
	return out, nil
}

func (t *tx) SetPilotProfileVisibility(ctx context.Context, arg readmodel.SetPilotProfileVisibilityParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	old, had := t.st.profiles[k]
	t.st.profiles[k] = readmodel.PilotProfile{TenantID: arg.TenantID, UserID: arg.UserID, Public: arg.Public, UpdatedAt: timestamptz(arg.UpdatedAt)}
	t.undo = append(t.undo, func() {
		if had {
			t.st.profiles[k] = old
		} else {
			delete(t.st.profiles, k)
		}
	})
	return nil
}

func (t *tx) GetPilotProfileVisibility(ctx context.Context, arg readmodel.GetPilotProfileVisibilityParams) (bool, error) {
	if err := t.check(ctx); err != nil {
		return false, err
	}
	return t.st.getPilotProfileVisibility(ctx, arg)
}

func (t *tx) ListHiddenProfiles(ctx context.Context, tenantID string) ([]uuid.UUID, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listHiddenProfiles(ctx, tenantID)
}

func (t *tx) DeleteAllPilotProfiles(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.profiles
	t.st.profiles = map[rowKey]readmodel.PilotProfile{}
	t.undo = append(t.undo, func() { t.st.profiles = old })
	return nil
}
