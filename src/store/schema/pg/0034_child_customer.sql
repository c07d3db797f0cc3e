-- dangol store, schema version 34, PostgreSQL dialect of ../0034_child_customer.sql: a points
-- allocation and a ticket event name their customer, filled from their movement and ticket, so
-- `cluster init` can partition them by customer_id beside their parents. On a store that is a
-- cluster already both are still the coordinator's tables (they were not distributed before this
-- version), so this applies as on any store. The append-only triggers are disabled while the
-- rows are filled.
ALTER TABLE points_allocations DISABLE TRIGGER points_allocations_no_update;
ALTER TABLE points_allocations ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
UPDATE points_allocations a SET customer_id = m.customer_id FROM points_movements m
WHERE m.movement_id = a.movement_id;
ALTER TABLE points_allocations ENABLE TRIGGER points_allocations_no_update;
ALTER TABLE ticket_events DISABLE TRIGGER ticket_events_no_update;
ALTER TABLE ticket_events ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
UPDATE ticket_events e SET customer_id = t.customer_id FROM tickets t WHERE t.ticket_id = e.ticket_id;
ALTER TABLE ticket_events ENABLE TRIGGER ticket_events_no_update;
