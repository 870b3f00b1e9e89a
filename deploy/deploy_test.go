package deploy

import (
	"bytes"
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/static"
	"github.com/albatross-va/albatross/store/airportref"
)

// root is the repository's top folder, where make runs.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// embeddedAssets are what the binary embeds, built by `make assets` and
// committed, so that `go install …@latest` and a plain `go build` ship them.
var embeddedAssets = []string{
	"store/airportref/data/airports.tsv.gz",
	"static/dist/app.css", "static/dist/app.js", "static/dist/htmx.min.js", "static/dist/sse.js",
	"static/dist/world.svg", "static/dist/world-mercator.svg",
}

// Every embedded asset is committed (not ignored), non-empty and of a sane
// size: a clone builds a complete binary without Node.
func TestEmbeddedAssetsAreCommitted(t *testing.T) {
	dir := root(t)
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		t.Skip("not a git checkout")
	}
	out, err := exec.Command("git", "-C", dir, "ls-files", "--", "store/airportref/data", "static/dist").Output()
	if err != nil {
		t.Fatal(err)
	}
	tracked := strings.Fields(string(out))
	for _, f := range embeddedAssets {
		if !contains(tracked, f) {
			t.Errorf("%s is not committed: a go install would embed nothing there", f)
		}
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() == 0 || fi.Size() > 4<<20 {
			t.Errorf("%s is %d bytes: want some, and a few MB at most", f, fi.Size())
		}
		if ignored := exec.Command("git", "-C", dir, "check-ignore", "-q", "--no-index", f).Run(); ignored == nil {
			t.Errorf("%s is git-ignored", f)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// gitOut runs git in dir and returns its trimmed output.
func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// buildRelease clones the repository's HEAD into a new folder, with only
// what is committed (no node_modules, nothing ignored), runs `make release`
// there for one target, and returns the folder of the clone (src) and the
// binaries (out), and the SHA256SUMS it wrote.
func buildRelease(t *testing.T, head, target string) (string, string) {
	t.Helper()
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	gitOut(t, root(t), "clone", "-q", "--shared", "--no-checkout", root(t), src)
	gitOut(t, src, "checkout", "-q", head)
	out := filepath.Join(tmp, "out")
	cmd := exec.Command("make", "-s", "release", "RELEASE_TARGETS="+target, "RELEASE_DIR="+out, "VERSION=v0.0.0-test")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make release: %v\n%s", err, b)
	}
	return tmp, string(readFile(t, filepath.Join(out, "SHA256SUMS")))
}

// `make release` makes static, pure-Go binaries with no build-time paths
// from what is committed alone: two clones of one commit in different
// folders build the same bytes, and the binary embeds the committed airport
// reference and stylesheet and prints its version and commit. One target
// here, to keep CI quick.
func TestReleaseIsReproducibleStaticAndComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	head := gitOut(t, root(t), "rev-parse", "HEAD")
	target := runtime.GOOS + "/" + runtime.GOARCH
	tmp, sumsA := buildRelease(t, head, target)
	_, sumsB := buildRelease(t, head, target)
	a := filepath.Join(tmp, "out")
	if sumsA != sumsB || !strings.Contains(sumsA, "albatross-v0.0.0-test-"+runtime.GOOS+"-"+runtime.GOARCH) {
		t.Fatalf("two builds of one commit differ or are misnamed:\n%s\n%s", sumsA, sumsB)
	}
	bin := filepath.Join(a, "albatross-v0.0.0-test-"+runtime.GOOS+"-"+runtime.GOARCH)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// The SHA256SUMS line checks against the file (sha256sum -c).
	check := exec.Command("sha256sum", "-c", "SHA256SUMS")
	check.Dir = a
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
	data := readFile(t, bin)
	var paths []string
	for _, v := range []string{"GOROOT", "GOMODCACHE"} {
		out, err := exec.Command("go", "env", v).Output()
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, strings.TrimSpace(string(out)))
	}
	for _, p := range append(paths, tmp, root(t)) {
		if p != "" && bytes.Contains(data, []byte(p)) {
			t.Errorf("the binary holds the build-time path %s", p)
		}
	}
	for _, f := range []string{"store/airportref/data/airports.tsv.gz", "static/dist/app.css"} {
		if !bytes.Contains(data, readFile(t, filepath.Join(tmp, "src", f))) {
			t.Errorf("the binary does not embed the committed %s", f)
		}
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("the linux binary names a dynamic loader: it is not static")
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("the linux binary links %v", libs)
		}
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if line := string(out); !strings.HasPrefix(line, "albatross v0.0.0-test, commit "+head[:12]+" of 20") || strings.Contains(line, "local changes") {
		t.Errorf("albatross version printed %q, want the version, commit %s and its time", line, head[:12])
	}
}

// `make release` with no arguments builds the four platforms, pure Go and
// without build-time paths, and writes SHA256SUMS.
func TestReleaseTargetsAllPlatforms(t *testing.T) {
	cmd := exec.Command("make", "-n", "release", "RELEASE_DIR=/nonexistent-release")
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n release: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64",
		"CGO_ENABLED=0", "-trimpath", "-buildid=", "SHA256SUMS", ".exe"} {
		if !strings.Contains(s, want) {
			t.Errorf("make release does not mention %q:\n%s", want, s)
		}
	}
}

// What a plain `go build` embeds is the full reference and the built
// front end: thousands of airports (Heathrow among them) and a stylesheet,
// never the empty reference or unstyled page of a build without assets.
func TestPlainBuildEmbedsTheReferenceAndTheFrontEnd(t *testing.T) {
	ix, err := airportref.Default()
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() < 15000 {
		t.Errorf("the embedded reference has %d airports, want the whole world (about 17,700)", ix.Len())
	}
	if a, ok := ix.Lookup("EGLL"); !ok || a.IATA != "LHR" {
		t.Errorf("EGLL in the embedded reference: %+v, %v", a, ok)
	}
	for _, f := range []string{"app.css", "app.js", "htmx.min.js", "sse.js", "world.svg", "world-mercator.svg"} {
		b, err := fs.ReadFile(static.FS(), f)
		if err != nil || len(b) < 1000 {
			t.Errorf("the embedded %s: %d bytes, %v", f, len(b), err)
		}
	}
}
