"""Load shapes for tests/e2e/test_server.sh that a shell cannot make: many requests released at
the same instant (threads behind a barrier), a crowd of half-sent connections, and a second writer
holding the store's write lock. Each command prints one JSON line for the test to check.

  hammer.py creates URL N            N creates of one customer id at once: the statuses
  hammer.py patches URL ID ROUNDS    every round, one PATCH per field at once: updates lost
  hammer.py posts URL PATH BODY N [KEY]
                                     N identical POSTs of the JSON BODY at once (with the
                                     Idempotency-Key KEY if given): their statuses
  hammer.py flood URL N              N connections that never finish their request, then a normal
                                     request: its status and seconds
  hammer.py lock DB SECONDS [FILE]   holds the store's write lock (prints "locked" when it has it)
                                     for SECONDS, or until FILE exists if one is named
URL may be several, comma-separated (servers on one database): the requests take them in turn.
$HAMMER_TOKEN, when set, is sent as the requests' bearer token.
"""
import http.client, json, os, resource, socket, sqlite3, sys, threading, time, urllib.parse

FIELDS = ["name", "phone", "email", "income_band", "education", "occupation", "region",
          "acquisition_channel", "credit_band"]


def request(url, method, path, body=None, timeout=60, extra_headers=None, turn=0):
    urls = url.split(",")
    u = urllib.parse.urlsplit(urls[turn % len(urls)])
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if os.environ.get("HAMMER_TOKEN"):
        headers["Authorization"] = "Bearer " + os.environ["HAMMER_TOKEN"]
    headers.update(extra_headers or {})
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def at_once(n, fn):
    """Runs fn(i) in n threads released together; returns their results in order."""
    barrier, out = threading.Barrier(n), [None] * n
    def run(i):
        barrier.wait()
        out[i] = fn(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def creates(url, n):
    statuses = at_once(n, lambda i: request(url, "POST", "/api/customers",
                                            {"customer_id": "RACE", "name": f"writer {i}"},
                                            turn=i)[0])
    status, data = request(url, "GET", "/api/customers/RACE")
    print(json.dumps({"statuses": sorted(statuses), "name": json.loads(data)["name"]}))


def patches(url, cid, rounds):
    lost = 0
    for r in range(rounds):
        at_once(len(FIELDS), lambda i: request(url, "PATCH", "/api/customers/" + cid,
                                               {FIELDS[i]: f"round {r}"}, turn=i))
        record = json.loads(request(url, "GET", "/api/customers/" + cid)[1])
        lost += sum(record[f] != f"round {r}" for f in FIELDS)
    print(json.dumps({"updates": rounds * len(FIELDS), "lost": lost}))


def posts(url, path, body, n, key=None):
    headers = {"Idempotency-Key": key} if key else None
    statuses = at_once(n, lambda i: request(url, "POST", path, json.loads(body),
                                            extra_headers=headers, turn=i)[0])
    print(json.dumps({"statuses": sorted(statuses)}))


def flood(url, n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < n + 64:
        print(json.dumps({"skipped": f"open-file limit {hard}"}))
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    u = urllib.parse.urlsplit(url)
    held = []
    for _ in range(n):
        s = socket.create_connection((u.hostname, u.port))
        s.sendall(b"GET /api/version HTTP/1.1\r\nHost: x\r\n")   # never the blank line
        held.append(s)
    time.sleep(0.5)
    start = time.monotonic()
    try:
        status = request(url, "GET", "/api/version", timeout=5)[0]
    except Exception as e:  # a timeout or a refused connection is the failure being tested
        status = str(e)
    print(json.dumps({"held": len(held), "status": status,
                      "seconds": round(time.monotonic() - start, 2)}))
    for s in held:
        s.close()


def lock(db, seconds, release=None):
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (release and os.path.exists(release)):
        time.sleep(0.05)
    conn.execute("ROLLBACK")
    conn.close()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "creates":
        creates(args[0], int(args[1]))
    elif cmd == "patches":
        patches(args[0], args[1], int(args[2]))
    elif cmd == "posts":
        posts(args[0], args[1], args[2], int(args[3]), args[4] if len(args) > 4 else None)
    elif cmd == "flood":
        flood(args[0], int(args[1]))
    elif cmd == "lock":
        lock(args[0], float(args[1]), args[2] if len(args) > 2 else None)
    else:
        sys.exit(f"unknown command {cmd}")
