package handlers

import (
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/pgtest"
	pgstore "github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The recheck of the open streams decides for every session in one read of
// the session store and one of the read models (PostgreSQL: two round
// trips for 40 streams, where each stream used to make three a second),
// and each session's verdict is the one a next request of it would get.
func TestStreamRecheckReadsOnceForEverySession(t *testing.T) {
	for _, mode := range []string{"embedded", "postgres"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			counter := &pgstore.QueryCounter{}
			var (
				rm    readmodel.Querier
				store scs.Store
			)
			if mode == "postgres" {
				cfg, err := pgxpool.ParseConfig(pgtest.NewDatabase(t))
				if err != nil {
					t.Fatal(err)
				}
				cfg.ConnConfig.Tracer = counter
				pool, err := pgxpool.NewWithConfig(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(pool.Close)
				ss := pgstore.NewSessionStore(pool)
				t.Cleanup(func() { _ = ss.Close() })
				rm, store = pgstore.NewReadModels(pool).Reader(), ss
			} else {
				es, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = es.Close() })
				rm, store = memory.New(), es.Sessions()
			}
			sm := NewSessions(store, false)
			open, shut := uuid.New(), uuid.New()
			for id, suspended := range map[uuid.UUID]bool{open: false, shut: true} {
				if err := rm.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: id, Name: "Air " + id.String()[:4], Icao: "AIR",
					Slug: id.String()[:8], CreatedAt: time.Now(), Registration: "open", Suspended: suspended}); err != nil {
					t.Fatal(err)
				}
			}
			person := func(tenant uuid.UUID, role, status string) readmodel.UpsertUserParams {
				id := uuid.New()
				tid := ""
				if tenant != uuid.Nil {
					tid = tenant.String()
				}
				p := readmodel.UpsertUserParams{TenantID: tid, ID: id, Email: id.String() + "@example.com", Name: "P " + id.String()[:4],
					Role: role, PasswordHash: "$argon2id$hash-of-" + id.String(), CreatedAt: time.Now(), UpdatedAt: time.Now(), Status: status}
				if err := rm.UpsertUser(ctx, p); err != nil {
					t.Fatal(err)
				}
				return p
			}
			pilot := person(open, domain.RolePilot, domain.StatusActive)
			suspended := person(open, domain.RolePilot, domain.StatusSuspended)
			grounded := person(shut, domain.RolePilot, domain.StatusActive) // their airline is suspended
			admin := person(uuid.Nil, domain.RolePlatformAdmin, domain.StatusActive)
			login := func(p readmodel.UpsertUserParams, stamp string) string {
				c, err := sm.Load(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				sm.Put(c, sessionUserKey, p.ID.String())
				sm.Put(c, sessionPasswordKey, stamp)
				token, _, err := sm.Commit(c)
				if err != nil {
					t.Fatal(err)
				}
				return token
			}
			want := map[streamSession]bool{}
			for range 36 { // 36 of the pilot's sessions, each a stream
				want[streamSession{login(pilot, passwordStamp(pilot.PasswordHash)), pilot.ID.String(), pilot.Role}] = true
			}
			want[streamSession{login(admin, passwordStamp(admin.PasswordHash)), admin.ID.String(), admin.Role}] = true
			want[streamSession{login(suspended, passwordStamp(suspended.PasswordHash)), suspended.ID.String(), suspended.Role}] = false
			want[streamSession{login(grounded, passwordStamp(grounded.PasswordHash)), grounded.ID.String(), grounded.Role}] = false
			want[streamSession{login(pilot, "an old password's stamp"), pilot.ID.String(), pilot.Role}] = false
			promoted := login(pilot, passwordStamp(pilot.PasswordHash))
			want[streamSession{promoted, pilot.ID.String(), domain.RoleAirlineAdmin}] = false // opened with another role
			loggedOut := login(pilot, passwordStamp(pilot.PasswordHash))
			if err := store.Delete(loggedOut); err != nil {
				t.Fatal(err)
			}
			want[streamSession{loggedOut, pilot.ID.String(), pilot.Role}] = false
			want[streamSession{"no-such-session", pilot.ID.String(), pilot.Role}] = false
			want[streamSession{login(admin, passwordStamp(admin.PasswordHash)), pilot.ID.String(), pilot.Role}] = false // someone else's session

			check := stillSignedIn(sm, reads.New(rm))
			before := counter.RoundTrips()
			got, err := check(ctx, slices.Collect(maps.Keys(want)))
			if err != nil {
				t.Fatal(err)
			}
			if mode == "postgres" {
				if trips := counter.RoundTrips() - before; trips != 2 {
					t.Errorf("a recheck of %d sessions made %d round trips, want 2 (the sessions, the people)", len(want), trips)
				}
			}
			for s, ok := range want {
				if got[s] != ok {
					t.Errorf("session of %s as %s (token %.8s…): may see its stream = %v, want %v", s.user[:8], s.role, s.token, got[s], ok)
				}
			}
		})
	}
}

// The guard checks each session once however many of its streams are
// open (a person's tabs), ends every stream of a session that may no
// longer see them, and leaves the others open.
func TestStreamGuardEndsTheStreamsOfASessionTurnedAway(t *testing.T) {
	var (
		mu      sync.Mutex
		refused = map[string]bool{}
		asked   [][]streamSession
	)
	g := newStreamGuard(func(_ context.Context, ss []streamSession) (map[streamSession]bool, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, slices.Clone(ss))
		out := map[streamSession]bool{}
		for _, s := range ss {
			out[s] = !refused[s.token]
		}
		return out, nil
	}, slog.New(slog.DiscardHandler))
	ana, ben := streamSession{"ana-token", "ana", domain.RolePilot}, streamSession{"ben-token", "ben", domain.RolePilot}
	var anas, bens []<-chan struct{}
	for range 3 {
		ended, stop := g.watch(ana)
		t.Cleanup(stop)
		anas = append(anas, ended)
		ended, stop = g.watch(ben)
		t.Cleanup(stop)
		bens = append(bens, ended)
	}
	mu.Lock()
	refused["ana-token"] = true
	mu.Unlock()
	for i, ended := range anas {
		select {
		case <-ended:
		case <-time.After(5 * streamRecheck):
			t.Fatalf("ana's stream %d still open %v after her session was turned away", i, 5*streamRecheck)
		}
	}
	for i, ended := range bens {
		select {
		case <-ended:
			t.Errorf("ben's stream %d ended with ana's", i)
		default:
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, ss := range asked {
		if len(ss) > 2 {
			t.Errorf("a recheck asked about %d sessions for 2 people's 6 streams, want each session once: %v", len(ss), ss)
		}
	}
}
