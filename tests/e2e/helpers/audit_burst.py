"""Simultaneous audit-trail writers for tests/e2e/test_audit.sh: API clients (threads behind a
barrier) reading a customer's record from a running `dangol serve`, and `dangol` processes each
earning a point for the customer, all released at the same instant. Prints one JSON line:
the statuses of the API reads and the exit codes of the processes.

  audit_burst.py URL TOKEN CUSTOMER CLIENTS DANGOL DB PROCESSES
"""
import json, os, subprocess, sys, threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hammer  # noqa: E402


def main(url, token, cid, clients, dangol, db, processes):
    # every process waits on its standard input: closing them all releases them together
    procs = [subprocess.Popen(
        ["sh", "-c", 'read x; exec "$0" -q --db "$1" points earn --customer "$2" --points 1 '
                     '--source manual > /dev/null', dangol, db, cid],
        stdin=subprocess.PIPE) for _ in range(processes)]
    headers = {"Authorization": "Bearer " + token} if token else None
    barrier = threading.Barrier(clients + 1)
    statuses = [None] * clients

    def read(i):
        barrier.wait()
        statuses[i] = hammer.request(url, "GET", f"/api/customers/{cid}",
                                     extra_headers=headers)[0]

    threads = [threading.Thread(target=read, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    for p in procs:
        p.stdin.close()
    for t in threads:
        t.join()
    codes = [p.wait() for p in procs]
    print(json.dumps({"statuses": sorted(statuses), "exits": sorted(codes)}))


if __name__ == "__main__":
    a = sys.argv
    main(a[1], a[2], a[3], int(a[4]), a[5], a[6], int(a[7]))
