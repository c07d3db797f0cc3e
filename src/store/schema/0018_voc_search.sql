-- dangol store, schema version 18: full-text search reaches the texts of ticket events (the
-- comments, resolve and reopen notes), beside ticket_search of the subjects (0013). The texts
-- indexed are those erasure empties (schema/0017): every event detail but an assignee or a
-- priority change, which say nothing about the customer; the view ticket_event_texts names
-- them, and is the index's content, so a 'rebuild' reads the same rows. ticket_events is
-- append-only but for erasure's emptying of detail: that update takes the text out of the
-- index too (and erasure merges the index, so no segment keeps it).
CREATE VIEW ticket_event_texts AS
SELECT event_id, ticket_id, detail FROM ticket_events
WHERE detail IS NOT NULL AND action NOT IN ('assign', 'escalate');
CREATE VIRTUAL TABLE ticket_event_search USING fts5 (detail, content = 'ticket_event_texts',
                                                     content_rowid = 'event_id',
                                                     tokenize = 'unicode61');
CREATE TRIGGER ticket_event_search_insert AFTER INSERT ON ticket_events
WHEN NEW.detail IS NOT NULL AND NEW.action NOT IN ('assign', 'escalate')
BEGIN INSERT INTO ticket_event_search (rowid, detail) VALUES (NEW.event_id, NEW.detail); END;
CREATE TRIGGER ticket_event_search_update AFTER UPDATE OF detail ON ticket_events
WHEN OLD.detail IS NOT NULL AND OLD.action NOT IN ('assign', 'escalate')
BEGIN INSERT INTO ticket_event_search (ticket_event_search, rowid, detail)
      VALUES ('delete', OLD.event_id, OLD.detail); END;
CREATE TRIGGER ticket_event_search_reindex AFTER UPDATE OF detail ON ticket_events
WHEN NEW.detail IS NOT NULL AND NEW.action NOT IN ('assign', 'escalate')
BEGIN INSERT INTO ticket_event_search (rowid, detail) VALUES (NEW.event_id, NEW.detail); END;
INSERT INTO ticket_event_search (ticket_event_search) VALUES ('rebuild');
-- The recovery report (src/store/voc_sqlite.c) takes each complainant's first complaint and
-- lists the customers with one: a partial index of the complaints, in customer order, with the
-- columns it reads, so neither query visits the table (1 M tickets: 1.46 s to 0.50 s CPU,
-- BENCHMARKS.md "VOC analytics").
CREATE INDEX tickets_complaints ON tickets (customer_id, opened_at, state, resolved_at,
                                            resolution_due) WHERE kind = 'complaint';
