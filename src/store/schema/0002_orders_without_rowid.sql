-- dangol store, schema version 2: orders becomes a WITHOUT ROWID table, stored in order_id
-- order, so writing an order is one B-tree insert (a rowid table writes the row and, apart, its
-- order_id primary-key index entry). Rebuilt the way SQLite's ALTER TABLE documentation asks:
-- the migrator runs every step with foreign keys off and checks them all before it commits.
CREATE TABLE orders_v2 (
    order_id       TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (customer_id),
    ordered_at     INTEGER NOT NULL,
    channel        TEXT,
    payment_method TEXT,
    card_used      INTEGER,
    staff_id       TEXT REFERENCES staff (staff_id),
    site           TEXT,
    units          INTEGER,
    total          INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO orders_v2 (order_id, customer_id, ordered_at, channel, payment_method, card_used,
                       staff_id, site, units, total)
SELECT order_id, customer_id, ordered_at, channel, payment_method, card_used, staff_id, site,
       units, total
FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v2 RENAME TO orders;
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
