-- +goose Up
-- phpVMS's API names airlines, subfleets and aircraft by small integers,
-- which its ACARS clients decode into 32-bit ints, so each row gets a
-- number: airlines 1, 2, 3... across the platform, subfleets and aircraft
-- 1, 2, 3... within their airline, in the order they were created. The
-- projections assign them in log order on insert and keep them on update,
-- so a rebuild gives the same numbers; the rows already here are numbered
-- by created_at (ties by id), the order their events came in.
ALTER TABLE airlines ADD COLUMN number integer;
UPDATE airlines SET number = n.number
FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS number FROM airlines) n
WHERE airlines.id = n.id;
ALTER TABLE airlines ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX airlines_number ON airlines (number);

ALTER TABLE subfleets ADD COLUMN number integer;
UPDATE subfleets SET number = n.number
FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS number FROM subfleets) n
WHERE subfleets.tenant_id = n.tenant_id AND subfleets.id = n.id;
ALTER TABLE subfleets ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX subfleets_number ON subfleets (tenant_id, number);

ALTER TABLE aircraft ADD COLUMN number integer;
UPDATE aircraft SET number = n.number
FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS number FROM aircraft) n
WHERE aircraft.tenant_id = n.tenant_id AND aircraft.id = n.id;
ALTER TABLE aircraft ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX aircraft_number ON aircraft (tenant_id, number);

-- +goose Down
DROP INDEX aircraft_number;
ALTER TABLE aircraft DROP COLUMN number;
DROP INDEX subfleets_number;
ALTER TABLE subfleets DROP COLUMN number;
DROP INDEX airlines_number;
ALTER TABLE airlines DROP COLUMN number;
