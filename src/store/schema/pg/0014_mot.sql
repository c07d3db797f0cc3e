-- dangol store, schema version 14, PostgreSQL dialect of ../0014_mot.sql: moments of truth.
CREATE TABLE mot_visits (
    visit_id    TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id) DEFERRABLE,
    visited_on  BIGINT NOT NULL,
    nps         BIGINT CHECK (nps BETWEEN 0 AND 10),
    staff_id    TEXT REFERENCES staff (staff_id) DEFERRABLE
);
CREATE INDEX mot_visits_customer ON mot_visits (customer_id, visited_on);
CREATE TABLE mot_ratings (
    visit_id TEXT NOT NULL REFERENCES mot_visits (visit_id) DEFERRABLE,
    moment   TEXT NOT NULL,
    score    BIGINT NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (visit_id, moment)
);
CREATE TABLE mot_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    visit_id        TEXT NOT NULL REFERENCES mot_visits (visit_id) DEFERRABLE,
    recorded_at     BIGINT NOT NULL
);
