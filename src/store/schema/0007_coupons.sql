-- dangol store, schema version 7: coupons (docs/coupons.md). A definition says what a coupon
-- gives (a fixed amount, or a percent with an optional cap, in minor units of the store
-- currency), to whom (anyone it is issued to, or only customers without orders: first_purchase),
-- when (valid_from..valid_until, inclusive days, judged on the order's day) and how often (per
-- customer, in total). A code is issued to one customer; it is single use. A redemption is the
-- ledger row of a code used on an order: append-only (triggers refuse UPDATE and DELETE), one per
-- code and one per order (unique indexes, so even a writer that skipped the checks could not
-- redeem a code twice). coupon_requests remembers each idempotency key's request and result.
CREATE TABLE coupon_definitions (
    definition_id      TEXT PRIMARY KEY,
    name               TEXT,
    kind               TEXT NOT NULL CHECK (kind IN ('fixed', 'percent')),
    audience           TEXT NOT NULL CHECK (audience IN ('any', 'first_purchase')),
    amount             INTEGER CHECK (amount > 0),          -- fixed: minor units
    percent_bp         INTEGER CHECK (percent_bp BETWEEN 1 AND 10000), -- percent: 1/100 %
    cap                INTEGER CHECK (cap > 0),             -- percent: largest discount
    min_spend          INTEGER NOT NULL DEFAULT 0 CHECK (min_spend >= 0),
    valid_from         INTEGER,                             -- day, inclusive; NULL: no bound
    valid_until        INTEGER,                             -- day, inclusive; NULL: no bound
    per_customer_limit INTEGER NOT NULL CHECK (per_customer_limit > 0),
    total_limit        INTEGER CHECK (total_limit > 0),     -- NULL: no limit
    campaign_id        TEXT,
    created_at         INTEGER NOT NULL,
    actor              TEXT NOT NULL,
    voided_at          INTEGER,
    void_reason        TEXT,
    CHECK ((kind = 'fixed') = (amount IS NOT NULL AND percent_bp IS NULL AND cap IS NULL)),
    CHECK ((kind = 'percent') = (percent_bp IS NOT NULL AND amount IS NULL)),
    CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)
);
CREATE INDEX coupon_definitions_campaign ON coupon_definitions (campaign_id);
CREATE TABLE coupon_codes (
    code          TEXT PRIMARY KEY,
    definition_id TEXT NOT NULL REFERENCES coupon_definitions (definition_id),
    customer_id   TEXT NOT NULL REFERENCES customers (customer_id),
    batch         INTEGER NOT NULL,                -- one number per issue request
    issued_on     INTEGER NOT NULL,                -- day
    issued_at     INTEGER NOT NULL,                -- UTC seconds
    actor         TEXT NOT NULL,
    voided_at     INTEGER,
    void_reason   TEXT
);
CREATE INDEX coupon_codes_definition ON coupon_codes (definition_id, customer_id);
CREATE INDEX coupon_codes_customer ON coupon_codes (customer_id);
CREATE INDEX coupon_codes_batch ON coupon_codes (batch);
CREATE TABLE coupon_redemptions (
    redemption_id INTEGER PRIMARY KEY,
    code          TEXT NOT NULL REFERENCES coupon_codes (code),
    definition_id TEXT NOT NULL REFERENCES coupon_definitions (definition_id),
    customer_id   TEXT NOT NULL REFERENCES customers (customer_id),
    order_id      TEXT NOT NULL REFERENCES orders (order_id),
    order_total   INTEGER NOT NULL,
    discount      INTEGER NOT NULL CHECK (discount > 0),
    redeemed_on   INTEGER NOT NULL,                -- the order's day
    recorded_at   INTEGER NOT NULL,                -- UTC seconds
    actor         TEXT NOT NULL
);
CREATE UNIQUE INDEX coupon_redemptions_code ON coupon_redemptions (code);
CREATE UNIQUE INDEX coupon_redemptions_order ON coupon_redemptions (order_id);
CREATE INDEX coupon_redemptions_definition ON coupon_redemptions (definition_id, customer_id);
CREATE TRIGGER coupon_redemptions_no_update BEFORE UPDATE ON coupon_redemptions
BEGIN SELECT RAISE(ABORT, 'coupon_redemptions is append-only'); END;
CREATE TRIGGER coupon_redemptions_no_delete BEFORE DELETE ON coupon_redemptions
BEGIN SELECT RAISE(ABORT, 'coupon_redemptions is append-only'); END;
CREATE TABLE coupon_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- operation and arguments of the first request
    result          TEXT NOT NULL,     -- what it made: a redemption id, a definition, a batch
    recorded_at     INTEGER NOT NULL
);
