#!/usr/bin/python3
"""Golden values for the probability cut-off of tg_risk_mcs_zbdd_cut, from
SCRAM 0.16.2 (Debian package `scram`).

SCRAM 0.16.2 accepts --cut-off but does not apply it (checked on chinese
with --zbdd, --bdd and --mocus and cut-offs 3e-6 and 1e-3: all 392 products
reported each time), so the reference is SCRAM's full family filtered:
for every model below, runs
    scram --zbdd --limit-order 60 FILES -o report.xml
takes every product listed, computes its probability as the product of
its events' <float value=...> from the MEF files (all these models use
constant probabilities), and for each cut-off writes one line to
tests/risk/golden/cutoff.txt:

    <model> <cut-off> <products> <rare-event> <mcub> <count order 0> <count order 1> ...

with the products of probability >= cut-off, their sum of probabilities
and 1 - prod(1 - p) (repr: 17 digits).  Cut-offs lie between the products
of the models' round probabilities, so no set is at the cut-off.  Run from
the repository root:
    /usr/bin/python3 tests/risk/make_cutoff_golden.py
"""
import gzip
import math
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

MODELS = {
    "baobab1": ["scram/baobab1.xml", "scram/baobab1-basic-events.xml"],
    "chinese": ["scram/chinese.xml", "scram/chinese-basic-events.xml"],
    "three_motor": ["scram/three_motor.xml"],
    "baobab3": ["aralia/baobab3.xml.gz"],
    "isp9601": ["aralia/isp9601.xml.gz"],
    "edf9205": ["aralia/edf9205.xml.gz"],
}
CUTS = ["1e-30", "3e-14", "3e-12", "3e-10", "3e-8", "3e-6", "3e-4", "3e-2"]


def main():
    out_lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for model, files in MODELS.items():
            paths, probs = [], {}
            for f in files:
                src = os.path.join("data/faulttrees", f)
                data = gzip.open(src).read() if f.endswith(".gz") else open(src, "rb").read()
                dst = os.path.join(tmp, os.path.basename(f).replace(".gz", ""))
                with open(dst, "wb") as o:
                    o.write(data)
                paths.append(dst)
                for be in ET.fromstring(data).iter("define-basic-event"):
                    fl = be.find("float")
                    probs[be.get("name")] = float(fl.get("value"))
            rep = os.path.join(tmp, model + ".xml")
            subprocess.run(["scram", "--zbdd", "--limit-order", "60", "-o", rep] + paths,
                           check=True, timeout=300, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            sets = []
            for prod in ET.parse(rep).getroot().iter("product"):
                evs = [b.get("name") for b in prod.findall("basic-event")]
                p = 1.0
                for e in evs:
                    p *= probs[e]
                sets.append((len(evs), p))
            for c in CUTS:
                cut = float(c)
                kept = [(k, p) for k, p in sets if p >= cut]
                dist = [0] * (max([k for k, _ in kept], default=0) + 1)
                for k, _ in kept:
                    dist[k] += 1
                re = math.fsum(p for _, p in kept)
                mcub = -math.expm1(math.fsum(math.log1p(-p) for _, p in kept))
                out_lines.append("%s %s %d %r %r %s" % (model, c, len(kept), re, mcub,
                                                       " ".join(map(str, dist))))
            print("%s: %d products" % (model, len(sets)))
    with open("tests/risk/golden/cutoff.txt", "w") as f:
        f.write("\n".join(out_lines) + "\n")


if __name__ == "__main__":
    main()
