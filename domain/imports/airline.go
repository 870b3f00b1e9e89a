package imports

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/domain"
)

// Airline is what checking a subfleets, aircraft or flights file needs to
// know of the airline: its airports, subfleets and aircraft as they are
// when the file is checked. Files are imported in the order airports,
// subfleets, aircraft, flights, each one's job done before the next is
// checked, so a row may name only what the earlier files (or the forms)
// made. It is also the flights' domain.Directories while a file is
// applied, so applying asks no read model per row.
type Airline struct {
	ID        string
	ICAO      string
	Airports  map[string]domain.AirportPosition // by ICAO code
	Subfleets map[string]SubfleetRef            // by type code
	Aircraft  map[string]string                 // aircraft id by registration
	byID      map[string]SubfleetRef

	// Reference, when set, finds an airport in the world reference: a row
	// that names an airport the airline lacks adds it from there, as
	// phpVMS looks up and adds the airports its files name.
	Reference func(icao string) (domain.AirportDetails, bool)
	// NewAirports are the airports the checked rows named that the
	// airline lacks and Reference has, in the order first named; applying
	// the file adds them first.
	NewAirports []domain.AirportDetails
	// NewSubfleets are the subfleets the checked flights named that the
	// airline lacks, as phpVMS creates them (type and name the code, at
	// the first flight's departure airport); applying adds them first.
	NewSubfleets []domain.Subfleet
	// missing are the rows' problems that name a record the airline
	// lacks, by message (Summarize).
	missing map[string]missingRef
}

// SubfleetRef is one of the airline's subfleets.
type SubfleetRef struct {
	ID, Type, ICAO, HubID string
}

// NewAirline returns an empty Airline to fill with AddAirport and
// AddSubfleet.
func NewAirline(id, icao string) *Airline {
	return &Airline{ID: id, ICAO: icao, Airports: map[string]domain.AirportPosition{},
		Subfleets: map[string]SubfleetRef{}, Aircraft: map[string]string{}, byID: map[string]SubfleetRef{}}
}

// AddSubfleet records one of the airline's subfleets.
func (a *Airline) AddSubfleet(s SubfleetRef) {
	a.Subfleets[s.Type] = s
	a.byID[s.ID] = s
}

// SubfleetByID returns the subfleet with the id.
func (a *Airline) SubfleetByID(id string) (SubfleetRef, bool) {
	s, ok := a.byID[id]
	return s, ok
}

var _ domain.Directories = (*Airline)(nil)

// LocateAirport implements domain.AirportDirectory.
func (a *Airline) LocateAirport(_ context.Context, tenantID, icao string) (domain.AirportPosition, error) {
	p, ok := a.Airports[icao]
	if !ok || tenantID != a.ID {
		return domain.AirportPosition{}, domain.Errorf(domain.ENotFound, "There is no airport %s in this airline.", icao)
	}
	return p, nil
}

// SubfleetType implements domain.SubfleetDirectory.
func (a *Airline) SubfleetType(_ context.Context, tenantID, id string) (string, error) {
	s, ok := a.byID[id]
	if !ok || tenantID != a.ID {
		return "", domain.Errorf(domain.ENotFound, "There is no subfleet %s in this airline.", id)
	}
	return s.ICAO, nil
}

// airport checks that a row's airport column names one of the airline's
// airports; empty is fine unless required.
func (a *Airline) airport(f map[string]string, col, icao string, required bool) {
	switch {
	case icao == "" && required:
		f[col] = "This column is required."
	case icao == "" || f[col] != "":
	case !a.hasAirport(icao) && a.fromReference(icao):
	case !a.hasAirport(icao):
		f[col] = fmt.Sprintf("unknown airport %q: the airline has no such airport and the world reference does not know it; import or add it first.", icao)
		a.noteMissing(f[col], "airports", icao)
	}
}

// mark is how far the airline's planned additions are, so that a row
// with problems can take back what it planned (undo).
type mark struct{ airports, subfleets int }

func (a *Airline) mark() mark { return mark{len(a.NewAirports), len(a.NewSubfleets)} }

// undo forgets the additions planned since m: a refused row adds nothing,
// even when the file's valid rows are imported.
func (a *Airline) undo(m mark) {
	for _, d := range a.NewAirports[m.airports:] {
		delete(a.Airports, d.ICAO)
	}
	for _, s := range a.NewSubfleets[m.subfleets:] {
		delete(a.Subfleets, s.Type)
	}
	a.NewAirports, a.NewSubfleets = a.NewAirports[:m.airports], a.NewSubfleets[:m.subfleets]
}

// fromReference takes an airport the airline lacks from the world
// reference, to be added when the file is applied.
func (a *Airline) fromReference(icao string) bool {
	if a.Reference == nil {
		return false
	}
	d, ok := a.Reference(icao)
	if !ok || d.ICAO != icao {
		return false
	}
	a.NewAirports = append(a.NewAirports, d)
	a.Airports[icao] = domain.AirportPosition{Coordinates: domain.Coordinates{Lat: d.Latitude, Lon: d.Longitude}, Known: true}
	return true
}

// newSubfleet finds a subfleet by its type code or, when the airline has
// none, plans it as phpVMS creates it: type and name the code, the ICAO
// type the code when it is one, its hub the flight's departure airport.
// It is added with the file; until then its id is "".
func (a *Airline) newSubfleet(f map[string]string, col, typ, hub string) (SubfleetRef, bool) {
	typ = strings.ToUpper(strings.TrimSpace(typ))
	if s, ok := a.Subfleets[typ]; ok {
		return s, true
	}
	s := domain.Subfleet{Type: typ, ICAO: typ, Name: typ, HubID: hub}
	if err := s.Validate(); err != nil {
		msg := fmt.Sprintf("unknown subfleet %q: the airline has no subfleet with this type code; import or add it first.", typ)
		if _, bad := domain.ErrorFields(err)["type"]; !bad {
			if _, bad := domain.ErrorFields(err)["icao"]; bad {
				msg = fmt.Sprintf("unknown subfleet %q: the airline has no subfleet with this type code, and it cannot be created from the flight since the code is not an ICAO aircraft type; import or add it first.", typ)
			}
		}
		f[col] = msg
		a.noteMissing(msg, "subfleets", typ)
		return SubfleetRef{}, false
	}
	ref := SubfleetRef{Type: typ, ICAO: typ, HubID: hub}
	a.NewSubfleets = append(a.NewSubfleets, s)
	a.Subfleets[typ] = ref
	return ref, true
}

func (a *Airline) hasAirport(icao string) bool { _, ok := a.Airports[icao]; return ok }

// subfleet finds a subfleet by its type code, with the problem to report.
func (a *Airline) subfleet(f map[string]string, col, typ string) (SubfleetRef, bool) {
	s, ok := a.Subfleets[strings.ToUpper(strings.TrimSpace(typ))]
	if !ok {
		f[col] = fmt.Sprintf("unknown subfleet %q: the airline has no subfleet with this type code; import or add it first.", typ)
		a.noteMissing(f[col], "subfleets", strings.TrimSpace(typ))
	}
	return s, ok
}

// fieldsToColumns copies a domain error's field messages onto the row's
// columns, renaming the fields whose column has another name; a column
// that already has a message keeps it.
func fieldsToColumns(f map[string]string, err error, rename map[string]string) {
	for field, msg := range domain.ErrorFields(err) {
		if col, ok := rename[field]; ok {
			field = col
		}
		if f[field] == "" {
			f[field] = msg
		}
	}
}

// RenameFields returns err with its fields renamed to the file's columns,
// so a record that fails to apply is reported at the right column.
func RenameFields(err error, rename map[string]string) error {
	fields := domain.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	out := map[string]string{}
	fieldsToColumns(out, err, rename)
	cols := slices.Sorted(maps.Keys(out))
	return domain.FieldError(domain.ErrorCode(err), cols[0], out[cols[0]])
}
