-- dangol store, schema version 34, PostgreSQL dialect of ../0034_child_customer.sql: a points
-- allocation and a ticket event name their customer, filled from their movement and ticket, so
-- `cluster init` can partition them by customer_id beside their parents. On a store that is a
-- cluster already both are still the coordinator's tables (they were not distributed before this
-- version), so this applies as on any store. The append-only triggers are disabled while the
-- rows are filled; ticket_events' now also refuses a change of the customer.
ALTER TABLE points_allocations DISABLE TRIGGER points_allocations_no_update;
ALTER TABLE points_allocations ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
UPDATE points_allocations a SET customer_id = m.customer_id FROM points_movements m
WHERE m.movement_id = a.movement_id;
ALTER TABLE points_allocations ENABLE TRIGGER points_allocations_no_update;
ALTER TABLE ticket_events DISABLE TRIGGER ticket_events_no_update;
ALTER TABLE ticket_events ADD COLUMN customer_id TEXT NOT NULL DEFAULT '';
UPDATE ticket_events e SET customer_id = t.customer_id FROM tickets t WHERE t.ticket_id = e.ticket_id;
ALTER TABLE ticket_events ENABLE TRIGGER ticket_events_no_update;
CREATE OR REPLACE FUNCTION ticket_events_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.detail IS NULL AND NEW.event_id = OLD.event_id AND NEW.ticket_id = OLD.ticket_id
            AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
            AND NEW.from_state IS NOT DISTINCT FROM OLD.from_state AND NEW.to_state = OLD.to_state
            AND NEW.version = OLD.version AND NEW.recorded_at = OLD.recorded_at
            AND NEW.customer_id = OLD.customer_id
            AND EXISTS (SELECT 1 FROM tickets t JOIN customer_erasures e
                        ON e.customer_id = t.customer_id WHERE t.ticket_id = OLD.ticket_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'ticket_events is append-only';
    END IF;
    RETURN NEW;
END $$;
