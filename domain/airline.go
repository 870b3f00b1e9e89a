package domain

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// AirlineStreamPrefix starts every airline stream id.
const AirlineStreamPrefix = "airline-"

// AirlineStream returns the stream id of an airline.
func AirlineStream(airlineID string) string { return AirlineStreamPrefix + airlineID }

// Airline is the airline aggregate: a tenant of the platform.
type Airline struct {
	ID      string
	Created bool
	Name    string
	ICAO    string
	IATA    string
	Slug    string
}

// Apply folds one stored event into the airline.
func (a *Airline) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.AirlineCreated:
		a.ID, a.Created = e.AirlineId, true
		a.Name, a.ICAO, a.IATA, a.Slug = e.Name, e.Icao, e.Iata, e.Slug
	default:
		return fmt.Errorf("airline: unexpected event %T", ev)
	}
	return nil
}

// CreateAirline is the command a platform admin sends to open an airline.
type CreateAirline struct {
	Name string
	ICAO string
	IATA string
	Slug string
}

var (
	icaoPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	iataPattern = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)
)

// Normalize trims the fields and puts codes in the case they are stored in.
func (c *CreateAirline) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.ICAO = strings.ToUpper(strings.TrimSpace(c.ICAO))
	c.IATA = strings.ToUpper(strings.TrimSpace(c.IATA))
	c.Slug = strings.ToLower(strings.TrimSpace(c.Slug))
}

// Validate returns an EInvalid error naming each bad field, or nil.
func (c CreateAirline) Validate() error {
	f := map[string]string{}
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		f["name"] = "Enter the airline's name."
	case n > 100:
		f["name"] = "The name can be at most 100 characters."
	}
	if !icaoPattern.MatchString(c.ICAO) {
		f["icao"] = "The ICAO code is 3 letters, for example BAW."
	}
	if c.IATA != "" && !iataPattern.MatchString(c.IATA) {
		f["iata"] = "The IATA code is 2 letters or digits, for example BA, or empty."
	}
	if !slugPattern.MatchString(c.Slug) {
		f["slug"] = "The slug is 1 to 40 lower-case letters, digits or hyphens, for example speedbird."
	}
	return Invalid(f)
}

// Create decides the creation of a new airline with the given id.
func (a *Airline) Create(id string, c CreateAirline, now time.Time) (Decision, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return Decision{}, err
	}
	if a.Created {
		return Decision{}, Errorf(EConflict, "This airline already exists.")
	}
	return Decision{
		Events: []proto.Message{&eventsv1.AirlineCreated{
			AirlineId: id, Name: c.Name, Icao: c.ICAO, Iata: c.IATA, Slug: c.Slug,
			CreatedAt: timestamppb.New(now),
		}},
		Claims: []UniqueClaim{
			{Scope: "", Field: "slug", Value: c.Slug},
			{Scope: "", Field: "icao", Value: c.ICAO},
		},
	}, nil
}

// Airlines runs the airline commands.
type Airlines struct {
	Runner *Runner
	IDs    IDs
}

// Create opens a new airline and returns its id and where its event landed.
// A repeated command id returns the airline the first call created.
func (s *Airlines) Create(ctx context.Context, meta CommandMeta, c CreateAirline) (string, AppendResult, error) {
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AirlineStream(id), TenantID: id}, meta,
		func() *Airline { return &Airline{} },
		func(a *Airline, _ int64) (Decision, error) { return a.Create(id, c, s.Runner.now()) })
	if err != nil {
		return "", AppendResult{}, err
	}
	airlineID := strings.TrimPrefix(res.StreamID, AirlineStreamPrefix)
	if res.Duplicate {
		// The same command id came back. A double submit carries the same
		// values; different ones mean a reused form (the back button), which
		// must not pass silently as if it had created the new airline.
		first := &Airline{}
		if _, err := s.Runner.load(ctx, res.StreamID, first); err != nil {
			return "", AppendResult{}, err
		}
		c.Normalize()
		if first.Name != c.Name || first.ICAO != c.ICAO || first.IATA != c.IATA || first.Slug != c.Slug {
			return "", AppendResult{}, Errorf(EConflict,
				"This form was already used to create %s. Reload the page to create another airline.", first.Name)
		}
	}
	return airlineID, res, nil
}
