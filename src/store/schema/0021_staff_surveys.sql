-- dangol store, schema version 21: staff satisfaction surveys, the internal customer's own
-- satisfaction (docs/staff.md). One row per answer: a response (one staff member's survey on one
-- day, at one site) answers items, each on its own scale scale_min..scale_max (1-5, 0-10, ...),
-- kept with the answer so the scale is data, not code. staff_id may be empty: an anonymous
-- survey still counts for its site. A catalog entity (imported and exported like the others).
-- The answers name no customer, so customer erasure does not reach them. Not in the frame: no
-- frame snapshot triggers (the service-profit chain reads them from the store).
CREATE TABLE staff_surveys (
    response_id TEXT NOT NULL,
    item        TEXT NOT NULL,
    site        TEXT NOT NULL,
    staff_id    TEXT REFERENCES staff (staff_id),
    answered_on INTEGER NOT NULL,
    score       INTEGER NOT NULL,
    scale_min   INTEGER NOT NULL CHECK (scale_min BETWEEN 0 AND 1),
    scale_max   INTEGER NOT NULL CHECK (scale_max BETWEEN 2 AND 10),
    CHECK (score BETWEEN scale_min AND scale_max),
    PRIMARY KEY (response_id, item)
) WITHOUT ROWID;
CREATE INDEX staff_surveys_site ON staff_surveys (site, answered_on);
