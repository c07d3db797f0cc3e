"""Independent check of `dangol campaign results` for tests/e2e/test_campaigns.sh: recomputes
each group's customers, responders (an order in the response window) and revenue from the store
with SQL, and the Newcombe interval of the response-rate uplift with scipy's normal quantile,
and compares them with the JSON tables the command printed. Prints pass/fail lines.

  campaign_check.py DB CAMPAIGN RESULTS.json
"""
import json, math, sqlite3, sys

from scipy import stats

db, campaign, results = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
c = sqlite3.connect(db)
launched_on, window = c.execute("SELECT launched_on, window_days FROM campaigns WHERE campaign_id = ?",
                                (campaign,)).fetchone()
first, last = launched_on * 86400, (launched_on + window) * 86400
got = {r["group"]: r for r in results[0]["rows"]}
arms = {}
for arm in ("treatment", "control"):
    n, responders, revenue = c.execute(
        "SELECT count(*), sum(n > 0), coalesce(sum(revenue), 0) FROM (SELECT m.customer_id, "
        "count(o.order_id) AS n, coalesce(sum(o.total), 0) AS revenue FROM campaign_members m "
        "LEFT JOIN orders o ON o.customer_id = m.customer_id AND o.ordered_at >= ? AND "
        "o.ordered_at < ? WHERE m.campaign_id = ? AND m.arm = ? GROUP BY m.customer_id)",
        (first, last, campaign, arm)).fetchone()
    arms[arm] = (n, responders or 0)
    ok = (got[arm]["customers"], got[arm]["responders"], got[arm]["revenue"]) == (n, responders or 0, revenue)
    print(("pass" if ok else "fail") + f" {arm}: customers, responders and revenue match SQL "
          f"({n}, {responders}, {revenue} vs {got[arm]['customers']}, {got[arm]['responders']}, {got[arm]['revenue']})")

z = stats.norm.ppf(0.975)
def wilson(x, n):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return p, centre - half, centre + half
(p1, l1, u1), (p2, l2, u2) = wilson(arms["treatment"][1], arms["treatment"][0]), wilson(arms["control"][1], arms["control"][0])
d = p1 - p2
low, high = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
row = [r for r in results[1]["rows"] if r["measure"] == "response_rate"][0]
ok = abs(row["estimate"] - d) < 1e-4 and abs(row["low"] - low) < 1e-4 and abs(row["high"] - high) < 1e-4
print(("pass" if ok else "fail") + f" the response-rate uplift and its Newcombe interval match scipy "
      f"({d:.4f} [{low:.4f}, {high:.4f}] vs {row['estimate']} [{row['low']}, {row['high']}])")
