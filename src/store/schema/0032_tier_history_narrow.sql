-- dangol store, schema version 32: the tier history in narrow rows, and the current tiers read
-- from it. The first evaluation of 1 M customers wrote 769,715 history rows of text codes and
-- reasons (about 55 bytes a row) and 576,970 tier_state rows, about 1 µs of SQLite's B-tree work
-- each (bench/tier.sh, BENCHMARKS.md "Tiers"). Now:
-- * tier_changes holds the history with each tier code as a small integer of tier_codes (the
--   codes are the rules' own, so they are kept by name, once each) and the reason as 0 upgrade,
--   1 downgrade_one_step, 2 downgrade_recompute (src/store/tiers_sqlite.c writes them;
--   src/store/tier_codes_sqlite.c keeps the codes);
-- * tier_state is no longer written: a customer's tier is the to_tier of their last change,
--   since its day, by its run (what the evaluation wrote into tier_state, once per customer per
--   run with a change), and the evaluation reads it from tier_changes_customer, which carries
--   to_code for that (covering: the table is not read);
-- * the views tier_history and tier_state show both as they were, with the same columns and
--   values, for every reader (the reports, the economics' tier discount, the programme
--   features) and for SQL from outside, which may still append to tier_history (its INSTEAD OF
--   trigger writes the row to tier_changes). UPDATE and DELETE of a view are refused by SQLite,
--   so the history stays append-only; tier_changes keeps the triggers that say so.
-- The PostgreSQL store keeps its two tables (pg/0032: the cluster partitions them by customer).
CREATE TABLE tier_codes (
    code_id INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE
);
CREATE TABLE tier_changes (
    history_id  INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    from_code   INTEGER NOT NULL REFERENCES tier_codes (code_id),
    to_code     INTEGER NOT NULL REFERENCES tier_codes (code_id) CHECK (to_code <> from_code),
    changed_on  INTEGER NOT NULL,
    measure     INTEGER NOT NULL,   -- the qualifying measure on that day
    reason      INTEGER NOT NULL CHECK (reason BETWEEN 0 AND 2),
    run_id      INTEGER NOT NULL REFERENCES tier_runs (run_id)
);
INSERT INTO tier_codes (code) SELECT from_tier FROM tier_history UNION SELECT to_tier
FROM tier_history;
INSERT INTO tier_changes (history_id, customer_id, from_code, to_code, changed_on, measure, reason,
                          run_id)
SELECT history_id, customer_id, (SELECT code_id FROM tier_codes WHERE code = from_tier),
       (SELECT code_id FROM tier_codes WHERE code = to_tier), changed_on, measure,
       CASE reason WHEN 'upgrade' THEN 0 WHEN 'downgrade_one_step' THEN 1 ELSE 2 END, run_id
FROM tier_history ORDER BY history_id;
DROP TABLE tier_history;
DROP TABLE tier_state;
CREATE INDEX tier_changes_customer ON tier_changes (customer_id, changed_on, history_id, to_code);
CREATE TRIGGER tier_changes_no_update BEFORE UPDATE ON tier_changes
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
CREATE TRIGGER tier_changes_no_delete BEFORE DELETE ON tier_changes
BEGIN SELECT RAISE(ABORT, 'tier_history is append-only'); END;
CREATE VIEW tier_history (history_id, customer_id, from_tier, to_tier, changed_on, measure, reason,
                          run_id) AS
SELECT h.history_id, h.customer_id, (SELECT code FROM tier_codes WHERE code_id = h.from_code),
       (SELECT code FROM tier_codes WHERE code_id = h.to_code), h.changed_on, h.measure,
       CASE h.reason WHEN 0 THEN 'upgrade' WHEN 1 THEN 'downgrade_one_step'
                     ELSE 'downgrade_recompute' END, h.run_id
FROM tier_changes h;
CREATE VIEW tier_state (customer_id, tier, since, run_id) AS
SELECT h.customer_id, (SELECT code FROM tier_codes WHERE code_id = h.to_code), h.changed_on,
       h.run_id
FROM tier_changes h
WHERE h.history_id = (SELECT l.history_id FROM tier_changes l WHERE l.customer_id = h.customer_id
                      ORDER BY l.changed_on DESC, l.history_id DESC LIMIT 1);
CREATE TRIGGER tier_history_insert INSTEAD OF INSERT ON tier_history
BEGIN
    INSERT OR IGNORE INTO tier_codes (code) VALUES (NEW.from_tier), (NEW.to_tier);
    INSERT INTO tier_changes (history_id, customer_id, from_code, to_code, changed_on, measure,
                              reason, run_id)
    VALUES (NEW.history_id, NEW.customer_id,
            (SELECT code_id FROM tier_codes WHERE code = NEW.from_tier),
            (SELECT code_id FROM tier_codes WHERE code = NEW.to_tier), NEW.changed_on,
            NEW.measure, CASE NEW.reason WHEN 'upgrade' THEN 0 WHEN 'downgrade_one_step' THEN 1
                                         WHEN 'downgrade_recompute' THEN 2 END, NEW.run_id);
END;
