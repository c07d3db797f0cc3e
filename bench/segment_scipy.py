#!/usr/bin/python3
"""The peer of bench/segment_bench.c: scipy.cluster.vq.kmeans2 on the same standardised feature
matrix (OUT.bin: int64 n, int64 d, n x d float64), as a scipy user restarts it: as many
k-means++ starts as dangol's restarts, on all the points, keeping the lowest inertia. kmeans2
has no stopping rule (it runs `iter` iterations), so it runs twice: with 50 iterations per start
(about what a start needs to settle on this data: dangol's restarts took 20-60), and with as few
as dangol's final run on all the points needed (after its restarts on a 100,000-point sample),
a floor for scipy. Prints the times and best inertias beside dangol's.
usage: segment_scipy.py OUT"""
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
for iters in (50, max(iterations, 1)):
    t0 = time.perf_counter()
    best = np.inf
    for seed in range(restarts):
        centres, labels = kmeans2(z, 8, iter=iters, minit="++", seed=seed)
        _, dist = vq(z, centres)
        best = min(best, float((dist ** 2).sum()))
    t1 = time.perf_counter()
    print("scipy kmeans2: %d starts x %d iterations on %d x %d: %.2f s, best inertia %.6g "
          "(dangol %.6g)" % (restarts, iters, n, d, t1 - t0, best, dangol_inertia))
