"""Simultaneous follow-up outcome writes for tests/e2e/test_followups.sh: clients released at the
same instant (threads behind a barrier) against a running `dangol serve`. Prints one JSON line.

  followups_burst.py done URL TASK CLIENTS VERSION
      CLIENTS agents record an outcome of one task at once, each naming the version they read:
      the statuses (one 200, the others 409) and the winners' versions
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)

mode, url = sys.argv[1], sys.argv[2]
if mode == "done":
    task, clients, version = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    outcomes = ["reached", "no_answer", "declined"]
    results = hammer.at_once(clients, lambda i: hammer.request(
        url, "POST", f"/api/followups/{task}/done",
        {"outcome": outcomes[i % 3], "version": version, "note": f"agent {i}"}))
    statuses = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    print(json.dumps({"statuses": statuses,
                      "winners": [json.loads(d)["version"] for s, d in results if s == 200]}))
