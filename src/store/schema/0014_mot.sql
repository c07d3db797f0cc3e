-- dangol store, schema version 14: moments of truth (docs/mot.md). A visit (mot_visits) is one
-- pass of a customer through the touchpoint cycle, with the NPS answer given after it; its
-- ratings (mot_ratings) score the moments it met, one row per (visit, moment), the moment a code
-- of the cycle (config/mot.conf) and the score a whole number on that moment's scale (checked
-- against the cycle by the service and the analysis, not here: the cycle is a file). Both are
-- catalog entities (imported and exported like the others); mot_requests remembers each
-- idempotency key of the API's visit writes. The mot_ tables are not in the frame: they carry
-- no frame snapshot triggers.
CREATE TABLE mot_visits (
    visit_id    TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (customer_id),
    visited_on  INTEGER NOT NULL,      -- day of the visit
    nps         INTEGER CHECK (nps BETWEEN 0 AND 10),
    staff_id    TEXT REFERENCES staff (staff_id)
);
CREATE INDEX mot_visits_customer ON mot_visits (customer_id, visited_on);
CREATE TABLE mot_ratings (
    visit_id TEXT NOT NULL REFERENCES mot_visits (visit_id),
    moment   TEXT NOT NULL,
    score    INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (visit_id, moment)
) WITHOUT ROWID;
CREATE TABLE mot_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- the request's visit and ratings
    visit_id        TEXT NOT NULL REFERENCES mot_visits (visit_id),
    recorded_at     INTEGER NOT NULL
);
