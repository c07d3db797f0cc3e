"""Gives the browser test's store a loyalty programme through the API of a running server: every
order of DIR/orders.csv earns its points, a third of the customers spend some, three coupons (two
with Korean names and a campaign, one never issued) are issued to 60 customers and some codes are
redeemed on their customers' latest orders; a campaign with a control group is launched.
Deterministic; one process, so it is quick.
usage: python3 dashboard_loyalty.py URL DIR"""
import csv
import json
import os
import sys
import urllib.error
import urllib.request

url, data = sys.argv[1], sys.argv[2]


def post(path, body, refusable=False):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        if refusable and e.code == 409:   # too few points: this customer spends nothing
            return None
        sys.exit(f"POST {path}: {e.code} {e.read().decode()}")


with open(os.path.join(data, "orders.csv"), encoding="utf-8") as f:
    orders = sorted(csv.DictReader(f), key=lambda o: o["ordered_at"])
latest = {}
for o in orders:
    post(f"/api/customers/{o['customer_id']}/points/earn", {"order_id": o["order_id"]})
    latest[o["customer_id"]] = o
customers = sorted(latest)
for i, c in enumerate(customers):
    if i % 3 == 0:
        post(f"/api/customers/{c}/points/burn", {"points": 100, "date": "2025-12-01"}, True)

post("/api/coupons", {"definition_id": "SUMMER25", "name": "여름 감사 쿠폰", "amount": 3000,
                      "valid_from": "2024-01-01", "valid_until": "2099-12-31", "campaign_id": "CMP2025"})
post("/api/coupons", {"definition_id": "VIP10", "name": "우수 고객 10% 할인", "percent": 10, "cap": 20000,
                      "min_spend": 10000, "valid_from": "2024-01-01", "valid_until": "2099-12-31"})
post("/api/coupons", {"definition_id": "WELCOME", "name": "첫 구매 5천원", "amount": 5000,
                      "valid_from": "2024-01-01", "valid_until": "2099-12-31", "audience": "first_purchase"})
used = set()   # one coupon per order
for definition, step in (("SUMMER25", 2), ("VIP10", 3)):
    issued = post(f"/api/coupons/{definition}/issue", {"customers": customers[:60]})
    codes = issued["codes"] if isinstance(issued, dict) and "codes" in issued else issued
    for i, row in enumerate(codes):
        order = latest[row["customer_id"]]
        if i % step == 0 and int(order["total"]) >= 10000 and order["order_id"] not in used:
            used.add(order["order_id"])
            post(f"/api/coupon-codes/{row['code']}/redeem", {"order_id": order["order_id"]})

# a campaign with a control group for the campaign results page and the card's history: every
# customer, half held back, 500 bonus points to the treatment group, a 90-day window
post("/api/campaigns", {"campaign_id": "FALL-BONUS", "name": "가을 보너스 포인트", "control_share": 0.5,
                        "seed": 7, "points": 500, "window_days": 90})
post("/api/campaigns/FALL-BONUS/launch", {"date": "2025-09-01"})
