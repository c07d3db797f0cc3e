"""Writes a small deterministic business (customers, orders, surveys, feedback over 14 months) as
CSV files for the dashboard's browser test, so it does not depend on the demo generator.
usage: python3 dashboard_data.py DIR"""
import csv
import datetime
import os
import random
import sys

out = sys.argv[1]
rng = random.Random(1)
start = datetime.date(2024, 11, 1)
regions = ["Seoul", "Busan", "Incheon", "Daegu", "Gwangju"]
channels = ["store", "online", "mobile", "call_centre", "home_shopping"]
payments = ["credit_card", "debit_card", "mobile_pay", "bank_transfer", ""]
names = ["김민지", "이서준", "박지우", "최하은", "정도윤", "Kim Jisoo", "Lee Minho", "Park Yuna"]
types = ["careful", "impatient", "talkative", "reticent", ""]


def write(name, header, rows):
    with open(os.path.join(out, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


SITES = ["Seoul Gangnam", "Busan Seomyeon", "Online", "Seoul Jamsil"]   # the staff page's sites
customers, orders, surveys, feedback = [], [], [], []
for i in range(1, 301):
    cid = f"C{i:08d}"
    joined = start + datetime.timedelta(days=rng.randrange(0, 400))
    customers.append([cid, rng.choice(names), f"010-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
                      f"c{i}@example.kr", rng.randrange(1950, 2005), rng.choice("FM"),
                      rng.choice(regions), joined.isoformat(), rng.choice(types)])
    day = joined
    for k in range(rng.randrange(1, 15)):
        if day > datetime.date(2025, 12, 31):
            break
        orders.append([f"O{i:05d}{k:03d}", cid, f"{day.isoformat()}T{rng.randrange(9, 21):02d}:00:00",
                       rng.choice(channels), rng.randrange(5, 200) * 1000, rng.choice(payments),
                       SITES[(i + k) % len(SITES)]])   # no draw: the other columns stay as they were
        day += datetime.timedelta(days=rng.randrange(5, 80))
    if rng.random() < 0.6:
        sday = joined + datetime.timedelta(days=rng.randrange(1, 300))
        if sday <= datetime.date(2025, 12, 31):
            surveys.append([f"S{i:05d}", cid, sday.isoformat(), rng.choice([3, 6, 7, 8, 9, 9, 10, 10]),
                            rng.randrange(1, 6)])
    if rng.random() < 0.3:
        fday = joined + datetime.timedelta(days=rng.randrange(1, 300))
        if fday <= datetime.date(2025, 12, 31):
            feedback.append([f"F{i:05d}", cid, f"{fday.isoformat()}T10:00:00",
                             rng.choice(["complaint", "opinion", "question", "compliment"]),
                             "배송 문의드립니다.", rng.randrange(1, 6)])

write("customers.csv", ["customer_id", "name", "phone", "email", "birth_year", "gender", "region",
                        "acquired_on", "customer_type"], customers)
write("orders.csv", ["order_id", "customer_id", "ordered_at", "channel", "total", "payment_method", "site"],
      orders)
write("surveys.csv", ["response_id", "customer_id", "answered_on", "nps", "csat"], surveys)
write("feedback.csv", ["feedback_id", "customer_id", "received_at", "kind", "text", "rating"], feedback)

# staff satisfaction surveys for the staff page's service-profit chain (docs/staff.md): anonymous,
# five responses a site, a 1-5 item and a 0-10 one, from a random stream of their own
srng = random.Random(2)
staff_surveys = []
for s, site in enumerate(SITES):
    for k in range(5):
        rid = f"SS{s}{k}"
        staff_surveys.append([rid, "pride", site, "", "2025-12-01", srng.randrange(1, 6), 1, 5])
        staff_surveys.append([rid, "recommend_workplace", site, "", "2025-12-01", srng.randrange(0, 11), 0, 10])
write("staff_surveys.csv", ["response_id", "item", "site", "staff_id", "answered_on", "score",
                            "scale_min", "scale_max"], staff_surveys)
