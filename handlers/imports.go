package handlers

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
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
// page, on topic import-{job} for the job's airline.
func ImportProgress(b *Broker) func(imports.Status) {
	return func(s imports.Status) {
		if b != nil {
			b.Send(s.AirlineID, "import-"+s.ID, map[string]any{"state": s.State, "done": s.Done, "total": s.Total})
		}
	}
}

// importKinds lists the file types: each is a Kind of the imports package.
// Subfleets, aircraft and flights are added here the same way.
func importKinds(airports AirportCommands, rm reads.Querier) []imports.Kind {
	return []imports.Kind{{
		Name: "airports", Title: "Airports", Columns: imports.AirportColumns,
		Check: func(r imports.Row) (any, map[string]string) { return imports.CheckAirport(r) },
		Key:   func(rec any) string { return rec.(domain.AirportDetails).ICAO },
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			return airports.Save(ctx, meta, airlineID, rec.(domain.AirportDetails))
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			list, err := rm.ListAirports(ctx, airlineID)
			rows := make([][]string, 0, len(list))
			for _, a := range list {
				rows = append(rows, imports.AirportRow(airportDetails(a)))
			}
			return rows, err
		},
	}}
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
		Updated: s.Updated, Unchanged: s.Unchanged, OnlyValid: s.OnlyValid, CSRFToken: csrf}
	for _, p := range s.Problems {
		j.Problems = append(j.Problems, views.ImportProblem{Line: p.Line, Column: p.Column, Message: p.Message})
	}
	return j
}

// showImports is the upload form and the airline's recent imports.
func (h *importHandlers) showImports(c echo.Context) error {
	return h.renderImports(c, http.StatusOK, c.QueryParam("kind"), "")
}

func (h *importHandlers) renderImports(c echo.Context, status int, kind, msg string) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	p := views.ImportsPage{Page: page(c, tabs.Name+" imports"), Tabs: tabs, Kinds: h.order, Kind: kind, Error: msg}
	for _, s := range h.jobs.List(tabs.ID) {
		p.Recent = append(p.Recent, jobView(s, ""))
	}
	return render(c, status, views.ImportsView(p), nil)
}

// startImport takes the uploaded file and starts its job, then sends the
// browser to the job's page at once: checking and applying happen in the
// background, so a large file cannot time the request out.
func (h *importHandlers) startImport(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
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
	job := h.jobs.Start(kind, meta, tabs.ID, fh.Filename, buf.Bytes(), c.FormValue("only_valid") != "")
	requestLogger(c, h.log).Info("import started", "job", job.Status().ID, "kind", kind.Name, "bytes", buf.Len())
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"/imports/"+job.Status().ID)
}

// showImport is a job's page; htmx gets only its status, live.
func (h *importHandlers) showImport(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "airports")
	if err != nil {
		return err
	}
	job, err := h.jobs.Get(tabs.ID, c.Param("job"))
	if err != nil {
		return err
	}
	p := views.ImportJobPage{Page: page(c, "Import"), Tabs: tabs}
	p.Job = jobView(job.Status(), p.CSRFToken)
	return render(c, http.StatusOK, views.ImportJobView(p), views.ImportJobStatus(p.Job))
}

// applyValid imports the valid rows of a file that had problems.
func (h *importHandlers) applyValid(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	if _, err := h.jobs.ApplyValid(id.String(), c.Param("job"), commandMeta(c, "")); err != nil {
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
	if _, err := h.rm.GetAirline(c.Request().Context(), id); err != nil {
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
