-- dangol store, schema version 19, PostgreSQL dialect of ../0019_order_returns.sql: cancelled and
-- returned orders, append-only, and the view of the coupon redemptions that still count.
CREATE TABLE order_returns (
    order_id           TEXT PRIMARY KEY REFERENCES orders (order_id) DEFERRABLE,
    customer_id        TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    return_kind        TEXT NOT NULL CHECK (return_kind IN ('cancelled', 'returned')),
    returned_on        BIGINT NOT NULL,
    points_movement_id BIGINT REFERENCES points_movements (movement_id) DEFERRABLE,
    redemption_id      BIGINT UNIQUE REFERENCES coupon_redemptions (redemption_id) DEFERRABLE,
    coupon_policy      TEXT CHECK (coupon_policy IN ('restore', 'forfeit')),
    replacement_code   TEXT REFERENCES coupon_codes (code) DEFERRABLE,
    reason             TEXT,
    actor              TEXT NOT NULL,
    recorded_at        BIGINT NOT NULL,
    CHECK ((redemption_id IS NULL) = (coupon_policy IS NULL)),
    CHECK (replacement_code IS NULL OR coupon_policy = 'restore')
);
CREATE INDEX order_returns_customer ON order_returns (customer_id);
CREATE TRIGGER order_returns_no_update BEFORE UPDATE ON order_returns
FOR EACH ROW EXECUTE FUNCTION dg_refuse('order_returns is append-only');
CREATE TRIGGER order_returns_no_delete BEFORE DELETE ON order_returns
FOR EACH ROW EXECUTE FUNCTION dg_refuse('order_returns is append-only');
CREATE VIEW coupon_redemptions_kept AS
    SELECT r.* FROM coupon_redemptions r
    WHERE NOT EXISTS (SELECT 1 FROM order_returns x WHERE x.redemption_id = r.redemption_id);
CREATE TABLE order_return_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    result          TEXT NOT NULL,
    recorded_at     BIGINT NOT NULL
);
