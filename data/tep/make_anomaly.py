#!/usr/bin/python3
"""Build data/tep/tep_anomaly.csv (anomaly detection on the Tennessee Eastman
process) from the Braatz files in ../shared/data/tep (see SOURCE.md here).
Deterministic, no randomness.

- train: the 500 normal-operation samples of d00.dat (stored transposed,
  52 x 500, in the source: transposed here), fault 0.
- test: every 5th sample of d00_te.dat (normal operation, 192 rows, fault 0)
  and, for each fault IDV(1)..IDV(21), every 10th sample of the faulty part
  of dNN_te.dat (samples 161..960, 1-based: the fault starts after sample 160),
  80 rows per fault.

Columns: split (train|test), fault (0..21), sample (1-based row of the source
file), x1..x52 (XMEAS(1..41), XMV(1..11)); values rounded to 6 significant digits.
Usage: /usr/bin/python3 data/tep/make_anomaly.py ../shared/data/tep > data/tep/tep_anomaly.csv
"""
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/tep"


def table(name):
    with open("%s/%s" % (src, name)) as f:
        return [line.split() for line in f if line.strip()]


def fmt(row):
    return ",".join("%.6g" % float(v) for v in row)


out = sys.stdout
out.write("split,fault,sample," + ",".join("x%d" % j for j in range(1, 53)) + "\n")
d00 = table("d00.dat")
assert len(d00) == 52 and all(len(r) == 500 for r in d00)
for i in range(500):
    out.write("train,0,%d,%s\n" % (i + 1, fmt([d00[j][i] for j in range(52)])))
te = table("d00_te.dat")
assert len(te) == 960 and all(len(r) == 52 for r in te)
for i in range(5, 961, 5):
    out.write("test,0,%d,%s\n" % (i, fmt(te[i - 1])))
for c in range(1, 22):
    te = table("d%02d_te.dat" % c)
    assert len(te) == 960 and all(len(r) == 52 for r in te), c
    for i in range(170, 961, 10):
        out.write("test,%d,%d,%s\n" % (c, i, fmt(te[i - 1])))
