"""Gives the browser test's store VOC tickets through the API of a running server, for the ticket
queue, VOC trends and recovery pages: a recovery ticket for every detractor and complaint
(POST /api/tickets/recover), 60 more tickets of every kind and channel with Korean subjects, and
most of them worked through their states at varied business-hour delays (some late, some
reopened, some with comments); a few opened on the last day stay at risk, the oldest untouched
ones breached. Deterministic; one process, so it is quick.
usage: python3 dashboard_tickets.py URL DIR AS_OF"""
import csv
import datetime
import json
import os
import sys
import urllib.request

url, data, as_of = sys.argv[1], sys.argv[2], sys.argv[3]


def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as res:
            return json.load(res)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode()}")


def at(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


call("POST", "/api/tickets/recover", {"as_of": as_of + "T23:59:59Z"})
with open(os.path.join(data, "customers.csv"), encoding="utf-8") as f:
    customers = [r["customer_id"] for r in csv.DictReader(f)]
KINDS = ["inquiry", "complaint", "suggestion", "compliment"]
CHANNELS = ["call_centre", "web", "app", "store", "email"]
TOPICS = [("배송", "배송이 너무 늦어요"), ("배송", "택배 상자가 찢어져서 왔어요"),
          ("환불", "환불을 요청했는데 연락이 없어요"), ("환불", "카드 환불이 아직 안 됐어요"),
          ("상품", "제품에 흠집이 있어요"), ("상품", "사이즈가 설명과 달라요"),
          ("상담", "상담원이 친절했어요"), ("상담", "고객센터 전화 연결이 안 돼요")]
last = parse(as_of + "T23:59:59Z")
for i in range(60):
    category, subject = TOPICS[i % len(TOPICS)]
    opened = last - datetime.timedelta(days=(i * 37) % 330 + 1, hours=(i * 5) % 8)
    opened = opened.replace(hour=1 + (i * 3) % 6, minute=0, second=0)   # 10:00-15:00 KST
    call("POST", "/api/tickets", {"customer_id": customers[(i * 7) % len(customers)],
                                  "kind": KINDS[i % 4], "channel": CHANNELS[i % 5],
                                  "priority": ["low", "normal", "high", "urgent"][i % 4],
                                  "category": category, "subject": f"{subject} ({i + 1})",
                                  "at": at(opened)})
# on the last afternoon (16:00 and 17:00 KST): within their first-response targets at the end of
# the day, with fewer business hours left than at_risk_hours (the next day is a holiday)
for i in range(2):
    call("POST", "/api/tickets", {"customer_id": customers[i + 3], "kind": "complaint",
                                  "channel": "call_centre", "priority": "normal",
                                  "category": "배송", "subject": "오늘 받기로 한 배송이 안 왔어요",
                                  "at": at(last.replace(hour=7 + i, minute=0, second=0))})
listed = json.load(urllib.request.urlopen(url + "/api/tickets?as_of=" + as_of + "T23:59:59Z"))
for n, t in enumerate(listed["rows"]):
    opened = parse(t["opened_at"])
    if opened.date() == last.date() or n % 9 == 8:   # left untouched: breached in time
        continue
    path, version = f"/api/tickets/{t['ticket']}", t["version"]

    def act(action, hours, **body):
        global version
        body.update(version=version, at=at(opened + datetime.timedelta(hours=hours)))
        version = call("POST", f"{path}/{action}", body)["version"]

    delay = [0.5, 1, 2, 3, 6, 20, 26, 50][n % 8]   # some late on their targets
    act("assign", delay, assignee=["kim", "lee", "park"][n % 3])
    if n % 9 == 7:
        continue
    act("start", delay + 0.5)
    if n % 4 == 0:
        act("comment", delay + 1, note="고객에게 전화로 사과하고 교환을 안내함")
    if n % 9 == 6:
        continue
    act("resolve", delay + [2, 5, 9, 30, 70][n % 5], note="교환 발송 완료")
    if n % 3 == 0:
        act("close", delay + 100)
    if n % 11 == 0:
        act("reopen", delay + 120, note="교환품도 불량")
