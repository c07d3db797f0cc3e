-- The points allocations and ticket events of schema 33, without their customer_id, made again
-- in a store of schema 34 (src/store/schema/0034_child_customer.sql): the tests that put a store
-- back to an earlier schema version undo migration 34 with this, so that it applies again.
ALTER TABLE points_allocations DROP COLUMN customer_id;
ALTER TABLE ticket_events DROP COLUMN customer_id;
