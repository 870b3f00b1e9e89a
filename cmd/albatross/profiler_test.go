package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// An operator who sets ALBATROSS_DEBUG_ADDR can take a CPU or heap profile
// of the running server from that address, and only there.
func TestProfilerServesOnItsOwnAddress(t *testing.T) {
	at, stop, err := serveProfiler("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + at.String() + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "heap") {
		t.Fatalf("GET /debug/pprof/ on the profiler's address: %d, %.200s", resp.StatusCode, body)
	}
	stop()
	if _, err := http.Get("http://" + at.String() + "/debug/pprof/"); err == nil {
		t.Fatal("the profiler still answers after it was stopped")
	}
}

// A profiler address that cannot be listened on stops the start with a
// line naming the variable.
func TestProfilerAddressInUseNamesTheSetting(t *testing.T) {
	at, stop, err := serveProfiler("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, _, err := serveProfiler(at.String(), slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "ALBATROSS_DEBUG_ADDR") {
		t.Fatalf("a second listener on %s: %v, want an error naming ALBATROSS_DEBUG_ADDR", at, err)
	}
}
