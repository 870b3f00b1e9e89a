package readmodeltest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// reviewCases are the suite's cases of queries/pirep_comments.sql and
// queries/notices.sql.
var reviewCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertPirepComment":     testPirepComments,
	"ListPirepComments":      testPirepComments,
	"DeleteAllPirepComments": testDeleteAllPirepComments,
	"UpsertNoticePirep":      testNoticePireps,
	"GetNoticePirep":         testNoticePireps,
	"DeleteAllNoticePireps":  testNoticePireps,
	"InsertNotice":           testNotices,
	"ListUnreadNotices":      testNotices,
	"MarkNoticeRead":         testNotices,
	"PutAwayPirepNotices":    testPutAwayPirepNotices,
	"GetLastNoticeOfKind":    testLastNoticeOfKind,
	"DeleteAllNotices":       testLastNoticeOfKind,
}

var (
	reviewPirep = uuid.MustParse("7a0c1e2d-3b4f-4a5b-8c6d-000000000001")
	reviewPilot = uuid.MustParse("1b2c3d4e-5f60-4718-8293-000000000001")
	otherPilot  = uuid.MustParse("1b2c3d4e-5f60-4718-8293-000000000002")
)

func comment(tenant string, pirep uuid.UUID, id, text string, when time.Time) readmodel.UpsertPirepCommentParams {
	return readmodel.UpsertPirepCommentParams{TenantID: tenant, PirepID: pirep, ID: uuid.MustParse(id),
		AuthorID: reviewPilot.String(), Text: text, CreatedAt: when}
}

func listComments(t *testing.T, q readmodel.Querier, tenant string, pirep uuid.UUID) []string {
	t.Helper()
	got, err := q.ListPirepComments(context.Background(), readmodel.ListPirepCommentsParams{TenantID: tenant, PirepID: pirep})
	if err != nil {
		t.Fatalf("ListPirepComments: %v", err)
	}
	if got == nil {
		return nil
	}
	out := []string{}
	for _, c := range got {
		if c.TenantID != tenant || c.PirepID != pirep || c.AuthorID != reviewPilot.String() {
			t.Errorf("row %+v: wrong tenant, PIREP or author", c)
		}
		out = append(out, c.Text+"@"+c.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	return out
}

func testPirepComments(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if got := listComments(t, q, tenantA, reviewPirep); got != nil {
		t.Fatalf("no comments: %v, want nil", got)
	}
	later := comment(tenantA, reviewPirep, "4e5f6071-8293-4a4b-b5c6-000000000001", "Second", at.Add(time.Minute))
	tieB := comment(tenantA, reviewPirep, "4e5f6071-8293-4a4b-b5c6-000000000003", "Third", at)
	tieA := comment(tenantA, reviewPirep, "4e5f6071-8293-4a4b-b5c6-000000000002", "First", at)
	otherPirep := comment(tenantA, uuid.MustParse("7a0c1e2d-3b4f-4a5b-8c6d-000000000002"), "4e5f6071-8293-4a4b-b5c6-000000000004", "Elsewhere", at)
	otherTenant := comment(tenantB, reviewPirep, "4e5f6071-8293-4a4b-b5c6-000000000005", "Other airline", at)
	for _, c := range []readmodel.UpsertPirepCommentParams{later, tieB, tieA, otherPirep, otherTenant} {
		if err := q.UpsertPirepComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	us := at.Truncate(time.Microsecond).Format(time.RFC3339Nano)
	want := []string{"First@" + us, "Third@" + us, "Second@" + at.Add(time.Minute).Truncate(time.Microsecond).Format(time.RFC3339Nano)}
	if got := listComments(t, q, tenantA, reviewPirep); !equalStrings(got, want) {
		t.Errorf("thread = %v, want %v (oldest first, ties by id, only this PIREP of this airline)", got, want)
	}
	tieA.Text = "First, edited"
	if err := q.UpsertPirepComment(ctx, tieA); err != nil {
		t.Fatal(err)
	}
	if got := listComments(t, q, tenantA, reviewPirep); len(got) != 3 || got[0] != "First, edited@"+us {
		t.Errorf("after the same id again: %v", got)
	}
	bad := later
	bad.Text = "nul\x00"
	bad.ID = uuid.MustParse("00000000-0000-4000-8000-0000000000ee")
	if err := q.UpsertPirepComment(ctx, bad); err != nil {
		t.Fatalf("UpsertPirepComment with a NUL: %v", err)
	}
	found := false
	for _, c := range listComments(t, q, tenantA, reviewPirep) {
		found = found || storedText(strings.SplitN(c, "@", 2)[0], bad.Text)
	}
	if !found {
		t.Errorf("after a NUL in a comment: the text %q is not stored", bad.Text)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testDeleteAllPirepComments(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.UpsertPirepComment(ctx, comment(tenantA, reviewPirep, "4e5f6071-8293-4a4b-b5c6-000000000001", "Hi", at)); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteAllPirepComments(ctx); err != nil {
		t.Fatal(err)
	}
	if got := listComments(t, q, tenantA, reviewPirep); got != nil {
		t.Errorf("after DeleteAllPirepComments: %v", got)
	}
}

func testNoticePireps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	key := readmodel.GetNoticePirepParams{TenantID: tenantA, PirepID: reviewPirep}
	if _, err := q.GetNoticePirep(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("no row: err = %v, want not found", err)
	}
	row := readmodel.UpsertNoticePirepParams{TenantID: tenantA, PirepID: reviewPirep, PilotID: reviewPilot,
		FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT"}
	if err := q.UpsertNoticePirep(ctx, row); err != nil {
		t.Fatal(err)
	}
	row.ArrAirport = "LPFR"
	if err := q.UpsertNoticePirep(ctx, row); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetNoticePirep(ctx, key)
	if err != nil || readmodel.UpsertNoticePirepParams(got) != row {
		t.Errorf("GetNoticePirep = %+v, %v; want %+v", got, err, row)
	}
	if _, err := q.GetNoticePirep(ctx, readmodel.GetNoticePirepParams{TenantID: tenantB, PirepID: reviewPirep}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's: err = %v, want not found", err)
	}
	if err := q.DeleteAllNoticePireps(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetNoticePirep(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllNoticePireps: err = %v, want not found", err)
	}
}

func notice(tenant string, user uuid.UUID, id, kind string, when time.Time) readmodel.InsertNoticeParams {
	return readmodel.InsertNoticeParams{TenantID: tenant, UserID: user, ID: id, Kind: kind, PirepID: reviewPirep.String(),
		FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT", Reason: "Too hard a landing", CreatedAt: when}
}

func unread(t *testing.T, q readmodel.Querier, tenant string, user uuid.UUID, limit int32) []string {
	t.Helper()
	got, err := q.ListUnreadNotices(context.Background(), readmodel.ListUnreadNoticesParams{TenantID: tenant, UserID: user, Limit: limit})
	if err != nil {
		t.Fatalf("ListUnreadNotices: %v", err)
	}
	if got == nil {
		return nil
	}
	out := []string{}
	for _, n := range got {
		if n.ReadAt != nil || n.TenantID != tenant || n.UserID != user {
			t.Errorf("row %+v: read, or another member's", n)
		}
		out = append(out, n.ID)
	}
	return out
}

func testNotices(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if got := unread(t, q, tenantA, reviewPilot, 10); got != nil {
		t.Fatalf("no notices: %v, want nil", got)
	}
	first := notice(tenantA, reviewPilot, "pirep-a@2", "accepted", at)
	tieZ := notice(tenantA, reviewPilot, "pirep-b@3", "rejected", at.Add(time.Minute))
	tieA := notice(tenantA, reviewPilot, "career-x@1", "rank", at.Add(time.Minute))
	mine := []readmodel.InsertNoticeParams{first, tieZ, tieA,
		notice(tenantA, otherPilot, "pirep-c@2", "accepted", at),
		notice(tenantB, reviewPilot, "pirep-d@2", "accepted", at)}
	for _, n := range mine {
		if err := q.InsertNotice(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	again := first
	again.Kind, again.CreatedAt = "rejected", at.Add(time.Hour)
	if err := q.InsertNotice(ctx, again); err != nil {
		t.Fatalf("the same id again: %v", err)
	}
	if got, want := unread(t, q, tenantA, reviewPilot, 10), []string{"pirep-b@3", "career-x@1", "pirep-a@2"}; !equalStrings(got, want) {
		t.Fatalf("unread = %v, want %v (newest first, ties by id descending, the first insert kept)", got, want)
	}
	if got := unread(t, q, tenantA, reviewPilot, 1); !equalStrings(got, []string{"pirep-b@3"}) {
		t.Errorf("limit 1: %v", got)
	}
	read := at.Add(2 * time.Hour)
	// Another member's id, or another airline's, marks nothing of theirs.
	for _, m := range []readmodel.MarkNoticeReadParams{
		{TenantID: tenantA, UserID: otherPilot, ID: "pirep-b@3", ReadAt: &read},
		{TenantID: tenantB, UserID: reviewPilot, ID: "pirep-b@3", ReadAt: &read},
		{TenantID: tenantA, UserID: reviewPilot, ID: "pirep-b@3", ReadAt: &read},
	} {
		if err := q.MarkNoticeRead(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := unread(t, q, tenantA, reviewPilot, 10), []string{"career-x@1", "pirep-a@2"}; !equalStrings(got, want) {
		t.Errorf("after dismissing pirep-b@3: %v, want %v", got, want)
	}
	if got := unread(t, q, tenantA, otherPilot, 10); !equalStrings(got, []string{"pirep-c@2"}) {
		t.Errorf("the other pilot's: %v", got)
	}
	if got := unread(t, q, tenantB, reviewPilot, 10); !equalStrings(got, []string{"pirep-d@2"}) {
		t.Errorf("the other airline's: %v", got)
	}
	// A second dismissal keeps the first time.
	later := read.Add(time.Hour)
	if err := q.MarkNoticeRead(ctx, readmodel.MarkNoticeReadParams{TenantID: tenantA, UserID: reviewPilot, ID: "pirep-b@3", ReadAt: &later}); err != nil {
		t.Fatal(err)
	}
	last, err := q.GetLastNoticeOfKind(ctx, readmodel.GetLastNoticeOfKindParams{TenantID: tenantA, UserID: reviewPilot, Kind: "rejected"})
	if err != nil || last.ID != "pirep-b@3" || last.ReadAt == nil || !last.ReadAt.Equal(read.Truncate(time.Microsecond)) ||
		last.Reason != "Too hard a landing" || last.FlightNumber != "1234" || last.DptAirport != "EGLL" || last.ArrAirport != "LPPT" {
		t.Errorf("the dismissed notice = %+v, %v; want read at %v with its fields", last, err, read)
	}
	if _, err := q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: tenantA, UserID: reviewPilot, Limit: -1}); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
}

func testLastNoticeOfKind(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	key := readmodel.GetLastNoticeOfKindParams{TenantID: tenantA, UserID: reviewPilot, Kind: "rank"}
	if _, err := q.GetLastNoticeOfKind(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("none: err = %v, want not found", err)
	}
	r1 := notice(tenantA, reviewPilot, "career-x@1", "rank", at)
	r1.RankID = "r1"
	r2 := notice(tenantA, reviewPilot, "career-x@2", "rank", at.Add(time.Minute))
	r2.RankID, r2.PrevRankID = "r2", "r1"
	acc := notice(tenantA, reviewPilot, "pirep-a@2", "accepted", at.Add(time.Hour))
	other := notice(tenantA, otherPilot, "career-y@1", "rank", at.Add(time.Hour))
	for _, n := range []readmodel.InsertNoticeParams{r2, r1, acc, other} {
		if err := q.InsertNotice(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	read := at.Add(2 * time.Hour)
	if err := q.MarkNoticeRead(ctx, readmodel.MarkNoticeReadParams{TenantID: tenantA, UserID: reviewPilot, ID: "career-x@2", ReadAt: &read}); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetLastNoticeOfKind(ctx, key)
	if err != nil || got.ID != "career-x@2" || got.RankID != "r2" || got.PrevRankID != "r1" {
		t.Errorf("last rank notice = %+v, %v; want career-x@2 (dismissed ones count)", got, err)
	}
	if err := q.DeleteAllNotices(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetLastNoticeOfKind(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllNotices: err = %v, want not found", err)
	}
	if got := unread(t, q, tenantA, otherPilot, 10); got != nil {
		t.Errorf("after DeleteAllNotices: %v", got)
	}
}

func testPutAwayPirepNotices(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	otherPirep := "7a0c1e2d-3b4f-4a5b-8c6d-000000000002"
	ofOther := notice(tenantA, reviewPilot, "pirep-y@2", "accepted", at)
	ofOther.PirepID = otherPirep
	for _, n := range []readmodel.InsertNoticeParams{
		notice(tenantA, reviewPilot, "pirep-x@2", "accepted", at), ofOther,
		notice(tenantA, otherPilot, "pirep-z@2", "accepted", at),
		notice(tenantB, reviewPilot, "pirep-w@2", "accepted", at),
	} {
		if err := q.InsertNotice(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	later := at.Add(time.Hour)
	if err := q.PutAwayPirepNotices(ctx, readmodel.PutAwayPirepNoticesParams{TenantID: tenantA, UserID: reviewPilot,
		PirepID: reviewPirep.String(), ReadAt: &later}); err != nil {
		t.Fatal(err)
	}
	if got := unread(t, q, tenantA, reviewPilot, 10); !equalStrings(got, []string{"pirep-y@2"}) {
		t.Errorf("after putting away the PIREP's notices: %v, want only the other PIREP's", got)
	}
	if got := unread(t, q, tenantA, otherPilot, 10); !equalStrings(got, []string{"pirep-z@2"}) {
		t.Errorf("another member's: %v", got)
	}
	if got := unread(t, q, tenantB, reviewPilot, 10); !equalStrings(got, []string{"pirep-w@2"}) {
		t.Errorf("another airline's: %v", got)
	}
	last, err := q.GetLastNoticeOfKind(ctx, readmodel.GetLastNoticeOfKindParams{TenantID: tenantA, UserID: reviewPilot, Kind: "accepted"})
	if err != nil {
		t.Fatal(err)
	}
	if last.ID == "pirep-x@2" && (last.ReadAt == nil || !last.ReadAt.Equal(later)) {
		t.Errorf("the put-away notice reads %v, want %v", last.ReadAt, later)
	}
}
