-- dangol store, schema version 30: tier_history loses its index on changed_on alone. No query
-- needs it: every reader looks a customer up or walks the history in customer order
-- (tier_history_customer: the card, tier_at, the economics' tier discount, the history and
-- distribution reports, the programme features), and a walk of everyone up to a day reads the
-- rows in that order anyway. Keeping it cost every evaluation a random insert per change, about a
-- third of the first evaluation of 1 M customers (bench/tier.sh, BENCHMARKS.md "Tiers").
DROP INDEX IF EXISTS tier_history_day;
