package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
)

// The stored OFP holds what phpVMS's own SimBriefTest asserts on its
// fixture: 47 download files, 5 images, flight level 380, the route, and
// the 12 route points a PIREP gets, from BOMUP.
func TestDecodeOFPXMLAsPhpvmsReadsIt(t *testing.T) {
	o, err := domain.DecodeOFPXML(phpvmsfixtures.Read(t, "7.0.10/simbrief/briefing.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Files) != 47 {
		t.Errorf("%d download files, want 47", len(o.Files))
	}
	pdf := ""
	for _, f := range o.Files {
		if f.Name == "PDF Document" {
			pdf = f.Url
		}
	}
	if pdf != "http://www.simbrief.com/ofp/flightplans/OMAAOMDB_PDF_1584226092.pdf" {
		t.Errorf("PDF Document is %q", pdf)
	}
	if len(o.Images) != 5 || o.Images[0].Name != "Route" || o.Images[0].Url != "http://www.simbrief.com/ofp/uads/OMAAOMDB_1584226092_ROUTE.gif" {
		t.Errorf("images %v", o.Images)
	}
	if o.FlightLevel != 380 {
		t.Errorf("flight level %d, want 380", o.FlightLevel)
	}
	route := domain.OFPRouteString(o)
	if !strings.HasPrefix(route, "DCT BOMUP") || !strings.HasSuffix(route, "LOVOL DCT") ||
		route != "DCT BOMUP DCT LOVIM DCT RESIG DCT NODVI DCT OBMUK DCT LORID DCT ORGUR DCT PEBUS DCT EMOPO DCT LOTUK DCT LAGTA DCT LOVOL DCT" {
		t.Errorf("route %q", route)
	}
	pts := domain.OFPRoutePoints(o)
	if len(pts) != 12 {
		t.Fatalf("%d route points, want 12: %v", len(pts), pts)
	}
	if p := pts[0]; p.Name != "BOMUP" || p.Lat != 24.484639 || p.Lon != 54.578444 || p.Order != 1 {
		t.Errorf("first route point %+v", p)
	}
	for _, p := range pts {
		if p.Name == "TOC" || p.Name == "TOD" || p.Name == "OMDB" {
			t.Errorf("route point %s should be left out", p.Name)
		}
	}
	if o.AirDistance != 134 {
		t.Errorf("planned distance %d, want 134", o.AirDistance)
	}
	if o.Origin != "OMAA" || o.Destination != "OMDB" || o.Alternate != "OTHH" || o.InitialAltitude != 16000 ||
		o.FuelRamp != 14313 || o.Units != "lbs" || o.EstTimeEnroute != 2077 || o.SchedOut.AsTime().Unix() != 1388579400 ||
		!strings.HasPrefix(o.OrigMetar, "OMAA 142200Z") || o.AcarsLink != "http://www.simbrief.com/ofp/flightplans/MKJPMWCR_VMS_1585313544.xml" {
		t.Errorf("OFP %v", o)
	}
	if len(o.Prefiles) != 2 || o.Prefiles[0].Network != "VATSIM" || o.Prefiles[0].Action != "https://cert.vatsim.net/fp/file.php" ||
		o.Prefiles[1].Method != "POST" || o.Prefiles[1].Action != "https://fpl.ivao.aero/api/fp/load" {
		t.Fatalf("prefiles %v", o.Prefiles)
	}
	found := false
	for _, f := range o.Prefiles[0].Fields {
		found = found || (f.Name == "2" && f.Value == "VMS112")
	}
	if !found {
		t.Errorf("VATSIM fields %v, want callsign 2=VMS112", o.Prefiles[0].Fields)
	}
}

// SimBrief's JSON v2 (phpVMS 8's fetch) gives the same OFP in other shapes.
func TestDecodeOFPJSON(t *testing.T) {
	o, err := domain.DecodeOFPJSON(phpvmsfixtures.Read(t, "8.0-dev/simbrief/briefing.json"))
	if err != nil {
		t.Fatal(err)
	}
	pts := domain.OFPRoutePoints(o)
	if len(pts) != 12 || pts[0].Name != "BOMUP" || pts[0].Lat != 24.484639 || pts[0].Lon != 54.578444 {
		t.Errorf("route points %v", pts)
	}
	if o.Origin != "OMAA" || o.Destination != "OMDB" || o.Alternate != "OMAA" || o.AirDistance != 137 || o.FlightLevel != 180 ||
		o.InitialAltitude != 9000 || o.EstTimeEnroute != 37*60+6 || o.SchedOut.AsTime().Format("15:04") != "10:20" || o.Units != "kgs" {
		t.Errorf("OFP %v", o)
	}
	if len(o.Images) != 6 || len(o.Files) != 68 || o.Files[0].Name != "phpVMS ACARS" || o.PdfUrl == "" {
		t.Errorf("%d images, %d files, first %v", len(o.Images), len(o.Files), o.Files[0])
	}
	if len(o.Prefiles) == 0 || o.Prefiles[0].Network != "VATSIM" || !strings.HasPrefix(o.Prefiles[0].Action, "https://my.vatsim.net/") {
		t.Errorf("prefiles %v", o.Prefiles)
	}
}

func TestDecodeOFPRefusals(t *testing.T) {
	for name, doc := range map[string]string{
		"not XML":      "<html><body>Bad gateway",
		"another root": "<?xml version=\"1.0\"?><error>Unknown static id</error>",
		"no airports":  "<OFP><params/></OFP>",
	} {
		if _, err := domain.DecodeOFPXML([]byte(doc)); !errors.Is(err, domain.ErrOFPMalformed) {
			t.Errorf("%s: %v, want ErrOFPMalformed", name, err)
		}
	}
	_, err := domain.DecodeOFPJSON([]byte(`{"fetch":{"userid":"1","static_id":"x","status":"Error: Unknown static ID"}}`))
	var se *domain.OFPStatusError
	if !errors.As(err, &se) || se.Status != "Error: Unknown static ID" {
		t.Errorf("a failed fetch: %v", err)
	}
	if _, err := domain.DecodeOFPJSON([]byte(`{"fetch":`)); !errors.Is(err, domain.ErrOFPMalformed) {
		t.Errorf("truncated JSON: %v", err)
	}
}

// The apicode follows SimBrief's API: md5 of key, orig, dest, type,
// timestamp and the output page without http://, first 10 upper case.
func TestSimbriefAPICode(t *testing.T) {
	// md5("KEYKJFKKBOSB7381700000000example.com/return") computed independently.
	got := domain.SimbriefAPICode("KEY", "KJFK", "KBOS", "B738", 1700000000, "http://example.com/return")
	if got != "8F518D882B" {
		t.Errorf("apicode %s", got)
	}
	f := domain.SimbriefDispatch{Orig: "KJFK", Dest: "KBOS", Type: "B738", Timestamp: 1700000000,
		OutputPage: "http://example.com/return", DepTime: "09:45", Level: 34000, StaticID: "abc"}.Fields("KEY")
	if f.Get("apicode") != got || f.Get("deph") != "09" || f.Get("depm") != "45" || f.Get("fl") != "34000" ||
		f.Get("outputpage") != "example.com/return" || f.Get("static_id") != "abc" || strings.Contains(f.Encode(), "KEY") {
		t.Errorf("fields %v", f)
	}
}
