-- +goose Up
-- The profiles projection: each pilot's choice of whether their public
-- profile shows to anyone. A pilot who never chose has no row and is
-- public.
CREATE TABLE pilot_profiles (
    tenant_id  text NOT NULL,
    user_id    uuid NOT NULL,
    public     boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- +goose Down
DROP TABLE pilot_profiles;
