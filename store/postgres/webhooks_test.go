package postgres_test

import (
	"testing"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/webhooks"
	"github.com/albatross-va/albatross/store/webhooks/queuetest"
)

func TestWebhookQueue(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) webhooks.Queue {
		return postgres.NewWebhookQueue(pgtest.NewPool(t))
	}, true)
}
