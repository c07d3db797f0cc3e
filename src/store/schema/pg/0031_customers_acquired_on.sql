-- dangol store, schema version 31, PostgreSQL dialect of ../0031_customers_acquired_on.sql: the
-- customers by acquisition day, for the snapshot writer's look for the customers a frame of an
-- earlier day leaves out (a range of this index instead of a scan of the table).
CREATE INDEX customers_acquired_on ON customers (acquired_on);
