package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
)

// snapshotPath is where the embedded mode keeps its read-model snapshot.
func snapshotPath(c config) string { return filepath.Join(c.DataDir, memory.SnapshotFile) }

// loadSnapshot returns the read models of the data folder's snapshot,
// which the projector then brings up to the log's head; without a usable
// one (none, damaged, another build's, past the log's head) it says why
// and returns empty read models, and the start replays the whole log.
func loadSnapshot(ctx context.Context, c config, es domain.EventStore, log *slog.Logger) *memory.ReadModels {
	if c.SnapshotInterval == 0 {
		return memory.New()
	}
	path := snapshotPath(c)
	head, err := es.Head(ctx)
	if err != nil {
		log.Warn("read-model snapshot not loaded: cannot read the log's head; replaying the whole log", "err", err)
		return memory.New()
	}
	start := time.Now()
	mem, s, err := memory.LoadSnapshot(path, head)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return memory.New()
	case err != nil:
		log.Warn("read-model snapshot ignored; replaying the whole log", "path", path, "reason", err)
		return memory.New()
	}
	if qs, err := mem.ListQuarantinedEvents(ctx); err != nil || len(qs) > 0 {
		// A restart tries quarantined events again (a fix may have come
		// with it): only a replay of the whole log does.
		log.Info("read-model snapshot not used: it holds quarantined events, which a replay of the whole log tries again",
			"quarantined", len(qs))
		return memory.New()
	}
	log.Info("read models loaded from the snapshot", "path", path, "position", s.Position.String(),
		"bytes", s.Bytes, "took", time.Since(start).Round(time.Millisecond))
	return mem
}

// snapshotter writes the embedded read models' snapshot in the
// background while new events arrive, at most every interval, sooner
// after events events, and once more at shutdown.
type snapshotter struct {
	mem         *memory.ReadModels
	path        string
	projections []string
	interval    time.Duration
	events      int64
	log         *slog.Logger

	last   domain.Position // of the snapshot on disk, as far as this process knows
	lastAt time.Time
}

// newSnapshotter returns the snapshotter of the backend's read models;
// the caller sets last to the position they had at start, so that a start
// that loaded a snapshot and replayed nothing does not write it again.
func newSnapshotter(c config, b *backend, log *slog.Logger) *snapshotter {
	return &snapshotter{mem: b.mem, path: snapshotPath(c), projections: b.projector.Names(),
		interval: c.SnapshotInterval, events: c.SnapshotEvents, log: log, lastAt: time.Now()}
}

// position is the newest checkpoint of the read models.
func (s *snapshotter) position(ctx context.Context) (domain.Position, error) {
	cps, err := s.mem.ListCheckpoints(ctx)
	if err != nil {
		return domain.Position{}, err
	}
	var pos domain.Position
	for _, c := range cps {
		if p := (domain.Position{Commit: c.CommitTx, Seq: c.Seq}); p.After(pos) {
			pos = p
		}
	}
	return pos, nil
}

// run checks every few seconds until ctx ends.
func (s *snapshotter) run(ctx context.Context) {
	tick := time.NewTicker(min(s.interval, 5*time.Second))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pos, err := s.position(ctx)
		if err != nil || !pos.After(s.last) {
			continue
		}
		if (pos.Seq-s.last.Seq < s.events || time.Since(s.lastAt) < 5*time.Second) && time.Since(s.lastAt) < s.interval {
			continue
		}
		s.write(ctx)
	}
}

// write writes a snapshot when the read models moved since the last.
func (s *snapshotter) write(ctx context.Context) {
	pos, err := s.position(ctx)
	if err != nil || !pos.After(s.last) {
		return
	}
	start := time.Now()
	snap, err := s.mem.WriteSnapshot(ctx, s.path, s.projections)
	if err != nil {
		s.log.Warn("read-model snapshot not written", "err", err)
		s.lastAt = time.Now() // tried again after the interval, not at every tick
		return
	}
	s.last, s.lastAt = snap.Position, time.Now()
	s.log.Info("read-model snapshot written", "position", snap.Position.String(), "bytes", snap.Bytes,
		"took", time.Since(start).Round(time.Millisecond), "projections_held", snap.Held.Round(time.Microsecond))
}
