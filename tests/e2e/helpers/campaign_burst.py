"""Simultaneous campaign launches for tests/e2e/test_campaigns.sh: clients released at the same
instant (threads behind a barrier) against a running `dangol serve`. Prints one JSON line.

  campaign_burst.py launch URL CAMPAIGN CLIENTS DATE [KEY]
      CLIENTS launches of one campaign at once (with one Idempotency-Key when KEY is given):
      the statuses counted, how many answers were replays, the members each 201 reported and
      the error messages of the others
"""
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402  (its request and at_once)


def launch(url, campaign, clients, date, key=None):
    headers = {"Idempotency-Key": key} if key else None

    def one(i):
        status, data = hammer.request(url, "POST", f"/api/campaigns/{campaign}/launch",
                                      {"date": date}, extra_headers=headers)
        return status, json.loads(data) if data else None

    results = hammer.at_once(clients, one)
    statuses = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    print(json.dumps({
        "statuses": dict(sorted(statuses.items())),
        "replayed": sum(1 for s, b in results if s == 201 and b["replayed"]),
        "members": sorted({b["members"] for s, b in results if s == 201}),
        "messages": sorted({b["error"]["message"] for s, b in results if s != 201})}))


if __name__ == "__main__":
    cmd, url, campaign, clients, date = sys.argv[1:6]
    if cmd != "launch":
        sys.exit("unknown command " + cmd)
    launch(url, campaign, int(clients), date, sys.argv[6] if len(sys.argv) > 6 else None)
