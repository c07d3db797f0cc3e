#!/usr/bin/python3
"""The peer of bench/segment_bench.c: scipy.cluster.vq.kmeans2 on the same standardised feature
matrix (OUT.bin: int64 n, int64 d, n x d float64), doing the same work as dangol's k-means: as
many k-means++ starts as dangol's restarts, each run for as many Lloyd iterations as dangol's
kept restart needed (kmeans2 has no stopping rule: it runs `iter` iterations). Prints the time and
the best inertia beside dangol's. usage: segment_scipy.py OUT"""
import sys
import time

import numpy as np
from scipy.cluster.vq import kmeans2, vq

base = sys.argv[1]
with open(base + ".bin", "rb") as f:
    n, d = np.fromfile(f, dtype=np.int64, count=2)
    z = np.fromfile(f, dtype=np.float64, count=int(n * d)).reshape(int(n), int(d))
restarts, iterations, dangol_inertia = open(base + ".txt").read().split()
restarts, iterations, dangol_inertia = int(restarts), int(iterations), float(dangol_inertia)
t0 = time.perf_counter()
best = np.inf
for seed in range(restarts):
    centres, labels = kmeans2(z, 8, iter=max(iterations, 1), minit="++", seed=seed)
    _, dist = vq(z, centres)
    best = min(best, float((dist ** 2).sum()))
t1 = time.perf_counter()
print("scipy kmeans2: %d starts x %d iterations on %d x %d: %.2f s, best inertia %.6g "
      "(dangol %.6g)" % (restarts, iterations, n, d, t1 - t0, best, dangol_inertia))
