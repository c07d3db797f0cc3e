-- dangol store, schema version 17, PostgreSQL dialect of ../0017_ticket_erasure.sql: erasure
-- reaches the VOC tickets. The one update of ticket_events allowed is the emptying of its
-- detail on a ticket of an erased customer, every other column unchanged.
DROP TRIGGER ticket_events_no_update ON ticket_events;
CREATE FUNCTION ticket_events_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.detail IS NULL AND NEW.event_id = OLD.event_id AND NEW.ticket_id = OLD.ticket_id
            AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
            AND NEW.from_state IS NOT DISTINCT FROM OLD.from_state AND NEW.to_state = OLD.to_state
            AND NEW.version = OLD.version AND NEW.recorded_at = OLD.recorded_at
            AND EXISTS (SELECT 1 FROM tickets t JOIN customer_erasures e
                        ON e.customer_id = t.customer_id WHERE t.ticket_id = OLD.ticket_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'ticket_events is append-only';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
FOR EACH ROW EXECUTE FUNCTION ticket_events_no_update();
CREATE TRIGGER customer_erased_ticket BEFORE INSERT OR UPDATE ON tickets
FOR EACH ROW WHEN (NEW.subject IS NOT NULL) EXECUTE FUNCTION
    dg_erased_guard('subject', 'the customer was erased; a ticket subject cannot be written for them');
CREATE FUNCTION customer_erased_ticket_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.detail IS NOT NULL AND NEW.action NOT IN ('assign', 'escalate')
       AND EXISTS (SELECT 1 FROM tickets t JOIN customer_erasures e ON e.customer_id = t.customer_id
                   WHERE t.ticket_id = NEW.ticket_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'the customer was erased; ticket notes cannot be written for them';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER customer_erased_ticket_event BEFORE INSERT ON ticket_events
FOR EACH ROW EXECUTE FUNCTION customer_erased_ticket_event();
