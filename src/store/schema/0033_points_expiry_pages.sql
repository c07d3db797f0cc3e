-- dangol store, schema version 33: fewer index pages written per expired lot (BENCHMARKS.md,
-- "Points ledger", session 35). The daily expiry job empties ~5,000 lots of ~5,000 customers
-- spread over the whole key range, and each index entry it changes is a leaf of its own:
-- * a customer's lots (customer_id, expires_on, lot_id) are indexed whole instead of only the
--   open ones: SQLite rewrites an index entry only when an UPDATE sets a column the index reads,
--   its partial WHERE clause included, so emptying a lot (is_open = 0) no longer touches this
--   index. Its readers (a burn's lots, a balance, the lots of a statement) still ask for is_open
--   and read it from the row; the entries of expired lots sort before any day's range
--   (expires_on > D) and are not visited by a burn. The open lots by expiry day stay partial:
--   the job reads them, and empties them in one range.
-- * the allocations by lot are not indexed: no query reads allocations by lot (they are read by
--   movement, the primary key), and no lot is ever deleted or renumbered, so no foreign-key check
--   needs them either. A burn writes one index page fewer per lot it takes from.
DROP INDEX points_lots_open;
CREATE INDEX points_lots_customer ON points_lots (customer_id, expires_on, lot_id);
DROP INDEX points_allocations_lot;
