-- A small phpVMS 7.0.10 database, written from /work/shared/phpvms-schema.md
-- (the tables and columns the importer reads, with their types and
-- defaults). The VA "phpVMS Air" (VMS): an admin, three pilots, a deleted
-- pilot, a pending registration; PIREPs in every state; a soft-deleted
-- airport, subfleet and aircraft; orphans (a PIREP of a deleted aircraft,
-- a PIREP of a deleted pilot, a flight's link to a missing subfleet).
-- Every password is bcrypt (cost 10, $2y$) of the word "password".

CREATE TABLE airlines (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  icao varchar(5) NOT NULL UNIQUE, iata varchar(5) NULL, name varchar(50) NOT NULL,
  callsign varchar(191) NULL, country varchar(2) NULL, logo varchar(255) NULL,
  active tinyint(1) NOT NULL DEFAULT 1, total_flights bigint unsigned NULL DEFAULT 0, total_time bigint unsigned NULL DEFAULT 0,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE airports (
  id varchar(8) NOT NULL PRIMARY KEY, iata varchar(5) NULL, icao varchar(8) NOT NULL, name varchar(100) NOT NULL,
  location varchar(100) NULL, region varchar(150) NULL, country varchar(64) NULL, timezone varchar(64) NULL,
  hub tinyint(1) NOT NULL DEFAULT 0, notes mediumtext NULL, lat decimal(10,5) NULL DEFAULT 0, lon decimal(11,5) NULL DEFAULT 0,
  elevation int NULL, ground_handling_cost decimal(8,2) unsigned NULL DEFAULT 0,
  fuel_100ll_cost decimal(8,2) unsigned NULL DEFAULT 0, fuel_jeta_cost decimal(8,2) unsigned NULL DEFAULT 0,
  fuel_mogas_cost decimal(8,2) unsigned NULL DEFAULT 0, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE ranks (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL UNIQUE, image_url varchar(191) NULL,
  hours int unsigned NOT NULL DEFAULT 0, acars_base_pay_rate decimal(8,2) unsigned NULL DEFAULT 0,
  manual_base_pay_rate decimal(8,2) unsigned NULL DEFAULT 0, auto_approve_acars tinyint(1) NULL DEFAULT 0,
  auto_approve_manual tinyint(1) NULL DEFAULT 0, auto_promote tinyint(1) NULL DEFAULT 1,
  auto_approve_above_score tinyint(1) NULL DEFAULT 0, auto_approve_score smallint NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE subfleets (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, airline_id int unsigned NULL, hub_id varchar(8) NULL,
  type varchar(50) NOT NULL, simbrief_type varchar(20) NULL, name varchar(50) NOT NULL,
  cost_block_hour decimal(8,2) unsigned NULL DEFAULT 0, cost_delay_minute decimal(8,2) unsigned NULL DEFAULT 0,
  fuel_type tinyint unsigned NULL, ground_handling_multiplier decimal(8,2) unsigned NULL DEFAULT 100,
  cargo_capacity decimal(8,2) unsigned NULL, fuel_capacity decimal(8,2) unsigned NULL, gross_weight decimal(8,2) unsigned NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE aircraft (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, subfleet_id int unsigned NOT NULL, icao varchar(4) NULL, iata varchar(4) NULL,
  airport_id varchar(8) NULL, hub_id varchar(8) NULL, landing_time timestamp NULL DEFAULT NULL, name varchar(50) NOT NULL,
  registration varchar(10) NULL UNIQUE, fin varchar(5) NULL UNIQUE, hex_code varchar(10) NULL, selcal varchar(5) NULL,
  dow decimal(10,2) unsigned NULL, mtow decimal(10,2) unsigned NULL DEFAULT 0, mlw decimal(10,2) unsigned NULL,
  zfw decimal(10,2) unsigned NULL DEFAULT 0, simbrief_type varchar(25) NULL, fuel_onboard decimal(8,2) unsigned NULL DEFAULT 0,
  flight_time bigint unsigned NULL DEFAULT 0, status char(1) NOT NULL DEFAULT 'A', state tinyint unsigned NOT NULL DEFAULT 0,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE flights (
  id varchar(36) NOT NULL PRIMARY KEY, airline_id int unsigned NOT NULL, flight_number int unsigned NOT NULL,
  callsign varchar(4) NULL, route_code varchar(5) NULL, route_leg int unsigned NULL,
  dpt_airport_id varchar(8) NOT NULL, arr_airport_id varchar(8) NOT NULL, alt_airport_id varchar(8) NULL,
  dpt_time varchar(10) NULL, arr_time varchar(10) NULL, level int unsigned NULL DEFAULT 0,
  distance decimal(8,2) unsigned NULL DEFAULT 0, flight_time int unsigned NULL, flight_type char(1) NOT NULL DEFAULT 'J',
  load_factor decimal(5,2) NULL, load_factor_variance decimal(5,2) NULL, route text NULL, pilot_pay decimal(8,2) NULL,
  notes text NULL, scheduled tinyint(1) NULL DEFAULT 0, days tinyint unsigned NULL, start_date date NULL, end_date date NULL,
  has_bid tinyint(1) NOT NULL DEFAULT 0, active tinyint(1) NOT NULL DEFAULT 1, visible tinyint(1) NOT NULL DEFAULT 1,
  event_id int unsigned NULL, user_id int unsigned NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL,
  owner_type varchar(191) NULL, owner_id varchar(36) NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE flight_subfleet (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, subfleet_id int unsigned NOT NULL, flight_id varchar(36) NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, pilot_id bigint unsigned NULL UNIQUE, callsign varchar(191) NULL,
  name varchar(191) NULL, email varchar(191) NOT NULL UNIQUE, password varchar(191) NOT NULL, api_key varchar(40) NULL,
  airline_id int unsigned NOT NULL, rank_id int unsigned NULL, discord_id varchar(191) NOT NULL DEFAULT '',
  discord_private_channel_id varchar(191) NOT NULL DEFAULT '', ivao_id varchar(191) NOT NULL DEFAULT '',
  vatsim_id varchar(191) NOT NULL DEFAULT '', country varchar(2) NULL, home_airport_id varchar(8) NULL,
  curr_airport_id varchar(8) NULL, last_pirep_id varchar(36) NULL, flights bigint unsigned NOT NULL DEFAULT 0,
  flight_time bigint unsigned NULL DEFAULT 0, transfer_time bigint unsigned NULL DEFAULT 0, avatar varchar(191) NULL,
  timezone varchar(64) NULL, status tinyint unsigned NULL DEFAULT 0, state tinyint unsigned NULL DEFAULT 0,
  toc_accepted tinyint(1) NULL, opt_in tinyint(1) NULL, active tinyint(1) NULL, last_ip varchar(45) NULL,
  lastlogin_at timestamp NULL DEFAULT NULL, remember_token varchar(100) NULL, notes mediumtext NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL,
  email_verified_at timestamp NULL DEFAULT NULL, KEY users_api_key_index (api_key)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE roles (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(191) NOT NULL UNIQUE, display_name varchar(191) NULL,
  description varchar(191) NULL, created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL,
  read_only tinyint(1) NOT NULL DEFAULT 0, disable_activity_checks tinyint(1) NOT NULL DEFAULT 0
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE role_user (
  role_id int unsigned NOT NULL, user_id int unsigned NOT NULL, user_type varchar(191) NOT NULL,
  PRIMARY KEY (user_id, role_id, user_type),
  CONSTRAINT role_user_role_id_foreign FOREIGN KEY (role_id) REFERENCES roles (id) ON UPDATE CASCADE ON DELETE CASCADE
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE pireps (
  id varchar(36) NOT NULL PRIMARY KEY, user_id int unsigned NOT NULL, airline_id int unsigned NOT NULL,
  aircraft_id int unsigned NULL, event_id int unsigned NULL, flight_id varchar(36) NULL, flight_number varchar(10) NULL,
  route_code varchar(5) NULL, route_leg varchar(5) NULL, flight_type char(1) NOT NULL DEFAULT 'J',
  dpt_airport_id varchar(8) NOT NULL, arr_airport_id varchar(8) NOT NULL, alt_airport_id varchar(8) NULL,
  level int unsigned NULL, distance decimal(8,2) unsigned NULL, planned_distance decimal(8,2) unsigned NULL,
  flight_time int unsigned NULL, planned_flight_time int unsigned NULL, zfw decimal(8,2) unsigned NULL,
  block_fuel decimal(8,2) unsigned NULL, fuel_used decimal(8,2) unsigned NULL, landing_rate decimal(8,2) NULL,
  score smallint NULL, route text NULL, notes text NULL, source tinyint unsigned NULL DEFAULT 0, source_name varchar(50) NULL,
  state smallint unsigned NOT NULL DEFAULT 1, status char(3) NOT NULL DEFAULT 'SCH',
  submitted_at datetime NULL, block_off_time datetime NULL, block_on_time datetime NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE pirep_comments (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, pirep_id varchar(36) NOT NULL, user_id int unsigned NOT NULL,
  comment text NOT NULL, created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE pirep_field_values (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, pirep_id varchar(36) NOT NULL, name varchar(50) NOT NULL,
  slug varchar(50) NULL, value varchar(191) NULL, source tinyint unsigned NOT NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE settings (
  id varchar(191) NOT NULL PRIMARY KEY, `offset` int unsigned NOT NULL DEFAULT 0, `order` int unsigned NOT NULL DEFAULT 99,
  `key` varchar(191) NOT NULL, name varchar(191) NOT NULL, value varchar(191) NOT NULL, `default` varchar(191) NULL,
  `group` varchar(191) NULL, type varchar(191) NULL, options text NULL, description varchar(191) NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO settings (id, `key`, name, value, `default`, `group`, type) VALUES
 ('pilots_id_length', 'pilots.id_length', 'Pilot ID Length', '4', '4', 'pilots', 'int'),
 ('pilots_id_code', 'pilots.id_code', 'Pilot ID Code', '', '', 'pilots', 'text');

INSERT INTO airlines (id, icao, iata, name, callsign, country, active) VALUES (1, 'VMS', 'VM', 'phpVMS Air', 'VEEMS', 'US', 1);

INSERT INTO airports (id, icao, iata, name, location, country, timezone, hub, lat, lon, elevation, deleted_at) VALUES
 ('KAUS', 'KAUS', 'AUS', 'Austin-Bergstrom International', 'Austin', 'US', 'America/Chicago', 1, 30.19453, -97.66987, 542, NULL),
 ('KJFK', 'KJFK', 'JFK', 'John F. Kennedy International', 'New York', 'US', 'America/New_York', 0, 40.63975, -73.77893, 13, NULL),
 ('KDFW', 'KDFW', 'DFW', 'Dallas/Fort Worth International', 'Dallas', 'US', 'America/Chicago', 0, 32.89680, -97.03800, 607, NULL),
 ('KLGA', 'KLGA', 'LGA', 'LaGuardia', 'New York', 'US', 'America/New_York', 0, 40.77720, -73.87260, 21, '2025-01-05 10:00:00');

INSERT INTO ranks (id, name, hours, acars_base_pay_rate, manual_base_pay_rate, auto_approve_acars, auto_approve_manual, auto_promote, created_at) VALUES
 (1, 'New Pilot', 0, 50, 25, 0, 0, 1, '2024-01-01 00:00:00'),
 (2, 'Captain', 100, 60, 30, 1, 0, 0, '2024-01-01 00:00:00');

INSERT INTO subfleets (id, airline_id, hub_id, type, simbrief_type, name, fuel_type, created_at, deleted_at) VALUES
 (1, 1, 'KAUS', 'B738-VMS', 'B738', 'Boeing 737-800', 1, '2024-01-02 00:00:00', NULL),
 (2, 1, 'KAUS', 'A320-VMS', 'A320', 'Airbus A320', 1, '2024-01-02 00:00:00', '2024-06-01 00:00:00');

INSERT INTO aircraft (id, subfleet_id, icao, airport_id, hub_id, name, registration, flight_time, status, created_at, deleted_at) VALUES
 (1, 1, 'B738', 'KJFK', 'KAUS', 'Boeing 737-800 N738VM', 'N738VM', 392, 'A', '2024-01-03 00:00:00', NULL),
 (2, 1, 'B738', 'KAUS', 'KAUS', 'Boeing 737-800 N739VM', 'N739VM', 100, 'M', '2024-01-03 00:00:00', NULL),
 (3, 1, 'B738', 'KAUS', 'KAUS', 'Boeing 737-800 N740VM', 'N740VM', 0, 'W', '2024-01-03 00:00:00', '2024-08-01 00:00:00');

INSERT INTO flights (id, airline_id, flight_number, dpt_airport_id, arr_airport_id, dpt_time, arr_time, level, distance, flight_time, flight_type, days, route, active, created_at) VALUES
 ('Fx7Kq2LmN9pR4sTb', 1, 100, 'KAUS', 'KJFK', '0800 CST', '1235 EST', 350, 1321.00, 215, 'J', 31, 'BITLR Q40 MEM J42 RBV', 1, '2024-01-04 00:00:00'),
 ('Gy8Lr3MnP0qS5tUc', 1, 101, 'KJFK', 'KAUS', '1400', '1730', 360, 1321.00, 230, 'J', 127, NULL, 1, '2024-01-04 00:00:00');
INSERT INTO flight_subfleet (id, subfleet_id, flight_id) VALUES (1, 1, 'Fx7Kq2LmN9pR4sTb'), (2, 1, 'Gy8Lr3MnP0qS5tUc'), (3, 9, 'Gy8Lr3MnP0qS5tUc');

-- Users: 1 admin, 2 Paul (two accepted PIREPs), 3 Rita (one accepted, pilot number 7),
-- 4 Dan (deleted), 5 Penny (pending registration).
INSERT INTO users (id, pilot_id, name, email, password, api_key, airline_id, rank_id, country, home_airport_id, curr_airport_id, flights, flight_time, transfer_time, state, created_at, deleted_at) VALUES
 (1, 1, 'Alice Admin', 'admin@example.com', '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi', '0f3a6c9e2b5d8f1a4c7e', 1, 1, 'US', 'KAUS', 'KAUS', 0, 0, 0, 1, '2024-01-10 09:00:00', NULL),
 (2, 2, 'Paul Pilot', 'pilot@example.com', '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi', '9b2e5a8c1f4d7a0e3b6c', 1, 1, 'US', 'KAUS', 'KJFK', 2, 392, 600, 1, '2024-02-01 12:00:00', NULL),
 (3, 7, 'Rita Rogers', 'rita@example.com', '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi', NULL, 1, 2, 'GB', 'KAUS', 'KAUS', 1, 100, 0, 1, '2024-03-01 08:00:00', NULL),
 (4, 4, 'Dan Deleted', 'dan@example.com', '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi', NULL, 1, 1, 'US', 'KAUS', 'KAUS', 0, 0, 0, 1, '2024-03-02 08:00:00', '2024-09-01 00:00:00'),
 (5, 8, 'Penny Pending', 'penny@example.com', '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi', NULL, 1, 1, 'US', 'KAUS', 'KAUS', 0, 0, 0, 0, '2024-11-20 08:00:00', NULL);

INSERT INTO roles (id, name, display_name, read_only, disable_activity_checks) VALUES (1, 'admin', 'Administrators', 1, 1);
INSERT INTO role_user (role_id, user_id, user_type) VALUES (1, 1, 'App\\Models\\User');

INSERT INTO pireps (id, user_id, airline_id, aircraft_id, flight_id, flight_number, flight_type, dpt_airport_id, arr_airport_id, level, distance, flight_time, fuel_used, landing_rate, source, source_name, state, status, submitted_at, block_off_time, block_on_time, created_at, updated_at, deleted_at) VALUES
 -- Paul: accepted on 3 May 2024, ACARS
 ('Pa7Bc2De9Fg4Hj6K', 2, 1, 1, 'Fx7Kq2LmN9pR4sTb', '100', 'J', 'KAUS', 'KJFK', 350, 1325.40, 212, 17850, -182, 1, 'vmsACARS', 2, 'ARR', '2024-05-03 17:02:00', '2024-05-03 13:20:00', '2024-05-03 16:52:00', '2024-05-03 13:05:00', '2024-05-03 17:30:00', NULL),
 -- Paul: accepted, manual, back to KAUS then on to KJFK again
 ('Pb1Cc2Dd3Ee4Ff5G', 2, 1, 1, NULL, '102', 'J', 'KJFK', 'KJFK', 330, 90, 180, 9000, -250, 0, NULL, 2, 'ARR', '2024-06-10 12:00:00', '2024-06-10 08:30:00', '2024-06-10 11:30:00', '2024-06-10 12:00:00', '2024-06-11 09:00:00', NULL),
 -- Paul: pending
 ('Qm3Nn8Pp1Rr6Ss9T', 2, 1, 1, 'Gy8Lr3MnP0qS5tUc', '101', 'J', 'KJFK', 'KAUS', 360, 1321, 230, 18900, NULL, 0, NULL, 1, 'ARR', '2025-03-03 20:15:00', NULL, NULL, '2025-03-03 20:15:00', '2025-03-03 20:15:00', NULL),
 -- Paul: rejected, with the admin's reason as a comment
 ('Rj4Kk5Ll6Mm7Nn8P', 2, 1, 2, NULL, '103', 'J', 'KAUS', 'KDFW', 300, 165, 60, 3000, -900, 0, NULL, 6, 'ARR', '2024-07-01 10:00:00', '2024-07-01 08:00:00', '2024-07-01 09:00:00', '2024-07-01 10:00:00', '2024-07-02 10:00:00', NULL),
 -- Paul: in progress (ACARS)
 ('Ip9Qq8Rr7Ss6Tt5U', 2, 1, 2, NULL, '104', 'J', 'KAUS', 'KDFW', 300, 20, 15, 800, NULL, 1, 'vmsACARS', 0, 'ENR', NULL, '2025-03-05 10:00:00', NULL, '2025-03-05 09:50:00', '2025-03-05 10:15:00', NULL),
 -- Rita: accepted
 ('Rt1Aa2Bb3Cc4Dd5E', 3, 1, 2, NULL, '105', 'J', 'KDFW', 'KAUS', 280, 165, 100, 3500, -120, 0, NULL, 2, 'ARR', '2024-08-01 15:00:00', '2024-08-01 13:00:00', '2024-08-01 14:40:00', '2024-08-01 15:00:00', '2024-08-02 09:00:00', NULL),
 -- Rita: cancelled, a draft, and one in the bin
 ('Rc2Ee3Ff4Gg5Hh6J', 3, 1, 2, NULL, '106', 'J', 'KAUS', 'KDFW', 280, 165, 0, 0, NULL, 1, 'vmsACARS', 3, 'DX', NULL, NULL, NULL, '2024-08-05 10:00:00', '2024-08-05 10:30:00', NULL),
 ('Rd3Jj4Kk5Ll6Mm7N', 3, 1, 2, NULL, '107', 'J', 'KAUS', 'KDFW', 280, 165, 0, 0, NULL, 0, NULL, 5, 'SCH', NULL, NULL, NULL, '2024-08-06 10:00:00', '2024-08-06 10:00:00', NULL),
 ('Rx4Nn5Pp6Qq7Rr8S', 3, 1, 2, NULL, '108', 'J', 'KAUS', 'KDFW', 280, 165, 70, 3100, -300, 0, NULL, 1, 'ARR', '2024-08-07 10:00:00', NULL, NULL, '2024-08-07 10:00:00', '2024-08-07 10:00:00', '2024-08-08 00:00:00'),
 -- Orphans: a PIREP of the deleted aircraft 3, and one of the deleted pilot Dan
 ('Or1Ph2An3Ai4Rc5F', 2, 1, 3, NULL, '109', 'J', 'KAUS', 'KDFW', 280, 165, 65, 3000, -200, 0, NULL, 1, 'ARR', '2024-07-20 10:00:00', NULL, NULL, '2024-07-20 10:00:00', '2024-07-20 10:00:00', NULL),
 ('Or2Ph3An4Pi5Lo6T', 4, 1, 1, NULL, '110', 'J', 'KAUS', 'KDFW', 280, 165, 65, 3000, -200, 0, NULL, 1, 'ARR', '2024-07-21 10:00:00', NULL, NULL, '2024-07-21 10:00:00', '2024-07-21 10:00:00', NULL);

INSERT INTO pirep_comments (id, pirep_id, user_id, comment, created_at) VALUES
 (1, 'Pa7Bc2De9Fg4Hj6K', 1, 'Nice landing.', '2024-05-03 17:30:00'),
 (2, 'Rj4Kk5Ll6Mm7Nn8P', 1, 'A landing at -900 fpm is not one we can accept.', '2024-07-02 10:00:00');

INSERT INTO pirep_field_values (id, pirep_id, name, slug, value, source, created_at) VALUES
 (1, 'Pa7Bc2De9Fg4Hj6K', 'Departure Gate', 'departure-gate', 'A4', 1, '2024-05-03 17:02:00');

CREATE TABLE news (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int unsigned NOT NULL, subject varchar(191) NOT NULL,
  body text NOT NULL, created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO news (id, user_id, subject, body, created_at) VALUES
 (1, 1, 'Welcome aboard', '<p>Our <strong>new</strong> routes to New York &amp; Dallas are open.</p><p>Fly safe!</p>', '2024-02-15 10:00:00');

CREATE TABLE awards (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(191) NOT NULL, description text NULL, image_url text NULL,
  ref_model varchar(191) NULL, ref_model_params text NULL, active tinyint(1) NULL DEFAULT 1,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE user_awards (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int unsigned NOT NULL, award_id int unsigned NOT NULL,
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO awards (id, name, description, ref_model, ref_model_params, active, created_at) VALUES
 (1, 'First Flight', 'Completed a first flight', 'Modules\\Awards\\Awards\\PilotFlightAwards', '1', 1, '2024-01-01 00:00:00'),
 (2, 'Pilot 50 flights', 'When a pilot has 50 flights, give this award', 'Modules\\Awards\\Awards\\PilotFlightAwards', '50', 1, '2024-01-01 00:00:00');
INSERT INTO user_awards (id, user_id, award_id, created_at) VALUES (1, 2, 1, '2024-05-03 17:30:00'), (2, 3, 1, '2024-08-02 09:00:00'), (3, 2, 7, '2024-05-03 17:30:00');

CREATE TABLE flight_field_values (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, flight_id varchar(36) NOT NULL, name varchar(50) NOT NULL,
  slug varchar(50) NULL, value text NULL, created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO flight_field_values (id, flight_id, name, slug, value) VALUES (1, 'Fx7Kq2LmN9pR4sTb', 'Departure Gate', 'departure-gate', '4');
