package mail

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// The kinds of email. A person chooses whether they get the Optional
// ones; a password reset is sent only when asked for.
const (
	KindPasswordReset = "password_reset"
	KindVerification  = "email_verification"
	KindRegistration  = "registration"   // approved or rejected
	KindPirepReviewed = "pirep_reviewed" // accepted or rejected
	KindPromotion     = "promotion"
	KindNews          = "news"  // the airline's staff posted news
	KindAward         = "award" // the person was granted an award
)

// Optional are the kinds a person may turn off, in the order the account
// page lists them, with what it calls them.
var Optional = []struct{ Kind, Label string }{
	{KindRegistration, "My registration is approved or rejected"},
	{KindPirepReviewed, "My PIREPs are accepted or rejected"},
	{KindPromotion, "I am promoted to a new rank"},
	{KindNews, "My airline posts news"},
	{KindAward, "I am granted an award"},
}

// IsOptional says whether kind is one a person may turn off.
func IsOptional(kind string) bool {
	for _, o := range Optional {
		if o.Kind == kind {
			return true
		}
	}
	return false
}

// Content is what an email says: a greeting, paragraphs, an optional
// button-like link, and the unsubscribe link of an optional kind.
type Content struct {
	Airline     string // the sender's name and the signature
	To          string
	Name        string // the person's name, for the greeting
	Subject     string
	Paragraphs  []string
	LinkText    string
	Link        string
	Unsubscribe string // set for the optional kinds
	Choices     string // the account's email page, with Unsubscribe
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`Hello {{.Name}},
{{range .Paragraphs}}
{{.}}
{{end}}{{if .Link}}
{{.LinkText}}: {{.Link}}
{{end}}
-- 
{{.Airline}}{{if .Unsubscribe}}

You get this email because of your choices at {{.Airline}}. To get no more of this kind: {{.Unsubscribe}}{{if .Choices}}
Choose which emails you get: {{.Choices}}{{end}}{{end}}
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; color: #0f172a; max-width: 36rem;">
<p>Hello {{.Name}},</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}" style="display: inline-block; background: #075985; color: #ffffff; padding: 0.5rem 1rem; border-radius: 0.25rem; text-decoration: none;">{{.LinkText}}</a></p>
<p style="font-size: 0.875rem; color: #475569;">Or open this address: {{.Link}}</p>
{{end}}<p>{{.Airline}}</p>
{{if .Unsubscribe}}<p style="font-size: 0.75rem; color: #475569;">You get this email because of your choices at {{.Airline}}. <a href="{{.Unsubscribe}}">Get no more emails of this kind</a>{{if .Choices}}, or <a href="{{.Choices}}">choose which emails you get</a>{{end}}.</p>
{{end}}</body></html>
`))

// Message renders the content as an email with both parts.
func (c Content) Message() Message {
	if c.Name == "" {
		c.Name = "there"
	}
	var text, html bytes.Buffer
	// The templates are fixed and the data is strings: they cannot fail.
	_ = textTmpl.Execute(&text, c)
	_ = htmlTmpl.Execute(&html, c)
	return Message{FromName: c.Airline, To: c.To, Subject: c.Subject, Text: strings.TrimLeft(text.String(), "\n"),
		HTML: html.String(), Unsubscribe: c.Unsubscribe}
}
