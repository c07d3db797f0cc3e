#!/usr/bin/python3
"""An independent recomputation of the figures of `dangol loyalty`, `kpi` and `stage` from the
store's tables by SQL, compared with dangol's JSON output, so that a definition cannot drift from
docs/loyalty.md again (issue 21). The definitions are docs/loyalty.md's, written again here from
the text, not from the C: NPS and CSAT from each customer's latest answer in the period, the
adjusted-Wald NPS interval (Rocks 2016) and the Wilson interval with z = the 0.975 normal
quantile (scipy), rates as fractions, the purchase trend over the buyers with an order in the
last two trend windows, the behavioural means (tenure, inter-purchase time, channel and category
breadth), every column of `kpi` (docs/loyalty.md, "Monthly KPIs"), and every breakdown's rows
adding up to its total.

usage: figures.py STORE AS_OF(YYYY-MM-DD) LOYALTY_JSON KPI_JSON STAGE_JSON KPI_MONTHS
Prints one line per check: "pass NAME" or "fail NAME: detail"."""
import datetime
import json
import math
import sqlite3
import sys

from scipy.stats import norm

Z = norm.ppf(0.975)
SURVEY_WINDOW, TREND_WINDOW = 365, 180      # config/loyalty.conf defaults
EPOCH = datetime.date(1970, 1, 1)

store, as_of_text, loyalty_path, kpi_path, stage_path, kpi_months = sys.argv[1:7]
AS_OF = (datetime.date.fromisoformat(as_of_text) - EPOCH).days
db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
q = lambda sql, *args: db.execute(sql, args).fetchall()
failures = 0
# the store currency's minor digits (docs/import.md); the ones the demo and the tests use
MINOR_DIGITS = {"KRW": 0, "JPY": 0, "USD": 2, "EUR": 2}[
    q("SELECT value FROM settings WHERE key = 'currency'")[0][0]]


def check(name, ok, detail=""):
    global failures
    failures += not ok
    print(f"pass {name}" if ok else f"fail {name}: {detail}")


def near(name, got, want, tol=1e-9):
    """got (dangol, printed with 10 significant digits) agrees with want to tol (relative)."""
    if want is None or got is None:
        check(name, got is None and want is None, f"dangol {got}, recomputed {want}")
        return
    ok = abs(got - want) <= tol * max(1.0, abs(want))
    check(name, ok, f"dangol {got!r}, recomputed {want!r}")


def nps_interval(p, pa, d):
    """score, low, high on -100..100: the adjusted Wald interval of docs/loyalty.md."""
    n = p + pa + d
    if n == 0:
        return None, None, None
    na = n + 3
    pp, pd = (p + 0.75) / na, (d + 0.75) / na
    centre = pp - pd
    half = Z * math.sqrt(max(0.0, (pp + pd - centre * centre) / na))
    return 100 * (p - d) / n, max(-100, 100 * (centre - half)), min(100, 100 * (centre + half))


def wilson(hits, n):
    if n == 0:
        return None, None, None
    p = hits / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def nps_classes(answers):
    return (sum(a >= 9 for a in answers), sum(7 <= a <= 8 for a in answers),
            sum(a <= 6 for a in answers))


check("z is the 0.975 normal quantile 1.959963984540054", abs(Z - 1.959963984540054) < 1e-15,
      repr(Z))

# ---- the store, as of AS_OF -----------------------------------------------------------------
q("""CREATE TEMP TABLE od AS SELECT customer_id, ordered_at / 86400 AS day FROM orders
     WHERE ordered_at / 86400 <= ?""", AS_OF)
# first seen: the earliest of the acquisition day and every dated activity (docs/loyalty.md)
q("""CREATE TEMP TABLE activity AS
       SELECT customer_id, acquired_on AS day FROM customers WHERE acquired_on IS NOT NULL
       UNION ALL SELECT customer_id, ordered_at / 86400 FROM orders
       UNION ALL SELECT customer_id, answered_on FROM surveys
       UNION ALL SELECT customer_id, received_at / 86400 FROM feedback
       UNION ALL SELECT customer_id, occurred_at / 86400 FROM interactions
       UNION ALL SELECT customer_id, occurred_on FROM partner_activities
       UNION ALL SELECT referrer_id, referred_on FROM referrals""")
q("""CREATE TEMP TABLE known AS SELECT c.customer_id, (SELECT MIN(day) FROM activity a
       WHERE a.customer_id = c.customer_id) AS seen FROM customers c""")
q("DELETE FROM known WHERE seen > ?", AS_OF)   # no day at all: known at every date
n_known = q("SELECT COUNT(*) FROM known")[0][0]
freq = dict(q("SELECT customer_id, COUNT(*) FROM od GROUP BY customer_id"))
buyers, repeaters = len(freq), sum(f >= 2 for f in freq.values())


def latest(item, lo, hi):
    """Each customer's latest non-null answer to item dated lo..hi (days); of two on one day, the
    one stored last (docs/loyalty.md)."""
    return [r[0] for r in q(f"""SELECT {item} FROM surveys s WHERE {item} IS NOT NULL
        AND answered_on BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM surveys t
          WHERE t.customer_id = s.customer_id AND t.{item} IS NOT NULL
          AND t.answered_on BETWEEN ? AND ?
          AND (t.answered_on > s.answered_on OR
               (t.answered_on = s.answered_on AND t.rowid > s.rowid)))""", lo, hi, lo, hi)]


window = (AS_OF - SURVEY_WINDOW, AS_OF)
nps_answers = latest("nps", *window)
csat = latest("csat", *window)
repurchase = latest("repurchase_intent", *window)
recommend = latest("recommend_intent", *window)
trend_rows = q("""SELECT SUM(? - day < ?), SUM(? - day >= ? AND ? - day < ?) FROM od
                  GROUP BY customer_id HAVING SUM(? - day < ?) > 0""",
               AS_OF, TREND_WINDOW, AS_OF, TREND_WINDOW, AS_OF, 2 * TREND_WINDOW,
               AS_OF, 2 * TREND_WINDOW)
trends = [(r - e) / (r + e) for r, e in trend_rows]

# ---- dangol loyalty -----------------------------------------------------------------------------
summary, by_segment, by_stage = json.load(open(loyalty_path))
rows = {r["measure"]: r for r in summary["rows"]}
near("loyalty customers", rows["customers"]["n"], n_known)
near("loyalty buyers", rows["buyers (1+ orders)"]["n"], buyers)
for measure, hits, n in (("repeat purchase rate", repeaters, buyers),
                         ("CSAT", sum(a >= 4 for a in csat), len(csat)),
                         ("repurchase intent top-2-box", sum(a >= 4 for a in repurchase),
                          len(repurchase)),
                         ("recommendation intent top-2-box", sum(a >= 4 for a in recommend),
                          len(recommend))):
    share, low, high = wilson(hits, n)
    r = rows[measure]
    near(f"loyalty {measure}: n", r["n"], n)
    near(f"loyalty {measure}: a fraction", r["value"], share)
    near(f"loyalty {measure}: Wilson low", r["ci_low"], low)
    near(f"loyalty {measure}: Wilson high", r["ci_high"], high)
score, low, high = nps_interval(*nps_classes(nps_answers))
near("loyalty NPS: n (customers, latest answer in the window)", rows["NPS"]["n"], len(nps_answers))
near("loyalty NPS", rows["NPS"]["value"], score)
near("loyalty NPS: adjusted Wald low", rows["NPS"]["ci_low"], low)
near("loyalty NPS: adjusted Wald high", rows["NPS"]["ci_high"], high)
near("loyalty repurchase intent mean", rows["repurchase intent (mean 1-5)"]["value"],
     sum(repurchase) / len(repurchase) if repurchase else None)
near("loyalty mean purchase trend: base n = buyers with an order in 360 days",
     rows["mean purchase trend"]["n"], len(trends))
near("loyalty mean purchase trend", rows["mean purchase trend"]["value"],
     sum(trends) / len(trends) if trends else None)
check("loyalty trend note names its base", "last 360 days" in rows["mean purchase trend"]["note"],
      rows["mean purchase trend"]["note"])
mean = lambda xs: sum(xs) / len(xs) if xs else None
spans = q("SELECT MIN(day), MAX(day), COUNT(*) FROM od GROUP BY customer_id")
gaps = [(last - first) / (n - 1) for first, last, n in spans if n >= 2]
near("loyalty mean tenure days: as-of day - first order, over buyers",
     rows["mean tenure days"]["value"], mean([AS_OF - first for first, _, _ in spans]))
near("loyalty mean inter-purchase days: n = repeat buyers", rows["mean inter-purchase days"]["n"],
     len(gaps))
near("loyalty mean inter-purchase days", rows["mean inter-purchase days"]["value"], mean(gaps))
near("loyalty mean channels per buyer: distinct order channels",
     rows["mean channels per buyer"]["value"],
     mean([r[0] for r in q("""SELECT COUNT(DISTINCT NULLIF(channel, '')) FROM orders
                              WHERE ordered_at / 86400 <= ? GROUP BY customer_id""", AS_OF)]))
near("loyalty mean categories per buyer: distinct product categories",
     rows["mean categories per buyer"]["value"],
     sum(r[0] for r in q("""SELECT COUNT(DISTINCT NULLIF(p.category, '')) FROM orders o
                           JOIN order_lines l ON l.order_id = o.order_id
                           JOIN products p ON p.product_id = l.product_id
                           WHERE o.ordered_at / 86400 <= ? GROUP BY o.customer_id""", AS_OF))
     / buyers if buyers else None)

for table, other in ((by_segment, "(no orders)"), (by_stage, "(not yet known)")):
    label = table["columns"][0]
    parts = [r for r in table["rows"] if r[label] != "(all)"]
    total = [r for r in table["rows"] if r[label] == "(all)"][0]
    for col in ("customers", "nps_n", "csat_n"):
        check(f"{table['title']}: the rows' {col} add up to (all)",
              sum(r[col] for r in parts) == total[col],
              f"{sum(r[col] for r in parts)} != {total[col]}")
    check(f"{table['title']} has a {other} row", any(r[label] == other for r in parts))
    near(f"{table['title']}: (all) NPS is the summary's", total["nps"], score)
    near(f"{table['title']}: csat is the summary's fraction", total["csat"], rows["CSAT"]["value"])
no_orders = [r for r in by_segment["rows"] if r["segment"] == "(no orders)"][0]
near("loyalty: (no orders) are the known customers without orders", no_orders["customers"],
     n_known - buyers)

# ---- dangol kpi ---------------------------------------------------------------------------------
kpi = json.load(open(kpi_path))
check("kpi has the months asked for", len(kpi["rows"]) == int(kpi_months), str(len(kpi["rows"])))
for row in kpi["rows"]:
    y, m = map(int, row["month"].split("-"))
    first = (datetime.date(y, m, 1) - EPOCH).days
    last = min(AS_OF, (datetime.date(y + m // 12, m % 12 + 1, 1) - EPOCH).days - 1)
    answers = latest("nps", first, last)
    score, low, high = nps_interval(*nps_classes(answers))
    near(f"kpi {row['month']} nps_n: customers, latest answer in the month", row["nps_n"],
         len(answers))
    near(f"kpi {row['month']} NPS", row["nps"], score)
    near(f"kpi {row['month']} NPS low", row["nps_ci_low"], low)
    near(f"kpi {row['month']} NPS high", row["nps_ci_high"], high)
    counts = [r[0] for r in q("SELECT COUNT(*) FROM od WHERE day <= ? GROUP BY customer_id", last)]
    near(f"kpi {row['month']} repeat_rate is a fraction", row["repeat_rate"],
         sum(c >= 2 for c in counts) / len(counts) if counts else None)
    near(f"kpi {row['month']} customers", row["customers"],
         q("SELECT COUNT(*) FROM known WHERE seen <= ? OR seen IS NULL", last)[0][0])
    near(f"kpi {row['month']} new_customers: first seen in the month", row["new_customers"],
         q("SELECT COUNT(*) FROM known WHERE seen BETWEEN ? AND ?", first, last)[0][0])
    active, orders, revenue = q("""SELECT COUNT(DISTINCT customer_id), COUNT(*), SUM(total)
        FROM orders WHERE ordered_at / 86400 BETWEEN ? AND ?""", first, last)[0]
    near(f"kpi {row['month']} active_customers: an order in the month", row["active_customers"],
         active)
    near(f"kpi {row['month']} orders", row["orders"], orders)
    near(f"kpi {row['month']} revenue (major units)", row["revenue"],
         (revenue or 0) / 10 ** MINOR_DIGITS)
for before, row in zip(kpi["rows"], kpi["rows"][1:]):
    check(f"kpi {row['month']}: customers = the month before's + new_customers",
          row["customers"] == before["customers"] + row["new_customers"], str((before, row)))
near("kpi's customers of the as-of month are loyalty's", kpi["rows"][-1]["customers"],
     rows["customers"]["n"])
near("kpi's repeat_rate of the as-of month is loyalty's repeat purchase rate",
     kpi["rows"][-1]["repeat_rate"], rows["repeat purchase rate"]["value"])

# ---- dangol stage -------------------------------------------------------------------------------
stage = json.load(open(stage_path))
st = {r["stage"]: r for r in stage["rows"]}
check("stage: the stages add up to the known customers",
      sum(r["customers"] for r in stage["rows"]) == n_known,
      f"{sum(r['customers'] for r in stage['rows'])} != {n_known}")
for r in stage["rows"]:
    if r["stage"] != "prospect":
        check(f"stage {r['stage']}: active + lapsed + churned = customers",
              r["active"] + r["lapsed"] + r["churned"] == r["customers"], str(r))
    near(f"stage {r['stage']}: share is a fraction of the known", r["share"],
         r["customers"] / n_known)
near("stage: prospects are the known customers without orders", st["prospect"]["customers"],
     n_known - buyers)
# loyalty groups by the behavioural stage (orders alone): advocates and partners are clients there
stage_rows = {r["stage"]: r for r in by_stage["rows"]}
check("loyalty's stage table has no advocacy stages", not {"advocate", "partner"} & set(stage_rows),
      str(sorted(stage_rows)))
behavioural = {"prospect": ["prospect"], "customer": ["customer"],
               "client": ["client", "advocate", "partner"]}
for name, ladder in behavioural.items():
    near(f"loyalty's stage table counts as {name}s the {'/'.join(ladder)}s of `dangol stage`",
         stage_rows[name]["customers"], sum(st[s]["customers"] for s in ladder if s in st))
sys.exit(1 if failures else 0)
