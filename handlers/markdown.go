package handlers

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders the news's Markdown (GitHub's flavour) and sanitises
// the HTML with bluemonday's policy for user content, so that raw HTML,
// scripts, event attributes and javascript: links in what staff typed
// never reach a page. It is rendered when shown, from the Markdown the
// events carry, so a change of renderer or policy applies to every item.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return &markdown{md: goldmark.New(goldmark.WithExtensions(extension.GFM)), policy: p}
}

// HTML is the sanitised HTML of src. Goldmark escapes raw HTML by default
// (it is not given html.WithUnsafe); the policy is the second wall. A
// render that fails shows the text escaped.
func (m *markdown) HTML(src string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src)) //nolint:gosec // escaped
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised by the UGC policy
}
