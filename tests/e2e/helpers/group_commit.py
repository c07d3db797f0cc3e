"""Points writes through the server's group commit (src/server/write_queue.c), for
tests/e2e/test_group_commit.sh: many clients at once, so that writes share a batch (one
transaction, each write in its own savepoint). Prints "pass NAME" / "fail NAME" lines.

  group_commit.py mixed URL DB ROUNDS CLIENTS
      every round, CLIENTS writes released at once, one in five of each kind: a burn that
      passes, a burn beyond the balance (409), a bad amount (400), a reused Idempotency-Key with
      another amount (409), an earn; then the store (read by SQLite) holds exactly the answered
      writes: each 201 its movement, each refusal nothing, every burn whole and audited
  group_commit.py crash URL DB PID CLIENTS
      CLIENTS clients burn without pause; the server (PID) is killed with SIGKILL mid-burst;
      then every burn that was answered 201 is in the store, whole, with its audit entry, and
      no burn is half written (the ledger = the lots, customer by customer)
"""
import json, os, signal, sqlite3, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402

FUNDED, POOR = [f"GC{i:02d}" for i in range(10)], "GCPOOR"


def report(name, ok, detail=""):
    print(("pass " if ok else "fail ") + name + ("" if ok else f" ({detail})"))


def post(url, path, body, key=None, timeout=60):
    status, data = hammer.request(url, "POST", path, body, timeout=timeout,
                                  extra_headers={"Idempotency-Key": key} if key else None)
    return status, json.loads(data) if data else None


def store_checks(db, answered, label):
    """answered: movement id -> points of every 201 (not replayed) answer."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    q = lambda sql: con.execute(sql).fetchall()
    rows = dict(q("SELECT movement_id, points FROM points_movements"))
    missing = [m for m, p in answered.items() if rows.get(m) != p]
    report(f"{label}: every write answered 201 is in the store with its points", not missing,
           f"{len(missing)} missing, e.g. {missing[:3]}")
    half = q("SELECT count(*) FROM points_movements m WHERE points < 0 AND kind = 'burn' AND "
             "-points <> (SELECT coalesce(sum(points), 0) FROM points_allocations a "
             "WHERE a.movement_id = m.movement_id)")[0][0]
    report(f"{label}: no burn is half written (its allocations add up to it)", half == 0,
           f"{half} half burns")
    off = q("SELECT count(*) FROM (SELECT customer_id, sum(points) AS s FROM points_movements "
            "GROUP BY customer_id) m LEFT JOIN (SELECT customer_id, sum(remaining) AS r FROM "
            "points_lots GROUP BY customer_id) l USING (customer_id) "
            "WHERE m.s <> coalesce(l.r, 0) OR m.s < 0")[0][0]
    report(f"{label}: the ledger = the lots for every customer, none below 0", off == 0,
           f"{off} customers off")
    audited = q("SELECT (SELECT count(*) FROM points_movements WHERE kind = 'burn'), "
                "(SELECT count(*) FROM auth_audit WHERE action = 'points.burn')")[0]
    report(f"{label}: every burn has its audit entry, and no entry is without its burn",
           audited[0] == audited[1], f"{audited[0]} burns, {audited[1]} entries")
    flags = q("SELECT count(*) FROM points_lots WHERE is_open <> (remaining > 0)")[0][0]
    report(f"{label}: every lot's is_open is remaining > 0", flags == 0, f"{flags} lots")
    return rows


def grant(url):
    for c in FUNDED:
        status, body = post(url, f"/api/customers/{c}/points/earn",
                            {"points": 100000, "source": "campaign", "source_id": "GC"})
        if status != 201:
            sys.exit(f"grant {c}: {status} {body}")
    post(url, f"/api/customers/{POOR}/points/earn", {"points": 1, "source": "manual"})


def mixed(url, db, rounds, clients):
    grant(url)
    post(url, f"/api/customers/{FUNDED[0]}/points/burn", {"points": 1}, key="GC-TAKEN")
    answered, refused, wrong = {}, 0, []

    def one(i, r):
        kind = i % 5
        c = FUNDED[i % len(FUNDED)]
        if kind == 0:
            return kind, post(url, f"/api/customers/{c}/points/burn", {"points": 1 + i % 3},
                              key=f"GC-{r}-{i}")
        if kind == 1:
            return kind, post(url, f"/api/customers/{POOR}/points/burn", {"points": 5})
        if kind == 2:
            return kind, post(url, f"/api/customers/{c}/points/burn", {"points": 0})
        if kind == 3:
            return kind, post(url, f"/api/customers/{FUNDED[0]}/points/burn", {"points": 2},
                              key="GC-TAKEN")
        return kind, post(url, f"/api/customers/{c}/points/earn", {"points": 3,
                                                                    "source": "manual"})

    for r in range(rounds):
        for kind, (status, body) in hammer.at_once(clients, lambda i: one(i, r)):
            want = {0: 201, 1: 409, 2: 400, 3: 409, 4: 201}[kind]
            if status != want:
                wrong.append((kind, status, body))
            elif status == 201:
                answered[body["movement_id"]] = body["points"]
            else:
                refused += 1
    report(f"{rounds} rounds of {clients} mixed writes at once: each answered as its own "
           "(201, 409 shortfall, 400 bad amount, 409 reused key)", not wrong, str(wrong[:3]))
    store_checks(db, answered, "mixed batches")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    extra = con.execute("SELECT count(*) FROM points_movements WHERE source_id IS NOT 'GC' AND "
                        "movement_id NOT IN (%s)" % ",".join(str(m) for m in answered)
                        ).fetchone()[0]
    # the set-up's own writes: the poor customer's grant and the first GC-TAKEN burn
    report("the refused writes wrote nothing (the store holds the 201s and the set-up only)",
           extra == 2, f"{extra} rows beyond the answered ones")


def crash(url, db, pid, clients):
    grant(url)
    answered, lock, stop = {}, threading.Lock(), threading.Event()

    def client(i):
        n = 0
        while not stop.is_set():
            n += 1
            try:
                status, body = post(url, f"/api/customers/{FUNDED[i % len(FUNDED)]}/points/burn",
                                    {"points": 1}, timeout=10)
            except Exception:   # the server is gone: this one was never answered
                return
            if status == 201:
                with lock:
                    answered[body["movement_id"]] = body["points"]

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while len(answered) < 200 and time.time() < deadline:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join()
    report(f"a burst of {clients} clients was answered before the kill", len(answered) >= 200,
           f"{len(answered)} answers")
    store_checks(db, answered, "after kill -9 mid-burst")


if __name__ == "__main__":
    cmd, url, db = sys.argv[1], sys.argv[2], sys.argv[3]
    if cmd == "mixed":
        mixed(url, db, int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "crash":
        crash(url, db, int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit("unknown command " + cmd)
