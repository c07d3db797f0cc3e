"""Simultaneous value survey writes for tests/e2e/test_value.sh: clients released at the same
instant (threads behind a barrier) against a running `dangol serve`. Prints one JSON line.

  value_burst.py distinct URL CUSTOMER CLIENTS PREFIX
      CLIENTS different responses (PREFIX-0, PREFIX-1, ...) at once: the statuses counted
  value_burst.py same URL CUSTOMER CLIENTS ID
      CLIENTS posts of one response id without a key: exactly one may be 201, the rest 409
  value_burst.py retry URL CUSTOMER CLIENTS ID KEY
      CLIENTS identical posts with one Idempotency-Key: all 201, one written, the rest replayed
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)


def post(url, rid, cid, key=None):
    body = {"response_id": rid, "customer_id": cid, "answered_on": "2025-03-01",
            "answers": {"func1": 4, "emo1": 5, "money1": 2, "repurchase_intent": 4}}
    status, data = hammer.request(url, "POST", "/api/value/responses", body,
                                  extra_headers={"Idempotency-Key": key} if key else None)
    return status, json.loads(data) if data else None


def count(statuses):
    out = {}
    for s, _ in statuses:
        out[str(s)] = out.get(str(s), 0) + 1
    return dict(sorted(out.items()))


mode, url, cid, clients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if mode == "distinct":
    res = hammer.at_once(clients, lambda i: post(url, f"{sys.argv[5]}-{i}", cid))
elif mode == "same":
    res = hammer.at_once(clients, lambda i: post(url, sys.argv[5], cid))
else:
    res = hammer.at_once(clients, lambda i: post(url, sys.argv[5], cid, sys.argv[6]))
print(json.dumps({"statuses": count(res),
                  "replayed": sum(1 for s, b in res if s == 201 and b.get("replayed"))}))
