"""Points writes through the server's group commit (src/server/write_queue.c), for
tests/e2e/test_group_commit.sh: many clients at once, so that writes share a batch (one
transaction, each write in its own savepoint). Prints "pass NAME" / "fail NAME" lines.

  group_commit.py mixed URL DB ROUNDS CLIENTS
      every round, CLIENTS writes released at once, one in five of each kind: a burn that
      passes, a burn beyond the balance (409), a bad amount (400), a reused Idempotency-Key with
      another amount (409), an earn; then the store (read by SQLite) holds exactly the answered
      writes: each 201 its movement, each refusal nothing, every burn whole and audited
  group_commit.py coupons URL DB ROUNDS CLIENTS
      coupon redemptions and order returns in the same batches as burns: every round, CLIENTS
      writes released at once, one in six of each kind: a redemption of one single-use code
      (exactly one 201, the rest 409), a retry of one Idempotency-Key redeeming another code (all
      201, one redemption, the rest replayed), a return of one order (one 201, the rest 409), a
      retry of one key returning another order (all 201, one return), a refused write (a reused
      key, a bad body: 409, 400) and a burn that passes; then each code has one redemption row,
      each order one return, each applied write one audit entry, and the refusals wrote nothing
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


def coupon_fixture(url, db, rounds):
    """A definition, 2 codes and 4 orders of FUNDED[0] per round, and one redemption whose key
    the rounds reuse for another request; returns the codes and orders by round."""
    who = FUNDED[0]
    status, body = post(url, "/api/coupons", {"definition_id": "GCC", "amount": 100,
                                              "per_customer_limit": 1000})
    if status != 201:
        sys.exit(f"define: {status} {body}")
    con = sqlite3.connect(db, timeout=30)
    orders = [[f"GCO-{r}-{k}" for k in range(4)] for r in range(rounds + 1)]
    con.executemany("INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES "
                    "(?, ?, strftime('%s', 'now'), 50000)", [(o, who) for rs in orders for o in rs])
    con.commit()
    con.close()
    codes = []
    for r in range(rounds + 1):
        codes.append([])
        for _ in range(2):
            status, body = post(url, "/api/coupons/GCC/issue", {"customers": [who]})
            if status != 201:
                sys.exit(f"issue: {status} {body}")
            codes[r].append(body["codes"][0]["code"])
    status, body = post(url, f"/api/coupon-codes/{codes[rounds][0]}/redeem",
                        {"order_id": orders[rounds][0]}, key="GCC-TAKEN")
    if status != 201:
        sys.exit(f"the first GCC-TAKEN redemption: {status} {body}")
    return codes, orders


def coupons(url, db, rounds, clients):
    grant(url)
    codes, orders = coupon_fixture(url, db, rounds)
    wrong, counts = [], {}

    def one(i, r):
        kind, (single, keyed), (o1, o2, o3, o4) = i % 6, codes[r], orders[r]
        if kind == 0:
            return kind, post(url, f"/api/coupon-codes/{single}/redeem", {"order_id": o1})
        if kind == 1:
            return kind, post(url, f"/api/coupon-codes/{keyed}/redeem", {"order_id": o2},
                              key=f"GCC-{r}")
        if kind == 2:
            return kind, post(url, f"/api/orders/{o3}/return", {"reason": "gc"})
        if kind == 3:
            return kind, post(url, f"/api/orders/{o4}/return", {}, key=f"GCR-{r}")
        if kind == 4:
            if i % 12 == 4:
                return kind, post(url, f"/api/coupon-codes/{single}/redeem", {"order_id": o2},
                                  key="GCC-TAKEN")
            return kind, post(url, f"/api/orders/{o3}/return", {"kind": "lost"})
        return kind, post(url, f"/api/customers/{FUNDED[1]}/points/burn", {"points": 1})

    for r in range(rounds):
        got = {}
        for kind, (status, body) in hammer.at_once(clients, lambda i: one(i, r)):
            got.setdefault(kind, []).append((status, (body or {}).get("replayed")))
        for kind, answers in got.items():
            statuses = sorted(s for s, _ in answers)
            n = len(answers)
            want = {0: [201] + [409] * (n - 1), 1: [201] * n, 2: [201] + [409] * (n - 1),
                    3: [201] * n, 5: [201] * n}.get(kind)
            if kind == 4:
                ok = all(s in (400, 409) for s in statuses)
            else:
                ok = statuses == want and (kind not in (1, 3) or
                                           sum(not p for _, p in answers) == 1)
            if not ok:
                wrong.append((r, kind, answers))
            counts[kind] = counts.get(kind, 0) + n
    report(f"{rounds} rounds of {clients} coupon, return and burn writes at once: one "
           "redemption of a single-use code and one return of an order win (the rest 409), one "
           "key's retries all 201 with one write, refusals 400/409, burns 201", not wrong,
           str(wrong[:2]))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    q = lambda sql, *a: con.execute(sql, a).fetchone()[0]
    per_code = [q("SELECT count(*) FROM coupon_redemptions WHERE code = ?", c)
                for r in range(rounds) for c in codes[r]]
    report("every raced or retried code has exactly one redemption row", per_code ==
           [1] * (2 * rounds), str(per_code))
    per_order = [q("SELECT count(*) FROM order_returns WHERE order_id = ?", o)
                 for r in range(rounds) for o in orders[r][2:]]
    report("every raced or retried order has exactly one return row", per_order ==
           [1] * (2 * rounds), str(per_order))
    totals = (q("SELECT count(*) FROM coupon_redemptions"), q("SELECT count(*) FROM order_returns"),
              q("SELECT count(*) FROM coupon_requests"),
              q("SELECT count(*) FROM auth_audit WHERE action = 'coupon.redeem'"),
              q("SELECT count(*) FROM auth_audit WHERE action = 'order.return'"))
    # the set-up's GCC-TAKEN redemption, and per round: 2 redemptions, 1 key, 2 returns
    want = (2 * rounds + 1, 2 * rounds, rounds + 1, 2 * rounds + 1, 2 * rounds)
    report("the refused writes wrote nothing: redemptions, returns, keys and audit entries are "
           "the applied writes'", totals == want, f"{totals} != {want}")


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
    elif cmd == "coupons":
        coupons(url, db, int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "crash":
        crash(url, db, int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit("unknown command " + cmd)
