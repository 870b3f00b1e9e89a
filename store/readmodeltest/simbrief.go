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

// simbriefCases are the suite's cases of queries/simbrief.sql: the OFPs
// fetched from SimBrief.
var simbriefCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertSimbriefOfp":     testUpsertAndGetOfp,
	"GetSimbriefOfp":        testUpsertAndGetOfp,
	"AttachSimbriefOfp":     testAttachOfp,
	"GetPirepOfp":           testAttachOfp,
	"GetPilotFlightOfp":     testPilotFlightOfp,
	"DeleteSimbriefOfp":     testDeleteOfp,
	"ListUnusedOfps":        testListUnusedOfps,
	"DeleteAllSimbriefOfps": testDeleteOfp,
	"ListBidOfps":           testListBidOfps,
	"ListPilotOfps":         testListPilotOfps,
}

var (
	ofpPilot = uuid.MustParse("6a7b8c9d-0e1f-4a2b-8c3d-000000000001")
	ofpOther = uuid.MustParse("6a7b8c9d-0e1f-4a2b-8c3d-000000000002")
)

func ofpRow(tenant, id string, pilot uuid.UUID, flight string, fetched time.Time) readmodel.UpsertSimbriefOfpParams {
	return readmodel.UpsertSimbriefOfpParams{TenantID: tenant, ID: id, PilotID: pilot, FlightID: flight, AircraftID: "ac-" + id,
		BidID: "", FetchedAt: fetched, PlannedDistance: 134, Ofp: []byte{0x0a, 0x01, 0x00, 0xff}, AcarsXml: "<VMSAcars Type=\"FlightPlan\">\n</VMSAcars>"}
}

func upsertOfps(t *testing.T, q readmodel.Querier, rows ...readmodel.UpsertSimbriefOfpParams) {
	t.Helper()
	for _, r := range rows {
		if err := q.UpsertSimbriefOfp(context.Background(), r); err != nil {
			t.Fatalf("UpsertSimbriefOfp %s: %v", r.ID, err)
		}
	}
}

func sameOfp(t *testing.T, what string, got readmodel.SimbriefOfp, want readmodel.UpsertSimbriefOfpParams, pirep string) {
	t.Helper()
	if got.TenantID != want.TenantID || got.ID != want.ID || got.PilotID != want.PilotID || got.FlightID != want.FlightID ||
		got.AircraftID != want.AircraftID || got.BidID != want.BidID || got.PirepID != pirep || !got.FetchedAt.Equal(want.FetchedAt.Truncate(time.Microsecond)) ||
		got.PlannedDistance != want.PlannedDistance || !bytes.Equal(got.Ofp, want.Ofp) || got.AcarsXml != want.AcarsXml {
		t.Errorf("%s: %+v, want %+v with pirep %q", what, got, want, pirep)
	}
}

func testUpsertAndGetOfp(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := ofpRow(tenantA, "1700000000_ABCDEF", ofpPilot, "flight-1", at)
	upsertOfps(t, q, a, ofpRow(tenantB, "1700000000_ABCDEF", ofpOther, "flight-9", at))
	got, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: tenantA, ID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	sameOfp(t, "fetched", got, a, "")
	if _, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: tenantA, ID: "nope"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a missing OFP: %v, want not found", err)
	}
	// A second fetch replaces the row and keeps the PIREP that used it.
	if err := q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: tenantA, ID: a.ID, PirepID: "p1"}); err != nil {
		t.Fatal(err)
	}
	a.AircraftID, a.PlannedDistance, a.FetchedAt, a.Ofp = "", 200, at.Add(time.Minute), []byte{1}
	upsertOfps(t, q, a)
	got, _ = q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: tenantA, ID: a.ID})
	sameOfp(t, "fetched again", got, a, "p1")
}

func testAttachOfp(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a, b := ofpRow(tenantA, "a", ofpPilot, "f", at), ofpRow(tenantA, "b", ofpPilot, "f", at.Add(time.Second))
	upsertOfps(t, q, a, b, ofpRow(tenantB, "c", ofpPilot, "f", at))
	if _, err := q.GetPirepOfp(ctx, readmodel.GetPirepOfpParams{TenantID: tenantA, PirepID: ""}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("no PIREP: %v, want not found", err)
	}
	for _, id := range []string{"a", "b", "missing"} {
		if err := q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: tenantA, ID: id, PirepID: "p1"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := q.GetPirepOfp(ctx, readmodel.GetPirepOfpParams{TenantID: tenantA, PirepID: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	sameOfp(t, "the newest of the PIREP's", got, b, "p1")
	if _, err := q.GetPirepOfp(ctx, readmodel.GetPirepOfpParams{TenantID: tenantB, PirepID: "p1"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's: %v, want not found", err)
	}
}

func testPilotFlightOfp(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	old, newer := ofpRow(tenantA, "old", ofpPilot, "f1", at), ofpRow(tenantA, "newer", ofpPilot, "f1", at.Add(time.Hour))
	used := ofpRow(tenantA, "used", ofpPilot, "f1", at.Add(2*time.Hour))
	upsertOfps(t, q, old, newer, used, ofpRow(tenantA, "other-pilot", ofpOther, "f1", at.Add(3*time.Hour)),
		ofpRow(tenantA, "other-flight", ofpPilot, "f2", at.Add(3*time.Hour)), ofpRow(tenantB, "other-airline", ofpPilot, "f1", at.Add(3*time.Hour)))
	if err := q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: tenantA, ID: "used", PirepID: "p"}); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetPilotFlightOfp(ctx, readmodel.GetPilotFlightOfpParams{TenantID: tenantA, PilotID: ofpPilot, FlightID: "f1"})
	if err != nil {
		t.Fatal(err)
	}
	sameOfp(t, "the newest unused", got, newer, "")
	if _, err := q.GetPilotFlightOfp(ctx, readmodel.GetPilotFlightOfpParams{TenantID: tenantA, PilotID: ofpOther, FlightID: "f2"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("none: %v, want not found", err)
	}
}

func testDeleteOfp(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	upsertOfps(t, q, ofpRow(tenantA, "a", ofpPilot, "f", at), ofpRow(tenantA, "b", ofpPilot, "f", at), ofpRow(tenantB, "a", ofpPilot, "f", at))
	if err := q.DeleteSimbriefOfp(ctx, readmodel.DeleteSimbriefOfpParams{TenantID: tenantA, ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: tenantA, ID: "a"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("deleted: %v", err)
	}
	if _, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: tenantB, ID: "a"}); err != nil {
		t.Errorf("another airline's same id was deleted: %v", err)
	}
	if err := q.DeleteAllSimbriefOfps(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: tenantA, ID: "b"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAll: %v", err)
	}
}

func testListUnusedOfps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func(before time.Time, limit int32) []string {
		t.Helper()
		rows, err := q.ListUnusedOfps(ctx, readmodel.ListUnusedOfpsParams{FetchedAt: before, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.TenantID[:1]+":"+r.ID)
		}
		return out
	}
	if got := list(at.Add(time.Hour), 10); got != nil {
		t.Errorf("empty: %v", got)
	}
	upsertOfps(t, q, ofpRow(tenantA, "z", ofpPilot, "f", at), ofpRow(tenantA, "b", ofpPilot, "f", at.Add(-time.Minute)),
		ofpRow(tenantA, "a", ofpPilot, "f", at), ofpRow(tenantA, "used", ofpPilot, "f", at.Add(-time.Hour)),
		ofpRow(tenantA, "young", ofpPilot, "f", at.Add(time.Minute)))
	if err := q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: tenantA, ID: "used", PirepID: "p"}); err != nil {
		t.Fatal(err)
	}
	a := tenantA[:1]
	if got, want := list(at, 10), []string{a + ":b", a + ":a", a + ":z"}; !equalStrings(got, want) {
		t.Errorf("unused by age: %v, want %v", got, want)
	}
	if got := list(at, 2); len(got) != 2 || got[0] != a+":b" {
		t.Errorf("limited: %v", got)
	}
}

// ListBidOfps lists a bid's unused OFPs of one airline, by id: not those
// of another bid, with no bid, used by a PIREP, or another airline's.
func testListBidOfps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func(tenant, bid string) []string {
		t.Helper()
		got, err := q.ListBidOfps(ctx, readmodel.ListBidOfpsParams{TenantID: tenant, BidID: bid})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := list(tenantA, "bid-1"); got != nil {
		t.Errorf("empty: %v", got)
	}
	withBid := func(r readmodel.UpsertSimbriefOfpParams, bid string) readmodel.UpsertSimbriefOfpParams {
		r.BidID = bid
		return r
	}
	upsertOfps(t, q, withBid(ofpRow(tenantA, "z", ofpPilot, "f", at), "bid-1"), withBid(ofpRow(tenantA, "b", ofpPilot, "f", at), "bid-1"),
		withBid(ofpRow(tenantA, "used", ofpPilot, "f", at), "bid-1"), withBid(ofpRow(tenantA, "other", ofpPilot, "f", at), "bid-2"),
		ofpRow(tenantA, "none", ofpPilot, "f", at), withBid(ofpRow(tenantB, "c", ofpPilot, "f", at), "bid-1"))
	if err := q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: tenantA, ID: "used", PirepID: "p"}); err != nil {
		t.Fatal(err)
	}
	if got, want := list(tenantA, "bid-1"), []string{"b", "z"}; !equalStrings(got, want) {
		t.Errorf("bid-1's unused: %v, want %v", got, want)
	}
	if got := list(tenantA, ""); got != nil {
		t.Errorf("no bid names none: %v", got)
	}
}

// ListPilotOfps lists a pilot's unused OFPs of one airline, newest first
// (the id breaks a tie): not another pilot's, a used one, or another
// airline's.
func testListPilotOfps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func(tenant string, pilot uuid.UUID) []string {
		t.Helper()
		rows, err := q.ListPilotOfps(ctx, readmodel.ListPilotOfpsParams{TenantID: tenant, PilotID: pilot})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.ID+"@"+r.FlightID+"/"+r.AircraftID)
		}
		return out
	}
	if got := list(tenantA, ofpPilot); got != nil {
		t.Errorf("empty: %v", got)
	}
	upsertOfps(t, q, ofpRow(tenantA, "old", ofpPilot, "f1", at), ofpRow(tenantA, "new-a", ofpPilot, "f2", at.Add(time.Hour)),
		ofpRow(tenantA, "new-b", ofpPilot, "f1", at.Add(time.Hour)), ofpRow(tenantA, "used", ofpPilot, "f1", at.Add(2*time.Hour)),
		ofpRow(tenantA, "theirs", ofpOther, "f1", at.Add(3*time.Hour)), ofpRow(tenantB, "b", ofpPilot, "f1", at.Add(3*time.Hour)))
	if err := q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: tenantA, ID: "used", PirepID: "p"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"new-b@f1/ac-new-b", "new-a@f2/ac-new-a", "old@f1/ac-old"}
	if got := list(tenantA, ofpPilot); !equalStrings(got, want) {
		t.Errorf("the pilot's unused: %v, want %v", got, want)
	}
}
