package domain_test

import (
	"net/url"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
)

// FuzzDecodeOFP feeds SimBrief's two formats whatever a broken or hostile
// server could send: the decoders never panic, and an OFP they accept can
// always be appended (its text storable, its links http or https, its
// route points on the globe) and read back.
func FuzzDecodeOFP(f *testing.F) {
	f.Add(false, []byte(`<OFP><origin><icao_code>OMAA</icao_code></origin><destination><icao_code>OMDB</icao_code></destination>`+
		`<navlog><fix><ident>BOMUP</ident><type>wpt</type><pos_lat>24.48</pos_lat><pos_long>54.57</pos_long></fix></navlog>`+
		`<fms_downloads><directory>http://x/</directory><vms><name>v</name><link>a.xml</link></vms></fms_downloads>`+
		`<vatsim_prefile>&lt;form action="https://v/" method="get"&gt;&lt;input type="hidden" name="2" value="A"&gt;</vatsim_prefile></OFP>`))
	f.Add(true, []byte(`{"fetch":{"status":"Success"},"origin":{"icao_code":"OMAA"},"destination":{"icao_code":"OMDB"},`+
		`"alternate":[{"icao_code":"OMAA","cruise_altitude":"18000"}],"navlog":[{"ident":"BOMUP","pos_lat":"24.4"}],`+
		`"times":{"sched_out":"2026-02-11T10:20:00Z","est_time_enroute":"00:37:06"},"fms_downloads":{"directory":"https://x/","pdf":{"name":"P","link":"p.pdf"}}}`))
	f.Add(true, []byte(`{"fetch":{"status":"Error"}}`))
	if os.Getenv("FUZZ_NO_FIXTURES") == "" {
		f.Add(false, phpvmsfixtures.Read(f, "7.0.10/simbrief/briefing.xml"))
		f.Add(true, phpvmsfixtures.Read(f, "8.0-dev/simbrief/briefing.json"))
	}
	f.Fuzz(func(t *testing.T, json bool, doc []byte) {
		decode := domain.DecodeOFPXML
		if json {
			decode = domain.DecodeOFPJSON
		}
		o, err := decode(doc)
		if err != nil {
			return
		}
		ev := &eventsv1.SimbriefOfpFetched{OfpId: "x", Ofp: o}
		if err := domain.CheckEventText(ev); err != nil {
			t.Fatalf("an accepted OFP holds unstorable text: %v", err)
		}
		b, err := proto.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var back eventsv1.SimbriefOfpFetched
		if err := proto.Unmarshal(b, &back); err != nil || !proto.Equal(&back, ev) {
			t.Fatalf("the OFP does not read back: %v", err)
		}
		for _, l := range append(append([]*eventsv1.SimbriefOfpFetched_Ofp_Link{}, o.Files...), o.Images...) {
			if l.Url == "" {
				continue
			}
			if u, err := url.Parse(l.Url); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("link %q is not http or https", l.Url)
			}
		}
		for _, p := range o.Prefiles {
			if u, err := url.Parse(p.Action); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("prefile action %q is not http or https", p.Action)
			}
		}
		for _, p := range domain.OFPRoutePoints(o) {
			if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 || p.Name == "" {
				t.Fatalf("route point %+v", p)
			}
		}
	})
}
