package metrics_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/internal/metrics"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
)

// dashboardPanel is what the test reads of a Grafana panel.
type dashboardPanel struct {
	ID      int              `json:"id"`
	Type    string           `json:"type"`
	Title   string           `json:"title"`
	Panels  []dashboardPanel `json:"panels"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// metricName finds the series a PromQL expression reads.
var metricName = regexp.MustCompile(`\b(?:albatross|go|process)_[a-z0-9_]+`)

// The Grafana dashboard in deploy/ is JSON Grafana can import, each of its
// graphs asks for a metric the server exports, and every albatross_ metric
// the server exports has a graph.
func TestGrafanaDashboardShowsWhatTheServerExports(t *testing.T) {
	data, err := os.ReadFile("../../deploy/grafana/albatross.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID    string           `json:"uid"`
		Title  string           `json:"title"`
		Panels []dashboardPanel `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("deploy/grafana/albatross.json is not JSON: %v", err)
	}
	if dash.UID == "" || dash.Title == "" || len(dash.Panels) == 0 {
		t.Fatalf("the dashboard has no uid, title or panels")
	}
	exported := exportedNames(t)
	shown := map[string]bool{}
	ids := map[int]bool{}
	var walk func(ps []dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			if ids[p.ID] {
				t.Errorf("panel id %d is used twice", p.ID)
			}
			ids[p.ID] = true
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for _, target := range p.Targets {
				names := metricName.FindAllString(target.Expr, -1)
				if len(names) == 0 {
					t.Errorf("panel %q: %q names no metric", p.Title, target.Expr)
				}
				for _, n := range names {
					if !exported[n] {
						t.Errorf("panel %q: %s is not a metric the server exports", p.Title, n)
					}
					shown[n] = true
				}
			}
		}
	}
	walk(dash.Panels)
	for n := range exported {
		if strings.HasPrefix(n, "albatross_") && !shown[n] && !shown[n+"_bucket"] && !shown[n+"_count"] {
			if !exported[n+familyMark] {
				continue // a histogram's _bucket, _sum or _count
			}
			t.Errorf("no panel shows %s", n)
		}
	}
}

// familyMark marks, in exportedNames, the names that are a family's own.
const familyMark = "#family"

// exportedNames are the series names a server's /metrics has once each
// part has counted something, a histogram's _bucket, _sum and _count, and
// each family's name again with familyMark.
func exportedNames(t *testing.T) map[string]bool {
	t.Helper()
	m := metrics.New("test")
	m.Request("/login", "GET", 200, time.Millisecond)
	m.Positions(1)
	m.ObserveBatch("airports", false, 1, time.Millisecond)
	m.JobStarted("airports")
	m.JobEnded(imports.Status{Kind: "airports", State: imports.Done})
	m.WatchBroker(handlers.NewBroker(slog.New(slog.DiscardHandler), time.Second))
	es, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Close() })
	m.WatchLag("projection", func(context.Context) ([]projector.Status, error) {
		return []projector.Status{{Name: "airports", CaughtUp: true}}, nil
	}, es, slog.New(slog.DiscardHandler))
	if _, err := m.EventStore(es).Append(context.Background(), domain.AppendRequest{StreamID: "s", TenantID: "t",
		Events: []domain.NewEvent{{Type: "albatross.events.v1.Test", SchemaVersion: 1}}}); err != nil {
		t.Fatal(err)
	}
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range fams {
		out[f.GetName()], out[f.GetName()+familyMark] = true, true
		var parts []string
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			parts = []string{"_bucket", "_sum", "_count"}
		case dto.MetricType_SUMMARY:
			parts = []string{"_sum", "_count"}
		}
		for _, s := range parts {
			out[f.GetName()+s] = true
		}
	}
	if !slices.ContainsFunc(fams, func(f *dto.MetricFamily) bool { return f.GetName() == "albatross_projection_lag_seconds" }) {
		t.Fatal("the lag was not gathered")
	}
	return out
}
