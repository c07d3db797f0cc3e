#!/usr/bin/python3
"""An independent k-means for tests/unit/test_segment.c (Debian's numpy and scipy; never run by
the product). Reads a file: a line "n d k", n lines of d numbers (the points), k lines of d
numbers (the starting centres). Prints

    lloyd INERTIA ITERATIONS       Lloyd's iterations in numpy from the same starts, stopping as
                                   dangol does (summed squared centre shift <= 1e-4 x the mean
                                   column variance), then one more assignment
    lloyd_labels L0 L1 ...
    kmeans2 INERTIA                scipy.cluster.vq.kmeans2(minit="matrix") from the same starts,
    kmeans2_labels L0 L1 ...       300 iterations (scipy runs them all: no stopping rule)
    best_plusplus INERTIA          the lowest inertia of 20 kmeans2(minit="++") runs (seeds 0..19)
"""
import sys

import numpy as np
from scipy.cluster.vq import kmeans2


def assign(x, centres):
    d2 = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels = d2.argmin(axis=1)   # ties: the lower index, as dangol
    return labels, d2[np.arange(len(x)), labels].sum()


def lloyd(x, starts, tol=1e-4, max_iter=300):
    centres = starts.copy()
    tol_abs = tol * x.var(axis=0).mean()
    iterations = 0
    for _ in range(max_iter):
        labels, _ = assign(x, centres)
        iterations += 1
        new = np.array([x[labels == c].mean(axis=0) if (labels == c).any() else centres[c]
                        for c in range(len(centres))])
        shift = ((new - centres) ** 2).sum()
        centres = new
        if shift <= tol_abs:
            break
    labels, inertia = assign(x, centres)
    return labels, inertia, iterations


def main():
    with open(sys.argv[1]) as f:
        n, d, k = (int(v) for v in f.readline().split())
        rows = np.loadtxt(f, ndmin=2)
    x, starts = rows[:n], rows[n:n + k]
    assert x.shape == (n, d) and starts.shape == (k, d)
    labels, inertia, iterations = lloyd(x, starts)
    print("lloyd %.17g %d" % (inertia, iterations))
    print("lloyd_labels " + " ".join(str(v) for v in labels))
    centres, labels2 = kmeans2(x, starts.copy(), iter=300, minit="matrix", missing="raise")
    _, inertia2 = assign(x, centres)
    print("kmeans2 %.17g" % inertia2)
    print("kmeans2_labels " + " ".join(str(v) for v in labels2))
    best = min(assign(x, kmeans2(x, k, iter=300, minit="++", seed=s)[0])[1] for s in range(20))
    print("best_plusplus %.17g" % best)


if __name__ == "__main__":
    main()
