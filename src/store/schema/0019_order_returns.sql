-- dangol store, schema version 19: cancelled and returned orders (docs/points.md, docs/coupons.md).
-- A return is one row of order_returns, written in the transaction that reverses what the order
-- earned and what it redeemed: the points earn's reverse movement (points_movement_id, NULL when
-- the order earned nothing or was reversed already) and its coupon redemption (redemption_id,
-- NULL when it carried no coupon). The redemption row itself stays (coupon_redemptions is
-- append-only); a reversed redemption no longer counts anywhere (rates, limits, costs), which the
-- view coupon_redemptions_kept gives. coupon_policy says what the customer got back: 'restore', a
-- new code of the same definition (replacement_code; NULL when the definition was voided or had
-- expired on the return day), or 'forfeit', nothing. An order is returned once (the primary key);
-- the table is append-only. order_return_requests remembers each idempotency key.
CREATE TABLE order_returns (
    order_id           TEXT PRIMARY KEY REFERENCES orders (order_id),
    customer_id        TEXT NOT NULL REFERENCES customers (customer_id),
    return_kind        TEXT NOT NULL CHECK (return_kind IN ('cancelled', 'returned')),
    returned_on        INTEGER NOT NULL,                 -- day
    points_movement_id INTEGER REFERENCES points_movements (movement_id),
    redemption_id      INTEGER UNIQUE REFERENCES coupon_redemptions (redemption_id),
    coupon_policy      TEXT CHECK (coupon_policy IN ('restore', 'forfeit')),
    replacement_code   TEXT REFERENCES coupon_codes (code),
    reason             TEXT,
    actor              TEXT NOT NULL,
    recorded_at        INTEGER NOT NULL,                 -- UTC seconds
    CHECK ((redemption_id IS NULL) = (coupon_policy IS NULL)),
    CHECK (replacement_code IS NULL OR coupon_policy = 'restore')
);
CREATE INDEX order_returns_customer ON order_returns (customer_id);
CREATE TRIGGER order_returns_no_update BEFORE UPDATE ON order_returns
BEGIN SELECT RAISE(ABORT, 'order_returns is append-only'); END;
CREATE TRIGGER order_returns_no_delete BEFORE DELETE ON order_returns
BEGIN SELECT RAISE(ABORT, 'order_returns is append-only'); END;
CREATE VIEW coupon_redemptions_kept AS
    SELECT r.* FROM coupon_redemptions r
    WHERE NOT EXISTS (SELECT 1 FROM order_returns x WHERE x.redemption_id = r.redemption_id);
CREATE TABLE order_return_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    result          TEXT NOT NULL,     -- the returned order's id
    recorded_at     INTEGER NOT NULL
);
