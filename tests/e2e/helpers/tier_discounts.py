"""The tier discounts of a store computed independently of dangol's SQL: every order up to AS_OF
(a day number) gets floor(total x the discount percent of its customer's tier on the order's day
/ 100), the tier being the last tier_history change up to that day (else the lowest tier).
usage: tier_discounts.py DB AS_OF_DAY 'code=percent,...' LOWEST   (prints the sum)"""
import sqlite3
import sys

db, as_of = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
pct = {k: int(v) for k, v in (p.split("=") for p in sys.argv[3].split(","))}
lowest = sys.argv[4]
history = {}
for customer, tier, day in db.execute("SELECT customer_id, to_tier, changed_on FROM tier_history "
                                      "ORDER BY customer_id, changed_on, history_id"):
    history.setdefault(customer, []).append((day, tier))
total = 0
for customer, ts, amount in db.execute("SELECT customer_id, ordered_at, total FROM orders "
                                       "WHERE ordered_at < ?", ((as_of + 1) * 86400,)):
    day, tier = ts // 86400, lowest
    for changed, to in history.get(customer, []):
        if changed <= day:
            tier = to
    total += amount * pct[tier] // 100
print(total)
