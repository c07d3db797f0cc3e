-- dangol store, schema version 33, PostgreSQL dialect of ../0033_points_expiry_pages.sql: only the
-- allocations by lot are dropped (no query reads them, no lot is deleted or renumbered). The
-- customer's open lots stay a partial index here: emptying a lot changes is_open, which the
-- partial indexes' predicates read, so its UPDATE is not heap-only (HOT) and PostgreSQL writes
-- the new row version into every index whose predicate it meets; a whole index of the customers'
-- lots would take one more entry per expired lot instead of one fewer.
DROP INDEX points_allocations_lot;
