package readmodeltest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// apiKeyCases are the suite's cases of queries/apikeys.sql.
var apiKeyCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertAPIKey":        testUpsertAPIKey,
	"GetAPIKey":           testGetAPIKey,
	"GetAPIKeyByHash":     testGetAPIKeyByHash,
	"ListAPIKeysByUser":   testListAPIKeysByUser,
	"RevokeAPIKey":        testRevokeAPIKey,
	"TouchAPIKeyLastUsed": testTouchAPIKeyLastUsed,
	"DeleteAllAPIKeys":    testDeleteAllAPIKeys,
}

const (
	keyTenant = "6f1c1c6e-5a55-4a7e-9d8e-aaaaaaaaaaaa"
	keyOwner  = "6f1c1c6e-5a55-4a7e-9d8e-bbbbbbbbbbbb"
)

func apiKey(id, hash string) readmodel.UpsertAPIKeyParams {
	return readmodel.UpsertAPIKeyParams{
		TenantID: keyTenant, ID: uuid.MustParse(id), UserID: uuid.MustParse(keyOwner),
		Name: "ACARS laptop", Prefix: "alb_Qk3xZ9pL", Hash: hash, CreatedAt: at,
	}
}

// apiKeyRow is the row the store should return for p, before any revoke or
// use.
func apiKeyRow(p readmodel.UpsertAPIKeyParams) readmodel.APIKey {
	return readmodel.APIKey{TenantID: p.TenantID, ID: p.ID, UserID: p.UserID, Name: p.Name, Prefix: p.Prefix,
		Hash: p.Hash, CreatedAt: p.CreatedAt.Truncate(time.Microsecond)}
}

func upsertAPIKeys(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertAPIKeyParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertAPIKey(context.Background(), p); err != nil {
			t.Fatalf("UpsertAPIKey(%s): %v", p.ID, err)
		}
	}
}

// sameTime compares nullable times: both NULL, or the same instant in
// time.Local, as pgx gives them.
func sameTime(got, want *time.Time) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	return got.Equal(*want) && got.Location().String() == time.Local.String()
}

// sameAPIKey compares a row field by field.
func sameAPIKey(t *testing.T, what string, got, want readmodel.APIKey) {
	t.Helper()
	if got.TenantID != want.TenantID || got.ID != want.ID || got.UserID != want.UserID || got.Name != want.Name ||
		got.Prefix != want.Prefix || got.Hash != want.Hash || !got.CreatedAt.Equal(want.CreatedAt) ||
		got.CreatedAt.Location().String() != time.Local.String() ||
		!sameTime(got.RevokedAt, want.RevokedAt) || !sameTime(got.LastUsedAt, want.LastUsedAt) {
		t.Errorf("%s = %s, want %s", what, describeAPIKey(got), describeAPIKey(want))
	}
}

func describeAPIKey(k readmodel.APIKey) string {
	show := func(t *time.Time) string {
		if t == nil {
			return "NULL"
		}
		return t.String()
	}
	return "{" + k.ID.String() + " tenant " + k.TenantID + " user " + k.UserID.String() + " " + k.Name + " " + k.Prefix +
		" " + k.Hash + " created " + k.CreatedAt.String() + " revoked " + show(k.RevokedAt) + " used " + show(k.LastUsedAt) + "}"
}

// getAPIKey reads a key by hash and compares it with want.
func getAPIKey(t *testing.T, q readmodel.Querier, want readmodel.APIKey) {
	t.Helper()
	got, err := q.GetAPIKeyByHash(context.Background(), want.Hash)
	if err != nil {
		t.Fatalf("GetAPIKeyByHash(%s): %v", want.Hash, err)
	}
	sameAPIKey(t, "GetAPIKeyByHash("+want.Hash+")", got, want)
}

func ptr(t time.Time) *time.Time {
	t = t.Truncate(time.Microsecond)
	return &t
}

func revokeAPIKey(t *testing.T, q readmodel.Querier, id uuid.UUID, when time.Time) {
	t.Helper()
	if err := q.RevokeAPIKey(context.Background(), readmodel.RevokeAPIKeyParams{ID: id, RevokedAt: when}); err != nil {
		t.Fatalf("RevokeAPIKey(%s): %v", id, err)
	}
}

func touchAPIKey(t *testing.T, q readmodel.Querier, id uuid.UUID, when time.Time) {
	t.Helper()
	if err := q.TouchAPIKeyLastUsed(context.Background(), readmodel.TouchAPIKeyLastUsedParams{ID: id, UsedAt: when}); err != nil {
		t.Fatalf("TouchAPIKeyLastUsed(%s): %v", id, err)
	}
}

func testUpsertAPIKey(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	first := apiKey("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "hash-1")
	upsertAPIKeys(t, q, first)
	getAPIKey(t, q, apiKeyRow(first))

	// Upserting the same id again replaces every column the event carries,
	// the hash included, makes the key unrevoked again, and keeps the
	// last-used time, which no event carries.
	used := at.Add(time.Hour + 999*time.Nanosecond)
	revokeAPIKey(t, q, first.ID, at.Add(time.Minute))
	touchAPIKey(t, q, first.ID, used)
	second := first
	second.TenantID, second.UserID, second.Name, second.Prefix, second.Hash = "", uuid.New(), "Tablet", "alb_other000", "hash-2"
	second.CreatedAt = at.Add(2*time.Hour + 1)
	upsertAPIKeys(t, q, second)
	want := apiKeyRow(second)
	want.LastUsedAt = ptr(used)
	getAPIKey(t, q, want)
	if _, err := q.GetAPIKeyByHash(ctx, "hash-1"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("old hash after the hash changed: err = %v, want not found", err)
	}

	// The freed hash can go to another key; a taken one cannot.
	other := apiKey("00000000-0000-4000-8000-000000000001", "hash-1")
	upsertAPIKeys(t, q, other)
	clash := apiKey("00000000-0000-4000-8000-000000000002", "hash-2")
	err := q.UpsertAPIKey(ctx, clash)
	if !refusedBy(err, "api_keys_hash") {
		t.Errorf("UpsertAPIKey with a taken hash: err = %v, want a conflict on api_keys_hash", err)
	}
	getAPIKey(t, q, want)
	getAPIKey(t, q, apiKeyRow(other))

	// Text the log holds is stored in any text column, so its event always
	// applies, and the key is found by the hash sent.
	for i, mutate := range []func(p *readmodel.UpsertAPIKeyParams){
		func(p *readmodel.UpsertAPIKeyParams) { p.TenantID = "t\x00" },
		func(p *readmodel.UpsertAPIKeyParams) { p.Name = "Nul\x00" },
		func(p *readmodel.UpsertAPIKeyParams) { p.Prefix = "\xff" },
		func(p *readmodel.UpsertAPIKeyParams) { p.Hash = "hash\x00" },
	} {
		bad := apiKey("00000000-0000-4000-8000-000000000003", "hash-3")
		mutate(&bad)
		if err := q.UpsertAPIKey(ctx, bad); err != nil {
			t.Fatalf("UpsertAPIKey with bad text in column %d: %v", i, err)
		}
		got, err := q.GetAPIKeyByHash(ctx, bad.Hash)
		if err != nil || !storedText(got.TenantID, bad.TenantID) || !storedText(got.Name, bad.Name) ||
			!storedText(got.Prefix, bad.Prefix) || !storedText(got.Hash, bad.Hash) {
			t.Errorf("UpsertAPIKey with bad text in column %d stored %+v, %v", i, got, err)
		}
	}
}

func testGetAPIKeyByHash(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	got, err := q.GetAPIKeyByHash(ctx, "hash-1")
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetAPIKeyByHash on an empty table: err = %v, want not found", err)
	}
	if !reflect.DeepEqual(got, readmodel.APIKey{}) {
		t.Errorf("GetAPIKeyByHash miss returned %+v, want the zero row", got)
	}
	a := apiKey("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "hash-1")
	b := apiKey("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "hash-2")
	upsertAPIKeys(t, q, a, b)
	getAPIKey(t, q, apiKeyRow(a))
	// A revoked key is found, with its revocation, for the caller to refuse.
	revoked := at.Add(90*time.Minute + 1500*time.Nanosecond)
	revokeAPIKey(t, q, b.ID, revoked)
	want := apiKeyRow(b)
	want.RevokedAt = ptr(revoked)
	getAPIKey(t, q, want)

	// Hashes match exactly.
	for _, miss := range []string{"HASH-1", "hash-", "hash-1 ", ""} {
		if _, err := q.GetAPIKeyByHash(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetAPIKeyByHash(%q): err = %v, want not found", miss, err)
		}
	}
	if _, err := q.GetAPIKeyByHash(ctx, "nul\x00"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAPIKeyByHash with a NUL: err = %v, want not found", err)
	}

	// A row handed out cannot change the stored one.
	got, _ = q.GetAPIKeyByHash(ctx, "hash-2")
	*got.RevokedAt = at
	getAPIKey(t, q, want)
}

func testGetAPIKey(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := apiKey("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "hash-1")
	got, err := q.GetAPIKey(ctx, a.ID)
	if domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetAPIKey on an empty table: err = %v, want not found", err)
	}
	if !reflect.DeepEqual(got, readmodel.APIKey{}) {
		t.Errorf("GetAPIKey miss returned %+v, want the zero row", got)
	}
	b := apiKey("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "hash-2")
	upsertAPIKeys(t, q, a, b)
	revokeAPIKey(t, q, b.ID, at)
	touchAPIKey(t, q, b.ID, at.Add(time.Hour))
	wantB := apiKeyRow(b)
	wantB.RevokedAt, wantB.LastUsedAt = ptr(at), ptr(at.Add(time.Hour))
	for _, want := range []readmodel.APIKey{apiKeyRow(a), wantB} {
		got, err := q.GetAPIKey(ctx, want.ID)
		if err != nil {
			t.Fatalf("GetAPIKey(%s): %v", want.ID, err)
		}
		sameAPIKey(t, "GetAPIKey("+want.ID.String()+")", got, want)
	}
	if _, err := q.GetAPIKey(ctx, uuid.Nil); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAPIKey(nil uuid): err = %v, want not found", err)
	}
}

func testListAPIKeysByUser(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	owner := uuid.MustParse(keyOwner)
	mine := readmodel.ListAPIKeysByUserParams{TenantID: keyTenant, UserID: owner}
	got, err := q.ListAPIKeysByUser(ctx, mine)
	if err != nil || got != nil {
		t.Fatalf("ListAPIKeysByUser on an empty table = %#v, %v; want nil as sqlc returns", got, err)
	}
	// Newest first; keys created at the same instant by the uuid's bytes,
	// unsigned: 0x80… after 0x7f….
	older := apiKey("10000000-0000-4000-8000-000000000000", "h-older")
	older.CreatedAt = at.Add(-time.Hour)
	newest := apiKey("20000000-0000-4000-8000-000000000000", "h-newest")
	newest.CreatedAt = at.Add(time.Hour)
	tie00 := apiKey("00000000-0000-4000-8000-000000000000", "h-00")
	tie7F := apiKey("7fffffff-ffff-4fff-bfff-ffffffffffff", "h-7f")
	tie80 := apiKey("80000000-0000-4000-8000-000000000000", "h-80")
	// Same instant to the microsecond: the nanoseconds are not kept.
	tieNs := apiKey("ffffffff-0000-4000-8000-000000000000", "h-ns")
	tieNs.CreatedAt = at.Add(1)
	// Another user of the tenant, and the same user id in another tenant.
	colleague := apiKey("30000000-0000-4000-8000-000000000000", "h-colleague")
	colleague.UserID = uuid.New()
	elsewhere := apiKey("40000000-0000-4000-8000-000000000000", "h-elsewhere")
	elsewhere.TenantID = "another-tenant"
	upsertAPIKeys(t, q, tie80, older, colleague, tieNs, newest, tie00, elsewhere, tie7F)
	revokeAPIKey(t, q, tie7F.ID, at.Add(time.Minute))
	revokedTie := apiKeyRow(tie7F)
	revokedTie.RevokedAt = ptr(at.Add(time.Minute))

	want := []readmodel.APIKey{apiKeyRow(newest), apiKeyRow(tie00), revokedTie, apiKeyRow(tie80), apiKeyRow(tieNs), apiKeyRow(older)}
	got, err = q.ListAPIKeysByUser(ctx, mine)
	if err != nil {
		t.Fatalf("ListAPIKeysByUser: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("ListAPIKeysByUser = %d rows, want %d (the user's keys in the tenant only)", len(got), len(want))
	}
	for i := range want {
		sameAPIKey(t, "ListAPIKeysByUser row", got[i], want[i])
	}
	got, err = q.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: "another-tenant", UserID: owner})
	if err != nil || len(got) != 1 || got[0].ID != elsewhere.ID {
		t.Errorf("ListAPIKeysByUser in the other tenant = %v, %v; want only the key there", got, err)
	}
	if got, err := q.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: "t\x00", UserID: owner}); err != nil || len(got) != 0 {
		t.Errorf("ListAPIKeysByUser with a NUL = %v, %v; want none", got, err)
	}
}

func testRevokeAPIKey(t *testing.T, q readmodel.Querier) {
	// A missing key: the UPDATE matches nothing and succeeds.
	revokeAPIKey(t, q, uuid.New(), at)
	a := apiKey("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "hash-1")
	b := apiKey("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "hash-2")
	upsertAPIKeys(t, q, a, b)

	first := at.Add(time.Hour + 1500*time.Nanosecond)
	revokeAPIKey(t, q, a.ID, first)
	want := apiKeyRow(a)
	want.RevokedAt = ptr(first)
	getAPIKey(t, q, want)
	getAPIKey(t, q, apiKeyRow(b)) // other keys keep theirs

	// Revoked once, a key keeps its first revocation time.
	revokeAPIKey(t, q, a.ID, first.Add(time.Hour))
	revokeAPIKey(t, q, a.ID, first.Add(-time.Hour))
	getAPIKey(t, q, want)
}

func testTouchAPIKeyLastUsed(t *testing.T, q readmodel.Querier) {
	touchAPIKey(t, q, uuid.New(), at) // a missing key: nothing to do
	a := apiKey("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "hash-1")
	b := apiKey("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "hash-2")
	upsertAPIKeys(t, q, a, b)
	want := apiKeyRow(a)

	first := at.Add(999 * time.Nanosecond)
	touchAPIKey(t, q, a.ID, first)
	want.LastUsedAt = ptr(first)
	getAPIKey(t, q, want)
	getAPIKey(t, q, apiKeyRow(b))

	// Within a minute of the stored time nothing is written, and a time
	// before it never moves it back. The minute is counted from the stored
	// microsecond: the nanoseconds are not kept.
	for _, d := range []time.Duration{time.Second, time.Minute - 999, time.Minute, -time.Hour} {
		touchAPIKey(t, q, a.ID, first.Add(d))
		getAPIKey(t, q, want)
	}
	later := first.Truncate(time.Microsecond).Add(time.Minute + time.Microsecond)
	touchAPIKey(t, q, a.ID, later)
	want.LastUsedAt = ptr(later)
	getAPIKey(t, q, want)

	// A revoked key's row still records its use.
	revokeAPIKey(t, q, b.ID, at)
	touchAPIKey(t, q, b.ID, later)
	wantB := apiKeyRow(b)
	wantB.RevokedAt, wantB.LastUsedAt = ptr(at), ptr(later)
	getAPIKey(t, q, wantB)
}

func testDeleteAllAPIKeys(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.DeleteAllAPIKeys(ctx); err != nil {
		t.Fatalf("DeleteAllAPIKeys on an empty table: %v", err)
	}
	a := apiKey("6f1c1c6e-5a55-4a7e-9d8e-111111111111", "hash-1")
	upsertAPIKeys(t, q, a, apiKey("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "hash-2"))
	touchAPIKey(t, q, a.ID, at)
	upsertUsers(t, q, user(keyOwner, keyTenant, "jane@example.com"))
	setCheckpoint(t, q, "api_keys", 7, 42)
	if err := q.DeleteAllAPIKeys(ctx); err != nil {
		t.Fatalf("DeleteAllAPIKeys: %v", err)
	}
	if _, err := q.GetAPIKeyByHash(ctx, "hash-1"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAPIKeyByHash after DeleteAllAPIKeys: err = %v, want not found", err)
	}
	if got, err := q.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: keyTenant, UserID: a.UserID}); err != nil || len(got) != 0 {
		t.Errorf("ListAPIKeysByUser after DeleteAllAPIKeys = %d rows, %v; want none", len(got), err)
	}
	// The hash index is emptied too, the same id comes back without its
	// last-used time, and users and checkpoints are not API keys.
	upsertAPIKeys(t, q, a)
	getAPIKey(t, q, apiKeyRow(a))
	if n := countUsers(t, q); n != 1 {
		t.Errorf("CountUsers after DeleteAllAPIKeys = %d, want 1", n)
	}
	if c, err := q.GetCheckpoint(ctx, "api_keys"); err != nil || c.Seq != 42 {
		t.Errorf("checkpoint after DeleteAllAPIKeys = %+v, %v; want it untouched", c, err)
	}
}
