"""Simultaneous MOT visit writes for tests/e2e/test_mot.sh: clients released at the same instant
(threads behind a barrier) against a running `dangol serve`. Prints one JSON line to check.

  mot_burst.py URL DB CUSTOMER CLIENTS
      CLIENTS posts of one visit (the same body, no key) at once, then CLIENTS posts of distinct
      visits at once, then CLIENTS retries of one visit with one Idempotency-Key at once; the
      statuses counted and the store's rows afterwards (a visit written twice, a 201 without
      its rows, rows without a 201)
"""
import json, os, sqlite3, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)


def post(url, body, key=None):
    headers = {"Idempotency-Key": key} if key else None
    status, data = hammer.request(url, "POST", "/api/mot/visits", body, extra_headers=headers)
    return status, json.loads(data) if data else None


def visit(vid, cid):
    return {"visit_id": vid, "customer_id": cid, "visited_on": "2025-12-01", "nps": 4,
            "ratings": {"waiting": 1, "상담": 5, "parking": 4}}


def main(url, db, cid, clients):
    same = hammer.at_once(clients, lambda i: post(url, visit("BURST-SAME", cid)))
    distinct = hammer.at_once(clients, lambda i: post(url, visit(f"BURST-{i:03d}", cid)))
    retried = hammer.at_once(clients, lambda i: post(url, visit("BURST-KEY", cid), "MOT-KEY-1"))
    con = sqlite3.connect(db)
    q = lambda sql: con.execute(sql).fetchone()[0]
    print(json.dumps({
        "same": sorted(s for s, _ in same),
        "distinct": sorted(s for s, _ in distinct),
        "retried": sorted(s for s, _ in retried),
        "replayed": sum(1 for s, b in retried if s == 201 and b["replayed"]),
        "visits": q("SELECT count(*) FROM mot_visits WHERE visit_id LIKE 'BURST-%'"),
        "ratings": q("SELECT count(*) FROM mot_ratings WHERE visit_id LIKE 'BURST-%'"),
        "keys": q("SELECT count(*) FROM mot_requests WHERE idempotency_key = 'MOT-KEY-1'")}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
