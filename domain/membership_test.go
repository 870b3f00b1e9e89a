package domain_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
)

var airlineCount atomic.Int32

// membership is an airline with the services to run people commands on it.
type membership struct {
	r        *domain.Runner
	users    *domain.Users
	airlines *domain.Airlines
	airline  string
	admin    domain.Actor // an airline admin of the airline
}

func newMembership(t *testing.T, r *domain.Runner) *membership {
	t.Helper()
	m := &membership{
		r:        r,
		users:    &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()},
		airlines: &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}},
	}
	icao := string(rune('A'+airlineCount.Add(1)%26)) + "BV"
	id, _, err := m.airlines.Create(context.Background(), domain.CommandMeta{Who: domain.System},
		domain.CreateAirline{Name: "Albatross Virtual", ICAO: icao, Slug: strings.ToLower(icao), PilotIDPrefix: "ALB"})
	if err != nil {
		t.Fatal(err)
	}
	m.airline = id
	m.admin = domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: id}
	return m
}

func (m *membership) register(t *testing.T, email string) string {
	t.Helper()
	id, _, err := m.users.Register(context.Background(), domain.CommandMeta{ID: domain.NewUUID()}, m.airline,
		domain.Person{Name: "Ana Pilot", Email: email, Country: "pt", Password: "a long enough password"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return id
}

func (m *membership) load(t *testing.T, userID string) *domain.User {
	t.Helper()
	u := &domain.User{}
	recs, err := m.r.Store.ReadStream(context.Background(), domain.UserStream(userID), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		msg, err := m.r.Registry.Decode(rec.Type, rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.Apply(msg); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func TestRegistrationWaitsForApprovalAndGetsTheNextPilotID(t *testing.T) {
	m := newMembership(t, newRunner(t))
	ctx := context.Background()
	id := m.register(t, "Ana@Example.com")
	u := m.load(t, id)
	if u.Status != domain.StatusPending || u.Email != "ana@example.com" || u.Country != "PT" || u.Role != domain.RolePilot {
		t.Fatalf("registered as %+v, want a pending pilot with the email lower-cased", u)
	}
	recs, _ := m.r.Store.ReadStream(ctx, domain.UserStream(id), 0)
	if bytes.Contains(recs[0].Data, []byte("a long enough password")) {
		t.Error("the plain password is in the event")
	}

	pilotID, _, err := m.users.Approve(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id)
	if err != nil || pilotID != "ALB0001" {
		t.Fatalf("approve: %q %v, want ALB0001", pilotID, err)
	}
	if u := m.load(t, id); u.Status != domain.StatusActive || u.PilotID != "ALB0001" {
		t.Errorf("after approval %+v", u)
	}
	// Approving again changes nothing and keeps the id.
	again, _, err := m.users.Approve(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id)
	if err != nil || again != "ALB0001" {
		t.Errorf("second approval: %q %v", again, err)
	}
	if _, err := m.users.Reject(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id, "late"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("reject after approval: %v, want a conflict", err)
	}

	second := m.register(t, "bo@example.com")
	if pid, _, err := m.users.Approve(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, second); err != nil || pid != "ALB0002" {
		t.Errorf("second pilot: %q %v, want ALB0002", pid, err)
	}
}

func TestRejectionKeepsTheReasonAndTakesNoNumber(t *testing.T) {
	m := newMembership(t, newRunner(t))
	ctx := context.Background()
	id := m.register(t, "rej@example.com")
	if _, err := m.users.Reject(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id, " "); domain.ErrorFields(err)["reason"] == "" {
		t.Errorf("reject without a reason: %v, want a message on reason", err)
	}
	if _, err := m.users.Reject(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id, "Use your real name."); err != nil {
		t.Fatal(err)
	}
	if u := m.load(t, id); u.Status != domain.StatusRejected {
		t.Errorf("status %q", u.Status)
	}
	if _, _, err := m.users.Approve(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("approve after rejection: %v, want a conflict", err)
	}
	next := m.register(t, "next@example.com")
	if pid, _, err := m.users.Approve(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, next); pid != "ALB0001" || err != nil {
		t.Errorf("the first approved pilot after a rejection got %q %v, want ALB0001", pid, err)
	}
	if got := domain.LoginRefusal(domain.StatusRejected, "Use your real name.", false); got != "Your registration was declined: Use your real name." {
		t.Errorf("login refusal %q", got)
	}
}

func TestRegistrationFollowsTheAirlineSetting(t *testing.T) {
	m := newMembership(t, newRunner(t))
	ctx := context.Background()
	a := &domain.Airline{}
	recs, _ := m.r.Store.ReadStream(ctx, domain.AirlineStream(m.airline), 0)
	for _, rec := range recs {
		msg, _ := m.r.Registry.Decode(rec.Type, rec.Data)
		_ = a.Apply(msg)
	}
	set := func(mode string) {
		t.Helper()
		_, err := m.airlines.ChangeProfile(ctx, domain.CommandMeta{Who: m.admin}, m.airline,
			domain.AirlineProfile{Name: "Albatross Virtual", ICAO: a.ICAO, Slug: a.Slug, PilotIDPrefix: "ALB", Registration: mode})
		if err != nil {
			t.Fatal(err)
		}
	}
	set(domain.RegistrationOpen)
	if u := m.load(t, m.register(t, "open@example.com")); u.Status != domain.StatusActive || u.PilotID != "ALB0001" {
		t.Errorf("open registration gave %+v, want an active pilot with an id", u)
	}
	set(domain.RegistrationClosed)
	_, _, err := m.users.Register(ctx, domain.CommandMeta{}, m.airline,
		domain.Person{Name: "Cy", Email: "closed@example.com", Country: "GB", Password: "a long enough password"})
	if domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("closed registration: %v, want forbidden", err)
	}
	_, _, err = m.users.Register(ctx, domain.CommandMeta{}, m.airline,
		domain.Person{Name: "", Email: "nope", Country: "Portugal", Password: "short"})
	if f := domain.ErrorFields(err); f["name"] == "" || f["email"] == "" || f["country"] == "" || f["password"] == "" {
		t.Errorf("bad registration: %v, want a message on each field", f)
	}
}

func TestStaffOfAnotherAirlineCannotTouchPeople(t *testing.T) {
	m := newMembership(t, newRunner(t))
	ctx := context.Background()
	id := m.register(t, "ana@example.com")
	other := domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: domain.NewUUID()}
	pilot := domain.Actor{UserID: id, Role: domain.RolePilot, TenantID: m.airline}
	for _, c := range []struct {
		who  domain.Actor
		want string
	}{{other, domain.ENotFound}, {pilot, domain.EForbidden}, {domain.Actor{}, domain.EForbidden}} {
		if _, _, err := m.users.Approve(ctx, domain.CommandMeta{Who: c.who}, m.airline, id); domain.ErrorCode(err) != c.want {
			t.Errorf("approve by %+v: %v, want %s", c.who, err, c.want)
		}
		if _, err := m.users.Suspend(ctx, domain.CommandMeta{Who: c.who}, m.airline, id, ""); domain.ErrorCode(err) != c.want {
			t.Errorf("suspend by %+v: %v, want %s", c.who, err, c.want)
		}
		if _, _, err := m.users.ResetPassword(ctx, domain.CommandMeta{Who: c.who}, m.airline, id); domain.ErrorCode(err) != c.want {
			t.Errorf("reset by %+v: %v, want %s", c.who, err, c.want)
		}
		if _, err := m.airlines.ChangeProfile(ctx, domain.CommandMeta{Who: c.who}, m.airline,
			domain.AirlineProfile{Name: "Taken", ICAO: "TKN", Slug: "taken", PilotIDPrefix: "TK", Registration: "open"}); domain.ErrorCode(err) != c.want {
			t.Errorf("edit by %+v: %v, want %s", c.who, err, c.want)
		}
	}
	// Staff of the airline acting on a person of another airline find nobody.
	stranger := newMembership(t, m.r)
	foreign := stranger.register(t, "foreign@example.com")
	if _, _, err := m.users.Approve(ctx, domain.CommandMeta{Who: m.admin}, m.airline, foreign); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("approve a person of another airline through one's own: %v, want not found", err)
	}
	if u := m.load(t, id); u.Status != domain.StatusPending {
		t.Errorf("refused commands changed the person: %+v", u)
	}
}

func TestSuspensionAndReactivation(t *testing.T) {
	m := newMembership(t, newRunner(t))
	ctx := context.Background()
	id, otp, _, err := m.users.CreatePerson(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline,
		domain.Person{Name: "Dee", Email: "dee@example.com", Country: "DE", Role: domain.RolePilot})
	if err != nil || otp == "" {
		t.Fatalf("create pilot: %v", err)
	}
	if u := m.load(t, id); u.PilotID != "ALB0001" || !u.MustChange || u.Status != domain.StatusActive {
		t.Errorf("created pilot %+v, want ALB0001 with a one-time password", u)
	}
	if _, err := m.users.Suspend(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id, "Inactive"); err != nil {
		t.Fatal(err)
	}
	if u := m.load(t, id); u.Status != domain.StatusSuspended {
		t.Errorf("status %q after suspension", u.Status)
	}
	if _, err := m.users.Reactivate(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id); err != nil {
		t.Fatal(err)
	}
	if u := m.load(t, id); u.Status != domain.StatusActive {
		t.Errorf("status %q after reactivation", u.Status)
	}
	self := domain.Actor{UserID: id, Role: domain.RoleAirlineAdmin, TenantID: m.airline}
	if _, err := m.users.Suspend(ctx, domain.CommandMeta{Who: self}, m.airline, id, ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("suspend oneself: %v, want a conflict", err)
	}
}

// concurrentRunners returns the runners the concurrency tests use: the
// embedded store always, PostgreSQL when it runs.
func concurrentRunners(t *testing.T) map[string]*domain.Runner {
	out := map[string]*domain.Runner{"sqlite": newRunner(t)}
	pool := pgtest.NewPool(t)
	if pool == nil {
		return out
	}
	es := postgres.NewEventStore(pool, slog.Default())
	out["postgres"] = &domain.Runner{Store: es, Registry: events.NewRegistry(), Clock: domain.SystemClock{}, MaxAttempts: 50}
	return out
}

func TestConcurrentApprovalsGetDistinctConsecutivePilotIDs(t *testing.T) {
	for name, r := range concurrentRunners(t) {
		t.Run(name, func(t *testing.T) {
			r.MaxAttempts = 50
			m := newMembership(t, r)
			const n = 6
			ids := make([]string, n)
			for i := range ids {
				ids[i] = m.register(t, fmt.Sprintf("p%d@example.com", i))
			}
			got := make([]string, n)
			var wg sync.WaitGroup
			for i := range ids {
				wg.Go(func() {
					pid, _, err := m.users.Approve(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, ids[i])
					if err != nil {
						t.Errorf("approve %d: %v", i, err)
					}
					got[i] = pid
				})
			}
			wg.Wait()
			slices.Sort(got)
			for i, pid := range got {
				if want := domain.FormatPilotID("ALB", int32(i+1)); pid != want {
					t.Errorf("pilot ids %v, want ALB0001 to ALB%04d without gaps or repeats", got, n)
					break
				}
			}
		})
	}
}

func TestConcurrentRegistrationsWithOneEmailMakeOnePerson(t *testing.T) {
	for name, r := range concurrentRunners(t) {
		t.Run(name, func(t *testing.T) {
			m := newMembership(t, r)
			const n = 4
			var wg sync.WaitGroup
			var mu sync.Mutex
			var made []string
			var conflicts int
			for i := 0; i < n; i++ {
				wg.Go(func() {
					id, _, err := m.users.Register(context.Background(), domain.CommandMeta{ID: domain.NewUUID()}, m.airline,
						domain.Person{Name: "Twin", Email: "Twin@Example.com", Country: "GB", Password: "a long enough password"})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						made = append(made, id)
					case domain.ErrorFields(err)["email"] != "":
						conflicts++
					default:
						t.Errorf("register: %v", err)
					}
				})
			}
			wg.Wait()
			if len(made) != 1 || conflicts != n-1 {
				t.Errorf("%d people made and %d refused for one email, want 1 and %d", len(made), conflicts, n-1)
			}
			// Every stream in the log is counted, not only the ones the calls
			// reported, once the winner's event is readable in the global
			// order (in PostgreSQL, after older transactions anywhere in the
			// cluster end).
			var recs []domain.RecordedEvent
			for deadline := time.Now().Add(30 * time.Second); ; {
				var err error
				if recs, err = r.Store.ReadAll(context.Background(), domain.Start, 10000); err != nil {
					t.Fatal(err)
				}
				if len(made) == 0 || slices.ContainsFunc(recs, func(e domain.RecordedEvent) bool { return e.StreamID == domain.UserStream(made[0]) }) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the registration never became readable")
				}
				time.Sleep(10 * time.Millisecond)
			}
			registered := 0
			for _, rec := range recs {
				if rec.Type == events.TypeName(&eventsv1.PilotRegistered{}) && rec.TenantID == m.airline {
					registered++
				}
			}
			if registered != 1 {
				t.Errorf("the log holds %d registrations for one email, want 1", registered)
			}
		})
	}
}

func TestChangeRoleGivesANewPilotAnID(t *testing.T) {
	m := newMembership(t, newRunner(t))
	ctx := context.Background()
	id, _, _, err := m.users.CreatePerson(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline,
		domain.Person{Name: "Sam Staff", Email: "sam@example.com", Country: "GB", Role: domain.RoleAirlineAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if u := m.load(t, id); u.PilotID != "" {
		t.Fatalf("an airline admin got a pilot id %q", u.PilotID)
	}
	if _, err := m.users.ChangeRole(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, id, domain.RolePilot); err != nil {
		t.Fatal(err)
	}
	if u := m.load(t, id); u.Role != domain.RolePilot || u.PilotID != "ALB0001" {
		t.Errorf("after becoming a pilot: %+v, want role pilot with ALB0001", u)
	}
	pending := m.register(t, "pending@example.com")
	if _, err := m.users.ChangeRole(ctx, domain.CommandMeta{Who: m.admin}, m.airline, pending, domain.RoleAirlineAdmin); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("change the role of a pending registration: %v, want a conflict", err)
	}
	if _, err := m.users.ChangeRole(ctx, domain.CommandMeta{Who: m.admin}, m.airline, id, "platform_admin"); domain.ErrorFields(err)["role"] == "" {
		t.Errorf("make someone a platform admin: %v, want a message on role", err)
	}
}

func TestAirlineCodesChangeWithClaimsAndTheFormerStayReserved(t *testing.T) {
	r := newRunner(t)
	m, other := newMembership(t, r), newMembership(t, r)
	ctx := context.Background()
	load := func(id string) *domain.Airline {
		a := &domain.Airline{}
		recs, _ := r.Store.ReadStream(ctx, domain.AirlineStream(id), 0)
		for _, rec := range recs {
			msg, _ := r.Registry.Decode(rec.Type, rec.Data)
			_ = a.Apply(msg)
		}
		return a
	}
	mine, theirs := load(m.airline), load(other.airline)
	change := func(who domain.Actor, id, icao, slug string) error {
		_, err := m.airlines.ChangeProfile(ctx, domain.CommandMeta{Who: who}, id,
			domain.AirlineProfile{Name: "Renamed", ICAO: icao, Slug: slug, PilotIDPrefix: "ALB", Registration: "approval"})
		return err
	}
	if err := change(m.admin, m.airline, theirs.ICAO, mine.Slug); domain.ErrorFields(err)["icao"] == "" {
		t.Errorf("take another airline's ICAO code: %v, want a message on icao", err)
	}
	if err := change(m.admin, m.airline, mine.ICAO, "fresh-slug"); err != nil {
		t.Fatal(err)
	}
	if a := load(m.airline); a.Slug != "fresh-slug" || a.Name != "Renamed" {
		t.Errorf("after the change: %+v", a)
	}
	// The former slug stays the airline's: another airline cannot take it,
	// and the airline can take it back.
	if err := change(other.admin, other.airline, theirs.ICAO, mine.Slug); domain.ErrorFields(err)["slug"] == "" {
		t.Errorf("another airline took the former slug: %v", err)
	}
	if err := change(m.admin, m.airline, mine.ICAO, mine.Slug); err != nil {
		t.Errorf("take the former slug back: %v", err)
	}
}
