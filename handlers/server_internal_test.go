package handlers

import (
	"net"
	"net/http/httptest"
	"testing"
)

func TestClientAddressBelievesForwardedForOnlyFromTrustedProxies(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	for _, c := range []struct {
		name    string
		trusted []*net.IPNet
		peer    string
		want    string
	}{
		{"no proxy configured", nil, "10.1.2.3:5000", "10.1.2.3"},
		{"a trusted proxy", []*net.IPNet{proxies}, "10.1.2.3:5000", "203.0.113.9"},
		{"a peer that is not a trusted proxy", []*net.IPNet{proxies}, "198.51.100.7:5000", "198.51.100.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		if got := clientAddress(c.trusted)(r); got != c.want {
			t.Errorf("%s: client %s, want %s", c.name, got, c.want)
		}
	}
}
