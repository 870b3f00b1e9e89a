package handlers

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// importHandlers upload CSV files, show import jobs live, and export.
type importHandlers struct {
	jobs  *imports.Jobs
	kinds map[string]imports.Kind
	order [][2]string // kinds for the upload form: name, title
	rm    reads.Querier
	log   *slog.Logger
}

// maxUpload bounds an uploaded file: 50,000 flights fit in a few MB.
const maxUpload = 32 << 20

// ImportProgress turns an import job's progress into a live update of its
// page, on topic import-{job} for the job's airline: a notice without a log
// position, carried by the notifier to the brokers of every process, since
// the job's page may be open on any of them.
func ImportProgress(n notify.Notifier, log *slog.Logger) func(imports.Status) {
	return func(s imports.Status) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := n.Publish(ctx, importNotice(s)); err != nil {
			log.Warn("import: cannot send the job's progress; its page catches up with the next", "job", s.ID, "err", err)
		}
		if importFinished(s.State) {
			// The admin's home counts the jobs that ended with problems.
			finished := notify.Notice{TenantID: s.AirlineID, Staff: true, Topic: live.TopicImports}
			if err := n.Publish(ctx, finished); err != nil {
				log.Warn("import: cannot tell the admin's home that a job finished", "job", s.ID, "err", err)
			}
		}
	}
}

// importFinished is whether a job in state has ended.
func importFinished(state string) bool {
	switch state {
	case imports.Done, imports.Refused, imports.Partial, imports.Failed:
		return true
	}
	return false
}

// importNeedsStaff is whether a finished job left something for staff to
// look at: a refused file, records that failed, or a job that stopped.
func importNeedsStaff(state string) bool {
	return state == imports.Refused || state == imports.Partial || state == imports.Failed
}

// importNotice tells a job's page, which only staff open, that its status
// changed.
func importNotice(s imports.Status) notify.Notice {
	return notify.Notice{TenantID: s.AirlineID, Staff: true, Topic: live.ImportTopic(s.ID), IDs: []string{s.ID}}
}

// ImportKinds lists the file types, in the order an airline imports them:
// airports, subfleets (whose hubs are airports), aircraft (in subfleets,
// at airports), flights (between airports, flown by subfleets). Each is a
// Kind of the imports package; the rows' parsing and phpVMS's layouts are
// there, the read models and commands here.
//
// A subfleets, aircraft or flights file that names an airport the airline
// lacks adds it from ref, the world reference (nil: it is a problem), and a
// flight that names a subfleet the airline lacks creates it, as phpVMS does.
func ImportKinds(airports AirportCommands, fleet FleetCommands, flights FlightCommands, rm reads.Querier, ref *airportref.Index) []imports.Kind {
	airline := func(ctx context.Context, airlineID string) (*imports.Airline, error) {
		a, err := loadImportAirline(ctx, rm, airlineID)
		if err == nil && ref != nil {
			a.Reference = func(icao string) (domain.AirportDetails, bool) {
				r, ok := ref.Lookup(icao)
				return domain.AirportDetails{ICAO: r.ICAO, IATA: r.IATA, Name: r.Name, City: r.City, Country: r.Country,
					Latitude: r.Latitude, Longitude: r.Longitude, Elevation: r.Elevation}, ok
			}
		}
		return a, err
	}
	prepared := func(a *imports.Airline, check func(imports.Row) (any, map[string]string)) imports.Prepared {
		return imports.Prepared{Check: check, Summarize: a.Summarize, Before: func(ctx context.Context, meta domain.CommandMeta, settle func(context.Context, domain.Position) error) ([]string, error) {
			return addNamed(ctx, meta, a, airports, fleet, settle)
		}}
	}
	return []imports.Kind{{
		Name: "airports", Title: "Airports", Columns: imports.AirportColumns,
		Check: func(r imports.Row) (any, map[string]string) { return imports.CheckAirport(r) },
		Key:   func(rec any) string { return rec.(domain.AirportDetails).ICAO },
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			return airports.Save(ctx, meta, airlineID, rec.(domain.AirportDetails))
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			list, err := rm.Airports(ctx, airlineID)
			rows := make([][]string, 0, len(list))
			for _, a := range list {
				rows = append(rows, imports.AirportRow(a))
			}
			return rows, err
		},
	}, {
		Name: "subfleets", Title: "Subfleets", Columns: imports.SubfleetColumns,
		Prepare: func(ctx context.Context, airlineID string) (imports.Prepared, error) {
			a, err := airline(ctx, airlineID)
			return prepared(a, func(r imports.Row) (any, map[string]string) { return imports.CheckSubfleet(a, r) }), err
		},
		Key: func(rec any) string { return rec.(imports.SubfleetRecord).Subfleet.Type },
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			r := rec.(imports.SubfleetRecord)
			if r.ID == "" {
				_, res, err := fleet.CreateSubfleet(ctx, meta, airlineID, r.Subfleet)
				return domain.Created, res, imports.RenameSubfleetFields(err)
			}
			res, err := fleet.ChangeSubfleet(ctx, meta, airlineID, r.ID, r.Subfleet)
			return changed(res), res, imports.RenameSubfleetFields(err)
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			a, err := airline(ctx, airlineID)
			if err != nil {
				return nil, err
			}
			list, err := rm.Subfleets(ctx, airlineID)
			rows := make([][]string, 0, len(list))
			for _, s := range list {
				rows = append(rows, imports.SubfleetRow(a.ICAO, subfleetForm(s)))
			}
			return rows, err
		},
	}, {
		Name: "aircraft", Title: "Aircraft", Columns: imports.AircraftColumns,
		Prepare: func(ctx context.Context, airlineID string) (imports.Prepared, error) {
			a, err := airline(ctx, airlineID)
			return prepared(a, func(r imports.Row) (any, map[string]string) { return imports.CheckAircraft(a, r) }), err
		},
		Key:       func(rec any) string { return rec.(imports.AircraftRecord).Aircraft.Registration },
		KeyColumn: "registration",
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			r := rec.(imports.AircraftRecord)
			if r.ID == "" {
				_, res, err := fleet.AddAircraft(ctx, meta, airlineID, r.Aircraft)
				return domain.Created, res, imports.RenameAircraftFields(err)
			}
			res, err := fleet.ChangeAircraft(ctx, meta, airlineID, r.ID, domain.AircraftChange{
				SubfleetID: r.Aircraft.SubfleetID, Name: r.Aircraft.Name, Status: r.Aircraft.Status})
			return changed(res), res, imports.RenameAircraftFields(err)
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			a, err := airline(ctx, airlineID)
			if err != nil {
				return nil, err
			}
			list, err := rm.AircraftAsEntered(ctx, airlineID)
			rows := make([][]string, 0, len(list))
			for _, ac := range list {
				sf, _ := a.SubfleetByID(ac.SubfleetID)
				rows = append(rows, imports.AircraftRow(sf, ac.Registration, ac.Name, ac.Status, ac.AirportID))
			}
			return rows, err
		},
	}, {
		Name: "flights", Title: "Flights", Columns: imports.FlightColumns,
		// Flights are many (tens of thousands) and each is its own stream:
		// a few at once keep the event store busy while others are checked.
		Workers: 4,
		Prepare: func(ctx context.Context, airlineID string) (imports.Prepared, error) {
			a, err := airline(ctx, airlineID)
			return prepared(a, func(r imports.Row) (any, map[string]string) {
				s, problems := imports.CheckFlight(a, r)
				return flightRecord{s, a}, problems
			}), err
		},
		Key:       func(rec any) string { return imports.FlightKey(rec.(flightRecord).FlightRecord.Schedule) },
		KeyColumn: "flight_number",
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			r := rec.(flightRecord)
			s, err := r.Resolve(r.airline)
			if err != nil {
				return domain.Unchanged, domain.AppendResult{}, err
			}
			return flights.Save(ctx, meta, airlineID, s, r.airline)
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			a, err := airline(ctx, airlineID)
			if err != nil {
				return nil, err
			}
			var rows [][]string
			filter := reads.FlightFilter{IncludeInactive: true}
			for {
				page, err := rm.FindFlights(ctx, airlineID, filter, 1000)
				if err != nil {
					return nil, err
				}
				for _, f := range page.Flights {
					var types []string
					for _, id := range f.SubfleetIDs {
						if sf, ok := a.SubfleetByID(id); ok {
							types = append(types, sf.Type)
						}
					}
					rows = append(rows, imports.FlightRow(a.ICAO, flightSchedule(f), types))
				}
				if page.Next == "" {
					return rows, nil
				}
				filter.After = page.Next
			}
		},
	}}
}

// flightRecord is a checked flights row with the snapshot of the airline
// it was checked against, which applying it uses too.
type flightRecord struct {
	imports.FlightRecord
	airline *imports.Airline
}

// addNamed adds what a checked file named that the airline lacks: the
// airports from the world reference, then (once the read models have them,
// as the subfleet commands check hubs there) the subfleets of its flights,
// whose ids go into a for the flights that name them.
func addNamed(ctx context.Context, meta domain.CommandMeta, a *imports.Airline, airports AirportCommands,
	fleet FleetCommands, settle func(context.Context, domain.Position) error) ([]string, error) {
	var notes []string
	last := domain.Start
	if len(a.NewAirports) > 0 {
		var added []string
		for _, d := range a.NewAirports {
			_, res, err := airports.Save(ctx, meta, a.ID, d)
			if err != nil {
				return notes, err
			}
			if res.Position.After(last) {
				last = res.Position
			}
			added = append(added, d.ICAO+" ("+d.Name+")")
		}
		notes = append(notes, "Airports added from the world reference: "+strings.Join(added, ", ")+".")
	}
	if err := settle(ctx, last); err != nil {
		return notes, err
	}
	if len(a.NewSubfleets) > 0 {
		var added []string
		for _, s := range a.NewSubfleets {
			id, res, err := fleet.CreateSubfleet(ctx, meta, a.ID, s)
			if err != nil {
				return notes, imports.RenameSubfleetFields(err)
			}
			if res.Position.After(last) {
				last = res.Position
			}
			a.AddSubfleet(imports.SubfleetRef{ID: id, Type: s.Type, ICAO: s.ICAO, HubID: s.HubID})
			added = append(added, s.Type)
		}
		notes = append(notes, "Subfleets created for the flights that name them (type and name the code; rename them on the fleet page): "+strings.Join(added, ", ")+".")
	}
	return notes, settle(ctx, last)
}

// changed is the outcome of a change command: nothing appended is
// unchanged.
func changed(res domain.AppendResult) domain.Outcome {
	if res.Position == domain.Start {
		return domain.Unchanged
	}
	return domain.Updated
}

// loadImportAirline reads what checking a file needs of an airline: its
// airports, subfleets and aircraft.
func loadImportAirline(ctx context.Context, rm reads.Querier, airlineID string) (*imports.Airline, error) {
	al, err := rm.FindAirline(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	a := imports.NewAirline(airlineID, al.ICAO)
	airports, err := rm.AirportPositions(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	a.Airports = airports
	subfleets, err := rm.Subfleets(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	for _, s := range subfleets {
		a.AddSubfleet(imports.SubfleetRef{ID: s.ID, Type: s.Type, ICAO: s.ICAO, HubID: s.HubID})
	}
	aircraft, err := rm.AircraftAsEntered(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	for _, ac := range aircraft {
		a.Aircraft[ac.Registration] = ac.ID
	}
	return a, nil
}

// subfleetForm is a subfleet's row as the subfleet commands take it.
func subfleetForm(s reads.Subfleet) domain.Subfleet {
	out := domain.Subfleet{Type: s.Type, ICAO: s.ICAO, Name: s.Name, HubID: s.HubID, Fares: s.Fares, SetFares: true}
	if s.CostBlockHourCents != nil {
		out.CostBlockHour = domain.FormatMoney(*s.CostBlockHourCents)
	}
	return out
}

// flightSchedule is a flight's row as the flight commands take it.
func flightSchedule(f reads.ScheduledFlight) domain.FlightSchedule {
	return domain.FlightSchedule{FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, RouteLeg: f.RouteLeg,
		Callsign: f.Callsign, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport,
		DptTime: f.DptTime, ArrTime: f.ArrTime, Days: f.Days, StartDate: f.StartDate, EndDate: f.EndDate,
		Distance: f.Distance, FlightTime: f.FlightTime, Level: f.Level, FlightType: f.FlightType, Route: f.Route,
		Notes: f.Notes, SubfleetIDs: f.SubfleetIDs, Active: f.Active, LoadFactor: f.LoadFactor, LoadFactorVariance: f.LoadFactorVariance,
		Fields: f.Fields, Fares: f.Fares}
}

func newImportHandlers(jobs *imports.Jobs, kinds []imports.Kind, rm reads.Querier, log *slog.Logger) *importHandlers {
	h := &importHandlers{jobs: jobs, kinds: map[string]imports.Kind{}, rm: rm, log: log}
	for _, k := range kinds {
		h.kinds[k.Name] = k
		h.order = append(h.order, [2]string{k.Name, k.Title})
	}
	return h
}

func jobView(s imports.Status, csrf string) views.ImportJob {
	j := views.ImportJob{ID: s.ID, AirlineID: s.AirlineID, Kind: s.Kind, FileName: s.FileName, State: s.State,
		Message: s.Message, Rows: s.Rows, Valid: s.Valid, Total: s.Total, Done: s.Done, Created: s.Created,
		Updated: s.Updated, Unchanged: s.Unchanged, Encoding: s.Encoding, Applied: s.Applied, NotApplied: s.NotApplied,
		ProblemCount: s.ProblemCount, OnlyValid: s.OnlyValid, CSRFToken: csrf, Notes: s.Notes}
	for _, p := range s.Problems {
		j.Problems = append(j.Problems, views.ImportProblem{Line: p.Line, Column: p.Column, Message: p.Message})
	}
	// A finished file links to what it created and offers the next file
	// in the order.
	base := "/airlines/" + s.AirlineID
	j.ResultURL, j.ResultLabel = base+"/"+importTab(s.Kind), importResultLabel[importTab(s.Kind)]
	if next := imports.Next(s.Kind); next != "" {
		j.NextURL, j.NextLabel = base+"/imports?kind="+next, "Import "+next+" next"
	}
	return j
}

// importTab is the airline tab an import of kind belongs to: its
// records' own page.
func importTab(kind string) string {
	switch kind {
	case "subfleets", "aircraft", "fares", "expenses":
		return "fleet"
	case "flights":
		return "flights"
	}
	return "airports"
}

// importResultLabel names the page a finished import links to.
var importResultLabel = map[string]string{"airports": "See the airports", "fleet": "See the fleet", "flights": "See the flights"}

// showImports is the upload form and the airline's recent imports.
func (h *importHandlers) showImports(c echo.Context) error {
	return h.renderImports(c, http.StatusOK, c.QueryParam("kind"), "")
}

func (h *importHandlers) renderImports(c echo.Context, status int, kind, msg string) error {
	tabs, _, err := airlineTabs(c, h.rm, importTab(kind))
	if err != nil {
		return err
	}
	p := views.ImportsPage{Page: page(c, tabs.Name+" imports"), Tabs: tabs, Kinds: h.order, Kind: kind, Error: msg}
	list, err := h.jobs.List(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	for _, s := range list {
		p.Recent = append(p.Recent, jobView(s, ""))
	}
	return render(c, status, views.ImportsView(p), nil)
}

// startImport takes the uploaded file and starts its job, then sends the
// browser to the job's page at once: checking and applying happen in the
// background, so a large file cannot time the request out.
func (h *importHandlers) startImport(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, importTab(c.FormValue("kind")))
	if err != nil {
		return err
	}
	kind, ok := h.kinds[c.FormValue("kind")]
	if !ok {
		return h.renderImports(c, http.StatusUnprocessableEntity, "", "Choose what the file holds.")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return h.renderImports(c, http.StatusUnprocessableEntity, kind.Name, "Choose a CSV file to upload.")
	}
	if fh.Size > maxUpload {
		return h.renderImports(c, http.StatusUnprocessableEntity, kind.Name, "The file is too large: at most 32 MB.")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(f, maxUpload+1)); err != nil {
		return err
	}
	meta := commandMeta(c, "")
	meta.CorrelationID = requestID(c)
	job, err := h.jobs.Start(c.Request().Context(), kind, meta, tabs.ID, fh.Filename, buf.Bytes(), c.FormValue("only_valid") != "")
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("import started", "job", job.ID, "kind", kind.Name, "bytes", buf.Len())
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"/imports/"+job.ID)
}

// showImport is a job's page; htmx gets only its status, live.
func (h *importHandlers) showImport(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	job, err := h.jobs.Get(c.Request().Context(), id.String(), c.Param("job"))
	if err != nil {
		return err
	}
	tabs, _, err := airlineTabsOf(c, h.rm, id, importTab(job.Kind))
	if err != nil {
		return err
	}
	p := views.ImportJobPage{Page: page(c, "Import"), Tabs: tabs}
	p.Job = jobView(job, p.CSRFToken)
	return render(c, http.StatusOK, views.ImportJobView(p), views.ImportJobStatus(p.Job))
}

// applyValid imports the valid rows of a file that had problems, on
// whichever process the click reaches; of two clicks one applies, the
// other is told the rows are taken (409).
func (h *importHandlers) applyValid(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	job, err := h.jobs.Get(ctx, id.String(), c.Param("job"))
	if err != nil {
		return err
	}
	kind, ok := h.kinds[job.Kind]
	if !ok {
		return imports.ErrNoValidRows
	}
	if err := h.jobs.ApplyValid(ctx, kind, id.String(), job.ID, commandMeta(c, "")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/airlines/"+id.String()+"/imports/"+c.Param("job"))
}

// exportFile downloads the airline's records of a kind as a CSV file that
// the import takes back unchanged.
func (h *importHandlers) exportFile(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	if _, err := h.rm.FindAirline(c.Request().Context(), id.String()); err != nil {
		return err
	}
	kind, ok := h.kinds[c.Param("kind")]
	if !ok {
		return domain.Errorf(domain.ENotFound, "There is no such export.")
	}
	var buf bytes.Buffer
	if err := imports.Export(c.Request().Context(), kind, id.String(), &buf); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+kind.Name+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
