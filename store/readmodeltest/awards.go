package readmodeltest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// awardCases are the suite's cases of queries/awards.sql.
var awardCases = map[string]func(t *testing.T, q readmodel.Querier){
	"InsertAward":          testAwards,
	"ListAwards":           testAwards,
	"GetAwardImage":        testAwards,
	"DeleteAllAwards":      testAwards,
	"InsertPilotAward":     testPilotAwards,
	"DeletePilotAward":     testPilotAwards,
	"ListPilotAwards":      testPilotAwards,
	"DeleteAllPilotAwards": testPilotAwards,
}

// testAwards checks that an airline's awards list by name (byte order),
// within the airline only, without a second insert of one; that the image
// comes back as stored, and not to another airline; and that a reset
// empties the list.
func testAwards(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	ids := []uuid.UUID{uuid.MustParse("9d000000-0000-4000-8000-000000000001"), uuid.MustParse("9d000000-0000-4000-8000-000000000002"),
		uuid.MustParse("9d000000-0000-4000-8000-000000000003")}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)
	rows := []readmodel.InsertAwardParams{
		{TenantID: tenantA, ID: ids[0], Name: "century", Description: "100 hours", RuleKind: "hours", RuleNumber: 6000,
			RuleCode: "", RuleCode2: "", ImageType: "image/svg+xml", Image: svg, CreatedAt: at},
		{TenantID: tenantA, ID: ids[1], Name: "Lisbon", Description: "", RuleKind: "route", RuleCode: "EGLL", RuleCode2: "LPPT",
			Image: []byte{}, CreatedAt: at.Add(time.Hour)},
		{TenantID: tenantB, ID: ids[2], Name: "Other", RuleKind: "", Image: []byte{}, CreatedAt: at},
	}
	for _, r := range append(rows, rows[0]) {
		if err := q.InsertAward(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListAwards(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].ID != ids[1] || list[1].ID != ids[0] {
		t.Fatalf("ListAwards(A) = %+v, %v; want Lisbon then century", list, err)
	}
	if l := list[0]; l.RuleKind != "route" || l.RuleCode != "EGLL" || l.RuleCode2 != "LPPT" || l.ImageType != "" ||
		!l.CreatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("Lisbon = %+v", l)
	}
	if l := list[1]; l.RuleNumber != 6000 || l.Description != "100 hours" || l.ImageType != "image/svg+xml" {
		t.Errorf("century = %+v", l)
	}
	img, err := q.GetAwardImage(ctx, readmodel.GetAwardImageParams{TenantID: tenantA, ID: ids[0]})
	if err != nil || img.ImageType != "image/svg+xml" || !bytes.Equal(img.Image, svg) {
		t.Errorf("GetAwardImage = %+v, %v", img, err)
	}
	if _, err := q.GetAwardImage(ctx, readmodel.GetAwardImageParams{TenantID: tenantB, ID: ids[0]}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("A's image from B: %v, want not found", err)
	}
	if err := q.DeleteAllAwards(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListAwards(ctx, tenantA); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllAwards: %+v, %v", list, err)
	}
}

// testPilotAwards checks that a pilot's awards list in grant order, once
// each (a second grant keeps the first), within the pilot and airline;
// that a revocation takes one away; and that a reset empties them.
func testPilotAwards(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a1, a2 := uuid.MustParse("9d000000-0000-4000-8000-000000000011"), uuid.MustParse("9d000000-0000-4000-8000-000000000012")
	pilotB := uuid.MustParse("9d000000-0000-4000-8000-0000000000b2")
	for _, r := range []readmodel.InsertPilotAwardParams{
		{TenantID: tenantA, UserID: pilotA, AwardID: a2, AwardName: "Later", Reason: "flew", PirepID: "p1", GrantedAt: at.Add(time.Minute)},
		{TenantID: tenantA, UserID: pilotA, AwardID: a1, AwardName: "First", Reason: "helped", ByHand: true, GrantedAt: at},
		{TenantID: tenantA, UserID: pilotA, AwardID: a2, AwardName: "Later again", GrantedAt: at.Add(time.Hour)},
		{TenantID: tenantA, UserID: pilotB, AwardID: a1, AwardName: "First", GrantedAt: at},
		{TenantID: tenantB, UserID: pilotA, AwardID: a1, AwardName: "First", GrantedAt: at},
	} {
		if err := q.InsertPilotAward(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: tenantA, UserID: pilotA})
	if err != nil || len(list) != 2 || list[0].AwardID != a1 || list[1].AwardID != a2 || list[1].AwardName != "Later" ||
		list[1].PirepID != "p1" || !list[0].ByHand || list[0].Reason != "helped" || !list[0].GrantedAt.Equal(at.Truncate(time.Microsecond)) {
		t.Fatalf("ListPilotAwards = %+v, %v", list, err)
	}
	if err := q.DeletePilotAward(ctx, readmodel.DeletePilotAwardParams{TenantID: tenantA, UserID: pilotA, AwardID: a1}); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: tenantA, UserID: pilotA}); len(list) != 1 || list[0].AwardID != a2 {
		t.Errorf("after the revocation: %+v", list)
	}
	if list, _ := q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: tenantB, UserID: pilotA}); len(list) != 1 {
		t.Errorf("the pilot's awards in B: %+v, want its one", list)
	}
	if err := q.DeleteAllPilotAwards(ctx); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: tenantA, UserID: pilotB}); len(list) != 0 {
		t.Errorf("after DeleteAllPilotAwards: %+v", list)
	}
}
