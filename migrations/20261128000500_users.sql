-- +goose Up
-- The users read model: everyone who can log in. tenant_id is the airline's
-- id, or '' for a platform admin; it leads the tenant index, as every
-- tenant's data does, so the table can be distributed by tenant.
CREATE TABLE users (
    tenant_id            text NOT NULL,
    id                   uuid PRIMARY KEY,
    email                text NOT NULL, -- the login, lower-cased
    name                 text NOT NULL,
    role                 text NOT NULL,
    password_hash        text NOT NULL, -- argon2id, PHC string
    must_change_password boolean NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
-- A login names one user across the platform.
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_tenant_email ON users (tenant_id, email);

-- +goose Down
DROP TABLE users;
