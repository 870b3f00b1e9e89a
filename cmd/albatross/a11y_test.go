package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, the accessibility engine, from the npm packages
// that `make assets` installs.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	return string(b), err
})

// axeViolation is one rule a page breaks, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axeRun checks the page against WCAG 2.1 A and AA and returns the
// violations. It is evaluated through the DevTools protocol, which the
// page's CSP does not bind.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => ({target: n.target, html: n.html}))})))`

// settled is true when no htmx request is in flight and no progress
// indicator is between shown and hidden.
const settled = `!document.querySelector(".htmx-request") &&
  [...document.querySelectorAll(".htmx-indicator")].every(e => ["0", "1"].includes(getComputedStyle(e).opacity))`

// auditPage reports every WCAG 2.1 A or AA rule the page the browser shows
// breaks, naming the page by the screenshot taken of it.
func auditPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("load axe-core (run make assets): %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { if (!window.axe) {`+src+`}; return true })()`)); err != nil {
		t.Fatalf("load axe-core into %s: %v", name, err)
	}
	// A progress indication fading in or out is half transparent, and so
	// of too little contrast for that moment: the page is checked once
	// htmx is done and its indicators are shown or hidden, and checked
	// again if a live update started while axe looked.
	var violations []axeViolation
	for try := 1; ; try++ {
		settle, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(settle, waitTrue(settled))
		cancel()
		if err != nil {
			t.Fatalf("%s never settled: %v", name, err)
		}
		violations, err = chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("check %s for accessibility: %v", name, err)
		}
		still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settled))
		if err != nil {
			t.Fatalf("check %s for accessibility: %v", name, err)
		}
		if still || try == 3 {
			break
		}
	}
	for _, v := range violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		t.Errorf("%s is not accessible: %s (%s, %s):\n  %s", name, v.Help, v.ID, v.Impact, strings.Join(where, "\n  "))
	}
}
