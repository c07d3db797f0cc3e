-- dangol store, schema version 1, PostgreSQL dialect of ../0001_initial.sql (docs/postgresql.md).
-- The same tables, columns (in catalog order) and indexes. SQLite's INTEGER is 64-bit: BIGINT
-- here. Every reference is DEFERRABLE (checked at once unless a bulk load defers it to COMMIT:
-- dg_store_begin_unchecked, whose importer has checked every reference itself).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY,
    name     TEXT,
    role     TEXT,
    site     TEXT,
    hired_on BIGINT
);
CREATE TABLE customers (
    customer_id         TEXT PRIMARY KEY,
    name                TEXT,
    phone               TEXT,
    email               TEXT,
    birth_year          BIGINT,
    gender              TEXT CHECK (gender IN ('F', 'M', 'X')),
    household_size      BIGINT,
    income_band         TEXT,
    education           TEXT,
    occupation          TEXT,
    region              TEXT,
    acquisition_channel TEXT,
    acquired_on         BIGINT,
    staff_id            TEXT REFERENCES staff (staff_id) DEFERRABLE,
    customer_type       TEXT,
    credit_band         TEXT,
    consent_email       BIGINT,
    consent_sms         BIGINT,
    consent_phone       BIGINT
);
CREATE TABLE products (
    product_id    TEXT PRIMARY KEY,
    name          TEXT,
    category      TEXT,
    brand         TEXT,
    private_label BIGINT,
    price         BIGINT
);
CREATE TABLE orders (
    order_id       TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    ordered_at     BIGINT NOT NULL,
    channel        TEXT,
    payment_method TEXT,
    card_used      BIGINT,
    staff_id       TEXT REFERENCES staff (staff_id) DEFERRABLE,
    site           TEXT,
    units          BIGINT,
    total          BIGINT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
CREATE TABLE order_lines (
    order_id   TEXT NOT NULL REFERENCES orders (order_id) DEFERRABLE,
    line_no    BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (product_id) DEFERRABLE,
    quantity   BIGINT,
    unit_price BIGINT,
    amount     BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE feedback (
    feedback_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    received_at BIGINT NOT NULL,
    channel     TEXT,
    kind        TEXT NOT NULL,
    text        TEXT,
    rating      BIGINT,
    status      TEXT,
    staff_id    TEXT REFERENCES staff (staff_id) DEFERRABLE
);
CREATE INDEX feedback_customer ON feedback (customer_id, received_at);
CREATE TABLE surveys (
    response_id        TEXT PRIMARY KEY,
    customer_id        TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    answered_on        BIGINT NOT NULL,
    nps                BIGINT,
    csat               BIGINT,
    repurchase_intent  BIGINT,
    recommend_intent   BIGINT,
    benefit_functional BIGINT,
    benefit_emotional  BIGINT,
    benefit_social     BIGINT,
    cost_money         BIGINT,
    cost_time          BIGINT,
    cost_effort        BIGINT,
    cost_psychological BIGINT,
    touchpoint         TEXT
);
CREATE INDEX surveys_customer ON surveys (customer_id, answered_on);
CREATE TABLE interactions (
    interaction_id TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    occurred_at    BIGINT NOT NULL,
    touchpoint     TEXT NOT NULL,
    kind           TEXT,
    staff_id       TEXT REFERENCES staff (staff_id) DEFERRABLE,
    rating         BIGINT,
    note           TEXT
);
CREATE INDEX interactions_customer ON interactions (customer_id, occurred_at);
CREATE TABLE referrals (
    referrer_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    referred_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    referred_on BIGINT NOT NULL,
    PRIMARY KEY (referrer_id, referred_id)
);
CREATE TABLE partner_activities (
    activity_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    activity    TEXT NOT NULL,
    occurred_on BIGINT NOT NULL,
    note        TEXT
);
CREATE INDEX partner_activities_customer ON partner_activities (customer_id, occurred_on);
-- Refuses the row change with the message given as the trigger's argument: the dialect of
-- SQLite's SELECT RAISE(ABORT, '...') in an append-only table's triggers (0005 on).
CREATE FUNCTION dg_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation';
END $$;
