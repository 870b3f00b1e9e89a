-- +goose Up
-- Membership: an airline's pilot id prefix, registration mode and
-- suspension; a person's country, status (pending, active, rejected,
-- suspended, with the reason staff gave) and pilot id. Read models are
-- rebuilt from the log, so the defaults only cover rows until then.
ALTER TABLE airlines
    ADD COLUMN pilot_id_prefix text NOT NULL DEFAULT '',
    ADD COLUMN registration    text NOT NULL DEFAULT 'approval',
    ADD COLUMN suspended       boolean NOT NULL DEFAULT false;

ALTER TABLE users
    ADD COLUMN country       text NOT NULL DEFAULT '',
    ADD COLUMN status        text NOT NULL DEFAULT 'active',
    ADD COLUMN status_reason text NOT NULL DEFAULT '',
    ADD COLUMN pilot_number  integer NOT NULL DEFAULT 0,
    ADD COLUMN pilot_id      text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN pilot_id, DROP COLUMN pilot_number, DROP COLUMN status_reason,
    DROP COLUMN status, DROP COLUMN country;
ALTER TABLE airlines DROP COLUMN suspended, DROP COLUMN registration, DROP COLUMN pilot_id_prefix;
