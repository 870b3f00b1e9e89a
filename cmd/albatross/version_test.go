package main

import (
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
