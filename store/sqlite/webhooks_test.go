package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/albatross-va/albatross/store/webhooks"
	"github.com/albatross-va/albatross/store/webhooks/queuetest"
)

func TestWebhookQueue(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) webhooks.Queue {
		return openStore(t, filepath.Join(t.TempDir(), "events.db")).WebhookQueue()
	}, false)
}
