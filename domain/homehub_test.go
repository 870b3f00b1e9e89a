package domain_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// hubsOf lists the hubs of each airline by id.
type hubsOf map[string][]string

func (h hubsOf) Hubs(_ context.Context, tenantID string) ([]string, error) { return h[tenantID], nil }

// registered returns the PilotRegistered event of a person's stream.
func (m *membership) registered(t *testing.T, userID string) *eventsv1.PilotRegistered {
	t.Helper()
	recs, err := m.r.Store.ReadStream(context.Background(), domain.UserStream(userID), 0)
	if err != nil || len(recs) == 0 {
		t.Fatalf("read %s: %v", userID, err)
	}
	msg, err := m.r.Registry.Decode(recs[0].Type, recs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := msg.(*eventsv1.PilotRegistered)
	if !ok {
		t.Fatalf("first event %T, want PilotRegistered", msg)
	}
	return e
}

func TestARegistrationChoosesOneOfTheAirlinesHubsAsHome(t *testing.T) {
	r := newRunner(t)
	m, other := newMembership(t, r), newMembership(t, r)
	m.users.Hubs = hubsOf{m.airline: {"EGLL", "LPPT"}, other.airline: {"KJFK"}}
	ctx := context.Background()
	person := func(email, home string) domain.Person {
		return domain.Person{Name: "Ana Pilot", Email: email, Country: "PT", Password: "a long enough password", HomeAirport: home}
	}
	for _, c := range []struct{ home, want string }{
		{"", "Choose your home hub."},
		{"LPPR", "LPPR is not one of this airline's hubs."},
		{"KJFK", "KJFK is not one of this airline's hubs."}, // the other airline's hub
	} {
		_, _, err := m.users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, m.airline, person("hub@example.com", c.home))
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)["home_airport"] != c.want {
			t.Errorf("home %q: %v (%v), want %q on home_airport", c.home, err, domain.ErrorFields(err), c.want)
		}
	}
	// Nothing was written: the email is still free.
	id, _, err := m.users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, m.airline, person("hub@example.com", " lppt "))
	if err != nil {
		t.Fatalf("register with a hub: %v", err)
	}
	if e := m.registered(t, id); e.HomeAirport == nil || *e.HomeAirport != "LPPT" {
		t.Errorf("event's home airport %v, want LPPT", e.HomeAirport)
	}

	// An airline with no hubs asks for none, and takes none.
	m.users.Hubs = hubsOf{}
	id, _, err = m.users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, m.airline, person("nohub@example.com", ""))
	if err != nil {
		t.Fatalf("register without hubs: %v", err)
	}
	if e := m.registered(t, id); e.HomeAirport != nil {
		t.Errorf("event's home airport %q, want none", *e.HomeAirport)
	}
	_, _, err = m.users.Register(ctx, domain.CommandMeta{ID: domain.NewUUID()}, m.airline, person("nohub2@example.com", "EGLL"))
	if domain.ErrorFields(err)["home_airport"] == "" {
		t.Errorf("a home hub at an airline without hubs: %v, want it refused", err)
	}
}
