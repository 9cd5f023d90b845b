#!/usr/bin/python3
"""Build data/tep/tep_subset.csv from the Braatz Tennessee Eastman files in
../shared/data/tep (see SOURCE.md here).  Deterministic, no randomness.

Classes: 0 = normal operation (d00_te.dat) and faults IDV(1), IDV(2),
IDV(4), IDV(5), IDV(6), IDV(7) (dNN_te.dat, the step faults).  In the test
files the fault starts after sample 160, so only samples 161..960 (1-based)
of the fault files are used.  Train: every 8th sample of 161..560 (50 per
class); test: every 8th sample of 561..960 (50 per class); for normal
operation the same row numbers of d00_te.dat.  Rows are written class by
class in turn (round-robin) so that fold i % folds is stratified.

Columns: split (train|test), class, x1..x52 (XMEAS(1..41), XMV(1..11)).
Usage: /usr/bin/python3 data/tep/make_subset.py ../shared/data/tep > data/tep/tep_subset.csv
"""
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/tep"
classes = [0, 1, 2, 4, 5, 6, 7]


def rows(c):
    with open("%s/d%02d_te.dat" % (src, c)) as f:
        data = [line.split() for line in f if line.strip()]
    assert len(data) == 960 and all(len(r) == 52 for r in data), c
    return data


out = sys.stdout
out.write("split,class," + ",".join("x%d" % j for j in range(1, 53)) + "\n")
data = {c: rows(c) for c in classes}
for split, lo, hi in (("train", 161, 560), ("test", 561, 960)):
    picks = list(range(lo, hi + 1, 8))     # 1-based sample numbers
    for i in picks:
        for c in classes:
            vals = ["%.6g" % float(v) for v in data[c][i - 1]]
            out.write("%s,%d,%s\n" % (split, c, ",".join(vals)))
