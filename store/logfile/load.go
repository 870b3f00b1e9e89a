package logfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/albatross-va/albatross/domain"
)

// Sink takes a verified file's records, already moved to their positions
// in the target, inside the importing store's one transaction.
type Sink interface {
	Event(ctx context.Context, e domain.RecordedEvent) error
	Claim(ctx context.Context, c Claim) error
	Reactor(ctx context.Context, r Reactor) error
}

// Load checks the whole file at path, then reads it again into sink with
// every event at its target position (see the package comment). It
// returns an error, and the caller rolls its transaction back, when the
// file is damaged or changes between the two reads.
func Load(ctx context.Context, path string, sink Sink) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, err
	}
	sum, err := Verify(f)
	f.Close()
	if err != nil {
		return Summary{}, fmt.Errorf("%s: %w", path, err)
	}
	f, err = os.Open(path)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		return Summary{}, fmt.Errorf("%s: %w", path, err)
	}
	var source []domain.Position // when renumbering: the i-th event's source position
	n := int64(0)
	for {
		if err := ctx.Err(); err != nil {
			return Summary{}, err
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Summary{}, fmt.Errorf("%s: %w", path, err)
		}
		switch {
		case rec.Event != nil:
			e := *rec.Event
			n++
			if !sum.KeepPositions {
				source = append(source, e.Position)
				e.Position = domain.Position{Seq: n}
			}
			if err := sink.Event(ctx, e); err != nil {
				return Summary{}, err
			}
		case rec.Claim != nil:
			if err := sink.Claim(ctx, *rec.Claim); err != nil {
				return Summary{}, err
			}
		case rec.Reactor != nil:
			rc := *rec.Reactor
			if !sum.KeepPositions {
				rc.At = renumber(source, rc.At)
				rc.Caused = renumber(source, rc.Caused)
			}
			if err := sink.Reactor(ctx, rc); err != nil {
				return Summary{}, err
			}
		}
	}
	if got := r.Summary(); got.Events != sum.Events || got.KeepPositions != sum.KeepPositions {
		return Summary{}, fmt.Errorf("%s: the file changed while it was imported", path)
	}
	return sum, nil
}

// renumber moves a source position to the number of the last event at or
// before it: the same place in the global order.
func renumber(source []domain.Position, p domain.Position) domain.Position {
	i, found := slices.BinarySearchFunc(source, p, func(e, t domain.Position) int {
		switch {
		case e == t:
			return 0
		case t.After(e):
			return -1
		}
		return 1
	})
	if found {
		return domain.Position{Seq: int64(i + 1)}
	}
	return domain.Position{Seq: int64(i)} // i events sort before p
}
