-- dangol store, schema version 12: the economics of acquisition and retention (docs/economics.md).
-- marketing_spend is a record entity like orders (imported from CSV, one row per channel and
-- month): what was spent to win customers through an acquisition channel in a calendar month,
-- month being the day of the month's first day. products.unit_cost is what one unit of a
-- product costs the business, so an order's gross margin is its total less the unit costs of
-- its lines. Both are columns of the entity catalog (src/core/entity.c), in this order.
ALTER TABLE products ADD COLUMN unit_cost INTEGER;
CREATE TABLE marketing_spend (
    acquisition_channel TEXT NOT NULL,     -- a customers.acquisition_channel code
    month               INTEGER NOT NULL,  -- a day of the month (its first by convention)
    amount              INTEGER NOT NULL CHECK (amount >= 0),
    note                TEXT,
    PRIMARY KEY (acquisition_channel, month)
);
