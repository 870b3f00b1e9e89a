package memory

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetAirline implements readmodel.Querier.
func (m *ReadModels) GetAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirline(ctx, id)
}

func (t *tx) GetAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Airline{}, err
	}
	return t.st.getAirline(ctx, id)
}

func (s *state) getAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Airline{}, err
	}
	a, ok := s.airlines[id]
	if !ok {
		return readmodel.Airline{}, pgx.ErrNoRows
	}
	return a, nil
}
