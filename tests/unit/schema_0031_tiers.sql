-- The tier tables of schema 31 (src/store/schema/0006_tiers.sql without 0030's day index), made
-- again with their rows from a store of schema 32 (0032_tier_history_narrow.sql): the tests that
-- put a store back to an earlier schema version undo migration 32 with this, so that it applies
-- again (test_snapshot_programmes.c) or is checked to carry the rows across (test_tiers.c).
CREATE TEMP TABLE tier_state_31 AS SELECT customer_id, tier, since, run_id FROM tier_state;
CREATE TEMP TABLE tier_history_31 AS SELECT * FROM tier_history;
DROP VIEW tier_state;
DROP VIEW tier_history;
DROP TABLE tier_changes;
DROP TABLE tier_codes;
CREATE TABLE tier_state (
    customer_id TEXT PRIMARY KEY REFERENCES customers (customer_id),
    tier        TEXT NOT NULL,
    since       INTEGER NOT NULL,
    run_id      INTEGER NOT NULL REFERENCES tier_runs (run_id)
) WITHOUT ROWID;
CREATE TABLE tier_history (
    history_id  INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    from_tier   TEXT NOT NULL,
    to_tier     TEXT NOT NULL CHECK (to_tier <> from_tier),
    changed_on  INTEGER NOT NULL,
    measure     INTEGER NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('upgrade', 'downgrade_one_step',
                                                'downgrade_recompute')),
    run_id      INTEGER NOT NULL REFERENCES tier_runs (run_id)
);
INSERT INTO tier_state SELECT * FROM tier_state_31;
INSERT INTO tier_history SELECT * FROM tier_history_31 ORDER BY history_id;
DROP TABLE tier_state_31;
DROP TABLE tier_history_31;
CREATE INDEX tier_history_customer ON tier_history (customer_id, changed_on, history_id);
CREATE TRIGGER tier_history_no_update BEFORE UPDATE ON tier_history
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
CREATE TRIGGER tier_history_no_delete BEFORE DELETE ON tier_history
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
