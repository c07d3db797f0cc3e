-- dangol store, schema version 13: post-purchase follow-up tasks (docs/followups.md) and the
-- full-text index of tickets (docs/tickets.md, "Search").
-- followup_tasks holds one dated task per rule and purchase (and product, for a reorder
-- reminder): the UNIQUE key makes the scheduler idempotent (INSERT OR IGNORE inside BEGIN
-- IMMEDIATE), so running it twice, or many times at once, never creates a task twice. A task is
-- open until its outcome is recorded; version is bumped by that write, so an update naming a
-- stale version is refused. note is personal free text: erasure empties it and the triggers
-- below refuse to write it again for an erased customer. followup_requests remembers the
-- idempotency keys of outcome writes as points_requests does.
CREATE TABLE followup_tasks (
    task_id     INTEGER PRIMARY KEY,
    rule        TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    order_id    TEXT NOT NULL REFERENCES orders (order_id),
    product_id  TEXT NOT NULL DEFAULT '',     -- the consumable of a reorder reminder, else ''
    channel     TEXT NOT NULL CHECK (channel IN ('call', 'sms', 'email')),
    due_on      INTEGER NOT NULL,             -- day (days since 1970-01-01)
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    outcome     TEXT,
    note        TEXT,
    done_at     INTEGER,                      -- UTC seconds
    done_by     TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,             -- UTC seconds
    UNIQUE (rule, order_id, product_id),
    CHECK ((state = 'done') = (outcome IS NOT NULL))
);
CREATE INDEX followup_tasks_due ON followup_tasks (state, due_on);
CREATE INDEX followup_tasks_customer ON followup_tasks (customer_id, due_on);
CREATE TABLE followup_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    task_id         INTEGER NOT NULL REFERENCES followup_tasks (task_id),
    version         INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL
);
CREATE TRIGGER customer_erased_followup_update BEFORE UPDATE ON followup_tasks
WHEN NEW.note IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; notes cannot be written for them'); END;
-- Full-text search of tickets: an external-content FTS5 index of each ticket's subject and
-- category, kept in step with tickets by the triggers below (an erasure that empties a subject
-- empties its index entry too). unicode61 splits on blanks and punctuation; a Korean word keeps
-- its particles (배송이, 배송은), so the search runs each query word as a prefix (배송*).
CREATE VIRTUAL TABLE ticket_search USING fts5 (subject, category, content = 'tickets',
                                               content_rowid = 'ticket_id',
                                               tokenize = 'unicode61');
CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets
BEGIN INSERT INTO ticket_search (rowid, subject, category)
      VALUES (NEW.ticket_id, NEW.subject, NEW.category); END;
CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets
BEGIN INSERT INTO ticket_search (ticket_search, rowid, subject, category)
      VALUES ('delete', OLD.ticket_id, OLD.subject, OLD.category); END;
CREATE TRIGGER ticket_search_update AFTER UPDATE OF subject, category ON tickets
BEGIN INSERT INTO ticket_search (ticket_search, rowid, subject, category)
      VALUES ('delete', OLD.ticket_id, OLD.subject, OLD.category);
      INSERT INTO ticket_search (rowid, subject, category)
      VALUES (NEW.ticket_id, NEW.subject, NEW.category); END;
INSERT INTO ticket_search (ticket_search) VALUES ('rebuild');
