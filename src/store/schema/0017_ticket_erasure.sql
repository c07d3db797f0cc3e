-- dangol store, schema version 17: erasure reaches the VOC tickets (docs/security.md). A ticket's
-- subject and the texts of its events (comments, notes on a change) are free text about the
-- customer: erasure empties them. ticket_events stays append-only for everything else: the one
-- update allowed is that emptying, on a ticket of an erased customer, with every other column
-- unchanged. Once erased, no new ticket subject or event text can be written for the customer.
DROP TRIGGER ticket_events_no_update;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
WHEN NOT (NEW.detail IS NULL AND NEW.event_id = OLD.event_id AND NEW.ticket_id = OLD.ticket_id
          AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
          AND NEW.from_state IS OLD.from_state AND NEW.to_state = OLD.to_state
          AND NEW.version = OLD.version AND NEW.recorded_at = OLD.recorded_at
          AND EXISTS (SELECT 1 FROM tickets t JOIN customer_erasures e ON e.customer_id = t.customer_id
                      WHERE t.ticket_id = OLD.ticket_id))
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER customer_erased_ticket_insert BEFORE INSERT ON tickets
WHEN NEW.subject IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; a ticket subject cannot be written for them'); END;
CREATE TRIGGER customer_erased_ticket_update BEFORE UPDATE ON tickets
WHEN NEW.subject IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; a ticket subject cannot be written for them'); END;
CREATE TRIGGER customer_erased_ticket_event BEFORE INSERT ON ticket_events
WHEN NEW.detail IS NOT NULL AND NEW.action NOT IN ('assign', 'escalate')
 AND EXISTS (SELECT 1 FROM tickets t JOIN customer_erasures e ON e.customer_id = t.customer_id
             WHERE t.ticket_id = NEW.ticket_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; ticket notes cannot be written for them'); END;
