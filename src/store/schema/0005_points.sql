-- dangol store, schema version 5: the points ledger (docs/points.md). points_movements is the
-- ledger: append-only (triggers refuse UPDATE and DELETE), one row per earn, burn, expire, adjust
-- or reverse, signed (+ credit, - debit). Every credit opens a lot (points_lots) that expires on
-- its expires_on day; every debit is spread over lots by points_allocations (burns earliest
-- expiry first), so a lot's remaining = its points - its allocations, and an expiry removes
-- exactly a lot's unburned rest. Lots are derived state: replaying the ledger rebuilds them.
-- points_requests remembers each idempotency key's request and result, so a retried API write
-- is answered from here and never applied twice.
CREATE TABLE points_movements (
    movement_id INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    kind        TEXT NOT NULL CHECK (kind IN ('earn', 'burn', 'expire', 'adjust', 'reverse')),
    points      INTEGER NOT NULL CHECK (points <> 0),
    occurred_on INTEGER NOT NULL,      -- day of the movement
    expires_on  INTEGER,               -- credits: the day their lot expires (unusable from then)
    reason      TEXT,
    actor       TEXT NOT NULL,         -- who: a staff id, a user, "system"
    source_kind TEXT NOT NULL CHECK (source_kind IN ('order', 'coupon', 'campaign', 'manual', 'lot')),
    source_id   TEXT,                  -- an expire's source is the lot it sweeps
    reverses    INTEGER REFERENCES points_movements (movement_id),
    recorded_at INTEGER NOT NULL,      -- UTC seconds
    CHECK ((points > 0) = (kind IN ('earn', 'adjust') AND expires_on IS NOT NULL))
);
CREATE INDEX points_movements_customer ON points_movements (customer_id, movement_id);
-- an order earns once, and its earn is reversed at most once
CREATE UNIQUE INDEX points_movements_order_earn ON points_movements (source_id)
    WHERE kind = 'earn' AND source_kind = 'order';
CREATE UNIQUE INDEX points_movements_reversal ON points_movements (reverses)
    WHERE reverses IS NOT NULL;
CREATE TRIGGER points_movements_no_update BEFORE UPDATE ON points_movements
BEGIN SELECT RAISE(ABORT, 'points_movements is append-only'); END;
CREATE TRIGGER points_movements_no_delete BEFORE DELETE ON points_movements
BEGIN SELECT RAISE(ABORT, 'points_movements is append-only'); END;
CREATE TABLE points_lots (
    lot_id      INTEGER PRIMARY KEY REFERENCES points_movements (movement_id),
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    earned_on   INTEGER NOT NULL,
    expires_on  INTEGER NOT NULL,
    points      INTEGER NOT NULL CHECK (points > 0),
    remaining   INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
    expired     INTEGER NOT NULL DEFAULT 0 CHECK (expired >= 0 AND expired <= points)
);
CREATE INDEX points_lots_open ON points_lots (customer_id, expires_on, lot_id) WHERE remaining > 0;
CREATE INDEX points_lots_expiry ON points_lots (expires_on) WHERE remaining > 0;
CREATE TABLE points_allocations (
    movement_id INTEGER NOT NULL REFERENCES points_movements (movement_id),
    lot_id      INTEGER NOT NULL REFERENCES points_lots (lot_id),
    points      INTEGER NOT NULL CHECK (points > 0),
    PRIMARY KEY (movement_id, lot_id)
) WITHOUT ROWID;
CREATE INDEX points_allocations_lot ON points_allocations (lot_id);
CREATE TRIGGER points_allocations_no_update BEFORE UPDATE ON points_allocations
BEGIN SELECT RAISE(ABORT, 'points_allocations is append-only'); END;
CREATE TRIGGER points_allocations_no_delete BEFORE DELETE ON points_allocations
BEGIN SELECT RAISE(ABORT, 'points_allocations is append-only'); END;
CREATE TABLE points_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- operation and arguments of the first request
    movement_id     INTEGER NOT NULL REFERENCES points_movements (movement_id),
    points          INTEGER NOT NULL,
    balance         INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL
);
