-- dangol store, schema version 16: customer value survey answers (docs/value.md). The survey
-- itself (items, components, scales) is data in a config file, so an answer names its item by
-- code and the store checks nothing about it: the service checks every answer against the
-- survey before writing. A response is replaced whole when it is imported again (same
-- response_id); value_requests remembers each idempotency key of an API write.
-- The value_ tables are not in the frame: they carry no frame snapshot triggers.
CREATE TABLE value_responses (
    response_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    answered_on INTEGER NOT NULL,      -- day of the answers
    recorded_at INTEGER NOT NULL       -- UTC seconds
);
CREATE INDEX value_responses_customer ON value_responses (customer_id, answered_on);
CREATE TABLE value_answers (
    response_id TEXT NOT NULL REFERENCES value_responses (response_id),
    item        TEXT NOT NULL,         -- an item code of the survey
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),   -- the response's: the
                                       -- distribution key, and subject access finds the answers
    answer      INTEGER NOT NULL,
    PRIMARY KEY (response_id, item)
) WITHOUT ROWID;
CREATE TABLE value_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- the request's response and answers
    response_id     TEXT NOT NULL REFERENCES value_responses (response_id),
    recorded_at     INTEGER NOT NULL
);
