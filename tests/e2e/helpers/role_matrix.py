"""The role x route matrix of `dangol serve`, generated from the route table (the OpenAPI
document's x-dangol-role and x-dangol-agents, which routes.c writes from the table): every route
asked by every role and by nobody, each answer checked against the rule of docs/security.md.
Allowed: anything but 401 and 403. A write sends a field no record has, so an allowed write
answers 400 and changes nothing (the door opened; the store stays as it was).
Denied: 401 for nobody, 403 for a signed-in role too low. An agent asks about their own customer;
then, on every route open to agents, about a customer of another site (403).

usage: role_matrix.py URL OPENAPI.json TOKENS.json OWN_CUSTOMER OTHER_CUSTOMER
TOKENS.json: {"admin": "...", "manager": ..., "analyst": ..., "agent": ...}
Prints one line per failure and a summary; exits 1 on any failure."""
import json
import sys
import urllib.error
import urllib.request

url, doc, tokens = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
own, other = sys.argv[4], sys.argv[5]
RANK = {"none": 0, "agent": 1, "analyst": 2, "manager": 3, "admin": 4}


def ask(method, path, token):
    req = urllib.request.Request(url + path, method=method,
                                 data=b'{"no_such_field": 1}' if method in ("POST", "PUT", "PATCH") else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as res:
            body = res.read()
            return res.status, body
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def allowed(role, need, agents):
    if need == "none":
        return True
    if role is None:
        return False
    if role == "agent":
        return need == "agent" or agents
    return RANK[role] >= RANK[need]


failures, asked, routes = [], 0, 0
secrets = [t.encode() for t in tokens.values()]
for path, item in doc["paths"].items():
    for method, op in item.items():
        method = method.upper()
        if method == "POST" and path == "/api/logout":
            continue   # would end nothing (tokens have no session), checked in test_auth.sh
        routes += 1
        need, agents = op["x-dangol-role"], op["x-dangol-agents"]
        concrete = path.replace("{customer_id}", own)
        for role in [None, "agent", "analyst", "manager", "admin"]:
            status, body = ask(method, concrete, tokens[role] if role else None)
            asked += 1
            want = allowed(role, need, agents)
            got = status not in (401, 403)
            if want != got or (not got and status != (401 if role is None else 403)):
                failures.append(f"{method} {path} as {role or 'nobody'}: HTTP {status}, wanted "
                                f"{'allowed' if want else ('401' if role is None else '403')}")
            if any(s in body for s in secrets):
                failures.append(f"{method} {path} as {role}: a token appears in the answer")
        if "{customer_id}" in path and agents:
            status, _ = ask(method, path.replace("{customer_id}", other), tokens["agent"])
            asked += 1
            if status != 403:
                failures.append(f"{method} {path} as agent for another site's customer: HTTP "
                                f"{status}, wanted 403")
            status, _ = ask(method, path.replace("{customer_id}", "NO-SUCH-CUSTOMER"),
                            tokens["agent"])
            asked += 1
            if status != 403:
                failures.append(f"{method} {path} as agent for a customer that does not exist: "
                                f"HTTP {status}, wanted 403 (the same as another's)")
for f in failures:
    print(f)
print(f"{routes} routes, {asked} requests, {len(failures)} wrong")
sys.exit(1 if failures or routes < 20 else 0)
