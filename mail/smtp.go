package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"time"
)

// SMTP sends messages to the configured SMTP server.
type SMTP struct {
	Settings Settings
	// TLSConfig, if set, replaces the default (the host's certificate
	// checked against the system roots).
	TLSConfig *tls.Config
}

// dialTimeout bounds a connection to the server; a send is bounded by the
// context as well.
const dialTimeout = 15 * time.Second

// Send delivers raw to one recipient. Its errors never hold the password.
func (s SMTP) Send(ctx context.Context, to string, raw []byte) error {
	st := s.Settings
	if !st.Enabled() {
		return errors.New("no SMTP server is configured")
	}
	tlsConf := s.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: st.Host, MinVersion: tls.VersionTLS12}
	}
	d := net.Dialer{Timeout: dialTimeout}
	var conn net.Conn
	var err error
	if st.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tlsConf}).DialContext(ctx, "tcp", st.Addr())
	} else {
		conn, err = d.DialContext(ctx, "tcp", st.Addr())
	}
	if err != nil {
		return fmt.Errorf("connect to the SMTP server %s: %w", st.Addr(), err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(time.Minute))
	}
	c, err := smtp.NewClient(conn, st.Host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("SMTP greeting from %s: %w", st.Addr(), err)
	}
	defer c.Close()
	if st.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("the SMTP server %s does not offer STARTTLS (ALBATROSS_SMTP_TLS=starttls)", st.Addr())
		}
		if err := c.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("STARTTLS with %s: %w", st.Addr(), err)
		}
	}
	if st.User != "" {
		// net/smtp refuses PLAIN without TLS except to localhost.
		if err := c.Auth(smtp.PlainAuth("", st.User, st.Password, st.Host)); err != nil {
			return fmt.Errorf("SMTP login as %s refused: %w", st.User, err)
		}
	}
	if err := c.Mail(st.From); err != nil {
		return fmt.Errorf("SMTP MAIL FROM refused: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("SMTP RCPT TO refused: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA refused: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("write the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP server refused the message: %w", err)
	}
	return c.Quit()
}
