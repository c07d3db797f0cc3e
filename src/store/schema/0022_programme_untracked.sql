-- dangol store, schema version 22: the loyalty programme's tier and coupon tables leave the frame
-- snapshot's triggers (docs/snapshot.md). The frame reads customers, orders, products, order lines,
-- surveys, feedback, interactions, referrals and partner activities only, so a tier evaluation or
-- a coupon's definition, issue, redemption or void changed nothing it holds, yet marked the snapshot
-- out of date and made the next analysis rebuild the frame from every row. New stores never get
-- these triggers (src/store/snapshot_sqlite.c leaves tier_ and coupon_ tables untracked, as it
-- does the points ledger); this drops them from stores that have them. What reads tiers or
-- coupons (campaign audiences, economics, the card, churn features) reads the tables directly.
DROP TRIGGER IF EXISTS frame_snapshot_insert_tier_rules;
DROP TRIGGER IF EXISTS frame_snapshot_update_tier_rules;
DROP TRIGGER IF EXISTS frame_snapshot_delete_tier_rules;
DROP TRIGGER IF EXISTS frame_snapshot_insert_tier_runs;
DROP TRIGGER IF EXISTS frame_snapshot_update_tier_runs;
DROP TRIGGER IF EXISTS frame_snapshot_delete_tier_runs;
DROP TRIGGER IF EXISTS frame_snapshot_insert_tier_state;
DROP TRIGGER IF EXISTS frame_snapshot_update_tier_state;
DROP TRIGGER IF EXISTS frame_snapshot_delete_tier_state;
DROP TRIGGER IF EXISTS frame_snapshot_insert_tier_history;
DROP TRIGGER IF EXISTS frame_snapshot_update_tier_history;
DROP TRIGGER IF EXISTS frame_snapshot_delete_tier_history;
DROP TRIGGER IF EXISTS frame_snapshot_insert_coupon_definitions;
DROP TRIGGER IF EXISTS frame_snapshot_update_coupon_definitions;
DROP TRIGGER IF EXISTS frame_snapshot_delete_coupon_definitions;
DROP TRIGGER IF EXISTS frame_snapshot_insert_coupon_codes;
DROP TRIGGER IF EXISTS frame_snapshot_update_coupon_codes;
DROP TRIGGER IF EXISTS frame_snapshot_delete_coupon_codes;
DROP TRIGGER IF EXISTS frame_snapshot_insert_coupon_redemptions;
DROP TRIGGER IF EXISTS frame_snapshot_update_coupon_redemptions;
DROP TRIGGER IF EXISTS frame_snapshot_delete_coupon_redemptions;
DROP TRIGGER IF EXISTS frame_snapshot_insert_coupon_requests;
DROP TRIGGER IF EXISTS frame_snapshot_update_coupon_requests;
DROP TRIGGER IF EXISTS frame_snapshot_delete_coupon_requests;
