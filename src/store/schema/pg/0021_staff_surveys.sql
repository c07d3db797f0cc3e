-- dangol store, schema version 21, PostgreSQL dialect of ../0021_staff_surveys.sql: staff
-- satisfaction surveys, one row per answer with its scale.
CREATE TABLE staff_surveys (
    response_id TEXT NOT NULL,
    item        TEXT NOT NULL,
    site        TEXT NOT NULL,
    staff_id    TEXT REFERENCES staff (staff_id) DEFERRABLE,
    answered_on BIGINT NOT NULL,
    score       BIGINT NOT NULL,
    scale_min   BIGINT NOT NULL CHECK (scale_min BETWEEN 0 AND 1),
    scale_max   BIGINT NOT NULL CHECK (scale_max BETWEEN 2 AND 10),
    CHECK (score BETWEEN scale_min AND scale_max),
    PRIMARY KEY (response_id, item)
);
CREATE INDEX staff_surveys_site ON staff_surveys (site, answered_on);
