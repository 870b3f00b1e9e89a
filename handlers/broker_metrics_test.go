package handlers

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
)

// The broker counts every notice it queued to a stream and every one a
// stream had no room for: the live-map notices skipped in a burst, and
// the notice that cut a slow stream. A closed stream counts as neither.
func TestBrokerCountsNoticesSentAndDropped(t *testing.T) {
	b := NewBroker(slog.Default(), time.Hour)
	b.subscribe(sseViewer{}, nil)
	for i := range clientBuffer + 10 {
		b.publish(notify.Notice{Topic: live.TopicLiveFlights, IDs: []string{"p"}, Position: fmt.Sprintf("1.%d", i+1)})
	}
	if sent, dropped := b.NoticesSent(), b.NoticesDropped(); sent != clientBuffer || dropped != 10 {
		t.Errorf("after a burst of live flights: %d sent, %d dropped; want %d and 10", sent, dropped, clientBuffer)
	}
	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"x"}, Position: "2.1"})
	if b.Clients() != 0 || b.NoticesDropped() != 11 {
		t.Errorf("the notice that cut the slow stream: %d streams, %d dropped; want 0 and 11", b.Clients(), b.NoticesDropped())
	}
	b.publish(notify.Notice{Topic: "airlines", IDs: []string{"y"}, Position: "2.2"})
	if b.NoticesSent() != clientBuffer || b.NoticesDropped() != 11 {
		t.Errorf("a notice with no stream open moved the counts: %d sent, %d dropped", b.NoticesSent(), b.NoticesDropped())
	}
}
