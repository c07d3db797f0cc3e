-- dangol store, schema version 18, PostgreSQL dialect of ../0018_voc_search.sql: the search of
-- ticket event texts and the partial index of complaints. As for ticket_search (0013), SQLite's
-- FTS5 index has no PostgreSQL twin: a GIN index over the 'simple' text search configuration of
-- the texts erasure empties (every event detail but an assignee or a priority change) stands in
-- for it, and follows each row without triggers (the ticket search itself is not available on a
-- PostgreSQL store yet, docs/postgresql.md). The view names the same texts as SQLite's.
CREATE VIEW ticket_event_texts AS
SELECT event_id, ticket_id, detail FROM ticket_events
WHERE detail IS NOT NULL AND action NOT IN ('assign', 'escalate');
CREATE INDEX ticket_event_search ON ticket_events USING gin (to_tsvector('simple', detail))
WHERE detail IS NOT NULL AND action NOT IN ('assign', 'escalate');
CREATE INDEX tickets_complaints ON tickets (customer_id, opened_at, state, resolved_at,
                                            resolution_due) WHERE kind = 'complaint';
