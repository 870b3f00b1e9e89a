package readmodeltest

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// profileCases are the suite's cases of queries/profiles.sql.
var profileCases = map[string]func(t *testing.T, q readmodel.Querier){
	"SetPilotProfileVisibility": testPilotProfiles,
	"GetPilotProfileVisibility": testPilotProfiles,
	"ListHiddenProfiles":        testPilotProfiles,
	"DeleteAllPilotProfiles":    testPilotProfiles,
}

// awardEditCases are the suite's cases of queries/award_edits.sql.
var awardEditCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpdateAward":              testAwardEdits,
	"UpdateAwardImage":         testAwardEdits,
	"DeleteAward":              testAwardEdits,
	"DeletePilotAwardsOfAward": testAwardEdits,
}

// testPilotProfiles checks that a pilot who never chose has no setting,
// that the latest choice wins, within the airline only, that the hidden
// list names those who turned theirs off (in id order), and that a reset
// forgets every choice.
func testPilotProfiles(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	p1, p2, p3 := uuid.MustParse("9e000000-0000-4000-8000-000000000002"), uuid.MustParse("9e000000-0000-4000-8000-000000000001"),
		uuid.MustParse("9e000000-0000-4000-8000-000000000003")
	if _, err := q.GetPilotProfileVisibility(ctx, readmodel.GetPilotProfileVisibilityParams{TenantID: tenantA, UserID: p1}); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("a pilot who never chose: %v, want not found", err)
	}
	for _, r := range []readmodel.SetPilotProfileVisibilityParams{
		{TenantID: tenantA, UserID: p1, Public: true, UpdatedAt: at},
		{TenantID: tenantA, UserID: p1, Public: false, UpdatedAt: at},
		{TenantID: tenantA, UserID: p2, Public: false, UpdatedAt: at},
		{TenantID: tenantA, UserID: p3, Public: true, UpdatedAt: at},
		{TenantID: tenantB, UserID: p3, Public: false, UpdatedAt: at},
	} {
		if err := q.SetPilotProfileVisibility(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if pub, err := q.GetPilotProfileVisibility(ctx, readmodel.GetPilotProfileVisibilityParams{TenantID: tenantA, UserID: p1}); err != nil || pub {
		t.Errorf("p1 after turning it off: %v, %v; want hidden", pub, err)
	}
	if pub, err := q.GetPilotProfileVisibility(ctx, readmodel.GetPilotProfileVisibilityParams{TenantID: tenantA, UserID: p3}); err != nil || !pub {
		t.Errorf("p3 in A: %v, %v; want public", pub, err)
	}
	hidden, err := q.ListHiddenProfiles(ctx, tenantA)
	if err != nil || len(hidden) != 2 || hidden[0] != p2 || hidden[1] != p1 {
		t.Errorf("ListHiddenProfiles(A) = %v, %v; want p2, p1", hidden, err)
	}
	if err := q.DeleteAllPilotProfiles(ctx); err != nil {
		t.Fatal(err)
	}
	if hidden, err := q.ListHiddenProfiles(ctx, tenantB); err != nil || len(hidden) != 0 {
		t.Errorf("after DeleteAllPilotProfiles: %v, %v", hidden, err)
	}
}

// testAwardEdits checks that an edit changes an award's text and rule and
// its place in the list, keeping its image; that an image change replaces
// or removes it; that neither reaches another airline's award; and that a
// deletion removes the award and every grant of it, in its airline only.
func testAwardEdits(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a1, a2 := uuid.MustParse("9e000000-0000-4000-8000-000000000011"), uuid.MustParse("9e000000-0000-4000-8000-000000000012")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)
	for _, r := range []readmodel.InsertAwardParams{
		{TenantID: tenantA, ID: a1, Name: "Alpha", RuleKind: "flights", RuleNumber: 10, ImageType: "image/svg+xml", Image: svg, CreatedAt: at},
		{TenantID: tenantA, ID: a2, Name: "Beta", Image: []byte{}, CreatedAt: at},
		{TenantID: tenantB, ID: a1, Name: "Alpha", Image: svg, ImageType: "image/svg+xml", CreatedAt: at},
	} {
		if err := q.InsertAward(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.UpdateAward(ctx, readmodel.UpdateAwardParams{TenantID: tenantA, ID: a1, Name: "Zulu", Description: "now",
		RuleKind: "route", RuleCode: "EGLL", RuleCode2: "LPPT"}); err != nil {
		t.Fatal(err)
	}
	list, err := q.ListAwards(ctx, tenantA)
	if err != nil || len(list) != 2 || list[1].ID != a1 || list[1].Name != "Zulu" || list[1].Description != "now" || list[1].RuleKind != "route" ||
		list[1].RuleNumber != 0 || list[1].RuleCode2 != "LPPT" || list[1].ImageType != "image/svg+xml" {
		t.Fatalf("after the edit: %+v, %v; want Beta, then Zulu with its image", list, err)
	}
	if b, _ := q.ListAwards(ctx, tenantB); len(b) != 1 || b[0].Name != "Alpha" {
		t.Errorf("B's award after A's edit: %+v", b)
	}
	png := []byte("\x89PNG\r\n\x1a\n")
	if err := q.UpdateAwardImage(ctx, readmodel.UpdateAwardImageParams{TenantID: tenantA, ID: a2, ImageType: "image/png", Image: png}); err != nil {
		t.Fatal(err)
	}
	if img, err := q.GetAwardImage(ctx, readmodel.GetAwardImageParams{TenantID: tenantA, ID: a2}); err != nil || img.ImageType != "image/png" || !bytes.Equal(img.Image, png) {
		t.Errorf("the new image: %+v, %v", img, err)
	}
	if err := q.UpdateAwardImage(ctx, readmodel.UpdateAwardImageParams{TenantID: tenantA, ID: a1, ImageType: "", Image: []byte{}}); err != nil {
		t.Fatal(err)
	}
	if img, err := q.GetAwardImage(ctx, readmodel.GetAwardImageParams{TenantID: tenantA, ID: a1}); err != nil || img.ImageType != "" || len(img.Image) != 0 {
		t.Errorf("the removed image: %+v, %v", img, err)
	}
	for _, g := range []readmodel.InsertPilotAwardParams{
		{TenantID: tenantA, UserID: pilotA, AwardID: a1, AwardName: "Zulu", GrantedAt: at},
		{TenantID: tenantA, UserID: pilotA, AwardID: a2, AwardName: "Beta", GrantedAt: at},
		{TenantID: tenantB, UserID: pilotA, AwardID: a1, AwardName: "Alpha", GrantedAt: at},
	} {
		if err := q.InsertPilotAward(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.DeleteAward(ctx, readmodel.DeleteAwardParams{TenantID: tenantA, ID: a1}); err != nil {
		t.Fatal(err)
	}
	if err := q.DeletePilotAwardsOfAward(ctx, readmodel.DeletePilotAwardsOfAwardParams{TenantID: tenantA, AwardID: a1}); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListAwards(ctx, tenantA); len(list) != 1 || list[0].ID != a2 {
		t.Errorf("A's awards after the deletion: %+v, want Beta", list)
	}
	if held, _ := q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: tenantA, UserID: pilotA}); len(held) != 1 || held[0].AwardID != a2 {
		t.Errorf("the pilot's awards in A after the deletion: %+v, want Beta", held)
	}
	if held, _ := q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: tenantB, UserID: pilotA}); len(held) != 1 {
		t.Errorf("the pilot's award in B: %+v, want it kept", held)
	}
	if b, _ := q.ListAwards(ctx, tenantB); len(b) != 1 {
		t.Errorf("B's awards after A's deletion: %+v", b)
	}
}
