package readmodeltest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// typeRatingCases are the suite's cases of queries/type_ratings.sql.
var typeRatingCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertTypeRating":            testTypeRatings,
	"ListTypeRatings":             testTypeRatings,
	"DeleteAllTypeRatings":        testTypeRatings,
	"GrantPilotTypeRating":        testPilotTypeRatings,
	"RevokePilotTypeRating":       testPilotTypeRatings,
	"ListPilotTypeRatings":        testPilotTypeRatings,
	"DeleteAllPilotTypeRatings":   testPilotTypeRatings,
	"UpsertRankAllowances":        testRankAllowances,
	"ListRankAllowances":          testRankAllowances,
	"DeleteAllRankAllowances":     testRankAllowances,
	"GetAirlineFlyingRules":       testFlyingRules,
	"UpsertAirlineFlyingRules":    testFlyingRules,
	"DeleteAllAirlineFlyingRules": testFlyingRules,
	"UpsertPilotTransferHours":    testTransferHours,
	"GetPilotTransferHours":       testTransferHours,
	"DeleteAllPilotTransferHours": testTransferHours,
}

var (
	ratingB737 = uuid.MustParse("7a000000-0000-4000-8000-000000000001")
	ratingA320 = uuid.MustParse("7a000000-0000-4000-8000-000000000002")
	ratingE190 = uuid.MustParse("7a000000-0000-4000-8000-000000000003")
)

// testTypeRatings checks that an airline's type ratings list by code,
// within the airline only, with the subfleets each covers; a second upsert
// replaces a rating's name, code and subfleets; DeleteAll empties it.
func testTypeRatings(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	rows := []readmodel.UpsertTypeRatingParams{
		{TenantID: tenantA, ID: ratingB737, Name: "Boeing 737", Code: "B737", SubfleetIds: []string{"s1", "s2"}, UpdatedAt: at},
		{TenantID: tenantA, ID: ratingA320, Name: "Airbus A320", Code: "A320", SubfleetIds: []string{}, UpdatedAt: at},
		{TenantID: tenantB, ID: ratingE190, Name: "Embraer 190", Code: "E190", SubfleetIds: []string{"s9"}, UpdatedAt: at},
	}
	for _, r := range rows {
		if err := q.UpsertTypeRating(ctx, r); err != nil {
			t.Fatalf("UpsertTypeRating %s: %v", r.Code, err)
		}
	}
	list, err := q.ListTypeRatings(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].Code != "A320" || list[1].Code != "B737" ||
		!slices.Equal(list[1].SubfleetIds, []string{"s1", "s2"}) || len(list[0].SubfleetIds) != 0 || list[0].SubfleetIds == nil {
		t.Fatalf("ListTypeRatings(A) = %+v, %v; want A320 (no subfleets) then B737 (s1, s2)", list, err)
	}
	if !list[1].UpdatedAt.Equal(at.Truncate(time.Microsecond)) || list[1].Name != "Boeing 737" || list[1].TenantID != tenantA {
		t.Errorf("B737 row = %+v", list[1])
	}
	later := at.Add(time.Hour)
	if err := q.UpsertTypeRating(ctx, readmodel.UpsertTypeRatingParams{TenantID: tenantA, ID: ratingB737, Name: "Boeing 737NG",
		Code: "B73N", SubfleetIds: []string{"s3"}, UpdatedAt: later}); err != nil {
		t.Fatal(err)
	}
	list, err = q.ListTypeRatings(ctx, tenantA)
	if err != nil || len(list) != 2 || list[1].Code != "B73N" || list[1].Name != "Boeing 737NG" || !slices.Equal(list[1].SubfleetIds, []string{"s3"}) {
		t.Errorf("after a second upsert: %+v, %v", list, err)
	}
	if b, err := q.ListTypeRatings(ctx, tenantB); err != nil || len(b) != 1 || b[0].ID != ratingE190 {
		t.Errorf("ListTypeRatings(B) = %+v, %v; want only E190", b, err)
	}
	if err := q.DeleteAllTypeRatings(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListTypeRatings(ctx, tenantA); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllTypeRatings: %+v, %v", list, err)
	}
}

// testPilotTypeRatings checks that a pilot's granted ratings list oldest
// grant first, per airline and pilot; a second grant of one held keeps the
// first time; a revoke takes it out, in that airline only.
func testPilotTypeRatings(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	grants := []readmodel.GrantPilotTypeRatingParams{
		{TenantID: tenantA, PilotID: pilotA, RatingID: ratingB737, GrantedAt: at.Add(time.Hour)},
		{TenantID: tenantA, PilotID: pilotA, RatingID: ratingA320, GrantedAt: at},
		{TenantID: tenantA, PilotID: pilotA, RatingID: ratingB737, GrantedAt: at.Add(2 * time.Hour)}, // held already
		{TenantID: tenantB, PilotID: pilotA, RatingID: ratingE190, GrantedAt: at},
	}
	for _, g := range grants {
		if err := q.GrantPilotTypeRating(ctx, g); err != nil {
			t.Fatalf("GrantPilotTypeRating: %v", err)
		}
	}
	held := func(tenant string) []uuid.UUID {
		t.Helper()
		list, err := q.ListPilotTypeRatings(ctx, readmodel.ListPilotTypeRatingsParams{TenantID: tenant, PilotID: pilotA})
		if err != nil {
			t.Fatal(err)
		}
		var out []uuid.UUID
		for _, g := range list {
			out = append(out, g.RatingID)
		}
		if len(list) > 1 && !list[1].GrantedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
			t.Errorf("the second grant's time = %v, want the first grant of it", list[1].GrantedAt)
		}
		return out
	}
	if got := held(tenantA); !slices.Equal(got, []uuid.UUID{ratingA320, ratingB737}) {
		t.Errorf("A's grants = %v, want A320 then B737", got)
	}
	// A revoke in airline B of A's rating changes nothing in A.
	if err := q.RevokePilotTypeRating(ctx, readmodel.RevokePilotTypeRatingParams{TenantID: tenantB, PilotID: pilotA, RatingID: ratingB737}); err != nil {
		t.Fatal(err)
	}
	if err := q.RevokePilotTypeRating(ctx, readmodel.RevokePilotTypeRatingParams{TenantID: tenantA, PilotID: pilotA, RatingID: ratingA320}); err != nil {
		t.Fatal(err)
	}
	if got := held(tenantA); !slices.Equal(got, []uuid.UUID{ratingB737}) {
		t.Errorf("after revoking A320: %v, want B737", got)
	}
	if got := held(tenantB); !slices.Equal(got, []uuid.UUID{ratingE190}) {
		t.Errorf("B's grants = %v, want E190", got)
	}
	if err := q.DeleteAllPilotTypeRatings(ctx); err != nil {
		t.Fatal(err)
	}
	if got := held(tenantA); len(got) != 0 {
		t.Errorf("after DeleteAllPilotTypeRatings: %v", got)
	}
}

// testRankAllowances checks that each rank's subfleets and ratings list per
// airline, a second upsert replacing them.
func testRankAllowances(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	rankX, rankY := uuid.MustParse("7b000000-0000-4000-8000-000000000002"), uuid.MustParse("7b000000-0000-4000-8000-000000000001")
	for _, r := range []readmodel.UpsertRankAllowancesParams{
		{TenantID: tenantA, RankID: rankX, SubfleetIds: []string{"s1"}, RatingIds: []string{}, UpdatedAt: at},
		{TenantID: tenantA, RankID: rankY, SubfleetIds: []string{}, RatingIds: []string{ratingB737.String()}, UpdatedAt: at},
		{TenantID: tenantB, RankID: rankX, SubfleetIds: []string{"s9"}, RatingIds: []string{}, UpdatedAt: at},
		{TenantID: tenantA, RankID: rankX, SubfleetIds: []string{"s1", "s2"}, RatingIds: []string{}, UpdatedAt: at.Add(time.Hour)},
	} {
		if err := q.UpsertRankAllowances(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListRankAllowances(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].RankID != rankY || list[1].RankID != rankX ||
		!slices.Equal(list[0].RatingIds, []string{ratingB737.String()}) || !slices.Equal(list[1].SubfleetIds, []string{"s1", "s2"}) ||
		!list[1].UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("ListRankAllowances(A) = %+v, %v", list, err)
	}
	if b, err := q.ListRankAllowances(ctx, tenantB); err != nil || len(b) != 1 || !slices.Equal(b[0].SubfleetIds, []string{"s9"}) {
		t.Errorf("ListRankAllowances(B) = %+v, %v", b, err)
	}
	if err := q.DeleteAllRankAllowances(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListRankAllowances(ctx, tenantA); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllRankAllowances: %+v, %v", list, err)
	}
}

// testFlyingRules checks that an airline's flying rules are its own, a
// second upsert replacing them, and that an airline without a row is not
// found.
func testFlyingRules(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.UpsertAirlineFlyingRules(ctx, readmodel.UpsertAirlineFlyingRulesParams{TenantID: tenantA, RestrictToRank: true, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := q.UpsertAirlineFlyingRules(ctx, readmodel.UpsertAirlineFlyingRulesParams{TenantID: tenantA, RestrictToTypeRating: true,
		UpdatedAt: at.Add(time.Hour), CountTransferHours: true}); err != nil {
		t.Fatal(err)
	}
	r, err := q.GetAirlineFlyingRules(ctx, tenantA)
	if err != nil || r.RestrictToRank || !r.RestrictToTypeRating || !r.CountTransferHours || !r.UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("GetAirlineFlyingRules(A) = %+v, %v; want the type-rating rule only", r, err)
	}
	if _, err := q.GetAirlineFlyingRules(ctx, tenantB); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAirlineFlyingRules(B) = %v, want not found", err)
	}
	if err := q.DeleteAllAirlineFlyingRules(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetAirlineFlyingRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllAirlineFlyingRules: %v, want not found", err)
	}
}

// testTransferHours checks that a pilot's transfer hours are their
// airline's, a second upsert replacing them.
func testTransferHours(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	for _, r := range []readmodel.UpsertPilotTransferHoursParams{
		{TenantID: tenantA, PilotID: pilotA, Minutes: 600, UpdatedAt: at},
		{TenantID: tenantA, PilotID: pilotA, Minutes: 750, UpdatedAt: at.Add(time.Hour)},
	} {
		if err := q.UpsertPilotTransferHours(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := q.GetPilotTransferHours(ctx, readmodel.GetPilotTransferHoursParams{TenantID: tenantA, PilotID: pilotA})
	if err != nil || got.Minutes != 750 || !got.UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("GetPilotTransferHours = %+v, %v; want 750 minutes", got, err)
	}
	if _, err := q.GetPilotTransferHours(ctx, readmodel.GetPilotTransferHoursParams{TenantID: tenantB, PilotID: pilotA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("the pilot's hours in airline B: %v, want not found", err)
	}
	if err := q.DeleteAllPilotTransferHours(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetPilotTransferHours(ctx, readmodel.GetPilotTransferHoursParams{TenantID: tenantA, PilotID: pilotA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllPilotTransferHours: %v", err)
	}
}
