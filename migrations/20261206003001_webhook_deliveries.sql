-- +goose Up
-- The webhooks' delivery queue and log (store/webhooks). Not a read model:
-- the webhooks reactor writes it as it follows the log, the delivery worker
-- updates each row as it sends, and a rebuild of the projections leaves it
-- alone, so nothing is sent twice. (webhook_id, key) makes a reaction that
-- runs again queue nothing new.
CREATE TABLE webhook_deliveries (
    tenant_id       text NOT NULL,
    webhook_id      text NOT NULL,
    id              bigserial PRIMARY KEY,
    key             text NOT NULL,
    topic           text NOT NULL,
    body            bytea NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    response_code   integer NOT NULL DEFAULT 0,
    response        text NOT NULL DEFAULT '',
    CONSTRAINT webhook_deliveries_key UNIQUE (webhook_id, key)
);
-- A webhook's queue, oldest first; and its log, newest first.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, webhook_id, id DESC);

-- Which worker sends a webhook's queue, until when: one at a time across
-- the deployment's processes.
CREATE TABLE webhook_claims (
    webhook_id text PRIMARY KEY,
    holder     text NOT NULL,
    until      timestamptz NOT NULL
);

-- The deployment's key the webhooks' signing secrets are derived from
-- (never stored themselves): 244 random bits.
CREATE TABLE webhook_signing_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key       text NOT NULL
);
INSERT INTO webhook_signing_key (key) VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- +goose Down
DROP TABLE webhook_signing_key;
DROP TABLE webhook_claims;
DROP TABLE webhook_deliveries;
