package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// row is one line of the results table. A time row (unit "s", "ms" or "µs") is better
// when smaller, so its ratio is baseline/measured; every other row's is
// measured/baseline. A baseline of 0 means there is none.
type row struct {
	what     string
	unit     string
	measured float64
	baseline float64
	baseWhat string
}

// table collects rows and the notes that say how each was measured.
type table struct {
	rows  []row
	notes []string
}

func (t *table) add(r row)                    { t.rows = append(t.rows, r) }
func (t *table) note(format string, a ...any) { t.notes = append(t.notes, fmt.Sprintf(format, a...)) }

func (r row) ratio() string {
	switch {
	case r.baseline == 0 || r.measured == 0:
		return "-"
	case r.unit == "s" || r.unit == "ms" || r.unit == "µs":
		return fmt.Sprintf("%.2f", r.baseline/r.measured)
	default:
		return fmt.Sprintf("%.2f", r.measured/r.baseline)
	}
}

func (t *table) write(w io.Writer) {
	lines := [][]string{{"what", "unit", "measured", "baseline", "ratio", "baseline is"}}
	for _, r := range t.rows {
		base, bw := "-", r.baseWhat
		if r.baseline != 0 {
			base = format(r.baseline, r.unit)
		}
		if bw == "" {
			bw = "-"
		}
		lines = append(lines, []string{r.what, r.unit, format(r.measured, r.unit), base, r.ratio(), bw})
	}
	width := make([]int, len(lines[0]))
	for _, l := range lines {
		for i, f := range l {
			width[i] = max(width[i], utf8.RuneCountInString(f))
		}
	}
	for _, l := range lines {
		var b strings.Builder
		for i, f := range l {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(f))
			switch {
			case i == len(l)-1:
				b.WriteString(f)
			case i >= 2: // numbers, right-aligned
				b.WriteString(pad + f + "  ")
			default:
				b.WriteString(f + pad + "  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	if len(t.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

// format renders a value: rates as whole numbers with thousands separators,
// seconds and megabytes with two decimals.
func format(v float64, unit string) string {
	if unit == "s" || unit == "ms" || unit == "MiB" {
		return fmt.Sprintf("%.2f", v)
	}
	if unit == "µs" {
		return fmt.Sprintf("%.1f", v)
	}
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// runWriters starts one goroutine per slice of work, releases them together,
// and returns the wall time until the last one finished.
func runWriters[T any](ctx context.Context, work [][]T, do func(ctx context.Context, op T) error) (time.Duration, error) {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, len(work))
	)
	for w := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for _, op := range work[w] {
				if err := do(ctx, op); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	return time.Since(t0), errors.Join(errs...)
}
