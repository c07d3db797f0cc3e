-- dangol store, schema version 11: campaigns with a control group (docs/campaigns.md). A campaign
-- is its audience (a filter in the cube's --where language over the customers and their
-- analytics), the share of it held back as a control group (stratified by RFM segment, drawn
-- from a seed), the offer (a coupon definition, bonus points, or nothing), the channel of its
-- send list (a consent purpose) and its response window. Launching freezes the audience and the
-- treatment/control assignment in campaign_members in the same transaction that issues the
-- coupons or grants the points to the treatment group; launched_at is set once (a trigger refuses
-- a second launch, so even a writer that skipped the check could not launch twice). Members are
-- append-only. campaign_requests remembers each idempotency key's request and result.
-- The campaign_ tables are not in the frame: they carry no frame snapshot triggers.
CREATE TABLE campaigns (
    campaign_id      TEXT PRIMARY KEY,
    name             TEXT,
    audience         TEXT NOT NULL DEFAULT '',   -- the filter; '' = every customer
    control_share_bp INTEGER NOT NULL CHECK (control_share_bp BETWEEN 1 AND 9999), -- 1/100 %
    seed             INTEGER NOT NULL,
    offer_kind       TEXT NOT NULL CHECK (offer_kind IN ('none', 'coupon', 'points')),
    coupon_definition TEXT REFERENCES coupon_definitions (definition_id),
    offer_points     INTEGER CHECK (offer_points > 0),
    channel          TEXT NOT NULL,              -- vocabulary consent_purpose
    window_days      INTEGER NOT NULL CHECK (window_days BETWEEN 1 AND 3660),
    created_at       INTEGER NOT NULL,           -- UTC seconds
    actor            TEXT NOT NULL,
    launched_on      INTEGER,                    -- day the response window opens
    launched_at      INTEGER,                    -- UTC seconds
    launched_by      TEXT,
    CHECK ((offer_kind = 'coupon') = (coupon_definition IS NOT NULL)),
    CHECK ((offer_kind = 'points') = (offer_points IS NOT NULL)),
    CHECK ((launched_on IS NULL) = (launched_at IS NULL))
);
CREATE TRIGGER campaigns_launch_once BEFORE UPDATE ON campaigns
WHEN OLD.launched_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the campaign was launched already'); END;
CREATE TRIGGER campaigns_no_delete BEFORE DELETE ON campaigns
BEGIN SELECT RAISE(ABORT, 'campaigns are kept'); END;
CREATE TABLE campaign_members (
    campaign_id     TEXT NOT NULL REFERENCES campaigns (campaign_id),
    customer_id     TEXT NOT NULL REFERENCES customers (customer_id),
    arm             TEXT NOT NULL CHECK (arm IN ('treatment', 'control')),
    stratum         TEXT NOT NULL,               -- the RFM segment at assignment
    coupon_code     TEXT REFERENCES coupon_codes (code),
    points_movement INTEGER REFERENCES points_movements (movement_id),
    PRIMARY KEY (campaign_id, customer_id),
    CHECK (arm = 'treatment' OR (coupon_code IS NULL AND points_movement IS NULL))
) WITHOUT ROWID;
CREATE INDEX campaign_members_customer ON campaign_members (customer_id);
CREATE TRIGGER campaign_members_no_update BEFORE UPDATE ON campaign_members
BEGIN SELECT RAISE(ABORT, 'campaign_members is append-only'); END;
CREATE TRIGGER campaign_members_no_delete BEFORE DELETE ON campaign_members
BEGIN SELECT RAISE(ABORT, 'campaign_members is append-only'); END;
CREATE TABLE campaign_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- operation and arguments of the first request
    result          TEXT NOT NULL,     -- what it made: the campaign id
    recorded_at     INTEGER NOT NULL
);
