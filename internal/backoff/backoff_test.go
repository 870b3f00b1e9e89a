package backoff

import (
	"testing"
	"time"
)

func TestDoublingDoublesUpToTheLimit(t *testing.T) {
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{0, 10 * time.Second}, {1, 20 * time.Second}, {3, 80 * time.Second}, {9, time.Hour}, {1000, time.Hour}} {
		if got := Doubling(10*time.Second, time.Hour, c.n); got != c.want {
			t.Errorf("Doubling(10s, 1h, %d) = %v, want %v", c.n, got, c.want)
		}
	}
}
