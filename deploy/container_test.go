package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// dockerStages parses the Dockerfile with BuildKit's own parser, as
// `docker build` would, and returns its stages.
func dockerStages(t *testing.T) []instructions.Stage {
	t.Helper()
	f, err := os.Open(filepath.Join(root(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("Dockerfile does not parse: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile: %s", w.Short)
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatalf("Dockerfile's instructions: %v", err)
	}
	return stages
}

func stageNames(stages []instructions.Stage) []string {
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
	}
	return names
}

// The image is multi-stage: a Go build stage, then the static binary on a
// minimal base, as non-root, with /healthz as its health check and the
// data folder as a volume. (The image build itself cannot run here.)
func TestDockerfileParsesAndBuildsAMinimalNonRootImage(t *testing.T) {
	stages := dockerStages(t)
	if names := stageNames(stages); !slices.Equal(names, []string{"build", "runtime"}) {
		t.Fatalf("stages %v, want build then runtime", names)
	}
	build, final := stages[0], stages[len(stages)-1]
	var buildCmd string
	for _, c := range build.Commands {
		if r, ok := c.(*instructions.RunCommand); ok {
			buildCmd += strings.Join(r.CmdLine, " ")
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/albatross"} {
		if !strings.Contains(buildCmd, want) {
			t.Errorf("the build stage does not build with %s: %s", want, buildCmd)
		}
	}
	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") {
		t.Errorf("the final base is %s, want a minimal static one", final.BaseName)
	}
	var user string
	var health *instructions.HealthCheckCommand
	var volumes []string
	env := map[string]string{}
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = c
		case *instructions.VolumeCommand:
			volumes = append(volumes, c.Volumes...)
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				env[kv.Key] = kv.Value
			}
		case *instructions.CopyCommand:
			if c.From != "" && !slices.Contains(stageNames(stages), c.From) {
				t.Errorf("COPY --from=%s names no stage", c.From)
			}
		}
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("the image runs as %q, want a non-root user", user)
	}
	if health == nil || !strings.Contains(strings.Join(health.Health.Test, " "), "albatross healthcheck") {
		t.Errorf("the health check is %+v, want `albatross healthcheck` (/healthz)", health)
	}
	if !slices.Contains(volumes, "/data") || env["ALBATROSS_DATA_DIR"] != "/data" {
		t.Errorf("volumes %v, ALBATROSS_DATA_DIR %q: the data folder should be the volume", volumes, env["ALBATROSS_DATA_DIR"])
	}
	// The files the build copies are not kept out of the context.
	ignore := string(readFile(t, filepath.Join(root(t), ".dockerignore")))
	for _, needed := range []string{"static", "store", "cmd", "go.mod", "LICENSE", "NOTICE"} {
		if slices.Contains(strings.Fields(ignore), needed) {
			t.Errorf(".dockerignore drops %s, which the build needs", needed)
		}
	}
}

// loadCompose loads and validates a compose file as `docker compose` does.
func loadCompose(t *testing.T, file string) *types.Project {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root(t), file)},
		cli.WithWorkingDirectory(root(t)), cli.WithEnv([]string{"POSTGRES_PASSWORD=s3cret"}), cli.WithConsistency(true))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("%s does not load: %v", file, err)
	}
	return p
}

// checkAlbatrossService checks the service built from the Dockerfile: a
// target that exists, a health check, the port.
func checkAlbatrossService(t *testing.T, file string, s types.ServiceConfig) {
	t.Helper()
	if s.Build == nil || !slices.Contains(stageNames(dockerStages(t)), s.Build.Target) {
		t.Errorf("%s: albatross builds %+v, want a target of the Dockerfile", file, s.Build)
	}
	if s.HealthCheck == nil || !strings.Contains(strings.Join(s.HealthCheck.Test, " "), "albatross healthcheck") {
		t.Errorf("%s: albatross has no health check", file)
	}
	if len(s.Ports) == 0 || s.Ports[0].Target != 8080 {
		t.Errorf("%s: albatross publishes %+v, want 8080", file, s.Ports)
	}
}

// compose.yaml runs Albatross on PostgreSQL and Redis: each with a volume
// and a health check, and Albatross starting once both are healthy.
func TestComposeRunsAlbatrossOnPostgresAndRedis(t *testing.T) {
	p := loadCompose(t, "compose.yaml")
	if names := p.ServiceNames(); !slices.Equal(sorted(names), []string{"albatross", "postgres", "redis"}) {
		t.Fatalf("services %v", names)
	}
	a := p.Services["albatross"]
	checkAlbatrossService(t, "compose.yaml", a)
	for _, dep := range []string{"postgres", "redis"} {
		if d, ok := a.DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("albatross does not wait for %s to be healthy: %+v", dep, a.DependsOn)
		}
		s := p.Services[dep]
		if s.HealthCheck == nil || len(s.HealthCheck.Test) == 0 {
			t.Errorf("%s has no health check", dep)
		}
		if len(s.Volumes) == 0 || s.Volumes[0].Type != types.VolumeTypeVolume {
			t.Errorf("%s keeps its data in no named volume: %+v", dep, s.Volumes)
		}
	}
	db := a.Environment["DATABASE_URL"]
	if db == nil || !strings.Contains(*db, "albatross:s3cret@postgres:5432/albatross") {
		t.Errorf("DATABASE_URL is %v, want the postgres service with POSTGRES_PASSWORD", db)
	}
	if r := a.Environment["REDIS_URL"]; r == nil || !strings.HasPrefix(*r, "redis://redis:6379") {
		t.Errorf("REDIS_URL is %v", r)
	}
	if pw := p.Services["postgres"].Environment["POSTGRES_PASSWORD"]; pw == nil || *pw != "s3cret" {
		t.Errorf("postgres's password is %v", pw)
	}
}

// compose.embedded.yaml runs the embedded mode: one service, no database,
// the event log in a named volume at the data folder.
func TestComposeEmbeddedKeepsTheLogInAVolume(t *testing.T) {
	p := loadCompose(t, "compose.embedded.yaml")
	if names := p.ServiceNames(); !slices.Equal(names, []string{"albatross"}) {
		t.Fatalf("services %v, want albatross alone", names)
	}
	a := p.Services["albatross"]
	checkAlbatrossService(t, "compose.embedded.yaml", a)
	if _, ok := a.Environment["DATABASE_URL"]; ok {
		t.Error("the embedded mode sets DATABASE_URL")
	}
	dir := a.Environment["ALBATROSS_DATA_DIR"]
	if dir == nil || len(a.Volumes) != 1 || a.Volumes[0].Target != *dir || a.Volumes[0].Type != types.VolumeTypeVolume {
		t.Errorf("data folder %v, volumes %+v: the data folder should be a named volume", dir, a.Volumes)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
