-- dangol store, schema version 8: VOC tickets (docs/tickets.md). tickets holds each ticket's
-- current state and version (bumped by every change, so an update naming a stale version is
-- refused); ticket_events is its history: append-only (triggers refuse UPDATE and DELETE), one
-- row per change with who, when, what and the state before and after. Due times are fixed when
-- a ticket opens, from the SLA targets on the business calendar. A recovery ticket names the
-- incident it answers (source_kind, source_id), and a unique index keeps it to one per incident.
-- ticket_requests remembers idempotency keys of API writes as points_requests does.
CREATE TABLE tickets (
    ticket_id          INTEGER PRIMARY KEY,
    customer_id        TEXT NOT NULL REFERENCES customers (customer_id),
    kind               TEXT NOT NULL CHECK (kind IN ('complaint', 'inquiry', 'suggestion', 'compliment')),
    channel            TEXT CHECK (channel IN ('call_centre', 'web', 'app', 'store', 'email')),
    priority           TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    category           TEXT,
    subject            TEXT,
    state              TEXT NOT NULL CHECK (state IN ('open', 'assigned', 'in_progress', 'resolved', 'closed')),
    order_id           TEXT REFERENCES orders (order_id),
    staff_id           TEXT REFERENCES staff (staff_id),
    assignee           TEXT,
    opened_at          INTEGER NOT NULL,   -- UTC seconds
    first_response_at  INTEGER,
    resolved_at        INTEGER,
    closed_at          INTEGER,
    first_response_due INTEGER NOT NULL,
    resolution_due     INTEGER NOT NULL,
    escalated_at       INTEGER,
    reopened           INTEGER NOT NULL DEFAULT 0,
    source_kind        TEXT CHECK (source_kind IN ('feedback', 'survey')),
    source_id          TEXT,
    incident_at        INTEGER,
    version            INTEGER NOT NULL DEFAULT 1,
    updated_at         INTEGER NOT NULL,   -- time of the last event
    CHECK ((source_kind IS NULL) = (source_id IS NULL))
);
CREATE UNIQUE INDEX tickets_source ON tickets (source_kind, source_id) WHERE source_kind IS NOT NULL;
CREATE INDEX tickets_customer ON tickets (customer_id, opened_at);
CREATE INDEX tickets_state ON tickets (state, resolution_due);
CREATE TABLE ticket_events (
    event_id    INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (ticket_id),
    at          INTEGER NOT NULL,          -- when it happened, UTC seconds
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('open', 'assign', 'start', 'resolve', 'close',
                                                'reopen', 'comment', 'escalate')),
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    detail      TEXT,                      -- the assignee, the comment, the priority change
    version     INTEGER NOT NULL,          -- the ticket's version after it
    recorded_at INTEGER NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, event_id);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TABLE ticket_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (ticket_id),
    version         INTEGER NOT NULL,
    event_id        INTEGER NOT NULL,
    state           TEXT NOT NULL,
    recorded_at     INTEGER NOT NULL
);
