-- dangol store, schema version 20: erasure reaches the returns (docs/security.md). The reason
-- of a cancelled or returned order (schema/0019) is free text about the customer: erasure empties
-- it, as it empties ticket texts (schema/0017). order_returns stays append-only for everything
-- else: the one update allowed is that emptying, for an erased customer, with every other column
-- unchanged; once erased, no reason can be written for the customer.
DROP TRIGGER order_returns_no_update;
CREATE TRIGGER order_returns_no_update BEFORE UPDATE ON order_returns
WHEN NOT (NEW.reason IS NULL AND NEW.order_id = OLD.order_id
          AND NEW.customer_id = OLD.customer_id AND NEW.return_kind = OLD.return_kind
          AND NEW.returned_on = OLD.returned_on
          AND NEW.points_movement_id IS OLD.points_movement_id
          AND NEW.redemption_id IS OLD.redemption_id AND NEW.coupon_policy IS OLD.coupon_policy
          AND NEW.replacement_code IS OLD.replacement_code AND NEW.actor = OLD.actor
          AND NEW.recorded_at = OLD.recorded_at
          AND EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id = OLD.customer_id))
BEGIN SELECT RAISE(ABORT, 'order_returns is append-only'); END;
CREATE TRIGGER customer_erased_return BEFORE INSERT ON order_returns
WHEN NEW.reason IS NOT NULL AND EXISTS (SELECT 1 FROM customer_erasures WHERE customer_id = NEW.customer_id)
BEGIN SELECT RAISE(ABORT, 'the customer was erased; a return reason cannot be written for them'); END;
