package phpvmsdb

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
)

// Actor is recorded as the actor of every event the import appends.
const Actor = "import"

// Clock is the runner's clock during an import: the importer sets it to
// each row's own time, so the events say when things happened in phpVMS.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// Set makes Now return t (the current time when t is zero).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// Now implements domain.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now().UTC()
	}
	return c.at.UTC()
}

// Target is the Albatross airline a phpVMS airline goes into.
type Target struct {
	TenantID      string
	PilotIDPrefix string // empty: the ICAO code
	// Numbers are the pilot numbers the airline has given, by user id:
	// an imported pilot keeps their number unless another person holds it.
	Numbers map[string]int32
}

// Importer appends a phpVMS database's rows as events.
type Importer struct {
	Runner *domain.Runner // its Clock is Clock
	Clock  *Clock
	// Source names the database (host:port/name): it is part of every
	// name-based id, so two phpVMS databases never share one.
	Source string
	// Airline finds (or, when create is set, creates) the Albatross airline
	// of a phpVMS airline; a dry run asks without create.
	Airline func(ctx context.Context, a Airline, create bool) (Target, bool, error)
	DryRun  bool
	Out     io.Writer // progress and summary; nil: none
}

// Count is what happened to one table's rows.
type Count struct {
	Table                              string
	Read, Imported, Unchanged, Skipped int
	total                              int // rows to go through, for the progress line
	started                            time.Time
	ticked                             bool
}

// start says how many rows the table has, for its progress line.
func (c *Count) start(total int) *Count {
	c.total, c.started = c.total+total, time.Now()
	return c
}

// Problem is a row not imported (or imported in part), by table and id.
type Problem struct {
	Table, ID, Message string
}

// Report is an import's outcome.
type Report struct {
	Counts   []*Count
	Problems []Problem
	// Appended is how many appends the import made, or on a dry run would
	// make (0 on a second run of an unchanged database).
	Appended int
	// UserIDs maps phpVMS users.id to the imported user's id.
	UserIDs map[int64]string
	// Positions is the last position the import appended (to wait for).
	Position domain.Position
}

func (r *Report) count(table string) *Count {
	for _, c := range r.Counts {
		if c.Table == table {
			return c
		}
	}
	c := &Count{Table: table}
	r.Counts = append(r.Counts, c)
	return c
}

func (r *Report) problem(table, id, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Table: table, ID: id, Message: fmt.Sprintf(format, args...)})
}

// nameUUID is a version-5-shaped UUID of the parts.
func nameUUID(parts ...string) string {
	h := sha1.New()
	h.Write([]byte("albatross phpvms import\x00"))
	h.Write([]byte(strings.Join(parts, "\x00")))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// ID is the Albatross id of a phpVMS row: the same for every run over the
// same database.
func (im *Importer) ID(table string, id any) string {
	return nameUUID(im.Source, table, strings.ToLower(fmt.Sprint(id)))
}

type probe struct{ n int }

func (p *probe) Apply(proto.Message) error { p.n++; return nil }

// step appends evs to stream as the command key (a name-based id), at the
// time at, unless the stream already holds that command's events. It says
// whether it appended (or, on a dry run, would).
func (im *Importer) step(ctx context.Context, rep *Report, stream, tenant, key string, at time.Time, claims []domain.UniqueClaim, evs ...proto.Message) (bool, error) {
	cmd := nameUUID(im.Source, "command", key)
	recs, err := im.Runner.Store.ReadStream(ctx, stream, 0)
	if err != nil {
		return false, err
	}
	for _, r := range recs {
		if r.Meta.CommandID == cmd {
			return false, nil
		}
	}
	if im.DryRun {
		rep.Appended++
		return true, nil
	}
	im.Clock.Set(at)
	meta := domain.CommandMeta{ID: cmd, Who: domain.System, Actor: Actor, CorrelationID: nameUUID(im.Source, "run")}
	res, err := domain.Execute(ctx, im.Runner, domain.StreamRef{StreamID: stream, TenantID: tenant}, meta,
		func() *probe { return &probe{} },
		func(*probe, int64) (domain.Decision, error) {
			return domain.Decision{Events: evs, Claims: claims}, nil
		})
	if err != nil {
		return false, err
	}
	if !res.Duplicate {
		rep.Appended++
		if res.Position.After(rep.Position) {
			rep.Position = res.Position
		}
	}
	return !res.Duplicate, nil
}

func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t.UTC()) }

func first(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func round32(x float64) int32 {
	if math.IsNaN(x) || x > math.MaxInt32 || x < math.MinInt32 {
		return 0
	}
	return int32(math.Round(x))
}

// clockTime reads phpVMS's free-text departure time ("0810 CST",
// "08:10") as HH:MM; "" when it is not one.
func clockTime(s string) string {
	s = strings.TrimSpace(s)
	digits := strings.ReplaceAll(strings.Fields(s + " ")[0], ":", "")
	if len(digits) != 4 {
		return ""
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ""
		}
	}
	if digits[:2] > "23" || digits[2:] > "59" {
		return ""
	}
	return digits[:2] + ":" + digits[2:]
}

var aircraftStatus = map[string]string{"A": domain.AircraftActive, "M": domain.AircraftMaintenance,
	"S": domain.AircraftStored, "R": domain.AircraftRetired, "C": domain.AircraftRetired, "W": domain.AircraftRetired}

// tickEvery is how many rows go between two progress lines of a large
// table.
const tickEvery = 1000

// tick rewrites a large table's progress line: rows so far, a bar and an
// estimate of the time left.
func (im *Importer) tick(c *Count) {
	if im.Out == nil || c.total < tickEvery || c.Read%tickEvery != 0 || c.Read > c.total {
		return
	}
	done := float64(c.Read) / float64(c.total)
	left := time.Duration(float64(time.Since(c.started)) * (1 - done) / done).Round(time.Second)
	bar := strings.Repeat("#", int(done*20)) + strings.Repeat(".", 20-int(done*20))
	fmt.Fprintf(im.Out, "\r%-16s %7d/%d [%s] about %s left", c.Table, c.Read, c.total, bar, left)
	c.ticked = true
}

// progress prints a table's line.
func (im *Importer) progress(c *Count) {
	if im.Out != nil {
		if c.ticked {
			fmt.Fprint(im.Out, "\r")
		}
		fmt.Fprintf(im.Out, "%-16s %6d read, %6d imported, %6d unchanged, %6d skipped\n", c.Table, c.Read, c.Imported, c.Unchanged, c.Skipped)
	}
}

// Run imports the airlines of d whose ICAO is in only (every airline when
// only is empty).
func (im *Importer) Run(ctx context.Context, d *Data, only string) (*Report, error) {
	rep := &Report{UserIDs: map[int64]string{}}
	targets := map[int64]Target{}
	ca := rep.count("airlines")
	for _, a := range d.Airlines {
		if only != "" && !strings.EqualFold(a.ICAO, only) {
			continue
		}
		ca.Read++
		if a.Deleted {
			ca.Skipped++
			rep.problem("airlines", fmt.Sprint(a.ID), "deleted in phpVMS: not imported")
			continue
		}
		t, created, err := im.Airline(ctx, a, !im.DryRun)
		if err != nil {
			return rep, fmt.Errorf("airline %s: %w", a.ICAO, err)
		}
		if created {
			ca.Imported++
		} else {
			ca.Unchanged++
		}
		targets[a.ID] = t
	}
	im.progress(ca)
	if len(targets) == 0 {
		if only != "" {
			return rep, fmt.Errorf("the phpVMS database has no airline %s", only)
		}
		return rep, nil
	}
	ids := make([]int64, 0, len(targets))
	for id := range targets {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if err := im.airline(ctx, rep, d, id, targets[id]); err != nil {
			return rep, err
		}
	}
	im.summary(rep)
	return rep, nil
}

func (im *Importer) summary(rep *Report) {
	if im.Out == nil {
		return
	}
	verb := "appended"
	if im.DryRun {
		verb = "would append (dry run: nothing was written)"
	}
	fmt.Fprintf(im.Out, "\n%d commands %s; %d problems.\n", rep.Appended, verb, len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintf(im.Out, "  %s %s: %s\n", p.Table, p.ID, p.Message)
	}
}
