package reads

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TypeRating is an airline's type rating, as the domain's MayFly reads it.
type TypeRating = domain.TypeRating

// TypeRatings are an airline's type ratings, by code.
func (q Querier) TypeRatings(ctx context.Context, airlineID string) ([]TypeRating, error) {
	rows, err := q.ListTypeRatings(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]TypeRating, 0, len(rows))
	for _, r := range rows {
		out = append(out, TypeRating{ID: r.ID.String(), Name: r.Name, Code: r.Code, SubfleetIDs: r.SubfleetIds})
	}
	return out, nil
}

// PilotRatingIDs are the ids of the type ratings staff granted a pilot,
// the oldest grant first.
func (q Querier) PilotRatingIDs(ctx context.Context, airlineID, pilotID string) ([]string, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return nil, nil
	}
	rows, err := q.ListPilotTypeRatings(ctx, readmodel.ListPilotTypeRatingsParams{TenantID: airlineID, PilotID: id})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.RatingID.String())
	}
	return out, nil
}

// RankAllowances are what each rank of an airline lets its pilots fly, by
// rank id; a rank never given any is missing.
func (q Querier) RankAllowances(ctx context.Context, airlineID string) (map[string]domain.RankAllowance, error) {
	rows, err := q.ListRankAllowances(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]domain.RankAllowance, len(rows))
	for _, r := range rows {
		out[r.RankID.String()] = domain.RankAllowance{RankID: r.RankID.String(), SubfleetIDs: r.SubfleetIds, RatingIDs: r.RatingIds}
	}
	return out, nil
}

// FlyingRules are an airline's rules of who may fly what; none set is
// nothing restricted.
func (q Querier) FlyingRules(ctx context.Context, airlineID string) (domain.FlyingRules, error) {
	r, err := q.GetAirlineFlyingRules(ctx, airlineID)
	switch domain.ErrorCode(err) {
	case "":
		return domain.FlyingRules{RestrictToRank: r.RestrictToRank, RestrictToTypeRating: r.RestrictToTypeRating,
			CountTransferHours: r.CountTransferHours}, nil
	case domain.ENotFound:
		return domain.FlyingRules{}, nil
	}
	return domain.FlyingRules{}, err
}

// Qualifications implements domain.QualificationsReader over the read
// models: the airline's rules, and only when one is on, the pilot's rank,
// ratings and the airline's subfleets.
type Qualifications struct {
	Q Querier
}

var _ domain.QualificationsReader = Qualifications{}

// Qualifications implements domain.QualificationsReader.
func (r Qualifications) Qualifications(ctx context.Context, airlineID, pilotID string) (domain.Qualifications, error) {
	q := r.Q
	var out domain.Qualifications
	var err error
	if out.Rules, err = q.FlyingRules(ctx, airlineID); err != nil || !out.Restricted() {
		return out, err
	}
	if id, perr := uuid.Parse(pilotID); perr == nil {
		pr, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: airlineID, PilotID: id})
		switch domain.ErrorCode(err) {
		case "":
			out.RankID = pr.RankID
		case domain.ENotFound:
		default:
			return out, err
		}
	}
	allowances, err := q.RankAllowances(ctx, airlineID)
	if err != nil {
		return out, err
	}
	var rankRatings []string
	if out.RankID != "" {
		ranks, err := q.AirlineRanks(ctx, airlineID)
		if err != nil {
			return out, err
		}
		out.RankName = ranks.Name(out.RankID)
		a := allowances[out.RankID]
		out.RankSubfleets, rankRatings = a.SubfleetIDs, a.RatingIDs
	}
	if out.Ratings, err = q.TypeRatings(ctx, airlineID); err != nil {
		return out, err
	}
	granted, err := q.PilotRatingIDs(ctx, airlineID, pilotID)
	if err != nil {
		return out, err
	}
	for _, t := range out.Ratings {
		if slices.Contains(granted, t.ID) || slices.Contains(rankRatings, t.ID) {
			out.Held = append(out.Held, t)
		}
	}
	subfleets, err := q.Subfleets(ctx, airlineID)
	if err != nil {
		return out, err
	}
	out.SubfleetNames = make(map[string]string, len(subfleets))
	for _, s := range subfleets {
		out.SubfleetNames[s.ID] = s.Name
	}
	return out, nil
}

// TransferMinutes are the minutes a pilot brought from another airline; 0
// for none.
func (q Querier) TransferMinutes(ctx context.Context, airlineID, pilotID string) (int64, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return 0, nil
	}
	r, err := q.GetPilotTransferHours(ctx, readmodel.GetPilotTransferHoursParams{TenantID: airlineID, PilotID: id})
	switch domain.ErrorCode(err) {
	case "":
		return r.Minutes, nil
	case domain.ENotFound:
		return 0, nil
	}
	return 0, err
}
