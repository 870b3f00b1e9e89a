package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/handlers/phpvmstest"
)

// The test tile server's two colours, a checkerboard by tile, so where one
// tile ends and the next begins shows on a screenshot.
var (
	evenTile = color.RGBA{200, 230, 201, 255}
	oddTile  = color.RGBA{255, 224, 178, 255}
)

// tileServer serves 256-pixel tiles at /{z}/{x}/{y}.png, each one colour,
// and remembers which it was asked for.
type tileServer struct {
	*httptest.Server
	mu    sync.Mutex
	asked []string
	png   map[bool][]byte // by whether x+y is even
}

func newTileServer(t *testing.T) *tileServer {
	t.Helper()
	s := &tileServer{png: map[bool][]byte{}}
	for even, c := range map[bool]color.RGBA{true: evenTile, false: oddTile} {
		img := image.NewRGBA(image.Rect(0, 0, 256, 256))
		for i := 0; i < len(img.Pix); i += 4 {
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		s.png[even] = buf.Bytes()
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var z, x, y int
		if _, err := fmt.Sscanf(r.URL.Path, "/%d/%d/%d.png", &z, &x, &y); err != nil {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		s.asked = append(s.asked, fmt.Sprintf("%d/%d/%d", z, x, y))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(s.png[(x+y)%2 == 0])
	}))
	t.Cleanup(s.Close)
	return s
}

// tiles are the tiles asked for, each once, sorted.
func (s *tileServer) tiles() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.asked)
	slices.Sort(out)
	return slices.Compact(out)
}

// mercator is where Web Mercator puts a latitude and longitude on the
// world 1000 units square.
func mercator(lat, lon float64) (x, y float64) {
	return (lon + 180) / 360 * 1000, (1 - math.Asinh(math.Tan(lat*math.Pi/180))/math.Pi) / 2 * 1000
}

// mapPixels turns map units of the svg with test id into pixels of a full
// page screenshot.
type mapPixels struct{ Left, Top, Scale, X, Y float64 }

func (m mapPixels) at(x, y float64) (int, int) {
	return int(math.Round(m.Left + (x-m.X)*m.Scale)), int(math.Round(m.Top + (y-m.Y)*m.Scale))
}

func readMapPixels(t *testing.T, ctx context.Context, testid string) mapPixels {
	t.Helper()
	m, err := chromedp.Run(ctx, chromedp.Evaluate[mapPixels](`(() => { const s = document.querySelector('svg[data-testid="`+testid+`"]');
	  const r = s.getBoundingClientRect(), vb = s.viewBox.baseVal;
	  return {Left: r.left + scrollX, Top: r.top + scrollY, Scale: r.width / vb.width, X: vb.x, Y: vb.y} })()`))
	if err != nil {
		t.Fatalf("read the map's place on the page: %v", err)
	}
	return m
}

// pageImage is a full-page screenshot, decoded.
func pageImage(t *testing.T, ctx context.Context) image.Image {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("decode the screenshot: %v", err)
	}
	return img
}

// near says whether a pixel is within a few steps of a colour on each
// channel.
func near(c color.Color, want color.RGBA, tolerance int) bool {
	r, g, b, _ := c.RGBA()
	d := func(v uint32, w uint8) int { return int(math.Abs(float64(int(v>>8) - int(w)))) }
	return d(r, want.R) <= tolerance && d(g, want.G) <= tolerance && d(b, want.B) <= tolerance
}

// hex writes a pixel's colour for a message.
func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// With a tile server set, a visitor's live map asks it for the tiles that
// cover the world view at zoom 2, draws them where Web Mercator puts them,
// and draws the aircraft on the pixel Mercator puts its position, with the
// server's credit on the map; the page passes axe.
func TestBrowserLiveMapOverTiles(t *testing.T) {
	tiles := newTileServer(t)
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait,
		"ALBATROSS_MAP_TILE_URL": tiles.URL + "/{z}/{x}/{y}.png", "ALBATROSS_MAP_TILE_ATTRIBUTION": "© Test tiles"})
	shot := (&pageShot{t: t, walk: "tiles", mode: "embedded"}).take
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Skua Virtual", "SKV", "skua")
	allowCharters(t, platform, airline)
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	key := pilotWithKey(t, srv, platform, airline, "Pia Pilot", "pia@skua.example")
	client := acarsClient{t: t, site: phpvmstest.Site{URL: srv.URL, Key: key}}
	pirep, _ := client.ok(http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": client.site.AirlineNumber(t, key), "aircraft_id": 1,
		"flight_number": "714", "dpt_airport_id": "EGLL", "arr_airport_id": "KJFK", "source_name": "vmsACARS"})["data"].(map[string]any)
	id := fmt.Sprint(pirep["id"])
	client.ok(http.MethodPost, "/api/pireps/"+id+"/update", map[string]any{"status": "ENR"})
	// Mid-Atlantic, well inside tile 2/1/1, where equirectangular and
	// Mercator disagree by many pixels.
	const lat, lon = 40.0, -30.0
	client.ok(http.MethodPost, "/api/pireps/"+id+"/acars/position", position("1", lat, lon, 36000, 270, 480, time.Now().Add(-time.Minute)))

	visitor := newTab(t, newChromium(t))
	loaded := `performance.getEntriesByType("resource").filter(e => e.name.startsWith("` + tiles.URL + `/")).length >= 12`
	if err := chromedp.Do(visitor, chromedp.Navigate(srv.URL+"/a/skua"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-map"] [data-testid="map-aircraft"]`)), waitTrue(loaded)); err != nil {
		t.Fatalf("the public live map over tiles: %v (tiles asked for: %v)", err, tiles.tiles())
	}
	var want []string
	for x := range 4 {
		for y := range 3 {
			want = append(want, fmt.Sprintf("2/%d/%d", x, y))
		}
	}
	if got := tiles.tiles(); !slices.Equal(got, want) {
		t.Errorf("the map asked for tiles %v, want the world from 74°N to 56°S at zoom 2: %v", got, want)
	}
	x, y := mercator(lat, lon)
	transform, _ := chromedp.Run(visitor, chromedp.Evaluate[string](`document.querySelector('[data-testid="map-aircraft"]').getAttribute("transform")`))
	if want := fmt.Sprintf("translate(%.1f %.1f) rotate(270)", x, y); transform != want {
		t.Errorf("the aircraft is drawn at %q, want %q (Mercator)", transform, want)
	}
	contains(t, visitor, `[data-testid="public-live"] [data-testid="map-attribution"]`, "© Test tiles")
	shot(visitor, "over-tiles")

	// On the screenshot: the tiles' edges at 0° of longitude and at tile
	// row 1's top (66.5°N) fall where Mercator says, and the aircraft's
	// dark symbol is on its pixel.
	px := readMapPixels(t, visitor, "live-map")
	type sample struct {
		what   string
		x, y   float64 // map units
		dx, dy int     // pixels from there
		want   color.RGBA
	}
	samples := []sample{
		{"west of 0° (tile 2/1/1)", 500, 450, -4, 0, evenTile},
		{"east of 0° (tile 2/2/1)", 500, 450, 4, 0, oddTile},
		{"north of 66.5°N (tile 2/1/0)", 300, 250, 0, -4, oddTile},
		{"south of 66.5°N (tile 2/1/1)", 300, 250, 0, 4, evenTile},
	}
	aircraft := color.RGBA{0x0c, 0x4a, 0x6e, 255}
	var problems []string
	for try := 0; try < 10; try++ { // a tile decoded a frame late
		img := pageImage(t, visitor)
		problems = nil
		for _, s := range samples {
			sx, sy := px.at(s.x, s.y)
			if c := img.At(sx+s.dx, sy+s.dy); !near(c, s.want, 12) {
				problems = append(problems, fmt.Sprintf("%s at pixel %d,%d is %s, want %s", s.what, sx+s.dx, sy+s.dy, hex(c), hex(s.want)))
			}
		}
		ax, ay := px.at(x, y)
		dark := false
		for dy := -3; dy <= 3 && !dark; dy++ {
			for dx := -3; dx <= 3 && !dark; dx++ {
				dark = near(img.At(ax+dx, ay+dy), aircraft, 40)
			}
		}
		if !dark {
			problems = append(problems, fmt.Sprintf("no pixel of the aircraft's symbol within 3 pixels of %d,%d, where Mercator puts it", ax, ay))
		}
		if len(problems) == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// With the tile server unreachable (no network), the map still draws the
// world: the built-in basemap in Mercator under the tiles that never come,
// land and sea where they are, with the credit on it; the page passes axe.
func TestBrowserLiveMapWithTheTileServerUnreachable(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait,
		"ALBATROSS_MAP_TILE_URL": "http://127.0.0.1:1/{z}/{x}/{y}.png", "ALBATROSS_MAP_TILE_ATTRIBUTION": "© Unreachable tiles"})
	shot := (&pageShot{t: t, walk: "tiles", mode: "unreachable"}).take
	platform := loginAsAdmin(t, srv)
	createAirline(t, platform, "Skua Virtual", "SKV", "skua")

	visitor := newTab(t, newChromium(t))
	failed := `performance.getEntriesByType("resource").filter(e => e.name.endsWith("world-mercator.svg")).length === 1 &&
	  document.querySelectorAll('[data-testid="live-map"] [data-testid="map-tile"]').length === 12`
	if err := chromedp.Do(visitor, chromedp.Navigate(srv.URL+"/a/skua"), chromedp.WaitVisible(testID("live-map")), waitTrue(failed)); err != nil {
		t.Fatalf("the public live map with no tile server: %v", err)
	}
	contains(t, visitor, `[data-testid="map-attribution"]`, "© Unreachable tiles")
	shot(visitor, "no-tiles")
	px := readMapPixels(t, visitor, "live-map")
	land, sea := color.RGBA{0xd6, 0xdd, 0xe6, 255}, color.RGBA{0xe6, 0xf1, 0xf8, 255}
	var problems []string
	for try := 0; try < 10; try++ {
		img := pageImage(t, visitor)
		problems = nil
		for _, s := range []struct {
			what     string
			lat, lon float64
			want     color.RGBA
		}{{"Brazil", -10, -55, land}, {"the Sahara", 23, 10, land}, {"the Pacific", 0, -140, sea}, {"the Atlantic", 40, -30, sea}} {
			sx, sy := px.at(mercator(s.lat, s.lon))
			if c := img.At(sx, sy); !near(c, s.want, 6) {
				problems = append(problems, fmt.Sprintf("%s (pixel %d,%d) is %s, want %s", s.what, sx, sy, hex(c), hex(s.want)))
			}
		}
		if len(problems) == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if got, _ := chromedp.Run(visitor, chromedp.Evaluate[string](`JSON.stringify([...document.querySelectorAll('[data-testid="map-tile"]')].slice(0, 1).map(e => e.getAttribute("href")))`)); !strings.Contains(got, "127.0.0.1:1/2/0/0.png") {
		t.Errorf("the map's tiles: %s", got)
	}
}
