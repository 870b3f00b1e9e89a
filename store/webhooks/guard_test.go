package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/webhooks"
)

func TestGuardRefusesPrivateAddresses(t *testing.T) {
	g := webhooks.Guard{}
	for _, a := range []string{"127.0.0.1", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "fe80::1",
		"fc00::1", "100.64.0.1", "0.0.0.0", "::", "224.0.0.1", "::ffff:127.0.0.1"} {
		if !g.Refused(netip.MustParseAddr(a)) {
			t.Errorf("%s is allowed", a)
		}
		if (webhooks.Guard{AllowPrivate: true}).Refused(netip.MustParseAddr(a)) {
			t.Errorf("%s is refused although the operator allows private addresses", a)
		}
	}
	for _, a := range []string{"1.1.1.1", "162.159.135.232", "2606:4700::6810:84e5"} {
		if g.Refused(netip.MustParseAddr(a)) {
			t.Errorf("the public %s is refused", a)
		}
	}
}

// The check at dial time: even a URL that passed the check at save time
// (a name that resolved elsewhere then) cannot connect to a loopback
// receiver, and no redirect is followed.
func TestGuardedClientRefusesToDialPrivateAddresses(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit = true
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx := context.Background()
	for _, target := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target, nil)
		resp, err := webhooks.Guard{}.Client(5 * time.Second).Do(req)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: the guarded client reached a loopback receiver (%d)", target, resp.StatusCode)
		} else if !strings.Contains(err.Error(), "private, loopback or link-local") {
			t.Errorf("%s: %v", target, err)
		}
	}
	if hit {
		t.Error("the receiver was reached")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/redirect", nil)
	resp, err := webhooks.Guard{AllowPrivate: true}.Client(5 * time.Second).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("a redirect was followed: %d", resp.StatusCode)
	}
}

func TestSignaturesAndSecrets(t *testing.T) {
	key := []byte("deployment key")
	s1, s2 := webhooks.Secret(key, "hook", 1), webhooks.Secret(key, "hook", 2)
	if s1 == s2 || s1 == webhooks.Secret(key, "other", 1) || s1 == webhooks.Secret([]byte("another key"), "hook", 1) {
		t.Error("secrets of other versions, webhooks or deployments are the same")
	}
	if s1 != webhooks.Secret(key, "hook", 1) || !strings.HasPrefix(s1, webhooks.SecretPrefix) {
		t.Errorf("the secret is not derived the same way again: %q", s1)
	}
	// Known answer (Python's hmac module): HMAC-SHA256 of the body with the secret.
	if got := webhooks.Sign("whsec_test", []byte(`{"event":"pirep.filed"}`)); got != "sha256=5ee099925b4aca03174de38a6cdb7c9b232ffd9d2607f692708934fa7becd925" {
		t.Errorf("signature %q", got)
	}
}
