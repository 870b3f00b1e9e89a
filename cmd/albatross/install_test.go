package main

import (
	"net/url"
	"runtime/debug"
	"strings"
	"testing"
)

// `go install github.com/albatross-va/albatross/cmd/albatross@latest` builds
// from the module proxy, without a git checkout: the binary has no VCS stamp,
// only the module's version. A pseudo-version still names the commit and its
// time, and `albatross version` prints them; a tagged release prints its tag.
func TestVersionUnderGoInstallNamesTheCommitFromThePseudoVersion(t *testing.T) {
	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/albatross-va/albatross", Version: "v0.0.0-20261207143005-0757b8c1d2e3"}}
	got := versionLine(info.Main.Version, info)
	if !strings.HasPrefix(got, "albatross v0.0.0-20261207143005-0757b8c1d2e3, commit 0757b8c1d2e3 of 2026-12-07T14:30:05Z (go") {
		t.Errorf("go install of an untagged commit: %q", got)
	}
	// A pseudo-version after a tag (v1.2.1-0.2026…) names its commit too.
	if got := versionLine("v1.2.1-0.20261207143005-0757b8c1d2e3", info); !strings.Contains(got, "commit 0757b8c1d2e3 of 2026-12-07T14:30:05Z") {
		t.Errorf("go install of a commit after a tag: %q", got)
	}
	// A VCS stamp, when there is one, wins over the version string.
	info.Settings = []debug.BuildSetting{{Key: "vcs.revision", Value: "aaaabbbbccccddddeeeeffff0000111122223333"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}}
	if got := versionLine("v0.0.0-20261207143005-0757b8c1d2e3", info); !strings.Contains(got, "commit aaaabbbbcccc of 2026-12-01T10:00:00Z") {
		t.Errorf("a build in a checkout: %q", got)
	}
	if got := versionLine("v1.3.0", &debug.BuildInfo{}); strings.Contains(got, "commit") || !strings.HasPrefix(got, "albatross v1.3.0 (go") {
		t.Errorf("go install of a tag: %q", got)
	}
}

// The container image's health check is `albatross healthcheck`: it passes
// against a running server and fails, with a reason, when nothing answers.
func TestHealthcheckCommandPassesAgainstARunningServerOnly(t *testing.T) {
	s := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	out, _, err := runCLI(t, nil, "healthcheck", s.URL+"/healthz")
	if err != nil || !strings.Contains(out, "healthy") {
		t.Fatalf("healthcheck against a running server: %q, %v", out, err)
	}
	u, _ := url.Parse(s.URL)
	if _, _, err := runCLI(t, map[string]string{"ALBATROSS_ADDR": "127.0.0.1:" + u.Port()}, "healthcheck"); err != nil {
		t.Errorf("healthcheck on the port of ALBATROSS_ADDR: %v", err)
	}
	if _, _, err := runCLI(t, nil, "healthcheck", s.URL+"/readyz-no-such-page"); err == nil || !strings.Contains(err.Error(), "answered") {
		t.Errorf("a page that does not answer 200 passed the health check: %v", err)
	}
	if _, _, err := runCLI(t, nil, "healthcheck", "http://127.0.0.1:1/healthz"); err == nil {
		t.Error("healthcheck passed with nothing listening")
	}
	if _, _, err := runCLI(t, map[string]string{"ALBATROSS_ADDR": ":0"}, "healthcheck"); err == nil {
		t.Error("healthcheck guessed a port from ALBATROSS_ADDR=:0")
	}
}
