package handlers

import "testing"

func TestSafeNextKeepsRedirectsOnThisSite(t *testing.T) {
	for next, want := range map[string]string{
		"/airlines":          "/airlines",
		"/airlines?x=1":      "/airlines?x=1",
		"":                   "/",
		"//evil.example":     "/",
		"/\\evil.example":    "/",
		"/\t/evil.example":   "/",
		"https://evil":       "/",
		"javascript:alert()": "/",
		"airlines":           "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
