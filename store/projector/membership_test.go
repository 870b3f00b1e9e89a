package projector_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// runMembership drives an airline through its life with the domain's
// commands: registrations approved, rejected and suspended, a profile
// change, a suspension and reactivation of the airline. It returns the
// airline's id and the position of the last event.
func runMembership(t *testing.T, es domain.EventStore) (string, domain.Position) {
	t.Helper()
	ctx := context.Background()
	r := &domain.Runner{Store: es, Registry: reg, MaxAttempts: 20}
	airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	users := &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	sys := domain.CommandMeta{Who: domain.System}
	id, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Membership Air", ICAO: "MEM", Slug: "membership"})
	must(t, err)
	var people []string
	for i := range 6 {
		uid, _, err := users.Register(ctx, domain.CommandMeta{ID: uuid.NewString()}, id, domain.Person{
			Name: fmt.Sprintf("Pilot %d", i), Email: fmt.Sprintf("p%d@example.com", i), Country: "GB", Password: "a long enough password"})
		must(t, err)
		people = append(people, uid)
	}
	for _, uid := range people[:4] {
		_, _, err := users.Approve(ctx, sys, id, uid)
		must(t, err)
	}
	_, err = users.Reject(ctx, sys, id, people[4], "Not now")
	must(t, err)
	_, err = users.Suspend(ctx, sys, id, people[1], "Inactive")
	must(t, err)
	_, err = users.Suspend(ctx, sys, id, people[2], "Holiday")
	must(t, err)
	_, err = users.Reactivate(ctx, sys, id, people[2])
	must(t, err)
	_, err = airlines.ChangeProfile(ctx, sys, id, domain.AirlineProfile{Name: "Membership Airways", ICAO: "MMB", Slug: "membership-airways", IATA: "MA", PilotIDPrefix: "MMB", Registration: domain.RegistrationOpen})
	must(t, err)
	_, _, _, err = users.CreatePerson(ctx, sys, id, domain.Person{Name: "Late Pilot", Email: "late@example.com", Country: "FR", Role: domain.RolePilot})
	must(t, err)
	_, err = airlines.Suspend(ctx, sys, id, "Unpaid")
	must(t, err)
	_, err = airlines.Reactivate(ctx, sys, id)
	must(t, err)
	res, err := airlines.Suspend(ctx, sys, id, "Unpaid again")
	must(t, err)
	return id, res.Position
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// membershipRows is what the read models say of the airline and its people.
func membershipRows(t *testing.T, q readmodel.Querier, airlineID string) (readmodel.Airline, []readmodel.User) {
	t.Helper()
	a, err := q.GetAirline(context.Background(), uuid.MustParse(airlineID))
	must(t, err)
	people, err := q.ListUsersByTenant(context.Background(), airlineID)
	must(t, err)
	return a, people
}

func TestMembershipIncrementalEqualsRebuildAndMemoryMatchesPostgres(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 3
		id, last := runMembership(t, e.es)
		waitVisible(t, e.es, last)
		must(t, p.CatchUp(ctx))
		airline, people := membershipRows(t, e.backend.Reader(), id)
		if airline.Name != "Membership Airways" || airline.Icao != "MMB" || airline.Slug != "membership-airways" || airline.PilotIDPrefix != "MMB" || airline.Registration != "open" || !airline.Suspended {
			t.Errorf("airline row %+v, want the changed profile and suspended", airline)
		}
		want := map[string][3]string{ // status, pilot id, reason
			"Pilot 0": {"active", "MEM0001", ""}, "Pilot 1": {"suspended", "MEM0002", "Inactive"},
			"Pilot 2": {"active", "MEM0003", ""}, "Pilot 3": {"active", "MEM0004", ""},
			"Pilot 4": {"rejected", "", "Not now"}, "Pilot 5": {"pending", "", ""},
			"Late Pilot": {"active", "MMB0005", ""},
		}
		if len(people) != len(want) {
			t.Fatalf("%d people, want %d", len(people), len(want))
		}
		for _, u := range people {
			if got := [3]string{u.Status, u.PilotID, u.StatusReason}; got != want[u.Name] {
				t.Errorf("%s: %v, want %v", u.Name, got, want[u.Name])
			}
		}
		must(t, p.Rebuild(ctx, ""))
		rebuiltAirline, rebuilt := membershipRows(t, e.backend.Reader(), id)
		if !reflect.DeepEqual(rebuilt, people) || rebuiltAirline != airline {
			t.Errorf("rebuild differs from incremental:\n got %+v\nwant %+v", rebuilt, people)
		}
		if e.pool != nil {
			// The same log projected into memory gives the same rows.
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			memAirline, memPeople := membershipRows(t, mem, id)
			if !reflect.DeepEqual(memPeople, people) || memAirline != airline {
				t.Errorf("memory differs from PostgreSQL:\n got %+v\nwant %+v", memPeople, people)
			}
		}
	})
}
