// Package readmodeltest is the one test suite every readmodel.Querier
// implementation passes: the sqlc queries on PostgreSQL and the in-memory
// read models of the embedded mode. It runs each query of the interface and
// fails when the interface has a query the suite does not know.
package readmodeltest

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// storedText says whether got is the text sent as a read model stores it:
// the in-memory ones keep any text, PostgreSQL drops NUL and replaces
// invalid UTF-8 with U+FFFD.
func storedText(got, sent string) bool {
	return got == sent || got == strings.ReplaceAll(strings.ToValidUTF8(sent, "\uFFFD"), "\x00", "")
}

// Run runs the suite; newQ returns an empty read-model store for one subtest.
func Run(t *testing.T, newQ func(t *testing.T) readmodel.Querier) {
	t.Helper()
	cases := map[string]func(t *testing.T, q readmodel.Querier){
		"UpsertAirline":      testUpsertAirline,
		"ListAirlines":       testListAirlines,
		"GetAirlineBySlug":   testGetAirlineBySlug,
		"GetAirline":         testGetAirline,
		"GetAirlineByNumber": testGetAirlineByNumber,
		"DeleteAllAirlines":  testDeleteAllAirlines,
		"GetCheckpoint":      testGetCheckpoint,
		"ListCheckpoints":    testListCheckpoints,
		"SetCheckpoint":      testSetCheckpoint,
		"DeleteCheckpoint":   testDeleteCheckpoint,
		"UpsertUser":         testUpsertUser,
		"GetUser":            testGetUser,
		"GetUserByEmail":     testGetUserByEmail,
		"CountUsers":         testCountUsers,
		"SetUserPassword":    testSetUserPassword,
		"DeleteAllUsers":     testDeleteAllUsers,
		"GetTenantUser":      testGetTenantUser,
		"ListUsersByTenant":  testListUsersByTenant,
		"ListUserNames":      testListUserNames,
		"ListSignInStates":   testListSignInStates,
		"GetUserWithAirline": testGetUserWithAirline,
		"SearchMembers":      testSearchMembers,
	}
	maps.Copy(cases, apiKeyCases)
	maps.Copy(cases, fleetCases)
	maps.Copy(cases, airportCases)
	maps.Copy(cases, flightCases)
	maps.Copy(cases, publicCases)
	maps.Copy(cases, pirepCases)
	maps.Copy(cases, rankCases)
	maps.Copy(cases, pirepListCases)
	maps.Copy(cases, acarsCases)
	maps.Copy(cases, pirepRuleCases)
	maps.Copy(cases, bidCases)
	maps.Copy(cases, filingCases)
	maps.Copy(cases, reviewCases)
	maps.Copy(cases, quarantineCases)
	maps.Copy(cases, simbriefCases)
	maps.Copy(cases, jumpseatCases)
	maps.Copy(cases, newsCases)
	maps.Copy(cases, awardCases)
	maps.Copy(cases, fareCases)
	maps.Copy(cases, tourCases)
	maps.Copy(cases, airlineEventCases)
	maps.Copy(cases, typeRatingCases)
	maps.Copy(cases, leaveCases)
	maps.Copy(cases, profileCases)
	maps.Copy(cases, awardEditCases)
	maps.Copy(cases, airlineSetupCases)
	maps.Copy(cases, scoreCases)
	// A query added to the sqlc files without a case here fails the suite,
	// so the in-memory store cannot silently fall behind PostgreSQL.
	qt := reflect.TypeFor[readmodel.Querier]()
	for i := range qt.NumMethod() {
		if name := qt.Method(i).Name; cases[name] == nil {
			t.Errorf("readmodel.Querier.%s has no case in readmodeltest.Run; add one", name)
		}
	}
	for name := range cases {
		if _, ok := qt.MethodByName(name); !ok {
			t.Errorf("readmodeltest case %s names no readmodel.Querier method", name)
		}
	}
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) { cases[name](t, newQ(t)) })
	}
	t.Run("OneRowMissIsNotFound", func(t *testing.T) { testOneRowMissIsNotFound(t, newQ(t)) })
}

// testOneRowMissIsNotFound calls every one-row (Get) query of the Querier,
// found by reflection, with zero arguments no row matches, and wants the
// query's readmodel.NotFound from it: a one-row query sqlc gains is covered
// here without a line more, and a miss is a 404 whichever backend answered.
func testOneRowMissIsNotFound(t *testing.T, q readmodel.Querier) {
	qv := reflect.ValueOf(q)
	qt := reflect.TypeFor[readmodel.Querier]()
	for i := range qt.NumMethod() {
		name := qt.Method(i).Name
		if !strings.HasPrefix(name, "Get") {
			continue
		}
		method := qv.MethodByName(name)
		args := []reflect.Value{reflect.ValueOf(context.Background())}
		for a := 1; a < method.Type().NumIn(); a++ {
			args = append(args, reflect.Zero(method.Type().In(a)))
		}
		out := method.Call(args)
		err, _ := out[len(out)-1].Interface().(error)
		want := readmodel.NotFound(name)
		if domain.ErrorCode(err) != domain.ENotFound || domain.ErrorMessage(err) != want.Message {
			t.Errorf("%s on an empty read model: %v, want %v", name, err, want)
		}
	}
}

// at is a time with nanoseconds, which timestamptz keeps to the microsecond.
var at = time.Date(2026, 11, 28, 10, 30, 15, 123456789, time.UTC)

func airline(id, name, slug string) readmodel.UpsertAirlineParams {
	return readmodel.UpsertAirlineParams{
		ID: uuid.MustParse(id), Name: name, Icao: "BAW", Iata: "BA", Slug: slug, CreatedAt: at,
		PilotIDPrefix: "SPB", Registration: "open", Suspended: true,
	}
}

// row is the row the store should return for p.
func row(p readmodel.UpsertAirlineParams) readmodel.Airline {
	return readmodel.Airline{ID: p.ID, Name: p.Name, Icao: p.Icao, Iata: p.Iata, Slug: p.Slug,
		CreatedAt: p.CreatedAt.Truncate(time.Microsecond), PilotIDPrefix: p.PilotIDPrefix,
		Registration: p.Registration, Suspended: p.Suspended}
}

func upsert(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertAirlineParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertAirline(context.Background(), p); err != nil {
			t.Fatalf("UpsertAirline(%s): %v", p.Slug, err)
		}
	}
}

func list(t *testing.T, q readmodel.Querier) []readmodel.Airline {
	t.Helper()
	got, err := q.ListAirlines(context.Background())
	if err != nil {
		t.Fatalf("ListAirlines: %v", err)
	}
	return got
}

// sameAirlines compares rows field by field; times must be the same instant
// in the same zone as pgx gives them (time.Local).
func sameAirlines(t *testing.T, what string, got, want []readmodel.Airline) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows %v, want %d %v", what, len(got), slugs(got), len(want), slugs(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Name != w.Name || g.Icao != w.Icao || g.Iata != w.Iata || g.Slug != w.Slug ||
			!g.CreatedAt.Equal(w.CreatedAt) || g.PilotIDPrefix != w.PilotIDPrefix ||
			g.Registration != w.Registration || g.Suspended != w.Suspended {
			t.Errorf("%s: row %d = %+v, want %+v", what, i, g, w)
		}
		if g.CreatedAt.Location().String() != time.Local.String() {
			t.Errorf("%s: row %d created_at in %s, want time.Local (%s) as pgx returns", what, i, g.CreatedAt.Location(), time.Local)
		}
	}
}

func slugs(as []readmodel.Airline) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Slug
	}
	return out
}

func testUpsertAirline(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	first := airline("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "Speedbird", "speedbird")
	upsert(t, q, first)
	sameAirlines(t, "after insert", list(t, q), []readmodel.Airline{row(first)})

	// Upserting the same id again replaces every column, slug included.
	second := first
	second.Name, second.Icao, second.Iata, second.Slug = "Speedbird Virtual", "VBA", "", "speedbird-va"
	second.CreatedAt = at.Add(time.Hour + 999*time.Nanosecond)
	upsert(t, q, second)
	sameAirlines(t, "after second upsert", list(t, q), []readmodel.Airline{row(second)})
	if _, err := q.GetAirlineBySlug(ctx, "speedbird"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("old slug after the slug changed: err = %v, want not found", err)
	}

	// The freed slug can go to another airline; a taken one cannot.
	other := airline("00000000-0000-4000-8000-000000000001", "Other", "speedbird")
	upsert(t, q, other)
	// The first airline's updates kept its number 1 and took none, so the
	// next airline is 2.
	airlineNumbers(t, "after an update and an insert", q, map[uuid.UUID]int32{first.ID: 1, other.ID: 2})
	clash := airline("00000000-0000-4000-8000-000000000002", "Clash", "speedbird-va")
	err := q.UpsertAirline(ctx, clash)
	if !refusedBy(err, "airlines_slug") {
		t.Errorf("UpsertAirline with a taken slug: err = %v, want a conflict on airlines_slug", err)
	}
	sameAirlines(t, "after the refused upsert", list(t, q), []readmodel.Airline{row(other), row(second)})
	if _, err := q.GetAirlineByNumber(ctx, 3); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAirlineByNumber(3) after the refused upsert: err = %v, want not found", err)
	}

	// Text the log holds is stored, so its event always applies.
	bad := airline("00000000-0000-4000-8000-000000000003", "Nul\x00Air\xff", "nul")
	if err := q.UpsertAirline(ctx, bad); err != nil {
		t.Fatalf("UpsertAirline with a NUL in the name: %v", err)
	}
	found := false
	for _, a := range list(t, q) {
		found = found || a.ID == bad.ID && storedText(a.Name, bad.Name)
	}
	if !found {
		t.Errorf("UpsertAirline with a NUL in the name: the name %q is not stored", bad.Name)
	}
}

func testListAirlines(t *testing.T, q readmodel.Querier) {
	if got := list(t, q); got != nil {
		t.Errorf("ListAirlines on an empty table = %#v, want nil as sqlc returns", got)
	}
	// Names sort by their bytes (COLLATE "C"): upper case before lower case,
	// "É" (0xC3 0x89) after every ASCII letter. Equal names sort by the
	// uuid's bytes, unsigned: 0x80… comes after 0x7f….
	var (
		bravo   = airline("40000000-0000-4000-8000-000000000000", "Bravo", "bravo")
		zulu    = airline("30000000-0000-4000-8000-000000000000", "Zulu", "zulu")
		alpha   = airline("20000000-0000-4000-8000-000000000000", "alpha", "alpha")
		emer    = airline("10000000-0000-4000-8000-000000000000", "Émeraude", "emeraude")
		spaced  = airline("50000000-0000-4000-8000-000000000000", "Same ", "same-spaced")
		sameFF  = airline("ffffffff-0000-4000-8000-000000000000", "Same", "same-ff")
		same80  = airline("80000000-0000-4000-8000-000000000000", "Same", "same-80")
		same7F  = airline("7fffffff-ffff-4fff-bfff-ffffffffffff", "Same", "same-7f")
		same00  = airline("00000000-0000-4000-8000-000000000000", "Same", "same-00")
		sameTie = airline("80000000-0000-4000-8000-000000000001", "Same", "same-80-1")
	)
	upsert(t, q, emer, sameFF, zulu, same80, alpha, sameTie, bravo, same7F, spaced, same00)
	want := []readmodel.Airline{
		row(bravo), row(same00), row(same7F), row(same80), row(sameTie), row(sameFF), row(spaced),
		row(zulu), row(alpha), row(emer),
	}
	sameAirlines(t, "ListAirlines", list(t, q), want)
}

func testGetAirlineBySlug(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	got, err := q.GetAirlineBySlug(ctx, "speedbird")
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetAirlineBySlug on an empty table: err = %v, want not found", err)
	}
	if !reflect.DeepEqual(got, readmodel.Airline{}) {
		t.Errorf("GetAirlineBySlug miss returned %+v, want the zero row", got)
	}
	a := airline("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "Speedbird", "speedbird")
	b := airline("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "Kestrel", "kestrel")
	upsert(t, q, a, b)
	got, err = q.GetAirlineBySlug(ctx, "kestrel")
	if err != nil {
		t.Fatalf("GetAirlineBySlug(kestrel): %v", err)
	}
	sameAirlines(t, "GetAirlineBySlug(kestrel)", []readmodel.Airline{got}, []readmodel.Airline{row(b)})
	// Slugs match exactly: no case folding, no prefix match.
	for _, miss := range []string{"Speedbird", "speed", "speedbird ", ""} {
		if _, err := q.GetAirlineBySlug(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetAirlineBySlug(%q): err = %v, want not found", miss, err)
		}
	}
}

func testDeleteAllAirlines(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.DeleteAllAirlines(ctx); err != nil {
		t.Fatalf("DeleteAllAirlines on an empty table: %v", err)
	}
	a := airline("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "Speedbird", "speedbird")
	upsert(t, q, a, airline("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "Kestrel", "kestrel"))
	setCheckpoint(t, q, "airlines", 7, 42)
	if err := q.DeleteAllAirlines(ctx); err != nil {
		t.Fatalf("DeleteAllAirlines: %v", err)
	}
	if got := list(t, q); len(got) != 0 {
		t.Errorf("ListAirlines after DeleteAllAirlines = %v, want none", slugs(got))
	}
	if _, err := q.GetAirlineBySlug(ctx, "speedbird"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAirlineBySlug after DeleteAllAirlines: err = %v, want not found", err)
	}
	if _, err := q.GetAirlineByNumber(ctx, 1); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAirlineByNumber(1) after DeleteAllAirlines: err = %v, want not found", err)
	}
	// The slug index is emptied too, the numbers start again at 1 (as a
	// rebuild from the log needs), and checkpoints are not airlines.
	reused := airline("6f1c1c6e-5a55-4a7e-9d8e-333333333333", "New Speedbird", "speedbird")
	upsert(t, q, reused)
	sameAirlines(t, "after reusing the slug", list(t, q), []readmodel.Airline{row(reused)})
	airlineNumbers(t, "after DeleteAllAirlines and an insert", q, map[uuid.UUID]int32{reused.ID: 1})
	if c, err := q.GetCheckpoint(ctx, "airlines"); err != nil || c.Seq != 42 {
		t.Errorf("checkpoint after DeleteAllAirlines = %+v, %v; want it untouched", c, err)
	}
}

// airlineNumbers checks that ListAirlines gives exactly these airlines
// with these numbers, and that GetAirline and GetAirlineByNumber agree.
func airlineNumbers(t *testing.T, what string, q readmodel.Querier, want map[uuid.UUID]int32) {
	t.Helper()
	ctx := context.Background()
	got := map[uuid.UUID]int32{}
	for _, a := range list(t, q) {
		got[a.ID] = a.Number
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: ListAirlines numbers = %v, want %v", what, got, want)
	}
	for id, n := range want {
		if a, err := q.GetAirline(ctx, id); err != nil || a.Number != n {
			t.Errorf("%s: GetAirline(%s) = number %d, %v; want %d", what, id, a.Number, err, n)
		}
		if a, err := q.GetAirlineByNumber(ctx, n); err != nil || a.ID != id || a.Number != n {
			t.Errorf("%s: GetAirlineByNumber(%d) = %s number %d, %v; want %s", what, n, a.ID, a.Number, err, id)
		}
	}
}

// Airlines are numbered 1, 2, 3... across the platform in the order they
// were inserted, whatever their ids and names, for phpVMS's API.
func testGetAirlineByNumber(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	c := airline("ffffffff-0000-4000-8000-000000000000", "Alpha", "charlie") // ids and names in no insertion order
	a := airline("00000000-0000-4000-8000-000000000000", "Zulu", "alpha")
	b := airline("80000000-0000-4000-8000-000000000000", "Mike", "bravo")
	upsert(t, q, c, a, b)
	airlineNumbers(t, "three airlines", q, map[uuid.UUID]int32{c.ID: 1, a.ID: 2, b.ID: 3})
	got, err := q.GetAirlineByNumber(ctx, 3)
	if err != nil {
		t.Fatalf("GetAirlineByNumber(3): %v", err)
	}
	sameAirlines(t, "GetAirlineByNumber(3)", []readmodel.Airline{got}, []readmodel.Airline{row(b)})
	changed := a
	changed.Name, changed.Slug, changed.Suspended = "Renamed", "renamed", false
	upsert(t, q, changed)
	if got, err := q.GetAirlineByNumber(ctx, 2); err != nil || got.Slug != "renamed" || got.Number != 2 {
		t.Errorf("GetAirlineByNumber(2) after an update = %+v, %v; want the renamed airline, still 2", got, err)
	}
	for _, miss := range []int32{0, 4, -1, 1 << 30} {
		if _, err := q.GetAirlineByNumber(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetAirlineByNumber(%d): err = %v, want not found", miss, err)
		}
	}
}

func setCheckpoint(t *testing.T, q readmodel.Querier, name string, commit, seq int64) readmodel.SetCheckpointParams {
	t.Helper()
	p := readmodel.SetCheckpointParams{Name: name, CommitTx: commit, Seq: seq, UpdatedAt: at.Add(time.Duration(seq) * time.Second)}
	if err := q.SetCheckpoint(context.Background(), p); err != nil {
		t.Fatalf("SetCheckpoint(%s): %v", name, err)
	}
	return p
}

func checkCheckpoint(t *testing.T, q readmodel.Querier, want readmodel.SetCheckpointParams) {
	t.Helper()
	got, err := q.GetCheckpoint(context.Background(), want.Name)
	if err != nil {
		t.Fatalf("GetCheckpoint(%s): %v", want.Name, err)
	}
	if got.Name != want.Name || got.CommitTx != want.CommitTx || got.Seq != want.Seq ||
		!got.UpdatedAt.Equal(want.UpdatedAt.Truncate(time.Microsecond)) ||
		got.UpdatedAt.Location().String() != time.Local.String() {
		t.Errorf("GetCheckpoint(%s) = %+v, want %+v (updated_at to the microsecond, in time.Local)", want.Name, got, want)
	}
}

func testListCheckpoints(t *testing.T, q readmodel.Querier) {
	if got, err := q.ListCheckpoints(context.Background()); err != nil || len(got) != 0 {
		t.Fatalf("ListCheckpoints before any projection ran: %+v, %v; want none", got, err)
	}
	want := []readmodel.SetCheckpointParams{
		setCheckpoint(t, q, "pireps", 1<<40, 1<<50),
		setCheckpoint(t, q, "pirep_stats", 2, 7),
		setCheckpoint(t, q, "airlines", 0, 3),
	}
	setCheckpoint(t, q, "airlines", 0, 4) // moved on
	want[2].Seq = 4
	got, err := q.ListCheckpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	// Byte order, as the projector's names compare in Go.
	if strings.Join(names, ",") != "airlines,pirep_stats,pireps" {
		t.Fatalf("ListCheckpoints names %v, want airlines, pirep_stats, pireps", names)
	}
	for i, w := range []readmodel.SetCheckpointParams{want[2], want[1], want[0]} {
		if got[i].CommitTx != w.CommitTx || got[i].Seq != w.Seq {
			t.Errorf("ListCheckpoints %s at %d.%d, want %d.%d", w.Name, got[i].CommitTx, got[i].Seq, w.CommitTx, w.Seq)
		}
	}
}

func testGetCheckpoint(t *testing.T, q readmodel.Querier) {
	got, err := q.GetCheckpoint(context.Background(), "airlines")
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetCheckpoint of a projection never run: err = %v, want not found", err)
	}
	if !reflect.DeepEqual(got, readmodel.ProjectionCheckpoint{}) {
		t.Errorf("GetCheckpoint miss returned %+v, want the zero row", got)
	}
	a := setCheckpoint(t, q, "airlines", 0, 3)
	b := setCheckpoint(t, q, "pireps", 1<<40, 1<<50)
	checkCheckpoint(t, q, a)
	checkCheckpoint(t, q, b)
	if _, err := q.GetCheckpoint(context.Background(), "Airlines"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetCheckpoint(Airlines): err = %v, want not found (names match exactly)", err)
	}
}

func testSetCheckpoint(t *testing.T, q readmodel.Querier) {
	setCheckpoint(t, q, "airlines", 5, 10)
	other := setCheckpoint(t, q, "pireps", 5, 11)
	// Setting again moves the checkpoint; it may even move back (a rebuild
	// starts from nothing), and other projections keep theirs.
	moved := setCheckpoint(t, q, "airlines", 9, 2)
	checkCheckpoint(t, q, moved)
	checkCheckpoint(t, q, other)
	if err := q.SetCheckpoint(context.Background(), readmodel.SetCheckpointParams{Name: "bad\x00", UpdatedAt: at}); err != nil {
		t.Errorf("SetCheckpoint with a NUL in the name: %v, want it stored", err)
	}
}

func testDeleteCheckpoint(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.DeleteCheckpoint(ctx, "airlines"); err != nil {
		t.Fatalf("DeleteCheckpoint of a missing checkpoint: %v", err)
	}
	setCheckpoint(t, q, "airlines", 1, 1)
	keep := setCheckpoint(t, q, "pireps", 1, 2)
	if err := q.DeleteCheckpoint(ctx, "airlines"); err != nil {
		t.Fatalf("DeleteCheckpoint: %v", err)
	}
	if _, err := q.GetCheckpoint(ctx, "airlines"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetCheckpoint after DeleteCheckpoint: err = %v, want not found", err)
	}
	checkCheckpoint(t, q, keep)
	// A deleted checkpoint can be set again.
	again := setCheckpoint(t, q, "airlines", 2, 3)
	checkCheckpoint(t, q, again)
}

func user(id, tenant, email string) readmodel.UpsertUserParams {
	return readmodel.UpsertUserParams{
		TenantID: tenant, ID: uuid.MustParse(id), Email: email, Name: "Jane Pilot", Role: "pilot",
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", MustChangePassword: true,
		CreatedAt: at, UpdatedAt: at.Add(time.Minute + 999*time.Nanosecond),
		Country: "PT", Status: "suspended", StatusReason: "Inactive since May", PilotNumber: 42, PilotID: "ALB0042",
	}
}

// userRow is the row the store should return for p.
func userRow(p readmodel.UpsertUserParams) readmodel.User {
	return readmodel.User{TenantID: p.TenantID, ID: p.ID, Email: p.Email, Name: p.Name, Role: p.Role,
		PasswordHash: p.PasswordHash, MustChangePassword: p.MustChangePassword,
		CreatedAt: p.CreatedAt.Truncate(time.Microsecond), UpdatedAt: p.UpdatedAt.Truncate(time.Microsecond),
		Country: p.Country, Status: p.Status, StatusReason: p.StatusReason, PilotNumber: p.PilotNumber, PilotID: p.PilotID}
}

func upsertUsers(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertUserParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertUser(context.Background(), p); err != nil {
			t.Fatalf("UpsertUser(%s): %v", p.Email, err)
		}
	}
}

// sameUser compares a row field by field; times must be the same instant in
// time.Local, as pgx gives them.
func sameUser(t *testing.T, what string, got, want readmodel.User) {
	t.Helper()
	if got.TenantID != want.TenantID || got.ID != want.ID || got.Email != want.Email || got.Name != want.Name ||
		got.Role != want.Role || got.PasswordHash != want.PasswordHash || got.MustChangePassword != want.MustChangePassword ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) ||
		got.Country != want.Country || got.Status != want.Status || got.StatusReason != want.StatusReason ||
		got.PilotNumber != want.PilotNumber || got.PilotID != want.PilotID {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
	for _, tm := range []time.Time{got.CreatedAt, got.UpdatedAt} {
		if tm.Location().String() != time.Local.String() {
			t.Errorf("%s: time in %s, want time.Local (%s) as pgx returns", what, tm.Location(), time.Local)
		}
	}
}

// getUser reads a user by id and compares it with want.
func getUser(t *testing.T, q readmodel.Querier, want readmodel.User) {
	t.Helper()
	got, err := q.GetUser(context.Background(), want.ID)
	if err != nil {
		t.Fatalf("GetUser(%s): %v", want.ID, err)
	}
	sameUser(t, "GetUser("+want.Email+")", got, want)
}

func countUsers(t *testing.T, q readmodel.Querier) int64 {
	t.Helper()
	n, err := q.CountUsers(context.Background())
	if err != nil {
		t.Fatalf("CountUsers: %v", err)
	}
	return n
}

func testUpsertUser(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	first := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "6f1c1c6e-5a55-4a7e-9d8e-aaaaaaaaaaaa", "jane@example.com")
	upsertUsers(t, q, first)
	getUser(t, q, userRow(first))

	// Upserting the same id again replaces every column, email included.
	second := first
	second.TenantID, second.Email, second.Name, second.Role = "", "admin@example.com", "Jane Admin", "platform_admin"
	second.PasswordHash, second.MustChangePassword = "$argon2id$other", false
	second.CreatedAt, second.UpdatedAt = at.Add(time.Hour+1), at.Add(2*time.Hour+999)
	upsertUsers(t, q, second)
	getUser(t, q, userRow(second))
	if n := countUsers(t, q); n != 1 {
		t.Errorf("CountUsers after upserting one id twice = %d, want 1", n)
	}
	if _, err := q.GetUserByEmail(ctx, "jane@example.com"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("old email after the email changed: err = %v, want not found", err)
	}

	// The freed email can go to another user; a taken one cannot.
	other := user("00000000-0000-4000-8000-000000000001", "", "jane@example.com")
	upsertUsers(t, q, other)
	clash := user("00000000-0000-4000-8000-000000000002", "t2", "admin@example.com")
	err := q.UpsertUser(ctx, clash)
	if !refusedBy(err, "users_email") {
		t.Errorf("UpsertUser with a taken email: err = %v, want a conflict on users_email", err)
	}
	if n := countUsers(t, q); n != 2 {
		t.Errorf("CountUsers after the refused upsert = %d, want 2", n)
	}
	getUser(t, q, userRow(second))
	getUser(t, q, userRow(other))

	// Text the log holds is stored in any text column, so its event always
	// applies; PostgreSQL drops the NUL and replaces invalid UTF-8.
	for i, mutate := range []func(p *readmodel.UpsertUserParams){
		func(p *readmodel.UpsertUserParams) { p.TenantID = "t\x00" },
		func(p *readmodel.UpsertUserParams) { p.Email = "nul\x00@example.com" },
		func(p *readmodel.UpsertUserParams) { p.Name = "Nul\x00" },
		func(p *readmodel.UpsertUserParams) { p.Role = "\xff" },
		func(p *readmodel.UpsertUserParams) { p.PasswordHash = "hash\x00" },
		func(p *readmodel.UpsertUserParams) { p.Status = "\xff" },
		func(p *readmodel.UpsertUserParams) { p.StatusReason = "nul\x00" },
	} {
		bad := user("00000000-0000-4000-8000-000000000003", "", "bad@example.com")
		mutate(&bad)
		if err := q.UpsertUser(ctx, bad); err != nil {
			t.Fatalf("UpsertUser with bad text in column %d: %v", i, err)
		}
		got, err := q.GetUser(ctx, bad.ID)
		if err != nil {
			t.Fatalf("GetUser after bad text in column %d: %v", i, err)
		}
		if !storedText(got.TenantID, bad.TenantID) || !storedText(got.Email, bad.Email) || !storedText(got.Name, bad.Name) ||
			!storedText(got.Role, bad.Role) || !storedText(got.PasswordHash, bad.PasswordHash) ||
			!storedText(got.Status, bad.Status) || !storedText(got.StatusReason, bad.StatusReason) {
			t.Errorf("UpsertUser with bad text in column %d stored %+v", i, got)
		}
	}
	if n := countUsers(t, q); n != 3 {
		t.Errorf("CountUsers after the bad text = %d, want 3", n)
	}
}

func testGetUser(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "", "admin@example.com")
	got, err := q.GetUser(ctx, a.ID)
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetUser on an empty table: err = %v, want not found", err)
	}
	if !reflect.DeepEqual(got, readmodel.User{}) {
		t.Errorf("GetUser miss returned %+v, want the zero row", got)
	}
	b := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "6f1c1c6e-5a55-4a7e-9d8e-aaaaaaaaaaaa", "pilot@example.com")
	b.MustChangePassword = false
	upsertUsers(t, q, a, b)
	getUser(t, q, userRow(a))
	getUser(t, q, userRow(b))
	for _, miss := range []uuid.UUID{uuid.Nil, uuid.MustParse("6f1c1c6e-5a55-4a7e-9d8e-333333333333")} {
		if _, err := q.GetUser(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetUser(%s): err = %v, want not found", miss, err)
		}
	}
}

func testGetUserByEmail(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	got, err := q.GetUserByEmail(ctx, "jane@example.com")
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetUserByEmail on an empty table: err = %v, want not found", err)
	}
	if !reflect.DeepEqual(got, readmodel.User{}) {
		t.Errorf("GetUserByEmail miss returned %+v, want the zero row", got)
	}
	a := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "", "admin@example.com")
	b := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "6f1c1c6e-5a55-4a7e-9d8e-aaaaaaaaaaaa", "jane@example.com")
	upsertUsers(t, q, a, b)
	got, err = q.GetUserByEmail(ctx, "jane@example.com")
	if err != nil {
		t.Fatalf("GetUserByEmail(jane@example.com): %v", err)
	}
	sameUser(t, "GetUserByEmail(jane@example.com)", got, userRow(b))
	// Emails match exactly: the caller lower-cases, the query does not.
	for _, miss := range []string{"Jane@example.com", "jane@", "jane@example.com ", ""} {
		if _, err := q.GetUserByEmail(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetUserByEmail(%q): err = %v, want not found", miss, err)
		}
	}
	if _, err := q.GetUserByEmail(ctx, "nul\x00@example.com"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetUserByEmail with a NUL: err = %v, want not found", err)
	}
}

func testCountUsers(t *testing.T, q readmodel.Querier) {
	if n := countUsers(t, q); n != 0 {
		t.Errorf("CountUsers on an empty table = %d, want 0", n)
	}
	upsertUsers(t, q,
		user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "", "admin@example.com"),
		user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "t1", "a@example.com"),
		user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", "t2", "b@example.com"),
	)
	if n := countUsers(t, q); n != 3 {
		t.Errorf("CountUsers = %d, want 3 (every tenant counts)", n)
	}
}

func testSetUserPassword(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	// A missing user: the UPDATE matches nothing and succeeds.
	if err := q.SetUserPassword(ctx, readmodel.SetUserPasswordParams{ID: uuid.New(), PasswordHash: "h", UpdatedAt: at}); err != nil {
		t.Fatalf("SetUserPassword of a missing user: %v", err)
	}
	if n := countUsers(t, q); n != 0 {
		t.Errorf("CountUsers after SetUserPassword of a missing user = %d, want 0", n)
	}
	a := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "t1", "a@example.com")
	b := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "t1", "b@example.com")
	upsertUsers(t, q, a, b)

	changed := at.Add(3*time.Hour + 1500*time.Nanosecond)
	if err := q.SetUserPassword(ctx, readmodel.SetUserPasswordParams{
		ID: a.ID, PasswordHash: "$argon2id$new", MustChangePassword: false, UpdatedAt: changed,
	}); err != nil {
		t.Fatalf("SetUserPassword: %v", err)
	}
	want := userRow(a)
	want.PasswordHash, want.MustChangePassword, want.UpdatedAt = "$argon2id$new", false, changed.Truncate(time.Microsecond)
	getUser(t, q, want)
	got, err := q.GetUserByEmail(ctx, a.Email)
	if err != nil {
		t.Fatalf("GetUserByEmail after SetUserPassword: %v", err)
	}
	sameUser(t, "GetUserByEmail after SetUserPassword", got, want)
	getUser(t, q, userRow(b)) // other users keep theirs

	// A one-time password sets the flag again.
	if err := q.SetUserPassword(ctx, readmodel.SetUserPasswordParams{
		ID: a.ID, PasswordHash: "$argon2id$once", MustChangePassword: true, UpdatedAt: at,
	}); err != nil {
		t.Fatalf("SetUserPassword (one-time): %v", err)
	}
	want.PasswordHash, want.MustChangePassword, want.UpdatedAt = "$argon2id$once", true, at.Truncate(time.Microsecond)
	getUser(t, q, want)

	err = q.SetUserPassword(ctx, readmodel.SetUserPasswordParams{ID: a.ID, PasswordHash: "bad\x00", UpdatedAt: at})
	if err != nil {
		t.Fatalf("SetUserPassword with a NUL in the hash: %v", err)
	}
	if got, err := q.GetUser(ctx, a.ID); err != nil || !storedText(got.PasswordHash, "bad\x00") {
		t.Errorf("SetUserPassword with a NUL in the hash: stored %q, %v", got.PasswordHash, err)
	}
}

func testDeleteAllUsers(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.DeleteAllUsers(ctx); err != nil {
		t.Fatalf("DeleteAllUsers on an empty table: %v", err)
	}
	a := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "", "admin@example.com")
	upsertUsers(t, q, a, user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "t1", "jane@example.com"))
	upsert(t, q, airline("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "Speedbird", "speedbird"))
	setCheckpoint(t, q, "users", 7, 42)
	if err := q.DeleteAllUsers(ctx); err != nil {
		t.Fatalf("DeleteAllUsers: %v", err)
	}
	if n := countUsers(t, q); n != 0 {
		t.Errorf("CountUsers after DeleteAllUsers = %d, want 0", n)
	}
	if _, err := q.GetUser(ctx, a.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetUser after DeleteAllUsers: err = %v, want not found", err)
	}
	if _, err := q.GetUserByEmail(ctx, a.Email); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetUserByEmail after DeleteAllUsers: err = %v, want not found", err)
	}
	// The email index is emptied too; airlines and checkpoints are not users.
	reused := user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", "t2", "admin@example.com")
	upsertUsers(t, q, reused)
	getUser(t, q, userRow(reused))
	if got := list(t, q); len(got) != 1 {
		t.Errorf("ListAirlines after DeleteAllUsers = %v, want the airline untouched", slugs(got))
	}
	if c, err := q.GetCheckpoint(ctx, "users"); err != nil || c.Seq != 42 {
		t.Errorf("checkpoint after DeleteAllUsers = %+v, %v; want it untouched", c, err)
	}
}

// equalPtr says whether two nullable values are both NULL or both hold the
// same value.
func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// refusedBy says whether err is the conflict both backends give when the
// unique constraint named refuses a write.
func refusedBy(err error, constraint string) bool {
	return domain.ErrorCode(err) == domain.EConflict &&
		domain.ErrorMessage(err) == readmodel.UniqueViolation(constraint).Message
}
