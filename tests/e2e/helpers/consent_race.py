"""Simultaneous consent and erasure writes for tests/e2e/test_consent.sh and test_erasure.sh:
clients released at the same instant (threads behind a barrier, hammer.at_once) against a
running `dangol serve`. Prints one JSON line to check.

  consent_race.py grants URL CUSTOMER CLIENTS TOKEN
      CLIENTS grants and withdrawals of one customer's purposes at once: the statuses, and how
      many of the 201s' events are missing from the history afterwards (lost)
  consent_race.py erase URL CUSTOMER CLIENTS TOKEN NAME_PREFIX
      CLIENTS-2 writers at once with one erasure: half post orders for the customer, half
      rewrite their name and phone (NAME_PREFIX + i); the statuses per kind, the orders
      acknowledged but missing afterwards (lost), and the customer's name afterwards
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402

PURPOSES = ["marketing_email", "marketing_sms", "marketing_phone", "third_party_sharing"]


def request(url, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    status, data = hammer.request(url, method, path, body, extra_headers=headers)
    return status, json.loads(data) if data else None


def grants(url, cid, clients, token):
    def one(i):
        action = "grant" if i % 2 == 0 else "withdraw"
        return request(url, "POST", f"/api/customers/{cid}/consent/{action}", token,
                       {"purpose": PURPOSES[i % len(PURPOSES)], "source": "api"})
    results = hammer.at_once(clients, one)
    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    acked = {body["event_id"] for status, body in results if status == 201}
    _, tables = request(url, "GET", f"/api/customers/{cid}/consent", token)
    history = {row["event"] for row in tables[1]["rows"]}
    print(json.dumps({"statuses": statuses, "acked": len(acked), "lost": len(acked - history)}))


def erase(url, cid, clients, token, prefix):
    writers = clients - 1
    def one(i):
        if i == writers:
            return "erase", request(url, "POST", f"/api/customers/{cid}/erase", token,
                                    {"reason": "race test"})[0]
        if i % 2 == 0:
            oid = f"RACE-{i}"
            status = request(url, "POST", f"/api/customers/{cid}/orders", token,
                             {"order_id": oid, "ordered_at": "2024-06-01T10:00:00Z",
                              "total": 1000 + i})[0]
            return "order", status, oid
        return "patch", request(url, "PATCH", f"/api/customers/{cid}", token,
                                {"name": f"{prefix}{i}", "phone": f"010-7777-{i:04d}"})[0]
    results = hammer.at_once(clients, one)
    statuses = {}
    for r in results:
        key = f"{r[0]} {r[1]}"
        statuses[key] = statuses.get(key, 0) + 1
    acked = {r[2] for r in results if r[0] == "order" and r[1] == 201}
    _, page = request(url, "GET", f"/api/customers/{cid}/orders?limit=1000", token)
    stored = {o["order_id"] for o in page["items"]}
    _, record = request(url, "GET", f"/api/customers/{cid}", token)
    print(json.dumps({"statuses": statuses, "acked": len(acked), "lost": len(acked - stored),
                      "name": record["name"], "phone": record["phone"]}))


if __name__ == "__main__":
    mode, url, cid, clients, token = sys.argv[1:6]
    if mode == "grants":
        grants(url, cid, int(clients), token)
    else:
        erase(url, cid, int(clients), token, sys.argv[6])
