-- dangol store, schema version 30, PostgreSQL dialect of ../0030_tier_history_unindexed_day.sql:
-- tier_history loses its index on changed_on alone, which no query needs (every reader looks a
-- customer up or walks the history in customer order, tier_history_customer) and which every
-- evaluation paid an insert per change for.
DROP INDEX IF EXISTS tier_history_day;
