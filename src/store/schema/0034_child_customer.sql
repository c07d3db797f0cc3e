-- dangol store, schema version 34: the two per-customer tables whose rows reached their customer
-- only through a parent name it themselves: a points allocation (the customer of its movement
-- and lot) and a ticket event (its ticket's customer). On a PostgreSQL cluster they are then
-- partitioned by customer_id beside their parents (docs/postgresql.md "Cluster"); here every
-- writer fills the column, and a subject-access document lists the events with the customer's
-- other tables. Both are append-only: the trigger refusing an UPDATE is set aside while the
-- existing rows are filled from their parents, then made again (ticket_events' as schema 17
-- made it).
DROP TRIGGER points_allocations_no_update;
ALTER TABLE points_allocations ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
UPDATE points_allocations SET customer_id = (SELECT m.customer_id FROM points_movements m
                                             WHERE m.movement_id = points_allocations.movement_id);
CREATE TRIGGER points_allocations_no_update BEFORE UPDATE ON points_allocations
BEGIN SELECT RAISE(ABORT, 'points_allocations is append-only'); END;
DROP TRIGGER ticket_events_no_update;
ALTER TABLE ticket_events ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
UPDATE ticket_events SET customer_id = (SELECT t.customer_id FROM tickets t
                                        WHERE t.ticket_id = ticket_events.ticket_id);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
WHEN NOT (NEW.detail IS NULL AND NEW.event_id = OLD.event_id AND NEW.ticket_id = OLD.ticket_id
          AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
          AND NEW.from_state IS OLD.from_state AND NEW.to_state = OLD.to_state
          AND NEW.version = OLD.version AND NEW.recorded_at = OLD.recorded_at
          AND EXISTS (SELECT 1 FROM tickets t JOIN customer_erasures e ON e.customer_id = t.customer_id
                      WHERE t.ticket_id = OLD.ticket_id))
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
