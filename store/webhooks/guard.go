package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Guard keeps webhooks from reaching the deployment's own network (server-
// side request forgery): loopback, private, link-local, shared (CGNAT),
// unspecified and multicast addresses are refused, when a webhook is saved
// and again when each delivery dials, since a name may resolve elsewhere
// by then. AllowPrivate lifts it, for tests and operators whose receivers
// are on their own network.
type Guard struct {
	AllowPrivate bool
	Resolver     *net.Resolver // nil: net.DefaultResolver
}

// cgnat is the shared address space of RFC 6598, which netip does not
// count as private.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Refused reports whether a webhook may not be sent to ip.
func (g Guard) Refused(ip netip.Addr) bool {
	if g.AllowPrivate {
		return false
	}
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || cgnat.Contains(ip)
}

// refusedMessage is what staff read when an address is refused.
const refusedMessage = "This address is on a private, loopback or link-local network, which webhooks may not reach."

// CheckWebhookURL implements domain.WebhookURLChecker: every address the
// URL's host resolves to must be one a webhook may reach.
func (g Guard) CheckWebhookURL(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "Enter a full http:// or https:// address.", nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if g.Refused(ip) {
			return refusedMessage, nil
		}
		return "", nil
	}
	if g.AllowPrivate {
		return "", nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(lctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return fmt.Sprintf("The name %q does not resolve: check the address.", host), nil
	}
	for _, a := range addrs {
		if g.Refused(a) {
			return refusedMessage, nil
		}
	}
	return "", nil
}

// errRefusedAddress is a dial the guard stopped.
var errRefusedAddress = errors.New("webhooks may not reach a private, loopback or link-local address")

// control checks the address a connection is about to dial, after the
// name was resolved: the check at dial time.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, errRefusedAddress)
	}
	if g.Refused(ap.Addr()) {
		return fmt.Errorf("dial %s: %w", address, errRefusedAddress)
	}
	return nil
}

// Client returns the HTTP client deliveries are sent with: the guard at
// every dial, no proxy from the environment, no redirects followed (a
// redirect could lead anywhere), and bounded times, so a slow receiver
// holds only its own queue.
func (g Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: g.control}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
