package domain_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

func streamLength(t *testing.T, r *domain.Runner, stream string) int {
	t.Helper()
	recs, err := r.Store.ReadStream(context.Background(), stream, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// A fare save creates, then changes, and a save of the same fare appends
// nothing; a bad fare is refused by field; a pilot or another airline's
// admin may not save one.
func TestFareSave(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	other := newMembership(t, r)
	s := &domain.Fares{Runner: r}
	ctx := context.Background()
	meta := domain.CommandMeta{Who: m.admin}
	y := domain.Fare{Code: " Y ", Name: "Economy", Price: 10000, Capacity: 200, Notes: "This is the economy class", Active: true}
	stream := domain.FareStream(m.airline, "Y")
	for i, want := range []domain.Outcome{domain.Created, domain.Unchanged} {
		if got, _, err := s.Save(ctx, meta, m.airline, y); err != nil || got != want {
			t.Fatalf("save %d: %v, %v; want %v", i+1, got, err, want)
		}
	}
	if n := streamLength(t, r, stream); n != 1 {
		t.Errorf("two saves of one fare appended %d events, want 1", n)
	}
	y.Capacity = 180
	if got, _, err := s.Save(ctx, meta, m.airline, y); err != nil || got != domain.Updated {
		t.Errorf("a changed capacity: %v, %v; want updated", got, err)
	}
	_, _, err := s.Save(ctx, meta, m.airline, domain.Fare{Code: "Y?", Name: "", Type: 2, Price: -1, Capacity: -5})
	for _, field := range []string{"code", "name", "type", "price", "capacity"} {
		if domain.ErrorFields(err)[field] == "" {
			t.Errorf("a bad fare: no message for %s (%v)", field, err)
		}
	}
	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	if _, _, err := s.Save(ctx, domain.CommandMeta{Who: pilot}, m.airline, domain.Fare{Code: "F", Name: "First"}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot saves a fare: %v, want forbidden", err)
	}
	if _, _, err := s.Save(ctx, domain.CommandMeta{Who: other.admin}, m.airline, domain.Fare{Code: "F", Name: "First"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin saves a fare: %v, want not found", err)
	}
	if n := streamLength(t, r, domain.FareStream(m.airline, "F")); n != 0 {
		t.Errorf("refused saves appended %d events", n)
	}
}

// An expense is known by its name and what it belongs to: the same name
// on two subfleets is two expenses; a save of the same appends nothing.
func TestExpenseSave(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	s := &domain.Expenses{Runner: r}
	ctx := context.Background()
	meta := domain.CommandMeta{Who: m.admin}
	a := domain.Expense{Name: "Catering", Amount: 100000, Type: domain.ExpensePerFlight, FlightType: "J", Active: true,
		RefModel: "Subfleet", RefModelID: "744-3X-RB211"}
	b := a
	b.RefModelID = "A32X"
	for _, x := range []domain.Expense{a, b} {
		if got, _, err := s.Save(ctx, meta, m.airline, x); err != nil || got != domain.Created {
			t.Fatalf("save %+v: %v, %v; want created", x, got, err)
		}
	}
	if got, _, err := s.Save(ctx, meta, m.airline, a); err != nil || got != domain.Unchanged {
		t.Errorf("the same expense again: %v, %v; want unchanged", got, err)
	}
	if n := streamLength(t, r, domain.ExpenseStream(m.airline, a.Key())); n != 1 {
		t.Errorf("the expense's stream has %d events, want 1", n)
	}
	_, _, err := s.Save(ctx, meta, m.airline, domain.Expense{Airline: "V1", Name: "x", Type: "Q", RefModelID: "7"})
	for _, field := range []string{"airline", "type", "ref_model"} {
		if domain.ErrorFields(err)[field] == "" {
			t.Errorf("a bad expense: no message for %s (%v)", field, err)
		}
	}
}

// SimBrief's load follows phpVMS: the flight's override of a capacity,
// else the subfleet's, else the fare's own; a percentage changes the
// fare's own value by it; the load factor varies by the variance as the
// random source picks; inactive fares and fares neither names are not
// carried; a load factor of 0 is phpVMS's default.
func TestLoadFor(t *testing.T) {
	fares := []domain.Fare{
		{Code: "Y", Type: domain.FarePassenger, Capacity: 200, Active: true},
		{Code: "B", Type: domain.FarePassenger, Capacity: 10, Active: true},
		{Code: "F", Type: domain.FarePassenger, Capacity: 5, Active: false},
		{Code: "C", Type: domain.FareCargo, Capacity: 10000, Active: true},
		{Code: "X", Type: domain.FarePassenger, Capacity: 999, Active: true},
	}
	low := func(int) int { return 0 }
	high := func(n int) int { return n - 1 }
	for name, c := range map[string]struct {
		sub, flight string
		lf, lfv     float64
		pick        func(int) int
		want        domain.Load
	}{
		// Y 200 and B overridden to 100 (the subfleet's), C 10000: 80%.
		"subfleet override":         {"Y;B?capacity=100&price=500%;F;C", "", 80, 0, low, domain.Load{Pax: 240, Cargo: 8000}},
		"flight override wins":      {"Y;B?capacity=100", "B?capacity=20", 50, 0, low, domain.Load{Pax: 110}},
		"percentage of the fare":    {"Y?capacity=50%", "", 100, 0, low, domain.Load{Pax: 300}},
		"variance low":              {"Y", "", 80, 5, low, domain.Load{Pax: 150}},
		"variance high":             {"Y", "", 80, 5, high, domain.Load{Pax: 170}},
		"variance capped at 100":    {"Y", "", 98, 5, high, domain.Load{Pax: 200}},
		"flight's fares only":       {"", "Y;C", 100, 0, low, domain.Load{Pax: 200, Cargo: 10000}},
		"default load factor":       {"Y", "", 0, 0, low, domain.Load{Pax: 154}},  // 77% of 200
		"default load factor, high": {"Y", "", 0, 0, high, domain.Load{Pax: 174}}, // 87%
		"no fares":                  {"", "", 80, 5, low, domain.Load{}},
		"rounded":                   {"B", "", 85, 0, low, domain.Load{Pax: 9}}, // 8.5
	} {
		if got := domain.LoadFor(fares, c.sub, c.flight, c.lf, c.lfv, c.pick); got != c.want {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
	}
}

func TestApplyAmountOrPercent(t *testing.T) {
	for _, c := range []struct {
		base     float64
		override string
		want     float64
	}{{100, "", 100}, {100, "500", 500}, {100, "20%", 120}, {100, "-20%", 80}, {10, "200%", 30}, {100, "x", 100}} {
		if got := domain.ApplyAmountOrPercent(c.base, c.override); got != c.want {
			t.Errorf("ApplyAmountOrPercent(%v, %q) = %v, want %v", c.base, c.override, got, c.want)
		}
	}
}

// A subfleet keeps phpVMS's fares cell of a subfleets file: a save with
// SetFares changes it, the subfleet form's edit (without) keeps it, and a
// save of the same cell appends nothing.
func TestSubfleetFaresAreKeptByTheFormEdit(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	f := newFleet(m)
	ctx := context.Background()
	meta := domain.CommandMeta{Who: m.admin}
	sf := domain.Subfleet{Type: "A32X", ICAO: "A320", Name: "Airbus A320", HubID: "KAUS", Fares: "Y;B?capacity=100&price=500%", SetFares: true}
	id, _, err := f.CreateSubfleet(ctx, meta, m.airline, sf)
	if err != nil {
		t.Fatal(err)
	}
	state := func() domain.SubfleetState {
		t.Helper()
		s := domain.SubfleetState{}
		recs, err := r.Store.ReadStream(ctx, domain.SubfleetStream(id), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			msg, err := r.Registry.Decode(rec.Type, rec.Data)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Apply(msg); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	if res, err := f.ChangeSubfleet(ctx, meta, m.airline, id, sf); err != nil || res.Position != domain.Start {
		t.Errorf("the same subfleet and fares again: %v, %v; want nothing appended", res, err)
	}
	form := domain.Subfleet{Type: "A32X", ICAO: "A320", Name: "Airbus A320neo", HubID: "KAUS"}
	if _, err := f.ChangeSubfleet(ctx, meta, m.airline, id, form); err != nil {
		t.Fatal(err)
	}
	if s := state(); s.Name != "Airbus A320neo" || s.Fares != "Y;B?capacity=100&price=500%" {
		t.Errorf("after the form's edit: %q fares %q, want the fares kept", s.Name, s.Fares)
	}
	form.Fares, form.SetFares = "", true
	if _, err := f.ChangeSubfleet(ctx, meta, m.airline, id, form); err != nil {
		t.Fatal(err)
	}
	if s := state(); s.Fares != "" {
		t.Errorf("after a file without fares: %q, want none", s.Fares)
	}
}
