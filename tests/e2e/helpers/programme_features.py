"""The programme columns of `dangol features` worked out independently (tests/e2e/test_segment.sh):
straight from the store's tables with Python's sqlite3, as of a day, row by row rather than with
dangol's aggregate queries, and compared with the feature table's CSV for every customer.

usage: programme_features.py STORE FEATURES_CSV AS_OF(YYYY-MM-DD)
Prints "ok N customers, M with programme data" or the first differences, exit 1."""
import csv
import datetime
import re
import sqlite3
import sys

store, features_csv, as_of_text = sys.argv[1:4]
day = (datetime.date.fromisoformat(as_of_text) - datetime.date(1970, 1, 1)).days
db = sqlite3.connect(store)

# tier order: the stored rules' tiers in the order the file names them (lowest first)
body = db.execute("SELECT body FROM tier_rules WHERE id = 1").fetchone()
order = []
for code in re.findall(r"^\s*tier\.([a-z0-9_]+)\.", body[0] if body else "", re.M):
    if code not in order:
        order.append(code)

expected = {}
def entry(c):
    return expected.setdefault(c, {"tier_rank": 0, "tier_downgrades": 0, "points_balance": 0,
                                   "points_earned": 0, "points_burned": 0, "points_expired": 0,
                                   "coupons_redeemed": 0, "coupon_discount": 0})

ZERO = dict(entry(None))
del expected[None]
latest = {}
for c, to_tier, changed_on, hid, reason in db.execute(
        "SELECT customer_id, to_tier, changed_on, history_id, reason FROM tier_history"):
    if changed_on > day:
        continue
    e = entry(c)
    if reason != "upgrade":
        e["tier_downgrades"] += 1
    if c not in latest or (changed_on, hid) > latest[c][0]:
        latest[c] = ((changed_on, hid), to_tier)
for c, (_, tier) in latest.items():
    entry(c)["tier_rank"] = order.index(tier) if tier in order else 0

for c, kind, points, occurred_on in db.execute(
        "SELECT customer_id, kind, points, occurred_on FROM points_movements"):
    if occurred_on > day:
        continue
    e = entry(c)
    e["points_balance"] += points
    if kind in ("earn", "reverse"):
        e["points_earned"] += points
    elif kind == "burn":
        e["points_burned"] -= points
    elif kind == "expire":
        e["points_expired"] -= points

returned = {rid: on for rid, on in db.execute(
    "SELECT redemption_id, returned_on FROM order_returns WHERE redemption_id IS NOT NULL")}
digits = {"KRW": 0, "JPY": 0}.get((db.execute(
    "SELECT value FROM settings WHERE key = 'currency'").fetchone() or ["KRW"])[0], 2)
for rid, c, discount, redeemed_on in db.execute(
        "SELECT redemption_id, customer_id, discount, redeemed_on FROM coupon_redemptions"):
    if redeemed_on > day or (rid in returned and returned[rid] <= day):
        continue
    e = entry(c)
    e["coupons_redeemed"] += 1
    e["coupon_discount"] += discount / 10 ** digits

rows = list(csv.DictReader(open(features_csv)))
bad = []
for row in rows:
    e = expected.get(row["customer_id"], ZERO)
    for name, want in e.items():
        if name not in row:   # left out: checked below
            continue
        if abs(float(row[name]) - want) > 1e-6 * max(1.0, abs(want)):
            bad.append(f"{row['customer_id']} {name}: {row[name]}, expected {want}")
    if "coupon_order_share" in row:
        share = min(1.0, e["coupons_redeemed"] / float(row["frequency"]))
        if abs(float(row["coupon_order_share"]) - share) > 0.0005:
            bad.append(f"{row['customer_id']} coupon_order_share: {row['coupon_order_share']}, "
                       f"expected {share:.3f}")
# a column dangol left out must be 0 for every row (it says so in a note)
for name in ZERO:
    if rows and name not in rows[0] and any(expected.get(r["customer_id"], {}).get(name, 0)
                                            for r in rows):
        bad.append(f"{name}: left out but some customer has a nonzero value")
if bad:
    print("\n".join(bad[:20]))
    sys.exit(1)
with_data = sum(1 for r in rows if r["customer_id"] in expected)
print(f"ok {len(rows)} customers, {with_data} with programme data")
