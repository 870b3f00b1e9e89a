package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheck asks a running `albatross serve` on this host for /healthz
// and fails unless it answers 200: the container image's HEALTHCHECK, on a
// base that has no curl or wget. The address is the first argument, else
// ALBATROSS_ADDR (its port, on loopback), else :8080.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	url := ""
	if len(args) > 0 {
		url = args[0]
	} else {
		addr := getenv("ALBATROSS_ADDR")
		if addr == "" {
			addr = ":8080"
		}
		_, port, err := net.SplitHostPort(addr)
		if err != nil || port == "" || port == "0" {
			return fmt.Errorf("healthcheck: cannot tell the port from ALBATROSS_ADDR %q", addr)
		}
		url = "http://127.0.0.1:" + port + "/healthz"
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("healthcheck: %q is not an http or https URL", url)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// A redirect is no health: the check asks one page and reads its answer.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	fmt.Fprintln(stdout, "healthy")
	return nil
}
