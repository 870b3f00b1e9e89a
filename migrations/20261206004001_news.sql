-- +goose Up
-- An airline's news, from its news streams: what staff posted, newest
-- first. The body is the Markdown as typed; pages render it. A deleted
-- item leaves the table.
CREATE TABLE news (
    tenant_id  text NOT NULL,
    id         uuid NOT NULL,
    author_id  uuid NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    posted_at  timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX news_newest ON news (tenant_id, posted_at DESC, id DESC);

-- +goose Down
DROP TABLE news;
