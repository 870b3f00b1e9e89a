package handlers_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// hostileCells are the cell values every CSV seed is tried with: what the
// issue found accepted (a NUL, invalid UTF-8, control characters, a huge
// cell, the Latin-1 bytes of an older phpVMS export).
var hostileCells = []string{
	"a\x00b", "\xff", "S\xe3o Paulo", "Z\xfcrich", "bell\x07", "esc\x1b[0m", "del\x7f", "c1\u0085",
	"two\nlines", "\"quoted, with comma\"", strings.Repeat("x", 1<<16), "=1+1", "\\N", "",
}

// importWorld is one airline on the embedded adapters with the commands an
// import applies, as serve wires them.
type importWorld struct {
	es      *sqlite.EventStore
	proj    *projector.Projector
	kinds   []imports.Kind
	airline string
	admin   domain.Actor
	broken  bool
}

func buildImportWorld(dir string) (*importWorld, error) {
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), nil)
	if err != nil {
		return nil, err
	}
	mem := memory.New()
	reg := events.NewRegistry()
	w := &importWorld{es: es, proj: projector.New(es, mem, reg, nil, nil, projector.All()...)}
	r := &domain.Runner{Store: es, Registry: reg, Clock: domain.SystemClock{}}
	ops := reads.Operations{Q: reads.New(mem)}
	airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	airports := &domain.Airports{Runner: r}
	fleet := &domain.Fleet{Runner: r, IDs: domain.RandomIDs{}, Airports: ops}
	flights := &domain.Flights{Runner: r, Airports: ops, Subfleets: ops}
	// The world reference knows a few airports the airline lacks, so files
	// that name them add them.
	ref, err := airportref.New(strings.NewReader("KDFW\tDFW\tDallas Fort Worth International Airport\tDallas\tUS\t32.896801\t-97.038002\t607\n" +
		"EGPH\tEDI\tEdinburgh Airport\tEdinburgh\tGB\t55.950145\t-3.372288\t135\n"))
	if err != nil {
		return nil, err
	}
	w.kinds = append(handlers.ImportKinds(airports, fleet, flights, reads.New(mem), ref),
		handlers.FareImportKinds(&domain.Fares{Runner: r}, &domain.Expenses{Runner: r}, reads.New(mem))...)
	fail := func(err error) (*importWorld, error) { _ = es.Close(); return nil, err }
	w.airline, _, err = airlines.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System},
		domain.CreateAirline{Name: "phpVMS Virtual", ICAO: "VMS", Slug: "vms"})
	if err != nil {
		return fail(err)
	}
	w.admin = domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: w.airline}
	for _, a := range []domain.AirportDetails{
		{ICAO: "KAUS", Name: "Austin", Latitude: 30.1945, Longitude: -97.6699, Hub: true},
		{ICAO: "KJFK", Name: "New York", Latitude: 40.6398, Longitude: -73.7789},
		{ICAO: "KLGA", Name: "LaGuardia", Latitude: 40.7772, Longitude: -73.8726},
	} {
		if _, err := airports.Add(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline, a); err != nil {
			return fail(err)
		}
	}
	if err := w.proj.CatchUp(ctx); err != nil {
		return fail(err)
	}
	if _, _, err := fleet.CreateSubfleet(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline,
		domain.Subfleet{Type: "A32X", ICAO: "A320", Name: "Airbus A320", HubID: "KAUS"}); err != nil {
		return fail(err)
	}
	if err := w.proj.CatchUp(ctx); err != nil {
		return fail(err)
	}
	return w, nil
}

// phpvmsSeeds are phpVMS's own files (testdata/phpvms, from the phpVMS
// repository) by kind, each also with one cell replaced by every hostile
// value.
func phpvmsSeeds(f *testing.F, kinds []imports.Kind) {
	f.Helper()
	for i, k := range kinds {
		raw, err := os.ReadFile(filepath.Join("..", "testdata", "phpvms", k.Name+".csv"))
		if err != nil {
			f.Fatalf("seed file of %s: %v", k.Name, err)
		}
		f.Add(uint8(i), raw)
		f.Add(uint8(i), append([]byte("\ufeff"), raw...)) // with a BOM
		f.Add(uint8(i), []byte{})
		header, rest, _ := bytes.Cut(raw, []byte("\n"))
		first, _, _ := bytes.Cut(rest, []byte("\n"))
		cells := strings.Split(string(first), ",")
		for c := range cells {
			for _, h := range hostileCells {
				row := append([]string(nil), cells...)
				row[c] = h
				f.Add(uint8(i), []byte(string(header)+"\n"+strings.Join(row, ",")+"\n"))
			}
		}
	}
	// phpVMS 7.0.10's own test files (\N, country names, zones after
	// times, fares and custom fields, columns Albatross does not know).
	for i, k := range kinds {
		for _, name := range map[string][]string{
			"airports":  {"airports.csv", "airports_errors.csv", "airports_special_chars.csv"},
			"subfleets": {"subfleets.csv"},
			"aircraft":  {"aircraft.csv", "aircraft-update.csv", "aircraft_empty_cols.csv"},
			"flights":   {"flights.csv", "flights_empty_fields.csv"},
			"fares":     {"fares.csv"},
			"expenses":  {"expenses.csv", "expenses_empty_rows.csv"},
		}[k.Name] {
			f.Add(uint8(i), phpvmsfixtures.Read(f, "7.0.10/"+name))
		}
	}
	// The Latin-1 airports file: three rows, each with accents.
	f.Add(uint8(0), []byte("icao,iata,name,location,country,lat,lon\r\n"+
		"LPPT,LIS,Lisboa Humberto Delgado,Lisboa,PT,38.7813,-9.13592\r\n"+
		"SBGR,GRU,Guarulhos,S\xe3o Paulo,BR,-23.4356,-46.4731\r\n"+
		"LSZH,ZRH,Z\xfcrich,Z\xfcrich,CH,47.4647,8.54917\r\n"))
}

// FuzzImportCSV checks and applies a CSV file of every kind, as an import
// job does: reading it fails only with a clear refusal, every row the check
// accepts is applied without an internal error or a late refusal that the
// check should have given, and every projection applies what was appended.
func FuzzImportCSV(f *testing.F) {
	base := f.TempDir()
	var w *importWorld
	f.Cleanup(func() {
		if w != nil {
			_ = w.es.Close()
		}
	})
	world := func(t *testing.T) *importWorld {
		if w != nil && !w.broken {
			return w
		}
		if w != nil {
			_ = w.es.Close()
		}
		dir, err := os.MkdirTemp(base, "world")
		if err != nil {
			t.Fatal(err)
		}
		if w, err = buildImportWorld(dir); err != nil {
			t.Fatalf("build the import world: %v", err)
		}
		return w
	}
	kinds := append(handlers.ImportKinds(nil, nil, nil, reads.Querier{}, nil), handlers.FareImportKinds(nil, nil, reads.Querier{})...)
	phpvmsSeeds(f, kinds)
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		w := world(t)
		ctx := context.Background()
		k := w.kinds[int(kind)%len(w.kinds)]
		checked, err := imports.CheckFor(ctx, k, w.airline, bytes.NewReader(data))
		if err != nil {
			if domain.ErrorCode(err) == domain.EInternal {
				t.Fatalf("%s file: internal error instead of a clear refusal: %v", k.Name, err)
			}
			return
		}
		for _, p := range checked.Problems {
			if p.Line > 0 && p.Line != 1 && len(p.Message) > 2000 {
				t.Errorf("%s file, row %d, %s: a problem of %d bytes echoes the cell whole: %.80q…", k.Name, p.Line, p.Column, len(p.Message), p.Message)
			}
		}
		if checked.Before != nil && len(checked.Records) > 0 {
			settle := func(ctx context.Context, _ domain.Position) error { return w.proj.CatchUp(ctx) }
			if _, err := checked.Before(ctx, domain.CommandMeta{Who: w.admin}, settle); err != nil {
				t.Fatalf("%s file: what its valid rows name could not be added: %v", k.Name, err)
			}
		}
		for _, rec := range checked.Records {
			_, _, err := k.Apply(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.admin}, w.airline, rec.Value)
			switch domain.ErrorCode(err) {
			case "", domain.EConflict, domain.ENotFound:
			case domain.EInternal:
				t.Errorf("%s file, row %d passed the check, then failed with an internal error: %v", k.Name, rec.Line, err)
			default:
				t.Errorf("%s file, row %d passed the check, then was refused while applying: %v", k.Name, rec.Line, err)
			}
		}
		if err := w.proj.CatchUp(ctx); err != nil {
			w.broken = true
			t.Errorf("%s file: applied, but a projection cannot apply its events: %v", k.Name, err)
		}
	})
}
