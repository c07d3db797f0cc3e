-- dangol store, schema version 10: consent per purpose and erasure on request (docs/security.md).
-- consent_events is the history of grants and withdrawals: append-only (triggers refuse UPDATE
-- and DELETE); a customer's consent for a purpose on a day is their latest event (by effective
-- day, then by event id) on or before it. Purposes and sources are vocabulary codes
-- (consent_purpose, consent_source), checked by the service, so a purpose is added to the
-- vocabulary and to nothing here. consent_requests remembers each idempotency key's request.
-- The consent_ tables are not in the frame: they carry no frame snapshot triggers.
CREATE TABLE consent_events (
    event_id     INTEGER PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (customer_id),
    purpose      TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
    effective_on INTEGER NOT NULL,     -- day the grant or withdrawal takes effect
    source       TEXT NOT NULL,        -- where it was given: web, store, call, import, api
    actor        TEXT NOT NULL,        -- who recorded it: a user, "system"
    recorded_at  INTEGER NOT NULL      -- UTC seconds
);
CREATE INDEX consent_events_customer ON consent_events (customer_id, purpose, effective_on, event_id);
CREATE INDEX consent_events_purpose ON consent_events (purpose, customer_id, effective_on, event_id);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TABLE consent_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- operation and arguments of the first request
    event_id        INTEGER NOT NULL REFERENCES consent_events (event_id),
    recorded_at     INTEGER NOT NULL
);
-- One row per erased customer: the record stays (orders keep their customer, every aggregate
-- is unchanged) with its personal fields emptied. Once erased, a customer's personal fields
-- (and the free texts of their feedback, interactions and partner activities) cannot be written
-- again: the triggers below refuse it (a re-import of an old file fails naming the customer).
CREATE TABLE customer_erasures (
    customer_id TEXT PRIMARY KEY REFERENCES customers (customer_id),
    erased_at   INTEGER NOT NULL,      -- UTC seconds
    kind        TEXT NOT NULL CHECK (kind IN ('request', 'retention')),
    reason      TEXT NOT NULL,
    actor       TEXT NOT NULL
);
CREATE TRIGGER customer_erased_profile BEFORE UPDATE ON customers
WHEN (NEW.name IS NOT NULL OR NEW.phone IS NOT NULL OR NEW.email IS NOT NULL
      OR NEW.birth_year IS NOT NULL)
 AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; personal fields cannot be written again'); END;
CREATE TRIGGER customer_erased_feedback_insert BEFORE INSERT ON feedback
WHEN NEW.text IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; feedback text cannot be written for them'); END;
CREATE TRIGGER customer_erased_feedback_update BEFORE UPDATE ON feedback
WHEN NEW.text IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; feedback text cannot be written for them'); END;
CREATE TRIGGER customer_erased_interaction_insert BEFORE INSERT ON interactions
WHEN NEW.note IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; notes cannot be written for them'); END;
CREATE TRIGGER customer_erased_interaction_update BEFORE UPDATE ON interactions
WHEN NEW.note IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; notes cannot be written for them'); END;
CREATE TRIGGER customer_erased_partner_insert BEFORE INSERT ON partner_activities
WHEN NEW.note IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; notes cannot be written for them'); END;
CREATE TRIGGER customer_erased_partner_update BEFORE UPDATE ON partner_activities
WHEN NEW.note IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; notes cannot be written for them'); END;
