package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds an airline's fares and expenses, phpVMS's fares and
// expenses tables: kept now for the finances to come, and the fares'
// capacities already give SimBrief its passengers and cargo.

// FareStreamPrefix and ExpenseStreamPrefix start the stream ids of an
// airline's fares and expenses.
const (
	FareStreamPrefix    = "fare-"
	ExpenseStreamPrefix = "expense-"
)

// FareStream is the stream of an airline's fare: one per code, so two
// saves of one code meet in one stream.
func FareStream(airlineID, code string) string { return FareStreamPrefix + airlineID + "-" + code }

// The fare types, phpVMS's FareType.
const (
	FarePassenger int32 = 0
	FareCargo     int32 = 1
)

// Fare is one of an airline's fares, as phpVMS's fares table keeps it.
type Fare struct {
	Code     string // unique within the airline, for example Y
	Name     string
	Type     int32 // FarePassenger or FareCargo
	Price    int64 // minor units (cents) of the airline's currency
	Cost     int64
	Capacity int32 // seats, or the cargo's weight
	Notes    string
	Active   bool
}

// fareCodePattern is a fare's code as phpVMS's fares have it (varchar 50).
var fareCodePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,50}$`)

// ValidFareCode says whether s is shaped like a fare's code.
func ValidFareCode(s string) bool { return fareCodePattern.MatchString(s) }

// Bounds of a fare, phpVMS's column sizes.
const (
	fareNameMax     = 50
	fareNotesMax    = 191
	fareCapacityMax = 1_000_000
	moneyMax        = 100_000_000_00 // phpVMS's decimal(8,2) is below a million; a little room
)

// Validate trims the fare's text and returns an EInvalid error naming each
// bad field, or nil.
func (f *Fare) Validate() error {
	m := map[string]string{}
	f.Code = strings.TrimSpace(f.Code)
	if !ValidFareCode(f.Code) {
		m["code"] = "The code is 1 to 50 letters, digits, hyphens or underscores, for example Y."
	}
	checkRequiredLine(m, "name", &f.Name, fareNameMax, "Enter the fare's name, for example Economy.")
	if f.Type != FarePassenger && f.Type != FareCargo {
		m["type"] = "The type is 0 (passengers) or 1 (cargo)."
	}
	if f.Price < 0 || f.Price > moneyMax {
		m["price"] = "The price is an amount of 0 or more."
	}
	if f.Cost < 0 || f.Cost > moneyMax {
		m["cost"] = "The cost is an amount of 0 or more."
	}
	if f.Capacity < 0 || f.Capacity > fareCapacityMax {
		m["capacity"] = fmt.Sprintf("The capacity is a whole number from 0 to %d.", fareCapacityMax)
	}
	CheckLine(m, "notes", &f.Notes, fareNotesMax)
	return Invalid(m)
}

// FareFromEvent reads the fare a FareSaved carries.
func FareFromEvent(e *eventsv1.FareSaved) Fare {
	return Fare{Code: e.Code, Name: e.Name, Type: e.Type, Price: e.PriceCents, Cost: e.CostCents, Capacity: e.Capacity,
		Notes: e.Notes, Active: e.Active}
}

// fareAggregate is one fare's stream.
type fareAggregate struct {
	saved bool
	fare  Fare
}

// Apply folds one stored event into the fare.
func (a *fareAggregate) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.FareSaved)
	if !ok {
		return fmt.Errorf("fare: unexpected event %T", ev)
	}
	a.saved, a.fare = true, FareFromEvent(e)
	return nil
}

// Fares runs the commands on an airline's fares.
type Fares struct {
	Runner *Runner
}

// Save adds the fare or changes it to f, as an import row asks; a fare
// equal to the one saved appends nothing.
func (s *Fares) Save(ctx context.Context, meta CommandMeta, airlineID string, f Fare) (Outcome, AppendResult, error) {
	if err := f.Validate(); err != nil {
		return Unchanged, AppendResult{}, err
	}
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return Unchanged, AppendResult{}, err
	}
	var outcome Outcome
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: FareStream(airlineID, f.Code), TenantID: airlineID}, meta,
		func() *fareAggregate { return &fareAggregate{} },
		func(a *fareAggregate, _ int64) (Decision, error) {
			switch {
			case a.saved && a.fare == f:
				outcome = Unchanged
				return Decision{}, nil
			case a.saved:
				outcome = Updated
			default:
				if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
					return Decision{}, err
				}
				outcome = Created
			}
			return Decision{Events: []proto.Message{&eventsv1.FareSaved{TenantId: airlineID, Code: f.Code, Name: f.Name,
				Type: f.Type, PriceCents: f.Price, CostCents: f.Cost, Capacity: f.Capacity, Notes: f.Notes, Active: f.Active,
				Created: outcome == Created, SavedAt: timestamppb.New(s.Runner.now())}}}, nil
		})
	return outcome, res, err
}

// The expense types, phpVMS's ExpenseType.
const (
	ExpensePerFlight = "F"
	ExpenseDaily     = "D"
	ExpenseMonthly   = "M"
)

// Expense is one of an airline's expenses, as phpVMS's expenses table
// keeps it. An expense is known by its name and what it belongs to
// (RefModel and RefModelID): phpVMS's file has no id, and one name (say
// Catering) may be an expense of several subfleets.
type Expense struct {
	Airline      string // the airline's ICAO code; "" for the whole airline
	Name         string
	Amount       int64 // minor units
	Type         string
	FlightType   string // phpVMS's flight type codes it applies to, as written; "" for all
	ChargeToUser bool
	Multiplier   bool
	Active       bool
	RefModel     string // phpVMS's model class, as written: Subfleet, App\Models\Aircraft; "" for none
	RefModelID   string // that record's id, as written
}

// Key is what names the expense within the airline.
func (e Expense) Key() string {
	sum := sha256.Sum256([]byte(e.Name + "\x00" + e.RefModel + "\x00" + e.RefModelID))
	return hex.EncodeToString(sum[:16])
}

// ExpenseStream is the stream of an airline's expense of a key.
func ExpenseStream(airlineID, key string) string { return ExpenseStreamPrefix + airlineID + "-" + key }

// Validate trims the expense's text and returns an EInvalid error naming
// each bad field, or nil.
func (e *Expense) Validate() error {
	m := map[string]string{}
	e.Airline = strings.ToUpper(strings.TrimSpace(e.Airline))
	if e.Airline != "" && !icaoPattern.MatchString(e.Airline) {
		m["airline"] = "The airline is its 3-letter ICAO code, or empty for the whole airline."
	}
	checkRequiredLine(m, "name", &e.Name, 191, "Enter the expense's name, for example Catering.")
	if e.Amount < 0 || e.Amount > moneyMax {
		m["amount"] = "The amount is 0 or more."
	}
	switch e.Type {
	case ExpensePerFlight, ExpenseDaily, ExpenseMonthly:
	default:
		m["type"] = "The type is F (per flight), D (daily) or M (monthly)."
	}
	CheckLine(m, "flight_type", &e.FlightType, 50)
	CheckLine(m, "ref_model", &e.RefModel, 191)
	CheckLine(m, "ref_model_id", &e.RefModelID, 191)
	if e.RefModel == "" && e.RefModelID != "" {
		m["ref_model"] = "Name what the expense belongs to (Subfleet, App\\Models\\Aircraft …) with its id."
	}
	return Invalid(m)
}

// ExpenseFromEvent reads the expense an ExpenseSaved carries.
func ExpenseFromEvent(e *eventsv1.ExpenseSaved) Expense {
	return Expense{Airline: e.Airline, Name: e.Name, Amount: e.AmountCents, Type: e.Type, FlightType: e.FlightType,
		ChargeToUser: e.ChargeToUser, Multiplier: e.Multiplier, Active: e.Active, RefModel: e.RefModel, RefModelID: e.RefModelId}
}

type expenseAggregate struct {
	saved   bool
	expense Expense
}

// Apply folds one stored event into the expense.
func (a *expenseAggregate) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.ExpenseSaved)
	if !ok {
		return fmt.Errorf("expense: unexpected event %T", ev)
	}
	a.saved, a.expense = true, ExpenseFromEvent(e)
	return nil
}

// Expenses runs the commands on an airline's expenses.
type Expenses struct {
	Runner *Runner
}

// Save adds the expense or changes it to x; an expense equal to the one
// saved appends nothing.
func (s *Expenses) Save(ctx context.Context, meta CommandMeta, airlineID string, x Expense) (Outcome, AppendResult, error) {
	if err := x.Validate(); err != nil {
		return Unchanged, AppendResult{}, err
	}
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return Unchanged, AppendResult{}, err
	}
	key := x.Key()
	var outcome Outcome
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: ExpenseStream(airlineID, key), TenantID: airlineID}, meta,
		func() *expenseAggregate { return &expenseAggregate{} },
		func(a *expenseAggregate, _ int64) (Decision, error) {
			switch {
			case a.saved && a.expense == x:
				outcome = Unchanged
				return Decision{}, nil
			case a.saved:
				outcome = Updated
			default:
				if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
					return Decision{}, err
				}
				outcome = Created
			}
			return Decision{Events: []proto.Message{&eventsv1.ExpenseSaved{TenantId: airlineID, Key: key, Airline: x.Airline,
				Name: x.Name, AmountCents: x.Amount, Type: x.Type, FlightType: x.FlightType, ChargeToUser: x.ChargeToUser,
				Multiplier: x.Multiplier, Active: x.Active, RefModel: x.RefModel, RefModelId: x.RefModelID,
				Created: outcome == Created, SavedAt: timestamppb.New(s.Runner.now())}}}, nil
		})
	return outcome, res, err
}

// FareOverride is one fare of a subfleet's or a flight's fares cell
// (phpVMS's subfleet_fare and flight_fare): its code and the values that
// override the fare's, each as written ("" keeps the fare's).
type FareOverride struct {
	Code                  string
	Price, Cost, Capacity string
}

// ParseFareOverrides reads phpVMS's fares cell ("Y;B?capacity=100&
// price=500%"); parts it cannot read are left out (the import refused
// them before they were kept).
func ParseFareOverrides(cell string) []FareOverride {
	var out []FareOverride
	for _, part := range strings.Split(cell, ";") {
		code, query, _ := strings.Cut(strings.TrimSpace(part), "?")
		code = strings.TrimSpace(code)
		if !ValidFareCode(code) {
			continue
		}
		o := FareOverride{Code: code}
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch v = strings.TrimSpace(v); strings.TrimSpace(k) {
			case "price":
				o.Price = v
			case "cost":
				o.Cost = v
			case "capacity":
				o.Capacity = v
			}
		}
		out = append(out, o)
	}
	return out
}

// ApplyAmountOrPercent is phpVMS's Math::applyAmountOrPercent: an empty
// override keeps base; a number replaces it; a number with a trailing %
// changes base by that percentage (Math::addPercent: "20%" is base × 1.2,
// "-20%" base × 0.8, "200%" base × 3).
func ApplyAmountOrPercent(base float64, override string) float64 {
	override = strings.TrimSpace(override)
	if override == "" {
		return base
	}
	pct, isPct := strings.CutSuffix(override, "%")
	x, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return base
	}
	if !isPct {
		return x
	}
	return base + base*x/100
}

// FareCapacity is a fare's capacity as a flight in a subfleet has it: the
// flight's override first, then the subfleet's, then the fare's own, as
// phpVMS reconciles them (the flight's value, else the subfleet's, else
// the fare's). A percentage applies to the fare's own capacity.
func FareCapacity(f Fare, subfleet, flight []FareOverride) float64 {
	find := func(list []FareOverride) (FareOverride, bool) {
		for _, o := range list {
			if o.Code == f.Code {
				return o, true
			}
		}
		return FareOverride{}, false
	}
	if o, ok := find(flight); ok && o.Capacity != "" {
		return ApplyAmountOrPercent(float64(f.Capacity), o.Capacity)
	}
	if o, ok := find(subfleet); ok && o.Capacity != "" {
		return ApplyAmountOrPercent(float64(f.Capacity), o.Capacity)
	}
	return float64(f.Capacity)
}

// Load is what SimBrief is asked to carry.
type Load struct {
	Pax   int32   // passengers
	Cargo float64 // the cargo's weight, in the airline's weight unit
}

// Default load factors, phpVMS's settings flights.default_load_factor
// and flights.load_factor_variance as seeded (percent), used when a
// flight sets none.
const (
	DefaultLoadFactor         = 82
	DefaultLoadFactorVariance = 5
)

// LoadFor is SimBrief's load for a flight in a subfleet. The fares
// carried are those the subfleet's and the flight's fares cells name (as
// phpVMS reconciles a flight's fares with its subfleet's), active ones
// only; for each, its capacity (FareCapacity) times the load factor varied
// by up to ±variance percentage points (drawn by pick among the whole
// numbers between the bounds, as phpVMS's rand does), rounded; passenger
// fares make the passengers, cargo fares the cargo. A load factor of 0 is
// DefaultLoadFactor with DefaultLoadFactorVariance. pick(n) returns a
// number in [0, n). With no fare carried the load is zero: SimBrief's own.
func LoadFor(fares []Fare, subfleetCell, flightCell string, loadFactor, variance float64, pick func(n int) int) Load {
	if loadFactor <= 0 {
		loadFactor, variance = DefaultLoadFactor, DefaultLoadFactorVariance
	}
	sub, fl := ParseFareOverrides(subfleetCell), ParseFareOverrides(flightCell)
	carried := map[string]bool{}
	for _, o := range append(slices.Clone(sub), fl...) {
		carried[o.Code] = true
	}
	low := math.Max(0, math.Round(loadFactor-math.Abs(variance)))
	high := math.Min(100, math.Round(loadFactor+math.Abs(variance)))
	if high < low {
		high = low
	}
	var load Load
	for _, f := range fares {
		if !f.Active || !carried[f.Code] {
			continue
		}
		factor := low
		if span := int(high - low); span > 0 && pick != nil {
			factor += float64(pick(span + 1))
		}
		n := math.Max(0, math.Round(FareCapacity(f, sub, fl)*factor/100))
		if f.Type == FareCargo {
			load.Cargo += n
		} else {
			load.Pax += int32(n)
		}
	}
	return load
}
