"""Simultaneous coupon redemptions for tests/e2e/test_coupons.sh: clients released at the same
instant (threads behind a barrier) against a running `dangol serve`. Prints one JSON line to check.

  coupons_burst.py redeem URL CODE ORDER CLIENTS
      CLIENTS redemptions of one single-use code at once, without keys: the statuses counted,
      the winners' redemption ids, the error messages of the others, and the code's state after
  coupons_burst.py retry URL CODE ORDER CLIENTS KEY
      CLIENTS identical redemptions with one Idempotency-Key at once: how many applied
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)


def request(url, method, path, body=None, headers=None):
    status, data = hammer.request(url, method, path, body, extra_headers=headers)
    return status, json.loads(data) if data else None


def code_rows(url, code):
    status, tables = request(url, "GET", f"/api/coupon-codes/{code}")
    return tables[0]["rows"]


def redeem(url, code, order, clients, key=None):
    headers = {"Idempotency-Key": key} if key else None
    results = hammer.at_once(clients, lambda i: request(
        url, "POST", f"/api/coupon-codes/{code}/redeem", {"order_id": order}, headers))
    statuses = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    rows = code_rows(url, code)
    print(json.dumps({
        "statuses": dict(sorted(statuses.items())),
        "redemptions": sorted({b["redemption_id"] for s, b in results if s == 201}),
        "replayed": sum(1 for s, b in results if s == 201 and b["replayed"]),
        "messages": sorted({b["error"]["message"] for s, b in results if s != 201}),
        "state": rows[0]["coupon_state"], "order_id": rows[0]["order_id"]}))


if __name__ == "__main__":
    cmd, url, code, order, clients = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    if cmd == "redeem":
        redeem(url, code, order, clients)
    elif cmd == "retry":
        redeem(url, code, order, clients, sys.argv[6])
    else:
        sys.exit("unknown command " + cmd)
