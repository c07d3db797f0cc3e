"""Simultaneous ticket writes for tests/e2e/test_tickets.sh: clients released at the same instant
(threads behind a barrier) against a running `dangol serve`, or several (URL comma-separated:
taken in turn, as hammer.py does). Prints one JSON line to check.

  tickets_burst.py stale URL TICKET CLIENTS
      CLIENTS agents assign one ticket at once, each naming the version they read: how many
      won (200) and were refused (409), and the ticket's version and events afterwards
  tickets_burst.py comment URL TICKET CLIENTS
      CLIENTS comments at once without a version: all apply, none lost
  tickets_burst.py recover URL CLIENTS AS_OF
      CLIENTS recovery jobs at once: the tickets each opened
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)


def request(url, method, path, body=None, turn=0):
    status, data = hammer.request(url, method, path, body, turn=turn)
    return status, json.loads(data) if data else None


def events(url, ticket):
    status, tables = request(url, "GET", f"/api/tickets/{ticket}")
    fields = {r["field"]: r.get("value") for r in tables[0]["rows"]}
    return int(fields["version"]), tables[1]["rows"]


def count(results):
    statuses = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return statuses


mode, url = sys.argv[1], sys.argv[2]
if mode == "stale":
    ticket, clients = sys.argv[3], int(sys.argv[4])
    version, _ = events(url, ticket)
    results = hammer.at_once(clients, lambda i: request(
        url, "POST", f"/api/tickets/{ticket}/assign", {"assignee": f"agent{i}", "version": version},
        turn=i))
    after, rows = events(url, ticket)
    winners = [b["version"] for s, b in results if s == 200]
    print(json.dumps({"statuses": count(results), "before": version, "after": after,
                      "assign_events": sum(1 for r in rows if r["ticket_action"] == "assign"),
                      "winner_versions": winners}))
elif mode == "comment":
    ticket, clients = sys.argv[3], int(sys.argv[4])
    version, rows = events(url, ticket)
    before = len(rows)
    results = hammer.at_once(clients, lambda i: request(
        url, "POST", f"/api/tickets/{ticket}/comment", {"note": f"note {i}"}, turn=i))
    after, rows = events(url, ticket)
    print(json.dumps({"statuses": count(results), "versions": sorted(b["version"] for s, b in results if s == 200),
                      "before": version, "after": after, "new_events": len(rows) - before,
                      "notes": sorted(r["detail"] for r in rows if r["ticket_action"] == "comment")[-clients:]}))
elif mode == "recover":
    clients, as_of = int(sys.argv[3]), sys.argv[4]
    results = hammer.at_once(clients, lambda i: request(url, "POST", "/api/tickets/recover", {"as_of": as_of},
                                                            turn=i))
    print(json.dumps({"statuses": count(results),
                      "opened": sum(b["recovery_tickets_opened"] for s, b in results if s == 200)}))
