-- dangol store, schema version 11, PostgreSQL dialect of ../0011_campaigns.sql: campaigns.
CREATE TABLE campaigns (
    campaign_id      TEXT PRIMARY KEY,
    name             TEXT,
    audience         TEXT NOT NULL DEFAULT '',
    control_share_bp BIGINT NOT NULL CHECK (control_share_bp BETWEEN 1 AND 9999),
    seed             BIGINT NOT NULL,
    offer_kind       TEXT NOT NULL CHECK (offer_kind IN ('none', 'coupon', 'points')),
    coupon_definition TEXT REFERENCES coupon_definitions (definition_id) DEFERRABLE,
    offer_points     BIGINT CHECK (offer_points > 0),
    channel          TEXT NOT NULL,
    window_days      BIGINT NOT NULL CHECK (window_days BETWEEN 1 AND 3660),
    created_at       BIGINT NOT NULL,
    actor            TEXT NOT NULL,
    launched_on      BIGINT,
    launched_at      BIGINT,
    launched_by      TEXT,
    CHECK ((offer_kind = 'coupon') = (coupon_definition IS NOT NULL)),
    CHECK ((offer_kind = 'points') = (offer_points IS NOT NULL)),
    CHECK ((launched_on IS NULL) = (launched_at IS NULL))
);
CREATE TRIGGER campaigns_launch_once BEFORE UPDATE ON campaigns
FOR EACH ROW WHEN (OLD.launched_at IS NOT NULL)
EXECUTE FUNCTION dg_refuse('the campaign was launched already');
CREATE TRIGGER campaigns_no_delete BEFORE DELETE ON campaigns
FOR EACH ROW EXECUTE FUNCTION dg_refuse('campaigns are kept');
CREATE TABLE campaign_members (
    campaign_id     TEXT NOT NULL REFERENCES campaigns (campaign_id) DEFERRABLE,
    customer_id     TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    arm             TEXT NOT NULL CHECK (arm IN ('treatment', 'control')),
    stratum         TEXT NOT NULL,
    coupon_code     TEXT REFERENCES coupon_codes (code) DEFERRABLE,
    points_movement BIGINT REFERENCES points_movements (movement_id) DEFERRABLE,
    PRIMARY KEY (campaign_id, customer_id),
    CHECK (arm = 'treatment' OR (coupon_code IS NULL AND points_movement IS NULL))
);
CREATE INDEX campaign_members_customer ON campaign_members (customer_id);
CREATE TRIGGER campaign_members_no_update BEFORE UPDATE ON campaign_members
FOR EACH ROW EXECUTE FUNCTION dg_refuse('campaign_members is append-only');
CREATE TRIGGER campaign_members_no_delete BEFORE DELETE ON campaign_members
FOR EACH ROW EXECUTE FUNCTION dg_refuse('campaign_members is append-only');
CREATE TABLE campaign_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    result          TEXT NOT NULL,
    recorded_at     BIGINT NOT NULL
);
