-- dangol store, schema version 31: customers by acquisition day. A write that changes a
-- dictionary value of a customer (a PATCH of a region, say) looks for the customers a frame
-- snapshot of an earlier day leaves out (acquired after it: src/store/snapshot_delta.c, LEFT_OUT_SQL)
-- and an appending import for existing customers newly dated by the new last day; both read the
-- whole table without it (0.16-0.26 s at 1 M customers), a range of this index with it. A bulk
-- import of customers sets it aside and creates it again at the end, as every non-unique index.
CREATE INDEX customers_acquired_on ON customers (acquired_on);
