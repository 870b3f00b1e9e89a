// Package mail sends Albatross's emails: the SMTP settings of a deployment,
// messages with a plain-text and an HTML part, and the outbox that a worker
// empties so that no request ever waits for an SMTP server.
package mail

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
)

// TLS modes of the connection to the SMTP server.
const (
	TLSNone     = "none"     // plain SMTP (a local relay, Mailpit in tests)
	TLSStartTLS = "starttls" // upgrade with STARTTLS, required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// Settings are a deployment's SMTP settings. The zero value (no host) sends
// nothing, and the pages offer no email feature.
type Settings struct {
	Host     string
	Port     int
	User     string
	Password string // from the environment; never logged
	TLS      string // TLSNone, TLSStartTLS or TLSImplicit
	From     string // the sender's address; the airline's name is its display name
}

// Enabled says whether emails are sent at all.
func (s Settings) Enabled() bool { return s.Host != "" }

// Addr is host:port.
func (s Settings) Addr() string { return s.Host + ":" + strconv.Itoa(s.Port) }

// ParseSettings checks the settings as read from the environment; src
// names each setting in the messages. Without a host every other setting
// must be empty, so a half-configured deployment is told at start.
func ParseSettings(host, port, user, password, tlsMode, from string, src func(name string) string) (Settings, []error) {
	var errs []error
	s := Settings{Host: strings.TrimSpace(host), User: user, Password: password,
		TLS: strings.ToLower(strings.TrimSpace(tlsMode)), From: strings.TrimSpace(from)}
	if s.Host == "" {
		if strings.TrimSpace(user) != "" || password != "" || s.From != "" {
			errs = append(errs, fmt.Errorf("%s is empty while other SMTP settings are set: set the SMTP server's host, or none of them", src("smtp-host")))
		}
		return Settings{}, errs
	}
	switch s.TLS {
	case "":
		s.TLS = TLSStartTLS
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		errs = append(errs, fmt.Errorf("%s: %q is not none, starttls or tls", src("smtp-tls"), tlsMode))
	}
	switch p := strings.TrimSpace(port); p {
	case "":
		switch s.TLS {
		case TLSImplicit:
			s.Port = 465
		case TLSNone:
			s.Port = 25
		default:
			s.Port = 587
		}
	default:
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Errorf("%s: %q is not a port number", src("smtp-port"), port))
		}
		s.Port = n
	}
	if s.From == "" {
		errs = append(errs, fmt.Errorf("%s is empty: set the address emails are sent from", src("smtp-from")))
	} else if a, err := mail.ParseAddress(s.From); err != nil || a.Name != "" {
		errs = append(errs, fmt.Errorf("%s: %q is not an email address such as noreply@example.com", src("smtp-from"), s.From))
	}
	if (s.User == "") != (s.Password == "") {
		errs = append(errs, fmt.Errorf("%s and %s go together: set both or neither", src("smtp-user"), src("smtp-password")))
	}
	if len(errs) > 0 {
		return Settings{}, errs
	}
	return s, nil
}
