-- dangol store, schema version 12, PostgreSQL dialect of ../0012_economics.sql: product unit
-- costs and marketing spend.
ALTER TABLE products ADD COLUMN unit_cost BIGINT;
CREATE TABLE marketing_spend (
    acquisition_channel TEXT NOT NULL,
    month               BIGINT NOT NULL,
    amount              BIGINT NOT NULL CHECK (amount >= 0),
    note                TEXT,
    PRIMARY KEY (acquisition_channel, month)
);
