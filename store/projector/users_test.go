package projector_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// createdUser is a user a test appended.
type createdUser struct {
	id, tenant, email string
	pos               domain.Position // of the user's last event
}

// appendUserEvent encodes events with the registry and appends them to a
// user's stream, as the domain would.
func appendUserEvent(t *testing.T, es domain.EventStore, userID, tenant string, expected domain.ExpectedVersion, msgs ...proto.Message) domain.Position {
	t.Helper()
	evs := make([]domain.NewEvent, len(msgs))
	for i, m := range msgs {
		name, data, err := reg.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		evs[i] = domain.NewEvent{Type: name, SchemaVersion: 1, Data: data}
	}
	res, err := es.Append(context.Background(), domain.AppendRequest{
		StreamID: "user-" + userID, TenantID: tenant, Expected: expected, Events: evs,
		Meta: domain.Metadata{Actor: "test", CommandID: uuid.NewString()},
	})
	if err != nil {
		t.Fatalf("append to user %s: %v", userID, err)
	}
	return res.Position
}

var userEpoch = time.Date(2026, 11, 28, 9, 0, 0, 123456789, time.UTC)

// createUsers appends n users numbered from first: every third is a platform
// admin (tenant ""), the others belong to one of two airlines. Some change
// their password in the event right after UserCreated (same batch), some in a
// later append, some twice; one-time and chosen passwords alternate.
func createUsers(t *testing.T, es domain.EventStore, first, n int) []createdUser {
	t.Helper()
	tenants := []string{"", uuid.NewString(), uuid.NewString()}
	out := make([]createdUser, 0, n)
	for i := first; i < first+n; i++ {
		u := createdUser{id: uuid.NewString(), tenant: tenants[i%3], email: fmt.Sprintf("user%d@example.com", i)}
		at := userEpoch.Add(time.Duration(i) * time.Second)
		created := &eventsv1.UserCreated{
			UserId: u.id, TenantId: u.tenant, Email: u.email, Name: fmt.Sprintf("User %d", i),
			Role: []string{"platform_admin", "airline_admin", "pilot"}[i%3], PasswordHash: fmt.Sprintf("$argon2id$first-%d", i),
			MustChangePassword: i%2 == 0, CreatedAt: timestamppb.New(at),
		}
		changed := func(k int) *eventsv1.PasswordChanged {
			return &eventsv1.PasswordChanged{
				UserId: u.id, PasswordHash: fmt.Sprintf("$argon2id$%d-%d", i, k), OneTime: (i+k)%2 == 1,
				ChangedAt: timestamppb.New(at.Add(time.Duration(k)*time.Minute + 777)),
			}
		}
		switch i % 4 {
		case 0:
			u.pos = appendUserEvent(t, es, u.id, u.tenant, domain.NoStream, created)
		case 1:
			u.pos = appendUserEvent(t, es, u.id, u.tenant, domain.NoStream, created, changed(1))
		case 2:
			appendUserEvent(t, es, u.id, u.tenant, domain.NoStream, created)
			u.pos = appendUserEvent(t, es, u.id, u.tenant, 1, changed(1))
		case 3:
			appendUserEvent(t, es, u.id, u.tenant, domain.NoStream, created, changed(1))
			u.pos = appendUserEvent(t, es, u.id, u.tenant, 2, changed(2))
		}
		out = append(out, u)
	}
	waitVisible(t, es, out[len(out)-1].pos)
	return out
}

// userRows reads every user of us by id, checks the email look-up and the
// count agree, and returns the rows in us's order.
func userRows(t *testing.T, q readmodel.Querier, us []createdUser) []readmodel.User {
	t.Helper()
	ctx := context.Background()
	out := make([]readmodel.User, len(us))
	for i, u := range us {
		row, err := q.GetUser(ctx, uuid.MustParse(u.id))
		if err != nil {
			t.Fatalf("GetUser(%s): %v", u.email, err)
		}
		if row.TenantID != u.tenant || row.Email != u.email {
			t.Fatalf("user %s has tenant %q, email %q; want %q, %q", u.id, row.TenantID, row.Email, u.tenant, u.email)
		}
		byEmail, err := q.GetUserByEmail(ctx, u.email)
		if err != nil || !reflect.DeepEqual(byEmail, row) {
			t.Fatalf("GetUserByEmail(%s) = %+v, %v; want %+v", u.email, byEmail, err, row)
		}
		out[i] = row
	}
	n, err := q.CountUsers(ctx)
	if err != nil {
		t.Fatalf("CountUsers: %v", err)
	}
	if n != int64(len(us)) {
		t.Fatalf("CountUsers = %d, want %d", n, len(us))
	}
	return out
}

// checkUserEvents asserts the rows hold what createUsers's events say.
func checkUserEvents(t *testing.T, rows []readmodel.User, first int) {
	t.Helper()
	for j, r := range rows {
		i := first + j
		at := userEpoch.Add(time.Duration(i) * time.Second)
		hash, must, updated := fmt.Sprintf("$argon2id$first-%d", i), i%2 == 0, at
		if k := []int{0, 1, 1, 2}[i%4]; k > 0 { // the number of password changes
			hash, must, updated = fmt.Sprintf("$argon2id$%d-%d", i, k), (i+k)%2 == 1, at.Add(time.Duration(k)*time.Minute+777)
		}
		if r.PasswordHash != hash || r.MustChangePassword != must || !r.CreatedAt.Equal(at.Truncate(time.Microsecond)) ||
			!r.UpdatedAt.Equal(updated.Truncate(time.Microsecond)) {
			t.Errorf("user %d = %+v; want hash %s, must change %v, created %s, updated %s", i, r, hash, must, at, updated)
		}
	}
}

// Incremental projection of the users, in small batches that split a
// user's events and mix them with airlines, leaves the rows a rebuild gives.
func TestUsersIncrementalEqualsRebuild(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 7

		us := createUsers(t, e.es, 0, 40)
		createAirlines(t, e.es, 0, 10)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
		us = append(us, createUsers(t, e.es, 40, 30)...)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
		incremental := userRows(t, e.backend.Reader(), us)
		checkUserEvents(t, incremental, 0)
		if cp, h := checkpointOf(t, e.backend, "users"), head(t, e.es); cp != h {
			t.Errorf("users checkpoint %s after catching up, head %s", cp, h)
		}

		for _, name := range []string{"", "users"} {
			if err := p.Rebuild(ctx, name); err != nil {
				t.Fatalf("Rebuild(%q): %v", name, err)
			}
			if got := userRows(t, e.backend.Reader(), us); !reflect.DeepEqual(got, incremental) {
				t.Fatalf("Rebuild(%q): users differ from the incremental ones:\n got %+v\nwant %+v", name, got, incremental)
			}
			if cp, h := checkpointOf(t, e.backend, "users"), head(t, e.es); cp != h {
				t.Errorf("users checkpoint %s after Rebuild(%q), head %s", cp, name, h)
			}
		}
	})
}

// The in-memory read models give the user rows PostgreSQL gives.
func TestUsersMemoryMatchesPostgres(t *testing.T) {
	ctx := context.Background()
	e := newPostgres(t)
	us := createUsers(t, e.es, 0, 60)
	pg := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	mem := memory.New()
	inMemory := projector.New(e.es, mem, reg, nil, nil, projector.All()...)
	inMemory.BatchSize = 5
	for _, p := range []*projector.Projector{pg, inMemory} {
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
	}
	want := userRows(t, e.backend.Reader(), us)
	checkUserEvents(t, want, 0)
	if got := userRows(t, mem, us); !reflect.DeepEqual(got, want) {
		t.Errorf("memory vs PostgreSQL users differ:\n got %+v\nwant %+v", got, want)
	}
	if cp, want := checkpointOf(t, mem, "users"), checkpointOf(t, e.backend, "users"); cp != want {
		t.Errorf("memory users checkpoint %s, PostgreSQL %s", cp, want)
	}
}

// Each user event gives a notice on the user's tenant, PasswordChanged
// included although its event does not name the tenant.
func TestUserNotices(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		n := notify.NewLocal()
		defer n.Close()
		sub, err := n.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := projector.New(e.es, e.backend, reg, n, nil, projector.Users{})
		us := createUsers(t, e.es, 0, 4) // 1, 2, 2 and 3 events
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
		var got []notify.Notice
		for len(got) < 8 {
			select {
			case no := <-sub:
				got = append(got, no)
			case <-ctx.Done():
				t.Fatalf("got %d notices, want 8: %+v", len(got), got)
			}
		}
		counts := map[string]int{}
		for _, no := range got {
			if no.Topic != projector.TopicUsers || len(no.IDs) != 1 {
				t.Fatalf("notice %+v, want topic users and one id", no)
			}
			i := slices.IndexFunc(us, func(u createdUser) bool { return u.id == no.IDs[0] })
			if i < 0 || no.TenantID != us[i].tenant {
				t.Fatalf("notice %+v names no user, or not its tenant", no)
			}
			counts[no.IDs[0]]++
		}
		for i, want := range []int{1, 2, 2, 3} {
			if counts[us[i].id] != want {
				t.Errorf("user %d: %d notices, want %d", i, counts[us[i].id], want)
			}
		}
		if last := got[len(got)-1]; last.Position != us[3].pos.String() {
			t.Errorf("last notice at %s, want %s", last.Position, us[3].pos)
		}
	})
}
