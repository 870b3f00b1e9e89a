// Package phpvmsfixtures finds phpVMS's own test data files, which live
// beside the repository in ../shared/phpvms-fixtures and are never copied
// into it (their licence travels with them there).
package phpvmsfixtures

import (
	"os"
	"path/filepath"
	"testing"
)

// Read returns the fixture at rel (for example
// "7.0.10/simbrief/briefing.xml") from the folder PHPVMS_FIXTURES names, or
// else ../shared/phpvms-fixtures beside the repository. Without the folder
// the test is skipped with the reason, and fails when CI is set, where it
// must be present.
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	if dir := os.Getenv("PHPVMS_FIXTURES"); dir != "" {
		return read(t, filepath.Join(dir, rel), rel)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("phpvmsfixtures: no go.mod above the test's folder")
		}
		dir = parent
	}
	return read(t, filepath.Join(dir, "..", "shared", "phpvms-fixtures", rel), rel)
}

func read(t testing.TB, path, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("phpVMS fixture %s is missing (CI must have ../shared/phpvms-fixtures, or PHPVMS_FIXTURES naming them): %v", rel, err)
		}
		t.Skipf("phpVMS fixture %s not found beside the repository (%v); skipping", rel, err)
	}
	return b
}
