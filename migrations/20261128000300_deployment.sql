-- +goose Up
-- One row naming this deployment. Processes that share the database read
-- the same id and so meet on the same Redis channel, however each one
-- spells the database's address.
CREATE TABLE deployment (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    id        uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO deployment DEFAULT VALUES;

-- +goose Down
DROP TABLE deployment;
