-- dangol store, schema version 16, PostgreSQL dialect of ../0016_value.sql: customer value
-- survey answers.
CREATE TABLE value_responses (
    response_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    answered_on BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX value_responses_customer ON value_responses (customer_id, answered_on);
CREATE TABLE value_answers (
    response_id TEXT NOT NULL REFERENCES value_responses (response_id) DEFERRABLE,
    item        TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    answer      BIGINT NOT NULL,
    PRIMARY KEY (response_id, item)
);
CREATE TABLE value_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    response_id     TEXT NOT NULL REFERENCES value_responses (response_id) DEFERRABLE,
    recorded_at     BIGINT NOT NULL
);
