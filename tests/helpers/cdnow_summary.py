#!/usr/bin/python3
"""Writes the CDNOW calibration summary (ID,frequency,recency,T in weeks) computed from the
transaction log, each number printed exactly (repr), so that a fit on it sees the very doubles a
fit on the log sees. Same-day purchases are one transaction (data/README.md). With --discrete,
the whole-week summary of BG/BB instead (docs/clv.md, "The discrete summary for BG/BB").
usage: cdnow_summary.py [--discrete] CDNOW_sample.txt CALIBRATION_END(YYYY-MM-DD) > summary.csv"""
import datetime
import sys

args = sys.argv[1:]
discrete = args[0] == "--discrete"
log, end = args[discrete], datetime.date.fromisoformat(args[discrete + 1])
days = {}
with open(log) as f:
    for line in f:
        cid, _, ymd = line.split()[:3]
        day = datetime.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
        days.setdefault(cid, set()).add(day)
print("ID,frequency,recency,T")
for cid in sorted(days):
    first = min(days[cid])
    if first > end:
        continue
    seen = sorted(d for d in days[cid] if d <= end)
    if discrete:   # weeks end on the calibration end; the week of the first purchase is 0
        n = (end - first).days // 7
        weeks = {n - (end - d).days // 7 for d in seen} - {0}
        print(f"{cid},{len(weeks)},{max(weeks, default=0)},{n}")
    else:
        recency = (seen[-1] - first).days / 7.0
        print(f"{cid},{len(seen) - 1},{recency!r},{(end - first).days / 7.0!r}")
