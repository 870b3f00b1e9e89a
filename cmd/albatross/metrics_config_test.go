package main

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/internal/metrics"
)

// A metrics address that cannot be listened on is refused at the start,
// with one line naming the setting.
func TestMetricsAddressIsRefusedWhenItCannotBeListenedOn(t *testing.T) {
	checkRefusedStarts(t, []refusedStart{
		{map[string]string{"ALBATROSS_METRICS_ADDR": "9090"}, nil, []string{"ALBATROSS_METRICS_ADDR", "host:port"}},
		{map[string]string{"ALBATROSS_METRICS_ADDR": "127.0.0.1:prometheus"}, nil, []string{"ALBATROSS_METRICS_ADDR", "port number"}},
		{nil, []string{"--metrics-addr", "127.0.0.1:70000"}, []string{"--metrics-addr", "port number"}},
		{map[string]string{"ALBATROSS_ADDR": "127.0.0.1:18123", "ALBATROSS_METRICS_ADDR": "127.0.0.1:18123"}, nil,
			[]string{"ALBATROSS_METRICS_ADDR", "another listener"}},
		{map[string]string{"ALBATROSS_ADDR": ":18124"}, []string{"--metrics-addr", "127.0.0.1:18124"}, []string{"--metrics-addr", "another listener"}},
	})
}

// /metrics is served on loopback unless set; off (any case) or an empty
// flag turns it off.
func TestMetricsAddressSettings(t *testing.T) {
	cases := []struct {
		env       map[string]string
		args      []string
		want      string
		isDefault bool
	}{
		{nil, nil, "127.0.0.1:9090", true},
		{map[string]string{"ALBATROSS_METRICS_ADDR": "off"}, nil, "", false},
		{map[string]string{"ALBATROSS_METRICS_ADDR": "OFF"}, nil, "", false},
		{nil, []string{"--metrics-addr", ""}, "", false},
		{map[string]string{"ALBATROSS_METRICS_ADDR": " :9191 "}, nil, ":9191", false},
		{map[string]string{"ALBATROSS_METRICS_ADDR": "[::1]:0"}, nil, "[::1]:0", false},
	}
	for _, c := range cases {
		cfg, _, err := parseConfig("serve", c.args, func(k string) string { return c.env[k] }, io.Discard)
		if err != nil {
			t.Errorf("%v %v: %v", c.env, c.args, err)
			continue
		}
		if cfg.MetricsAddr != c.want || cfg.MetricsDefault != c.isDefault {
			t.Errorf("%v %v: metrics address %q (default %v), want %q (%v)", c.env, c.args, cfg.MetricsAddr, cfg.MetricsDefault, c.want, c.isDefault)
		}
	}
}

// An address set on purpose that is taken stops the start; the default
// one taken (a second server on the machine, Prometheus itself on 9090)
// is a warning and the server runs without /metrics.
func TestMetricsAddressTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().String()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	m := metrics.New("test")
	if _, err := serveMetrics(m, config{MetricsAddr: taken}, log); err == nil || !strings.Contains(err.Error(), "ALBATROSS_METRICS_ADDR") {
		t.Errorf("a taken address set on purpose: %v, want an error naming ALBATROSS_METRICS_ADDR", err)
	}
	stop, err := serveMetrics(m, config{MetricsAddr: taken, MetricsDefault: true}, log)
	if err != nil {
		t.Fatalf("the default address taken: %v, want a warning", err)
	}
	stop()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "ALBATROSS_METRICS_ADDR") {
		t.Errorf("no warning naming the setting was logged: %s", logs.String())
	}
}
