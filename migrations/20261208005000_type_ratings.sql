-- +goose Up
-- Who may fly what, from the type-rating, pilot-ratings and rank-allowance
-- streams and the airline's flying rules: an airline's type ratings and the
-- subfleets each covers (phpVMS's typeratings and typerating_subfleet), the
-- ratings staff granted each pilot (typerating_user), what each rank lets
-- its pilots fly (rank_subfleet, and ratings a rank gives), and the
-- airline's two restrictions (pireps.restrict_aircraft_to_rank and
-- restrict_aircraft_to_typerating). Subfleet and rating ids are kept as the
-- events name them: a deleted subfleet simply matches nothing.
CREATE TABLE type_ratings (
    tenant_id    text NOT NULL,
    id           uuid NOT NULL,
    name         text NOT NULL,
    code         text NOT NULL,
    subfleet_ids text[] NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE pilot_type_ratings (
    tenant_id  text NOT NULL,
    pilot_id   uuid NOT NULL,
    rating_id  uuid NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, pilot_id, rating_id)
);

CREATE TABLE rank_allowances (
    tenant_id    text NOT NULL,
    rank_id      uuid NOT NULL,
    subfleet_ids text[] NOT NULL,
    rating_ids   text[] NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, rank_id)
);

CREATE TABLE airline_flying_rules (
    tenant_id               text PRIMARY KEY,
    restrict_to_rank        boolean NOT NULL,
    restrict_to_type_rating boolean NOT NULL,
    updated_at              timestamptz NOT NULL,
    count_transfer_hours    boolean NOT NULL
);

-- +goose Down
DROP TABLE airline_flying_rules;
DROP TABLE rank_allowances;
DROP TABLE pilot_type_ratings;
DROP TABLE type_ratings;
