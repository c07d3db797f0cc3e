-- dangol store, schema version 20, PostgreSQL dialect of ../0020_return_erasure.sql: erasure
-- empties the reason of a return. The one update of order_returns allowed is that emptying, for
-- an erased customer, every other column unchanged; once erased, no reason can be written.
DROP TRIGGER order_returns_no_update ON order_returns;
CREATE FUNCTION order_returns_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.reason IS NULL AND NEW.order_id = OLD.order_id
            AND NEW.customer_id = OLD.customer_id AND NEW.return_kind = OLD.return_kind
            AND NEW.returned_on = OLD.returned_on
            AND NEW.points_movement_id IS NOT DISTINCT FROM OLD.points_movement_id
            AND NEW.redemption_id IS NOT DISTINCT FROM OLD.redemption_id
            AND NEW.coupon_policy IS NOT DISTINCT FROM OLD.coupon_policy
            AND NEW.replacement_code IS NOT DISTINCT FROM OLD.replacement_code
            AND NEW.actor = OLD.actor AND NEW.recorded_at = OLD.recorded_at
            AND EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id = OLD.customer_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
            MESSAGE = 'order_returns is append-only';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER order_returns_no_update BEFORE UPDATE ON order_returns
FOR EACH ROW EXECUTE FUNCTION order_returns_no_update();
CREATE TRIGGER customer_erased_return BEFORE INSERT ON order_returns
FOR EACH ROW WHEN (NEW.reason IS NOT NULL) EXECUTE FUNCTION
    dg_erased_guard('reason', 'the customer was erased; a return reason cannot be written for them');
