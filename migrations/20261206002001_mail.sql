-- +goose Up
-- The email outbox: a request queues, a worker sends (mail.Worker), so no
-- request waits for the SMTP server. key is unique so a reaction or a
-- request is queued once. raw is emptied once the email is sent.
CREATE TABLE mail_outbox (
    id          text PRIMARY KEY,
    key         text NOT NULL UNIQUE,
    tenant_id   text NOT NULL,
    kind        text NOT NULL,
    recipient   text NOT NULL,
    subject     text NOT NULL,
    raw         bytea NOT NULL,
    status      text NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    next_at     timestamptz NOT NULL,
    last_error  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    sent_at     timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_at);

-- The tokens emailed links carry (a password reset), as SHA-256 hashes
-- only; single use (used_at) and short-lived (expires_at).
CREATE TABLE mail_tokens (
    hash        text PRIMARY KEY,
    kind        text NOT NULL,
    user_id     text NOT NULL,
    email       text NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

-- The kinds of email each person chose not to get.
CREATE TABLE mail_opt_outs (
    user_id text NOT NULL,
    kind    text NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- The deployment's key that signs unsubscribe links, made on first use.
CREATE TABLE mail_keys (
    name text PRIMARY KEY,
    key  bytea NOT NULL
);

-- +goose Down
DROP TABLE mail_keys;
DROP TABLE mail_opt_outs;
DROP TABLE mail_tokens;
DROP TABLE mail_outbox;
