package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/store/pgtest"
)

// screenshotDir is where browser tests leave what a user saw.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ALBATROSS_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newChromium starts the system Chromium headless with a fresh profile.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required when CI is set (make browser installs it): %v", err)
		}
		t.Skip("skipping: chromium not installed (make browser installs it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// newTab opens a tab in the browser, bounded in time: a bound for a hung
// browser, not a timing, so it leaves room for a walk on a busy machine
// (a minute cut PIREP review walks short while the whole suite ran).
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browser)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	tab, cancel := context.WithTimeout(tab, 3*time.Minute)
	t.Cleanup(func() { cancel(); cancelTab() })
	return tab
}

// screenshot saves what the browser shows, and checks it for accessibility.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	auditPage(t, ctx, name)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	phoneShot(t, ctx, name)
}

// phoneWidth is a phone's width in CSS pixels: every page a browser test
// visits is also looked at this wide.
const phoneWidth = 390

// overflow names the element that sticks out furthest past the page's
// right edge, outside any region that scrolls by itself, or is "" when the
// page does not scroll sideways.
const overflow = `(() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return "";
  // An element inside a region that scrolls by itself counts only when
  // nothing else sticks out: an absolutely placed one (a visually hidden
  // label) escapes a region that is not its containing block.
  let worst = null, right = w, escaped = null, escapedRight = w;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const edge = r.right + window.scrollX;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") { clipped = true; break; }
    }
    if (!clipped && edge > right + 0.5) { worst = el; right = edge; }
    if (clipped && edge > escapedRight + 0.5) { escaped = el; escapedRight = edge; }
  }
  if (!worst && escaped) { worst = escaped; right = escapedRight; }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.dataset.testid ? '[data-testid="' + el.dataset.testid + '"]' : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const what = worst ? name(worst) + " (" + JSON.stringify((worst.textContent || "").trim().slice(0, 60)) + ")" : "an element";
  return document.documentElement.scrollWidth + " px wide; widest: " + what + " reaches " + Math.round(right) + " px";
})()`

// phoneShot takes the page again at a phone's width, saved with a "-390"
// suffix, and fails when the page scrolls sideways there. The desktop
// width comes back afterwards, so the walk goes on as it was. A page a
// test already shows at a phone's width is only checked.
func phoneShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`window.innerWidth`))
	if err != nil {
		t.Fatalf("width of %s: %v", name, err)
	}
	narrow, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if width > phoneWidth {
		if err := chromedp.Do(narrow, viewport(phoneWidth, 844, true)); err != nil {
			t.Fatalf("narrow %s to %d px: %v", name, phoneWidth, err)
		}
		defer func() {
			if err := chromedp.Do(ctx, viewport(1280, 900, false)); err != nil {
				t.Fatalf("widen %s again: %v", name, err)
			}
		}()
	}
	// The page lays itself out at the new width by the next frame.
	if _, err := chromedp.Run(narrow, chromedp.Evaluate[bool](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("lay %s out at %d px: %v", name, phoneWidth, err)
	}
	wide, err := chromedp.Run(narrow, chromedp.Evaluate[string](overflow))
	if err != nil {
		t.Fatalf("measure %s at %d px: %v", name, phoneWidth, err)
	}
	if width > phoneWidth {
		png, err := chromedp.Run(narrow, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s at %d px: %v", name, phoneWidth, err)
		}
		path := filepath.Join(screenshotDir(t), fmt.Sprintf("%s-%d.png", name, phoneWidth))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if wide != "" {
		t.Errorf("%s scrolls sideways at %d px: %s", name, phoneWidth, wide)
	}
}

// sseOpen is true once the page's htmx SSE connection is open.
const sseOpen = `(() => { const el = document.querySelector('[sse-connect]');
  const d = el && el['htmx-internal-data'];
  return !!(d && d.sseEventSource && d.sseEventSource.readyState === 1); })()`

// waitTrue evaluates js until it is true. It polls from the test rather than
// in the page, because the page's CSP forbids eval.
func waitTrue(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		var last error
		for {
			ok, err := chromedp.Evaluate[bool](js)(ctx, tg)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			// An evaluation fails while the page navigates (a form's
			// submit, a link): look again on the next page.
			last = err
			select {
			case <-ctx.Done():
				if last != nil {
					return chromedp.Void{}, fmt.Errorf("%w (last look: %v)", ctx.Err(), last)
				}
				return chromedp.Void{}, ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

// text waits for an element matching sel and reads its visible text. The
// find and the read are one script, so a live update that swaps the element
// between them cannot make the read miss it.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	quoted, err := json.Marshal(sel)
	if err != nil {
		t.Fatalf("quote %s: %v", sel, err)
	}
	read := chromedp.Evaluate[[]string](`(() => { const e = document.querySelector(` + string(quoted) + `); return e ? [e.innerText] : [] })()`)
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		found, err := chromedp.Run(wait, read)
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		if len(found) == 1 {
			return strings.TrimSpace(found[0])
		}
		select {
		case <-wait.Done():
			t.Fatalf("read %s: no such element: %v", sel, wait.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestBrowserAirlineListUpdatesLive(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
		watchAirlineCreation(t, "embedded", srv, srv)
	})
	t.Run("postgres, two processes", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL()}
		watchAirlineCreation(t, "postgres", startServer(t, env), startServer(t, env))
	})
}

// watchAirlineCreation opens the list on one server, creates an airline
// through the form on another (or the same), and waits for the list to show
// it without a reload. Screenshots are named after the mode.
func watchAirlineCreation(t *testing.T, mode string, watched, used *testServer) {
	browser := newChromium(t)
	srv := watched

	// The first user: the platform admin, with the one-time password from
	// the log, who must choose a password before anything else.
	used.waitReady(t)
	watched.waitReady(t)
	var otp string
	for _, s := range []*testServer{watched, used} {
		if m := oneTimeInLog.FindStringSubmatch(s.logs.String()); m != nil {
			otp = m[1]
		}
	}
	first := newTab(t, browser)
	if err := chromedp.Do(first,
		chromedp.Navigate(used.URL+"/airlines"),
		chromedp.WaitVisible(chromedp.ID("login-email")),
		chromedp.SendKeys(chromedp.ID("login-email"), "admin"),
		chromedp.SendKeys(chromedp.ID("login-password"), otp),
		chromedp.Click(chromedp.CSS(`[data-testid="login-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="forced"]`)),
	); err != nil {
		t.Fatalf("log in with the one-time password: %v", err)
	}
	screenshot(t, first, mode+"-forced-password-change")
	if err := chromedp.Do(first,
		chromedp.Navigate(used.URL+"/airlines"), // cannot be skipped
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="forced"]`)),
		chromedp.SendKeys(chromedp.ID("password-password"), adminPassword),
		chromedp.SendKeys(chromedp.ID("password-confirm"), adminPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="password-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="airline-table"]`)),
	); err != nil {
		t.Fatalf("choose a password: %v", err)
	}

	// The watcher: a first tab with the list open.
	watcher := newTab(t, browser)
	if err := chromedp.Do(watcher,
		chromedp.Navigate(srv.URL+"/airlines"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="no-airlines"]`)),
		waitTrue(sseOpen),
	); err != nil {
		t.Fatalf("open the list: %v", err)
	}
	screenshot(t, watcher, mode+"-airlines-empty")

	// The admin: a second tab that fills in the form, first with a mistake.
	admin := newTab(t, browser)
	submit := chromedp.Click(chromedp.CSS(`[data-testid="airline-form"] button[type="submit"]`))
	if err := chromedp.Do(admin,
		chromedp.Navigate(used.URL+"/airlines"),
		chromedp.WaitVisible(chromedp.ID("airline-name")),
		chromedp.SendKeys(chromedp.ID("airline-name"), "Live Air"),
		chromedp.SendKeys(chromedp.ID("airline-icao"), "LV"),
	); err != nil {
		t.Fatalf("fill in the form: %v", err)
	}
	// The slug is suggested from the name as it is typed.
	if slug, err := chromedp.Run(admin, chromedp.Value(chromedp.ID("airline-slug"))); err != nil || slug != "live-air" {
		t.Errorf("the slug box suggests %q (%v) for the name Live Air, want live-air", slug, err)
	}
	if err := chromedp.Do(admin,
		submit,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-icao"]`)),
	); err != nil {
		t.Fatalf("submit a bad ICAO code: %v", err)
	}
	if msg := text(t, admin, `[data-testid="error-icao"]`); !strings.Contains(msg, "3 letters") {
		t.Errorf("ICAO message is %q", msg)
	}
	if kept, err := chromedp.Run(admin, chromedp.Value(chromedp.ID("airline-name"))); err != nil || kept != "Live Air" {
		t.Errorf("the name field holds %q (%v) after the error, want the user's input", kept, err)
	}
	screenshot(t, admin, mode+"-airline-form-error")

	if err := chromedp.Do(admin,
		chromedp.Clear(chromedp.ID("airline-icao")),
		chromedp.SendKeys(chromedp.ID("airline-icao"), "LVA"),
		submit,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="created"]`)),
	); err != nil {
		t.Fatalf("create the airline: %v", err)
	}
	if msg := text(t, admin, `[data-testid="created"]`); !strings.Contains(msg, "Live Air") {
		t.Errorf("confirmation says %q", msg)
	}
	// The creating page shows the airline once, in the table, and nothing
	// of it strays outside the table.
	if err := chromedp.Do(admin, chromedp.WaitVisible(chromedp.CSS(`#airline-rows [data-testid="airline-row"]`))); err != nil {
		t.Fatalf("the creating page's table never showed the airline: %v", err)
	}
	occurrences := `document.body.innerText.split("live-air").length - 1`
	if n, err := chromedp.Run(admin, chromedp.Evaluate[int](occurrences)); err != nil || n != 1 {
		t.Errorf("the creating page shows the new slug %d times (%v), want once", n, err)
	}
	// The progress indication fades out once the work is done.
	if err := chromedp.Do(admin, waitTrue(`getComputedStyle(document.getElementById("airline-form-progress")).opacity === "0"`)); err != nil {
		t.Errorf("the progress indication stayed visible after the create: %v", err)
	}
	created := time.Now()
	screenshot(t, admin, mode+"-airline-created")

	// The watcher sees it without reloading.
	if err := chromedp.Do(watcher, chromedp.WaitVisible(chromedp.CSS(`[data-testid="airline-row"]`))); err != nil {
		t.Fatalf("the open list never showed the new airline: %v", err)
	}
	t.Logf("%s: the open list showed the airline %s after the creating page did", mode, time.Since(created).Round(time.Millisecond))
	if name := text(t, watcher, `[data-testid="airline-row"] [data-testid="airline-name"]`); name != "Live Air" {
		t.Errorf("the live list shows %q", name)
	}
	screenshot(t, watcher, mode+"-airlines-live-update")
}

// pressEnter presses Enter on the focused element as a keyboard does: a
// keyDown that carries its text, then a keyUp. (chromedp's KeyEvent sends
// Enter's text in a separate char event, which activates no button.)
func pressEnter() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		key := input.DispatchKeyEventParams{Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		down, up := key, key
		down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, "\r", "\r"
		up.Type = input.DispatchKeyEventTypeKeyUp
		for _, k := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, k); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, nil
	}
}

// pressTab presses Tab as a keyboard does, moving the focus on.
func pressTab() chromedp.Action[chromedp.Void] { return pressKey("Tab", 9) }

// pressKey presses a key that types no text (Tab, ArrowDown, Escape) as a
// keyboard does: a raw keyDown, then a keyUp.
func pressKey(key string, code int64) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		k := input.DispatchKeyEventParams{Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code}
		down, up := k, k
		down.Type, up.Type = input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp
		for _, e := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, e); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, nil
	}
}

// htmxSettled is true once the htmx swaps within sel are done: htmx
// makes swapped-in content live (its hx- attributes) as it settles,
// after the content is already visible.
func htmxSettled(sel string) string {
	return `document.querySelectorAll('` + sel + ` .htmx-added, ` + sel + ` .htmx-settling, ` + sel + `.htmx-settling, ` + sel + ` .htmx-request').length === 0`
}
