-- dangol store, schema version 1. Column order matches the entity catalog (src/core/entity.c).
-- Natural keys are the user's own ids (text); dates are days since 1970-01-01, timestamps UTC
-- seconds, money integer minor units, booleans 0/1. customer_id is the distribution key of every
-- customer-owned table (DESIGN.md: scale-out shards by customer).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY,
    name     TEXT,
    role     TEXT,
    site     TEXT,
    hired_on INTEGER
);
CREATE TABLE customers (
    customer_id         TEXT PRIMARY KEY,
    name                TEXT,
    phone               TEXT,
    email               TEXT,
    birth_year          INTEGER,
    gender              TEXT CHECK (gender IN ('F', 'M', 'X')),
    household_size      INTEGER,
    income_band         TEXT,
    education           TEXT,
    occupation          TEXT,
    region              TEXT,
    acquisition_channel TEXT,
    acquired_on         INTEGER,
    staff_id            TEXT REFERENCES staff (staff_id),
    customer_type       TEXT,
    credit_band         TEXT,
    consent_email       INTEGER,
    consent_sms         INTEGER,
    consent_phone       INTEGER
);
CREATE TABLE products (
    product_id    TEXT PRIMARY KEY,
    name          TEXT,
    category      TEXT,
    brand         TEXT,
    private_label INTEGER,
    price         INTEGER
);
CREATE TABLE orders (
    order_id       TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (customer_id),
    ordered_at     INTEGER NOT NULL,
    channel        TEXT,
    payment_method TEXT,
    card_used      INTEGER,
    staff_id       TEXT REFERENCES staff (staff_id),
    site           TEXT,
    units          INTEGER,
    total          INTEGER NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
CREATE TABLE order_lines (
    order_id   TEXT NOT NULL REFERENCES orders (order_id),
    line_no    INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (product_id),
    quantity   INTEGER,
    unit_price INTEGER,
    amount     INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE feedback (
    feedback_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    received_at INTEGER NOT NULL,
    channel     TEXT,
    kind        TEXT NOT NULL,
    text        TEXT,
    rating      INTEGER,
    status      TEXT,
    staff_id    TEXT REFERENCES staff (staff_id)
);
CREATE INDEX feedback_customer ON feedback (customer_id, received_at);
CREATE TABLE surveys (
    response_id        TEXT PRIMARY KEY,
    customer_id        TEXT NOT NULL REFERENCES customers (customer_id),
    answered_on        INTEGER NOT NULL,
    nps                INTEGER,
    csat               INTEGER,
    repurchase_intent  INTEGER,
    recommend_intent   INTEGER,
    benefit_functional INTEGER,
    benefit_emotional  INTEGER,
    benefit_social     INTEGER,
    cost_money         INTEGER,
    cost_time          INTEGER,
    cost_effort        INTEGER,
    cost_psychological INTEGER,
    touchpoint         TEXT
);
CREATE INDEX surveys_customer ON surveys (customer_id, answered_on);
CREATE TABLE interactions (
    interaction_id TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (customer_id),
    occurred_at    INTEGER NOT NULL,
    touchpoint     TEXT NOT NULL,
    kind           TEXT,
    staff_id       TEXT REFERENCES staff (staff_id),
    rating         INTEGER,
    note           TEXT
);
CREATE INDEX interactions_customer ON interactions (customer_id, occurred_at);
CREATE TABLE referrals (
    referrer_id TEXT NOT NULL REFERENCES customers (customer_id),
    referred_id TEXT NOT NULL REFERENCES customers (customer_id),
    referred_on INTEGER NOT NULL,
    PRIMARY KEY (referrer_id, referred_id)
);
CREATE TABLE partner_activities (
    activity_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    activity    TEXT NOT NULL,
    occurred_on INTEGER NOT NULL,
    note        TEXT
);
CREATE INDEX partner_activities_customer ON partner_activities (customer_id, occurred_on);
