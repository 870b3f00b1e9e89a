package domain

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// SimBrief flight planning: an airline's API key and OFP lifetime (in the
// airline's stream), the dispatch form Albatross fills for SimBrief, and
// the OFPs it fetched back, each in its own stream. An OFP belongs to a
// pilot and a schedule flight, optionally an aircraft and the bid it was
// planned for (BidID; empty when the pilot had no bid on the flight), and
// leaves with that bid unless a PIREP used it.

// SimbriefSettings are an airline's SimBrief settings. The API key is in
// SimbriefSettingsChanged as plain text: the server has no configured
// secret to derive an encryption key from (cmd/albatross/config.go), so
// encrypting it at rest waits for one.
type SimbriefSettings struct {
	APIKey      string // a secret: never shown back, never logged
	ExpireHours int32  // 0: DefaultOFPExpiry
}

// DefaultOFPExpiry is how long an OFP no PIREP used is kept, as phpVMS's
// simbrief.expire_hours default.
const DefaultOFPExpiry = 6 * time.Hour

// MaxOFPExpireHours bounds an airline's OFP lifetime: a week.
const MaxOFPExpireHours = 168

// MinOFPExpiry is the shortest lifetime an airline may set: the sweep
// looks at every OFP this old.
const MinOFPExpiry = time.Hour

// ExpireAfter is how long the airline keeps an unused OFP.
func (s SimbriefSettings) ExpireAfter() time.Duration {
	if s.ExpireHours <= 0 {
		return DefaultOFPExpiry
	}
	return time.Duration(s.ExpireHours) * time.Hour
}

// SimbriefSettingsChange is what the settings form sends: a new key
// replaces the stored one, ClearKey removes it, and neither keeps it.
type SimbriefSettingsChange struct {
	APIKey      string
	ClearKey    bool
	ExpireHours int32
}

var simbriefKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,128}$`)

// SetSimbriefSettings changes an airline's SimBrief settings. The error
// for a bad key never repeats the key.
func (s *Airlines) SetSimbriefSettings(ctx context.Context, meta CommandMeta, airlineID string, c SimbriefSettingsChange) (AppendResult, error) {
	c.APIKey = strings.TrimSpace(c.APIKey)
	f := map[string]string{}
	if c.APIKey != "" && !simbriefKeyPattern.MatchString(c.APIKey) {
		f["api_key"] = "A SimBrief API key is letters, digits, dots, dashes or underscores, at most 128."
	}
	if c.ExpireHours < 0 || c.ExpireHours > MaxOFPExpireHours {
		f["expire_hours"] = "Enter from 1 to 168 hours, or leave it empty for 6."
	}
	if err := Invalid(f); err != nil {
		return AppendResult{}, err
	}
	return s.airlineCommand(ctx, meta, airlineID, ManageSimbrief, func(a *Airline, now time.Time) ([]proto.Message, error) {
		next := SimbriefSettings{APIKey: a.Simbrief.APIKey, ExpireHours: c.ExpireHours}
		if c.ClearKey {
			next.APIKey = ""
		}
		if c.APIKey != "" {
			next.APIKey = c.APIKey
		}
		if next == a.Simbrief {
			return nil, nil
		}
		return []proto.Message{&eventsv1.SimbriefSettingsChanged{AirlineId: airlineID, ApiKey: next.APIKey,
			ExpireHours: next.ExpireHours, ChangedAt: timestamppb.New(now)}}, nil
	})
}

// SimbriefSettingsOf reads an airline's SimBrief settings from its stream
// (the API key is in no read model).
func (s *Airlines) SimbriefSettingsOf(ctx context.Context, meta CommandMeta, airlineID string) (SimbriefSettings, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		if err := Authorize(meta.Who, ManageSimbrief, airlineID); err != nil {
			return SimbriefSettings{}, err
		}
	}
	a, err := s.Runner.loadAirline(ctx, airlineID)
	if err != nil {
		return SimbriefSettings{}, err
	}
	return a.Simbrief, nil
}

// SimbriefDispatch is the dispatch form Albatross fills for SimBrief's
// API (ofp.loader.api.php): SimBrief's input names, and the apicode the
// server computes so the key never reaches the browser.
type SimbriefDispatch struct {
	Orig, Dest, Type string // ICAO codes and the ICAO aircraft type
	Reg              string
	Airline          string // the airline's ICAO code
	FlightNumber     string
	Callsign         string
	Route            string
	Level            int32 // feet; 0: SimBrief chooses
	DepTime          string
	Pax              int32 // 0: SimBrief's default load
	CargoThousands   float64
	StaticID         string // the OFP's id, which the fetch names
	Timestamp        int64
	OutputPage       string // where SimBrief sends the pilot back
}

// SimbriefAPICode is SimBrief's apicode, as its API documents it (the
// simbrief.apiv1 PHP and JavaScript): the first 10 characters, upper case,
// of md5(api key + orig + dest + type + timestamp + outputpage), the output
// page written without a leading "http://".
func SimbriefAPICode(apiKey, orig, dest, typ string, timestamp int64, outputPage string) string {
	sum := md5.Sum([]byte(apiKey + orig + dest + typ + strconv.FormatInt(timestamp, 10) + strings.TrimPrefix(outputPage, "http://")))
	return strings.ToUpper(hex.EncodeToString(sum[:]))[:10]
}

// Fields are the form's inputs, apicode included.
func (d SimbriefDispatch) Fields(apiKey string) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("orig", d.Orig)
	set("dest", d.Dest)
	set("type", d.Type)
	set("reg", d.Reg)
	set("airline", d.Airline)
	set("fltnum", d.FlightNumber)
	set("callsign", d.Callsign)
	set("route", d.Route)
	if d.Level > 0 {
		set("fl", strconv.Itoa(int(d.Level)))
	}
	if h, m, ok := strings.Cut(d.DepTime, ":"); ok && len(h) == 2 && len(m) == 2 {
		set("deph", h)
		set("depm", m)
	}
	if d.Pax > 0 {
		set("pax", strconv.Itoa(int(d.Pax)))
	}
	if d.CargoThousands > 0 {
		set("cargo", strconv.FormatFloat(d.CargoThousands, 'f', 1, 64))
	}
	set("static_id", d.StaticID)
	set("navlog", "1")
	set("maps", "detail")
	set("timestamp", strconv.FormatInt(d.Timestamp, 10))
	set("outputpage", strings.TrimPrefix(d.OutputPage, "http://"))
	set("apicode", SimbriefAPICode(apiKey, d.Orig, d.Dest, d.Type, d.Timestamp, d.OutputPage))
	return v
}

// OFPStreamPrefix starts every OFP stream id.
const OFPStreamPrefix = "simbrief-"

// OFPStream is the stream of an airline's OFP.
func OFPStream(airlineID, ofpID string) string { return OFPStreamPrefix + airlineID + "-" + ofpID }

// ofpIDPattern is the static ids Albatross gives SimBrief.
var ofpIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidOFPID says whether id could be an OFP's id.
func ValidOFPID(id string) bool { return ofpIDPattern.MatchString(id) }

// SimbriefOFP is an OFP's aggregate.
type SimbriefOFP struct {
	ID, TenantID, PilotID       string
	FlightID, AircraftID, BidID string
	PirepID                     string // the PIREP that used it; "": unused
	Fetched, Expired            bool
	FetchedAt                   time.Time
	OFP                         *OFP
	AcarsXML                    string
}

// Apply folds one stored event into the OFP.
func (o *SimbriefOFP) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.SimbriefOfpFetched:
		o.ID, o.TenantID, o.PilotID, o.Fetched, o.Expired = e.OfpId, e.AirlineId, e.PilotId, true, false
		o.FlightID, o.AircraftID, o.BidID = e.FlightId, e.AircraftId, e.BidId
		o.FetchedAt, o.OFP, o.AcarsXML = e.FetchedAt.AsTime(), e.Ofp, e.AcarsXml
	case *eventsv1.SimbriefOfpAttached:
		o.PirepID = e.PirepId
	case *eventsv1.SimbriefOfpExpired:
		o.Expired = true
	default:
		return fmt.Errorf("simbrief ofp: unexpected event %T", ev)
	}
	return nil
}

// KeptOFP is an OFP fetched from SimBrief for a pilot's flight.
type KeptOFP struct {
	OFPID      string
	FlightID   string
	AircraftID string // "": none chosen
	BidID      string // "": not from a bid
	OFP        *OFP
	AcarsXML   string
	Source     string // xml or json
}

// Simbrief runs the OFP commands.
type Simbrief struct {
	Runner *Runner
}

// Keep stores an OFP fetched for the acting pilot. Fetching the same OFP
// again replaces it; another pilot's OFP id is not found.
func (s *Simbrief) Keep(ctx context.Context, meta CommandMeta, airlineID string, k KeptOFP) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	f := map[string]string{}
	if !ValidOFPID(k.OFPID) {
		f["ofp_id"] = "This is not a SimBrief OFP id."
	}
	if k.OFP == nil {
		f["ofp"] = "There is no OFP."
	}
	if msg := TextProblem(k.AcarsXML, MultiLine); msg != "" || len(k.AcarsXML) > MaxOFPSource {
		f["acars_xml"] = "SimBrief's ACARS briefing cannot be stored."
	}
	for _, id := range []string{k.FlightID, k.AircraftID, k.BidID} {
		if TextProblem(id, SingleLine) != "" || len(id) > 64 {
			f["flight_id"] = "This is not a flight of the airline."
		}
	}
	if err := Invalid(f); err != nil {
		return AppendResult{}, err
	}
	pilot := meta.Who.UserID
	return Execute(ctx, s.Runner, StreamRef{StreamID: OFPStream(airlineID, k.OFPID), TenantID: airlineID}, meta,
		func() *SimbriefOFP { return &SimbriefOFP{} },
		func(o *SimbriefOFP, _ int64) (Decision, error) {
			if o.Fetched && o.PilotID != pilot {
				return Decision{}, Errorf(ENotFound, "There is no such flight plan.")
			}
			return Decision{Events: []proto.Message{&eventsv1.SimbriefOfpFetched{OfpId: k.OFPID, AirlineId: airlineID,
				PilotId: pilot, FlightId: k.FlightID, AircraftId: k.AircraftID, BidId: k.BidID, Ofp: k.OFP,
				AcarsXml: k.AcarsXML, FetchedAt: timestamppb.New(s.Runner.now()), Source: k.Source}}}, nil
		})
}

// Load reads an OFP of the airline; one expired, or never fetched, is
// ENotFound.
func (s *Simbrief) Load(ctx context.Context, airlineID, ofpID string) (*SimbriefOFP, error) {
	if !ValidOFPID(ofpID) {
		return nil, Errorf(ENotFound, "There is no such flight plan.")
	}
	o := &SimbriefOFP{}
	if _, err := s.Runner.load(ctx, OFPStream(airlineID, ofpID), o); err != nil {
		return nil, err
	}
	if !o.Fetched || o.Expired || o.TenantID != airlineID {
		return nil, Errorf(ENotFound, "There is no such flight plan.")
	}
	return o, nil
}

// Attach gives the acting pilot's OFP to their PIREP: it is used, so no
// longer expires. Attaching it to the same PIREP again records nothing.
func (s *Simbrief) Attach(ctx context.Context, meta CommandMeta, airlineID, ofpID, pirepID string) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	if !ValidOFPID(ofpID) {
		return AppendResult{}, Errorf(ENotFound, "There is no such flight plan.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: OFPStream(airlineID, ofpID), TenantID: airlineID}, meta,
		func() *SimbriefOFP { return &SimbriefOFP{} },
		func(o *SimbriefOFP, _ int64) (Decision, error) {
			if !o.Fetched || o.Expired || o.PilotID != meta.Who.UserID {
				return Decision{}, Errorf(ENotFound, "There is no such flight plan.")
			}
			if o.PirepID == pirepID {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.SimbriefOfpAttached{OfpId: ofpID, PirepId: pirepID,
				AttachedAt: timestamppb.New(s.Runner.now())}}}, nil
		})
}

// Expire removes an OFP no PIREP used once it is older than its airline's
// lifetime (the sweep's command; it decides on the OFP's own stream, so
// two sweeps expire it once and a used one stays).
func (s *Simbrief) Expire(ctx context.Context, airlineID, ofpID string, asOf time.Time) (AppendResult, error) {
	a, err := s.Runner.loadAirline(ctx, airlineID)
	if err != nil {
		return AppendResult{}, err
	}
	// No command id: the decision itself is idempotent, and an OFP fetched
	// again after expiring may expire again.
	meta := CommandMeta{Who: System, Actor: "system"}
	return Execute(ctx, s.Runner, StreamRef{StreamID: OFPStream(airlineID, ofpID), TenantID: airlineID}, meta,
		func() *SimbriefOFP { return &SimbriefOFP{} },
		func(o *SimbriefOFP, _ int64) (Decision, error) {
			if !o.Fetched || o.Expired || o.PirepID != "" || asOf.Sub(o.FetchedAt) < a.Simbrief.ExpireAfter() {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.SimbriefOfpExpired{OfpId: ofpID, ExpiredAt: timestamppb.New(asOf)}}}, nil
		})
}

// DiscardForBid removes an OFP planned for a bid that ended (removed by
// its pilot, expired, or ended by its flight's PIREP) when no PIREP used
// it, as phpVMS deletes a bid's unused OFP with the bid; the system sends
// it (a reactor). An OFP gone already, used, or of another bid stays.
func (s *Simbrief) DiscardForBid(ctx context.Context, meta CommandMeta, airlineID, ofpID, bidID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManagePirepRules, airlineID); err != nil {
		return AppendResult{}, err
	}
	if !ValidOFPID(ofpID) || bidID == "" {
		return AppendResult{}, Errorf(ENotFound, "There is no such flight plan.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: OFPStream(airlineID, ofpID), TenantID: airlineID}, meta,
		func() *SimbriefOFP { return &SimbriefOFP{} },
		func(o *SimbriefOFP, _ int64) (Decision, error) {
			if !o.Fetched || o.Expired || o.PirepID != "" || o.BidID != bidID || o.TenantID != airlineID {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.SimbriefOfpExpired{OfpId: ofpID, BidId: bidID,
				ExpiredAt: timestamppb.New(s.Runner.now())}}}, nil
		})
}
