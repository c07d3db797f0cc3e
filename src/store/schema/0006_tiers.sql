-- dangol store, schema version 6: customer tiers (docs/tiers.md). tier_rules keeps the rules of
-- the last evaluation (the text of a config/tiers.conf file) so every report and the points
-- earn read the same rules. tier_state holds the current tier of each customer who ever left
-- the lowest tier (no row: the lowest tier). tier_history is append-only: one row per change,
-- with the measure that decided it and the reason. tier_runs holds one row per evaluation;
-- its as_of is unique and only ever grows, so evaluating a day twice (or in two processes at
-- once, each in one BEGIN IMMEDIATE transaction) changes the store once.
CREATE TABLE tier_rules (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,      -- the file the rules came from, or "built-in"
    body        TEXT NOT NULL,      -- the rules text, parsed again by whoever reads it
    recorded_at INTEGER NOT NULL
);
CREATE TABLE tier_runs (
    run_id      INTEGER PRIMARY KEY,
    as_of       INTEGER NOT NULL UNIQUE,
    customers   INTEGER NOT NULL,   -- customers whose tier changed
    upgrades    INTEGER NOT NULL,
    downgrades  INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE TABLE tier_state (
    customer_id TEXT PRIMARY KEY REFERENCES customers (customer_id),
    tier        TEXT NOT NULL,
    since       INTEGER NOT NULL,   -- day the customer entered the tier
    run_id      INTEGER NOT NULL REFERENCES tier_runs (run_id)
) WITHOUT ROWID;
CREATE TABLE tier_history (
    history_id  INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    from_tier   TEXT NOT NULL,
    to_tier     TEXT NOT NULL CHECK (to_tier <> from_tier),
    changed_on  INTEGER NOT NULL,
    measure     INTEGER NOT NULL,   -- the qualifying measure on that day
    reason      TEXT NOT NULL CHECK (reason IN ('upgrade', 'downgrade_one_step',
                                                'downgrade_recompute')),
    run_id      INTEGER NOT NULL REFERENCES tier_runs (run_id)
);
CREATE INDEX tier_history_customer ON tier_history (customer_id, changed_on, history_id);
CREATE INDEX tier_history_day ON tier_history (changed_on);
CREATE TRIGGER tier_history_no_update BEFORE UPDATE ON tier_history
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
CREATE TRIGGER tier_history_no_delete BEFORE DELETE ON tier_history
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
