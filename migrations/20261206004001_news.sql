-- +goose Up
-- An airline's news, from its news streams: what staff posted, newest
-- first. The body is the Markdown as typed; pages render it. phpVMS's API
-- names a news item by a small integer: each gets the airline's next
-- number in log order, and a deleted item keeps its row (deleted_at set,
-- shown nowhere) so that its number is never given again.
CREATE TABLE news (
    tenant_id  text NOT NULL,
    id         uuid NOT NULL,
    number     integer NOT NULL,
    author_id  uuid NOT NULL, -- the zero uuid when no user posted it
    title      text NOT NULL,
    body       text NOT NULL,
    posted_at  timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX news_number ON news (tenant_id, number);
CREATE INDEX news_newest ON news (tenant_id, posted_at DESC, id DESC) WHERE deleted_at IS NULL;

-- +goose Down
DROP TABLE news;
