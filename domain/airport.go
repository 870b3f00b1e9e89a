package domain

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// AirportStreamPrefix starts every airport stream id.
const AirportStreamPrefix = "airport-"

// AirportStream returns the stream of one airport of an airline. The id is
// made of the airline and the ICAO code, so the same airport cannot be added
// to an airline twice, even by two staff members at once: the second append
// meets a stream that exists.
func AirportStream(airlineID, icao string) string {
	return AirportStreamPrefix + airlineID + "-" + icao
}

// AirportDetails is an airport as an airline keeps it: the fields of
// phpVMS's airports, in its units (feet, the airline's currency).
type AirportDetails struct {
	ICAO      string
	IATA      string
	Name      string
	City      string // phpVMS's "location"
	Region    string
	Country   string // ISO 3166-1 alpha-2, or empty
	Timezone  string // an IANA zone such as Europe/London, or empty
	Hub       bool
	Latitude  float64
	Longitude float64
	Elevation int32 // feet

	GroundHandlingCost float64
	Fuel100LLCost      float64
	FuelJetACost       float64
	FuelMogasCost      float64
	Notes              string
}

var (
	airportICAOPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{3}$`)
	airportIATAPattern = regexp.MustCompile(`^[A-Z0-9]{3}$`)
	timezonePattern    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$`)
)

// ICAOMessage explains what an ICAO code of an airport looks like.
const ICAOMessage = "is not an ICAO code: 4 letters or digits starting with a letter, for example EGLL"

// ValidAirportICAO reports whether s is shaped like an airport's ICAO code.
func ValidAirportICAO(s string) bool { return airportICAOPattern.MatchString(s) }

// Normalize trims the fields and puts codes in the case they are stored in.
func (d *AirportDetails) Normalize() {
	d.ICAO = strings.ToUpper(strings.TrimSpace(d.ICAO))
	d.IATA = strings.ToUpper(strings.TrimSpace(d.IATA))
	d.Name = strings.TrimSpace(d.Name)
	d.City = strings.TrimSpace(d.City)
	d.Region = strings.TrimSpace(d.Region)
	d.Country = strings.ToUpper(strings.TrimSpace(d.Country))
	d.Timezone = strings.TrimSpace(d.Timezone)
	d.Notes = strings.TrimSpace(d.Notes)
}

// Validate returns an EInvalid error naming each bad field, or nil. The
// field names are the form's and the CSV file's.
func (d AirportDetails) Validate() error {
	f := map[string]string{}
	if !airportICAOPattern.MatchString(d.ICAO) {
		f["icao"] = fmt.Sprintf("%q %s.", d.ICAO, ICAOMessage)
	}
	if d.IATA != "" && !airportIATAPattern.MatchString(d.IATA) {
		f["iata"] = fmt.Sprintf("%q is not an IATA code: 3 letters or digits, for example LHR, or empty.", d.IATA)
	}
	checkRequiredLine(f, "name", &d.Name, 100, "Enter the airport's name.")
	CheckLine(f, "location", &d.City, 100)
	CheckLine(f, "region", &d.Region, 100)
	if d.Country != "" && !countryPattern.MatchString(d.Country) {
		f["country"] = fmt.Sprintf("%q is not a country code: two letters, for example GB, or empty.", d.Country)
	}
	if d.Timezone != "" && !timezonePattern.MatchString(d.Timezone) {
		f["timezone"] = fmt.Sprintf("%q is not a time zone such as Europe/London.", d.Timezone)
	}
	if math.IsNaN(d.Latitude) || d.Latitude < -90 || d.Latitude > 90 {
		f["lat"] = "The latitude is a number from -90 to 90."
	}
	if math.IsNaN(d.Longitude) || d.Longitude < -180 || d.Longitude > 180 {
		f["lon"] = "The longitude is a number from -180 to 180."
	}
	if d.Elevation < -1500 || d.Elevation > 30000 {
		f["elevation"] = "The elevation is in feet, from -1500 to 30000."
	}
	for name, v := range map[string]float64{"ground_handling_cost": d.GroundHandlingCost, "fuel_100ll_cost": d.Fuel100LLCost,
		"fuel_jeta_cost": d.FuelJetACost, "fuel_mogas_cost": d.FuelMogasCost} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			f[name] = "A cost is a number of 0 or more."
		}
	}
	CheckMultiline(f, "notes", &d.Notes, 2000)
	return Invalid(f)
}

// AirportDetailsFromEvent reads the state an airport event carries.
func AirportDetailsFromEvent(s *eventsv1.AirportAdded_State) AirportDetails {
	return AirportDetails{ICAO: s.GetIcao(), IATA: s.GetIata(), Name: s.GetName(), City: s.GetCity(), Region: s.GetRegion(),
		Country: s.GetCountry(), Timezone: s.GetTimezone(), Hub: s.GetHub(), Latitude: s.GetLatitude(), Longitude: s.GetLongitude(),
		Elevation: s.GetElevationFt(), GroundHandlingCost: s.GetGroundHandlingCost(), Fuel100LLCost: s.GetFuel_100LlCost(),
		FuelJetACost: s.GetFuelJetaCost(), FuelMogasCost: s.GetFuelMogasCost(), Notes: s.GetNotes()}
}

func (d AirportDetails) state() *eventsv1.AirportAdded_State {
	return &eventsv1.AirportAdded_State{Icao: d.ICAO, Iata: d.IATA, Name: d.Name, City: d.City, Region: d.Region,
		Country: d.Country, Timezone: d.Timezone, Hub: d.Hub, Latitude: d.Latitude, Longitude: d.Longitude,
		ElevationFt: d.Elevation, GroundHandlingCost: d.GroundHandlingCost, Fuel_100LlCost: d.Fuel100LLCost,
		FuelJetaCost: d.FuelJetACost, FuelMogasCost: d.FuelMogasCost, Notes: d.Notes}
}

// Airport is the airport aggregate: one airport in one airline's list.
type Airport struct {
	Added   bool
	Airline string
	AirportDetails
}

// Apply folds one stored event into the airport.
func (a *Airport) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.AirportAdded:
		a.Added, a.Airline, a.AirportDetails = true, e.AirlineId, AirportDetailsFromEvent(e.Airport)
	case *eventsv1.AirportChanged:
		a.AirportDetails = AirportDetailsFromEvent(e.Airport)
	default:
		return fmt.Errorf("airport: unexpected event %T", ev)
	}
	return nil
}

// Outcome says what a command did to a record: an import counts them.
type Outcome int

// The outcomes of a save.
const (
	Unchanged Outcome = iota // the record was as asked: no event
	Created                  // a new record
	Updated                  // an existing record changed
)

// Airports runs the commands on an airline's airports.
type Airports struct {
	Runner *Runner
}

// Add puts an airport in the airline's list; one already there is a
// conflict. The caller fills the details (from the world reference and the
// form); they are validated here.
func (s *Airports) Add(ctx context.Context, meta CommandMeta, airlineID string, d AirportDetails) (AppendResult, error) {
	_, res, err := s.run(ctx, meta, airlineID, d, func(a *Airport) (Outcome, error) {
		if a.Added {
			return Unchanged, FieldError(EConflict, "icao", fmt.Sprintf("%s is already in your airports.", d.ICAO))
		}
		return Created, nil
	})
	return res, err
}

// Change replaces an airport's details; the same details change nothing.
func (s *Airports) Change(ctx context.Context, meta CommandMeta, airlineID string, d AirportDetails) (AppendResult, error) {
	_, res, err := s.run(ctx, meta, airlineID, d, func(a *Airport) (Outcome, error) {
		if !a.Added {
			return Unchanged, Errorf(ENotFound, "%s is not in your airports.", d.ICAO)
		}
		return Updated, nil
	})
	return res, err
}

// SetHub marks an airport a hub of the airline, or not.
func (s *Airports) SetHub(ctx context.Context, meta CommandMeta, airlineID, icao string, hub bool) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return AppendResult{}, err
	}
	icao = strings.ToUpper(strings.TrimSpace(icao))
	return Execute(ctx, s.Runner, StreamRef{StreamID: AirportStream(airlineID, icao), TenantID: airlineID}, meta,
		func() *Airport { return &Airport{} },
		func(a *Airport, _ int64) (Decision, error) {
			if !a.Added {
				return Decision{}, Errorf(ENotFound, "%s is not in your airports.", icao)
			}
			if a.Hub == hub {
				return Decision{}, nil
			}
			d := a.AirportDetails
			d.Hub = hub
			return Decision{Events: []proto.Message{&eventsv1.AirportChanged{AirlineId: airlineID, Airport: d.state(),
				ChangedAt: timestamppb.New(s.Runner.now())}}}, nil
		})
}

// Save adds the airport or changes it to d, as an import row asks; a row
// equal to the airport as it is appends nothing, so importing a file twice
// records nothing the second time.
func (s *Airports) Save(ctx context.Context, meta CommandMeta, airlineID string, d AirportDetails) (Outcome, AppendResult, error) {
	return s.run(ctx, meta, airlineID, d, func(a *Airport) (Outcome, error) {
		if a.Added {
			return Updated, nil
		}
		return Created, nil
	})
}

// run validates d, authorizes, and appends AirportAdded or AirportChanged
// as check decides, or nothing when the airport already equals d.
func (s *Airports) run(ctx context.Context, meta CommandMeta, airlineID string, d AirportDetails,
	check func(a *Airport) (Outcome, error)) (Outcome, AppendResult, error) {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return Unchanged, AppendResult{}, err
	}
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return Unchanged, AppendResult{}, err
	}
	var outcome Outcome // of the attempt that succeeded
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AirportStream(airlineID, d.ICAO), TenantID: airlineID}, meta,
		func() *Airport { return &Airport{} },
		func(a *Airport, _ int64) (Decision, error) {
			var err error
			outcome, err = check(a)
			if err != nil {
				return Decision{}, err
			}
			now := timestamppb.New(s.Runner.now())
			switch {
			case outcome == Created:
				if err := s.airlineExists(ctx, airlineID); err != nil {
					return Decision{}, err
				}
				return Decision{Events: []proto.Message{&eventsv1.AirportAdded{AirlineId: airlineID, Airport: d.state(), AddedAt: now}}}, nil
			case a.AirportDetails == d:
				outcome = Unchanged
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.AirportChanged{AirlineId: airlineID, Airport: d.state(), ChangedAt: now}}}, nil
		})
	return outcome, res, err
}

// airlineExists refuses an airport for an airline that does not exist (a
// platform admin may act in any airline, so the id is not proof).
func (s *Airports) airlineExists(ctx context.Context, airlineID string) error {
	_, err := s.Runner.loadAirline(ctx, airlineID)
	return err
}
