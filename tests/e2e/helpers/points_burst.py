"""Simultaneous points writes for tests/e2e/test_points.sh: clients released at the same instant
(threads behind a barrier) against a running `dangol serve`. Prints one JSON line to check.

  points_burst.py burn URL CUSTOMER CLIENTS ROUNDS POINTS
      every round, CLIENTS burns of POINTS at once: the statuses counted, and the balance and
      ledger afterwards (lost: a 201 without its ledger row; overdrawn: points below zero)
  points_burst.py retry URL CUSTOMER CLIENTS POINTS KEY
      CLIENTS identical burns with one Idempotency-Key at once: how many applied
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)

at_once = hammer.at_once


def request(url, method, path, body=None, headers=None):
    status, data = hammer.request(url, method, path, body, extra_headers=headers)
    return status, json.loads(data) if data else None


def ledger(url, cid):
    status, tables = request(url, "GET", f"/api/customers/{cid}/points/statement")
    rows = tables[0]["rows"]
    return rows


def burn(url, cid, clients, rounds, points):
    before = sum(r["points"] for r in ledger(url, cid))
    statuses, movements = {}, set()
    for _ in range(rounds):
        for status, body in at_once(clients, lambda i: request(
                url, "POST", f"/api/customers/{cid}/points/burn", {"points": points})):
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                movements.add(body["movement_id"])
    rows = ledger(url, cid)
    burn_ids = {r["movement"] for r in rows if r["movement_kind"] == "burn"}
    after = sum(r["points"] for r in rows)
    status, bal = request(url, "GET", f"/api/customers/{cid}/points")
    print(json.dumps({
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "before": before, "after": after, "available": bal["rows"][0]["available"],
        "lost": len(movements - burn_ids) + (len(burn_ids) - len(movements)),
        "overdrawn": max(0, -after),
        "spent": before - after, "granted": len(movements) * points}))


def retry(url, cid, clients, points, key):
    results = at_once(clients, lambda i: request(
        url, "POST", f"/api/customers/{cid}/points/burn", {"points": points},
        {"Idempotency-Key": key}))
    rows = ledger(url, cid)
    print(json.dumps({
        "statuses": sorted(s for s, _ in results),
        "movements": sorted({b["movement_id"] for s, b in results if s == 201}),
        "replayed": sum(1 for s, b in results if s == 201 and b["replayed"]),
        "burn_rows": sum(1 for r in rows if r["movement_kind"] == "burn")}))


if __name__ == "__main__":
    cmd, url, cid = sys.argv[1], sys.argv[2], sys.argv[3]
    if cmd == "burn":
        burn(url, cid, int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif cmd == "retry":
        retry(url, cid, int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit("unknown command " + cmd)
