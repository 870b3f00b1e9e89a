-- +goose Up
-- The awards projection: an airline's awards from their streams (the image
-- as the event carries it, sanitised; lists never read it) and the awards
-- each pilot holds from their award stream. A revoked award's row goes.
CREATE TABLE awards (
    tenant_id   text NOT NULL,
    id          uuid NOT NULL,
    name        text NOT NULL,
    description text NOT NULL,
    rule_kind   text NOT NULL,
    rule_number bigint NOT NULL,
    rule_code   text NOT NULL,
    rule_code2  text NOT NULL,
    image_type  text NOT NULL, -- '' with no image
    image       bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE pilot_awards (
    tenant_id  text NOT NULL,
    user_id    uuid NOT NULL,
    award_id   uuid NOT NULL,
    award_name text NOT NULL,
    reason     text NOT NULL,
    pirep_id   text NOT NULL,
    by_hand    boolean NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, award_id)
);
CREATE INDEX pilot_awards_award ON pilot_awards (tenant_id, award_id);

-- +goose Down
DROP TABLE pilot_awards;
DROP TABLE awards;
