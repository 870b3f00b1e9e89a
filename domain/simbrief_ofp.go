package domain

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// OFP is what Albatross keeps of a SimBrief flight plan (an operational
// flight plan): the message its SimbriefOfpFetched event carries.
type OFP = eventsv1.SimbriefOfpFetched_Ofp

// Bounds on what an OFP may hold: SimBrief's largest plans stay far below
// them, and a hostile or broken answer cannot grow an event without end.
const (
	maxOFPFixes  = 2000
	maxOFPLinks  = 300
	maxOFPText   = 16 << 10 // one text field, in bytes
	MaxOFPSource = 8 << 20  // an OFP document as fetched, in bytes
)

// ErrOFPMalformed is the decoders' error for a document that is not an OFP.
var ErrOFPMalformed = errors.New("not a SimBrief OFP")

// ofpXML is the part of SimBrief's XML OFP (xml.fetcher.php) Albatross reads.
type ofpXML struct {
	XMLName xml.Name `xml:"OFP"`
	Params  struct {
		RequestID string `xml:"request_id"`
		Airac     string `xml:"airac"`
		Units     string `xml:"units"`
	} `xml:"params"`
	General struct {
		ICAOAirline     string `xml:"icao_airline"`
		FlightNumber    string `xml:"flight_number"`
		CostIndex       string `xml:"costindex"`
		InitialAltitude string `xml:"initial_altitude"`
		GCDistance      string `xml:"gc_distance"`
		RouteDistance   string `xml:"route_distance"`
		AirDistance     string `xml:"air_distance"`
		Passengers      string `xml:"passengers"`
		Route           string `xml:"route"`
	} `xml:"general"`
	Origin      ofpAirportXML `xml:"origin"`
	Destination ofpAirportXML `xml:"destination"`
	Alternate   struct {
		ofpAirportXML
		CruiseAltitude string `xml:"cruise_altitude"`
	} `xml:"alternate"`
	Navlog struct {
		Fix []struct {
			Ident    string `xml:"ident"`
			Name     string `xml:"name"`
			Type     string `xml:"type"`
			Lat      string `xml:"pos_lat"`
			Lon      string `xml:"pos_long"`
			Altitude string `xml:"altitude_feet"`
			Via      string `xml:"via_airway"`
			Stage    string `xml:"stage"`
		} `xml:"fix"`
	} `xml:"navlog"`
	ATC struct {
		FlightplanText string `xml:"flightplan_text"`
		Callsign       string `xml:"callsign"`
	} `xml:"atc"`
	Aircraft struct {
		ICAO string `xml:"icaocode"`
		Name string `xml:"name"`
		Reg  string `xml:"reg"`
	} `xml:"aircraft"`
	Fuel    ofpFuelXML `xml:"fuel"`
	Times   ofpTimes   `xml:"times"`
	Weights struct {
		ZFW string `xml:"est_zfw"`
		TOW string `xml:"est_tow"`
		LDW string `xml:"est_ldw"`
	} `xml:"weights"`
	Weather      ofpWeather `xml:"weather"`
	FMSDownloads struct {
		Directory string       `xml:"directory"`
		Items     []ofpLinkXML `xml:",any"`
	} `xml:"fms_downloads"`
	Images struct {
		Directory string       `xml:"directory"`
		Map       []ofpLinkXML `xml:"map"`
	} `xml:"images"`
	VATSIMPrefile    string `xml:"vatsim_prefile"`
	IVAOPrefile      string `xml:"ivao_prefile"`
	PilotEdgePrefile string `xml:"pilotedge_prefile"`
	POSCONPrefile    string `xml:"poscon_prefile"`
}

type ofpAirportXML struct {
	ICAO   string `xml:"icao_code"`
	PlanRW string `xml:"plan_rwy"`
}

type ofpLinkXML struct {
	XMLName xml.Name
	Name    string `xml:"name"`
	Link    string `xml:"link"`
}

type ofpFuelXML struct {
	Taxi        string `xml:"taxi"`
	Enroute     string `xml:"enroute_burn"`
	Contingency string `xml:"contingency"`
	Alternate   string `xml:"alternate_burn"`
	Reserve     string `xml:"reserve"`
	Extra       string `xml:"extra"`
	Takeoff     string `xml:"plan_takeoff"`
	Ramp        string `xml:"plan_ramp"`
	Landing     string `xml:"plan_landing"`
}

// ofpTimes are epoch seconds and seconds in the XML, ISO times and
// hh:mm:ss in the JSON v2; both read through ofpTime and ofpSeconds.
type ofpTimes struct {
	EstTimeEnroute string `xml:"est_time_enroute" json:"est_time_enroute"`
	SchedOut       string `xml:"sched_out" json:"sched_out"`
	SchedOff       string `xml:"sched_off" json:"sched_off"`
	SchedOn        string `xml:"sched_on" json:"sched_on"`
	SchedIn        string `xml:"sched_in" json:"sched_in"`
	SchedBlock     string `xml:"sched_block" json:"sched_block"`
	Endurance      string `xml:"endurance" json:"endurance"`
}

type ofpWeather struct {
	OrigMETAR string `xml:"orig_metar"`
	OrigTAF   string `xml:"orig_taf"`
	DestMETAR string `xml:"dest_metar"`
	DestTAF   string `xml:"dest_taf"`
	AltnMETAR string `xml:"altn_metar"`
	AltnTAF   string `xml:"altn_taf"`
}

// DecodeOFPXML reads SimBrief's XML OFP. Numbers it cannot read count as
// 0 and text is cleaned to what the log can store; a document that is not
// an OFP (no OFP root, or neither airport) is ErrOFPMalformed.
func DecodeOFPXML(doc []byte) (*OFP, error) {
	if len(doc) > MaxOFPSource {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrOFPMalformed, MaxOFPSource)
	}
	var x ofpXML
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOFPMalformed, err)
	}
	o := &OFP{
		RequestId: clean(x.Params.RequestID), Airac: clean(x.Params.Airac), Units: clean(x.Params.Units),
		AirlineIcao: clean(x.General.ICAOAirline), FlightNumber: clean(x.General.FlightNumber), Callsign: clean(x.ATC.Callsign),
		Origin: clean(x.Origin.ICAO), Destination: clean(x.Destination.ICAO), Alternate: clean(x.Alternate.ICAO),
		OriginRunway: clean(x.Origin.PlanRW), DestinationRunway: clean(x.Destination.PlanRW),
		AircraftIcao: clean(x.Aircraft.ICAO), AircraftName: clean(x.Aircraft.Name), Registration: clean(x.Aircraft.Reg),
		Route: clean(x.General.Route), InitialAltitude: whole(x.General.InitialAltitude),
		FlightLevel: whole(x.Alternate.CruiseAltitude) / 100, AirDistance: whole(x.General.AirDistance),
		RouteDistance: whole(x.General.RouteDistance), GcDistance: whole(x.General.GCDistance),
		CostIndex: whole(x.General.CostIndex), Passengers: whole(x.General.Passengers),
		Zfw: whole(x.Weights.ZFW), Tow: whole(x.Weights.TOW), Ldw: whole(x.Weights.LDW),
		FlightplanText: clean(x.ATC.FlightplanText),
	}
	setFuel(o, x.Fuel)
	setTimes(o, x.Times)
	setWeather(o, x.Weather)
	for _, f := range x.Navlog.Fix {
		if len(o.Navlog) >= maxOFPFixes {
			break
		}
		o.Navlog = append(o.Navlog, &eventsv1.SimbriefOfpFetched_Ofp_Fix{Ident: clean(f.Ident), Name: clean(f.Name),
			Type: clean(f.Type), Lat: coordinate(f.Lat, 90), Lon: coordinate(f.Lon, 180), Altitude: whole(f.Altitude),
			Via: clean(f.Via), Stage: clean(f.Stage)})
	}
	downloads := make([]namedLink, 0, len(x.FMSDownloads.Items))
	for _, it := range x.FMSDownloads.Items {
		downloads = append(downloads, namedLink{key: it.XMLName.Local, name: it.Name, link: it.Link})
	}
	setDownloads(o, x.FMSDownloads.Directory, downloads)
	for _, m := range x.Images.Map {
		addLink(&o.Images, m.Name, joinLink(x.Images.Directory, m.Link))
	}
	for _, p := range []struct{ network, form string }{{"VATSIM", x.VATSIMPrefile}, {"IVAO", x.IVAOPrefile},
		{"PilotEdge", x.PilotEdgePrefile}, {"POSCON", x.POSCONPrefile}} {
		if pf := prefileForm(p.network, p.form); pf != nil {
			o.Prefiles = append(o.Prefiles, pf)
		}
	}
	if o.Origin == "" || o.Destination == "" {
		return nil, fmt.Errorf("%w: no origin or destination", ErrOFPMalformed)
	}
	return o, nil
}

// OFPFetchStatus is SimBrief's JSON v2 fetch.status, "Success" when the
// OFP came back; anything else is SimBrief's reason (an unknown user or
// static id).
func OFPFetchStatus(doc []byte) (string, error) {
	var j struct {
		Fetch struct {
			Status jsonText `json:"status"`
		} `json:"fetch"`
	}
	if err := json.Unmarshal(doc, &j); err != nil {
		return "", fmt.Errorf("%w: %v", ErrOFPMalformed, err)
	}
	return clean(string(j.Fetch.Status)), nil
}

// DecodeOFPJSON reads SimBrief's JSON v2 OFP (xml.fetcher.php?json=v2),
// whose shapes differ from the XML's: lists where the XML repeats an
// element (the navlog, alternates), ISO times and hh:mm:ss durations, the
// prefile links as URLs. A fetch.status other than Success is an error
// carrying SimBrief's words.
func DecodeOFPJSON(doc []byte) (*OFP, error) {
	if len(doc) > MaxOFPSource {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrOFPMalformed, MaxOFPSource)
	}
	status, err := OFPFetchStatus(doc)
	if err != nil {
		return nil, err
	}
	if status != "Success" {
		return nil, &OFPStatusError{Status: status}
	}
	var j struct {
		Params struct {
			RequestID jsonText `json:"request_id"`
			Airac     jsonText `json:"airac"`
			Units     jsonText `json:"units"`
		} `json:"params"`
		General struct {
			ICAOAirline     jsonText `json:"icao_airline"`
			FlightNumber    jsonText `json:"flight_number"`
			CostIndex       jsonText `json:"costindex"`
			InitialAltitude jsonText `json:"initial_altitude"`
			GCDistance      jsonText `json:"gc_distance"`
			RouteDistance   jsonText `json:"route_distance"`
			AirDistance     jsonText `json:"air_distance"`
			Passengers      jsonText `json:"passengers"`
			Route           jsonText `json:"route"`
		} `json:"general"`
		Origin      jsonAirport           `json:"origin"`
		Destination jsonAirport           `json:"destination"`
		Alternate   jsonList[jsonAirport] `json:"alternate"`
		Navlog      jsonList[struct {
			Ident    jsonText `json:"ident"`
			Name     jsonText `json:"name"`
			Type     jsonText `json:"type"`
			Lat      jsonText `json:"pos_lat"`
			Lon      jsonText `json:"pos_long"`
			Altitude jsonText `json:"altitude_feet"`
			Via      jsonText `json:"via_airway"`
			Stage    jsonText `json:"stage"`
		}] `json:"navlog"`
		ATC struct {
			FlightplanText jsonText `json:"flightplan_text"`
			Callsign       jsonText `json:"callsign"`
		} `json:"atc"`
		Aircraft struct {
			ICAO jsonText `json:"icaocode"`
			Name jsonText `json:"name"`
			Reg  jsonText `json:"reg"`
		} `json:"aircraft"`
		Fuel    map[string]jsonText `json:"fuel"`
		Times   map[string]jsonText `json:"times"`
		Weights struct {
			ZFW jsonText `json:"est_zfw"`
			TOW jsonText `json:"est_tow"`
			LDW jsonText `json:"est_ldw"`
		} `json:"weights"`
		Weather      map[string]jsonText `json:"weather"`
		FMSDownloads json.RawMessage     `json:"fms_downloads"`
		Images       struct {
			Directory jsonText           `json:"directory"`
			Map       jsonList[jsonLink] `json:"map"`
		} `json:"images"`
		Prefile map[string]struct {
			Name jsonText `json:"name"`
			Link jsonText `json:"link"`
		} `json:"prefile"`
	}
	if err := json.Unmarshal(doc, &j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOFPMalformed, err)
	}
	var altn jsonAirport
	if len(j.Alternate) > 0 {
		altn = j.Alternate[0]
	}
	o := &OFP{
		RequestId: clean(string(j.Params.RequestID)), Airac: clean(string(j.Params.Airac)), Units: clean(string(j.Params.Units)),
		AirlineIcao: clean(string(j.General.ICAOAirline)), FlightNumber: clean(string(j.General.FlightNumber)),
		Callsign: clean(string(j.ATC.Callsign)), Origin: clean(string(j.Origin.ICAO)), Destination: clean(string(j.Destination.ICAO)),
		Alternate: clean(string(altn.ICAO)), OriginRunway: clean(string(j.Origin.PlanRW)), DestinationRunway: clean(string(j.Destination.PlanRW)),
		AircraftIcao: clean(string(j.Aircraft.ICAO)), AircraftName: clean(string(j.Aircraft.Name)), Registration: clean(string(j.Aircraft.Reg)),
		Route: clean(string(j.General.Route)), InitialAltitude: whole(string(j.General.InitialAltitude)),
		FlightLevel: whole(string(altn.CruiseAltitude)) / 100, AirDistance: whole(string(j.General.AirDistance)),
		RouteDistance: whole(string(j.General.RouteDistance)), GcDistance: whole(string(j.General.GCDistance)),
		CostIndex: whole(string(j.General.CostIndex)), Passengers: whole(string(j.General.Passengers)),
		Zfw: whole(string(j.Weights.ZFW)), Tow: whole(string(j.Weights.TOW)), Ldw: whole(string(j.Weights.LDW)),
		FlightplanText: clean(string(j.ATC.FlightplanText)),
	}
	str := func(m map[string]jsonText, k string) string { return string(m[k]) }
	setFuel(o, ofpFuelXML{Taxi: str(j.Fuel, "taxi"), Enroute: str(j.Fuel, "enroute_burn"), Contingency: str(j.Fuel, "contingency"),
		Alternate: str(j.Fuel, "alternate_burn"), Reserve: str(j.Fuel, "reserve"), Extra: str(j.Fuel, "extra"),
		Takeoff: str(j.Fuel, "plan_takeoff"), Ramp: str(j.Fuel, "plan_ramp"), Landing: str(j.Fuel, "plan_landing")})
	setTimes(o, ofpTimes{EstTimeEnroute: str(j.Times, "est_time_enroute"), SchedOut: str(j.Times, "sched_out"),
		SchedOff: str(j.Times, "sched_off"), SchedOn: str(j.Times, "sched_on"), SchedIn: str(j.Times, "sched_in"),
		SchedBlock: str(j.Times, "sched_block"), Endurance: str(j.Times, "endurance")})
	setWeather(o, ofpWeather{OrigMETAR: str(j.Weather, "orig_metar"), OrigTAF: str(j.Weather, "orig_taf"),
		DestMETAR: str(j.Weather, "dest_metar"), DestTAF: str(j.Weather, "dest_taf"),
		AltnMETAR: str(j.Weather, "altn_metar"), AltnTAF: str(j.Weather, "altn_taf")})
	for _, f := range j.Navlog {
		if len(o.Navlog) >= maxOFPFixes {
			break
		}
		o.Navlog = append(o.Navlog, &eventsv1.SimbriefOfpFetched_Ofp_Fix{Ident: clean(string(f.Ident)), Name: clean(string(f.Name)),
			Type: clean(string(f.Type)), Lat: coordinate(string(f.Lat), 90), Lon: coordinate(string(f.Lon), 180),
			Altitude: whole(string(f.Altitude)), Via: clean(string(f.Via)), Stage: clean(string(f.Stage))})
	}
	dir, downloads, err := orderedDownloads(j.FMSDownloads)
	if err != nil {
		return nil, err
	}
	setDownloads(o, dir, downloads)
	for _, m := range j.Images.Map {
		addLink(&o.Images, string(m.Name), joinLink(string(j.Images.Directory), string(m.Link)))
	}
	for _, network := range []string{"vatsim", "ivao", "pilotedge", "poscon"} {
		p, ok := j.Prefile[network]
		if link := webURL(string(p.Link)); ok && link != "" {
			o.Prefiles = append(o.Prefiles, &eventsv1.SimbriefOfpFetched_Ofp_Prefile{
				Network: cleanLine(cmpOr(string(p.Name), strings.ToUpper(network))), Method: "GET", Action: link})
		}
	}
	if o.Origin == "" || o.Destination == "" {
		return nil, fmt.Errorf("%w: no origin or destination", ErrOFPMalformed)
	}
	return o, nil
}

// OFPStatusError is SimBrief's refusal in a JSON answer's fetch.status.
type OFPStatusError struct{ Status string }

func (e *OFPStatusError) Error() string { return "SimBrief answered: " + e.Status }

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

type jsonAirport struct {
	ICAO           jsonText `json:"icao_code"`
	PlanRW         jsonText `json:"plan_rwy"`
	CruiseAltitude jsonText `json:"cruise_altitude"`
}

type jsonLink struct {
	Name jsonText `json:"name"`
	Link jsonText `json:"link"`
}

// jsonText reads a JSON v2 value as text: a string or number as it is,
// a list as its first element (SimBrief gives a list where an OFP has
// several, such as alternates' METARs), anything else as "".
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
	case b[0] == '[':
		var l []jsonText
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*t = ""
		if len(l) > 0 {
			*t = l[0]
		}
	case b[0] == '{':
		*t = ""
	default:
		*t = jsonText(b) // a number or a boolean
	}
	return nil
}

// jsonList reads a list, or one object where SimBrief gives a single item
// unwrapped; anything else is an empty list.
type jsonList[T any] []T

func (l *jsonList[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '[':
		var items []T
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		*l = items
	case len(b) > 0 && b[0] == '{':
		var item T
		if err := json.Unmarshal(b, &item); err != nil {
			return err
		}
		*l = []T{item}
	default:
		*l = nil
	}
	return nil
}

// orderedDownloads reads fms_downloads in the order SimBrief lists them
// (a Go map would lose it): the directory and each named link.
func orderedDownloads(raw json.RawMessage) (string, []namedLink, error) {
	if len(bytes.TrimSpace(raw)) == 0 || raw[0] != '{' {
		return "", nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrOFPMalformed, err)
	}
	var dir string
	var out []namedLink
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", nil, fmt.Errorf("%w: %v", ErrOFPMalformed, err)
		}
		key, _ := tok.(string)
		if key == "directory" {
			var d jsonText
			if err := dec.Decode(&d); err != nil {
				return "", nil, fmt.Errorf("%w: %v", ErrOFPMalformed, err)
			}
			dir = string(d)
			continue
		}
		var l jsonLink
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return "", nil, fmt.Errorf("%w: %v", ErrOFPMalformed, err)
		}
		if json.Unmarshal(v, &l) == nil {
			out = append(out, namedLink{key: key, name: string(l.Name), link: string(l.Link)})
		}
	}
	return dir, out, nil
}

type namedLink struct{ key, name, link string }

// setDownloads fills the download list as phpVMS 7 builds it
// (SimBriefXML::getFlightPlans): the phpVMS ACARS file on top, then every
// entry of fms_downloads in SimBrief's order, that file included again.
func setDownloads(o *OFP, dir string, items []namedLink) {
	for _, it := range items {
		if it.key == "vms" {
			o.AcarsLink = webURL(joinLink(dir, it.link))
			addLink(&o.Files, it.name, joinLink(dir, it.link))
		}
	}
	for _, it := range items {
		if it.key == "pdf" {
			o.PdfUrl = webURL(joinLink(dir, it.link))
		}
		addLink(&o.Files, it.name, joinLink(dir, it.link))
	}
}

func addLink(to *[]*eventsv1.SimbriefOfpFetched_Ofp_Link, name, link string) {
	if len(*to) >= maxOFPLinks {
		return
	}
	*to = append(*to, &eventsv1.SimbriefOfpFetched_Ofp_Link{Name: cleanLine(name), Url: webURL(link)})
}

func joinLink(dir, link string) string { return strings.TrimSpace(dir) + strings.TrimSpace(link) }

// webURL is u when it is an http or https URL, else "": an OFP's links
// end up in pages' href attributes.
func webURL(u string) string {
	u = cleanLine(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}

var (
	formTag   = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	inputTag  = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attribute = regexp.MustCompile(`(?is)\b([a-z0-9_-]+)\s*=\s*"([^"]*)"`)
)

// prefileForm reads the HTML form SimBrief's XML gives to prefile on a
// network: its method, action and hidden fields, so a page can render its
// own form (never SimBrief's HTML).
func prefileForm(network, form string) *eventsv1.SimbriefOfpFetched_Ofp_Prefile {
	tag := formTag.FindString(form)
	if tag == "" {
		return nil
	}
	attrs := func(tag string) map[string]string {
		m := map[string]string{}
		for _, a := range attribute.FindAllStringSubmatch(tag, -1) {
			m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
		}
		return m
	}
	f := attrs(tag)
	p := &eventsv1.SimbriefOfpFetched_Ofp_Prefile{Network: network, Method: "GET", Action: webURL(f["action"])}
	if strings.EqualFold(f["method"], "post") {
		p.Method = "POST"
	}
	if p.Action == "" {
		return nil
	}
	for _, in := range inputTag.FindAllString(form, maxOFPLinks) {
		a := attrs(in)
		if a["name"] == "" {
			continue
		}
		p.Fields = append(p.Fields, &eventsv1.SimbriefOfpFetched_Ofp_Prefile_Field{Name: cleanLine(a["name"]), Value: clean(a["value"])})
	}
	return p
}

func setFuel(o *OFP, f ofpFuelXML) {
	o.FuelTaxi, o.FuelEnroute, o.FuelContingency = whole(f.Taxi), whole(f.Enroute), whole(f.Contingency)
	o.FuelAlternate, o.FuelReserve, o.FuelExtra = whole(f.Alternate), whole(f.Reserve), whole(f.Extra)
	o.FuelTakeoff, o.FuelRamp, o.FuelLanding = whole(f.Takeoff), whole(f.Ramp), whole(f.Landing)
}

func setTimes(o *OFP, t ofpTimes) {
	o.SchedOut, o.SchedOff, o.SchedOn, o.SchedIn = ofpTime(t.SchedOut), ofpTime(t.SchedOff), ofpTime(t.SchedOn), ofpTime(t.SchedIn)
	o.EstTimeEnroute, o.SchedBlock, o.Endurance = ofpSeconds(t.EstTimeEnroute), ofpSeconds(t.SchedBlock), ofpSeconds(t.Endurance)
}

func setWeather(o *OFP, w ofpWeather) {
	o.OrigMetar, o.OrigTaf, o.DestMetar, o.DestTaf = clean(w.OrigMETAR), clean(w.OrigTAF), clean(w.DestMETAR), clean(w.DestTAF)
	o.AltnMetar, o.AltnTaf = clean(w.AltnMETAR), clean(w.AltnTAF)
}

// ofpTime reads epoch seconds (XML) or an RFC 3339 time (JSON v2); nil
// when it is neither or outside years 1970 to 9999.
func ofpTime(s string) *timestamppb.Timestamp {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < 253402300799 {
		return timestamppb.New(time.Unix(n, 0).UTC())
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil && t.Year() >= 1970 && t.Year() <= 9999 {
		return timestamppb.New(t.UTC())
	}
	return nil
}

// ofpSeconds reads seconds (XML) or hh:mm[:ss] (JSON v2).
func ofpSeconds(s string) int32 {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, ":") {
		return max(whole(s), 0)
	}
	total := 0
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 1<<20 {
			return 0
		}
		total += n * []int{3600, 60, 1}[i]
	}
	return int32(min(total, math.MaxInt32))
}

// whole reads a number as an int32, rounded; what is not one is 0.
func whole(s string) int32 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > math.MaxInt32 {
		return 0
	}
	return int32(math.Round(f))
}

// coordinate reads a latitude or longitude within ±limit; else 0.
func coordinate(s string, limit float64) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > limit {
		return 0
	}
	return f
}

// clean makes text storable: valid UTF-8, no control characters but tabs
// and line breaks (written \n), trimmed and bounded.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > maxOFPText {
		cut := maxOFPText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// cleanLine is clean for one line: tabs and line breaks become spaces.
func cleanLine(s string) string {
	return clean(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		return r
	}, s))
}

// OFPRoutePoints are an OFP's navlog as a PIREP's planned route, as
// phpVMS attaches it: every fix but the airports and the top of climb and
// of descent, numbered from 1, without points it could not place.
func OFPRoutePoints(o *OFP) []RoutePoint {
	var out []RoutePoint
	for _, f := range o.GetNavlog() {
		if f.Type == "apt" || f.Ident == "TOC" || f.Ident == "TOD" || f.Ident == "" {
			continue
		}
		out = append(out, RoutePoint{Name: cleanLine(f.Ident), Order: int32(len(out) + 1), Lat: f.Lat, Lon: f.Lon})
	}
	return out
}

// OFPRouteString is the OFP's route as phpVMS reads it: general.route,
// else the idents of its route points.
func OFPRouteString(o *OFP) string {
	if o.GetRoute() != "" {
		return o.GetRoute()
	}
	var names []string
	for _, p := range OFPRoutePoints(o) {
		names = append(names, p.Name)
	}
	return strings.Join(names, " ")
}

// AcarsBriefingFromOFP is the ACARS briefing made from the OFP itself
// when SimBrief has no phpVMS ACARS file for it, as phpVMS does: the
// document with its OFP root renamed to VMSAcars Type="FlightPlan".
func AcarsBriefingFromOFP(doc []byte, now time.Time) string {
	s := string(doc)
	s = strings.Replace(s, "<OFP>", `<VMSAcars Type="FlightPlan" version="1.0" generated="`+strconv.FormatInt(now.Unix(), 10)+`">`, 1)
	s = strings.Replace(s, "</OFP>", "</VMSAcars>", 1)
	return strings.ReplaceAll(s, "\n", "")
}
