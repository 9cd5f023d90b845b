#!/usr/bin/python3
"""Prime-implicant goldens from SCRAM 0.16.2 (`scram --prime-implicants --bdd`).

Writes 12 small non-coherent fault trees (seeded random gates over 4..8
events with not, xor, nand, nor, iff, atleast) to tests/risk/golden/pi/ncN.xml
(one top h0, at least 3 implicants, some with a negated event)
and SCRAM's answer to tests/risk/golden/pi/ncN.txt:

    products <n>
    distribution <count order 0> <count order 1> ...
    implicant <literal> ...        (one line each; "~e" is "not e"; sorted)

Run from the repository root:  /usr/bin/python3 tests/risk/make_pi_golden.py
"""
import os
import random
import subprocess
import tempfile
import xml.etree.ElementTree as ET

OUT = "tests/risk/golden/pi"
OPS = ["and", "or", "atleast", "not", "xor", "nand", "nor", "iff"]


def tree(rng, idx):
    ne = rng.randint(4, 8)
    ng = rng.randint(3, 7)
    lines = ['<?xml version="1.0"?>', "<opsa-mef>", '<define-fault-tree name="nc%d">' % idx]
    for g in range(ng):
        op = rng.choice(OPS)
        n = 1 if op == "not" else 2 if op in ("xor", "iff") else rng.randint(2, 4)
        args = ['<gate name="h%d"/>' % (g + 1)] if g + 1 < ng else []   # one top: h0
        for _ in range(n - len(args)):
            if g + 1 < ng and rng.random() < 0.4:
                args.append('<gate name="h%d"/>' % rng.randint(g + 1, ng - 1))
            else:
                args.append('<basic-event name="e%d"/>' % rng.randrange(ne))
        attr = ' min="%d"' % rng.randint(1, n) if op == "atleast" else ""
        lines.append('<define-gate name="h%d"><%s%s>%s</%s></define-gate>' % (g, op, attr, "".join(args), op))
    lines.append("</define-fault-tree>")
    lines.append("<model-data>")
    for e in range(ne):
        lines.append('<define-basic-event name="e%d"><float value="%g"/></define-basic-event>' % (e, 0.05 * (e + 1)))
    lines.append("</model-data>")
    lines.append("</opsa-mef>")
    return "\n".join(lines) + "\n"


def main():
    rng = random.Random(20261123)
    os.makedirs(OUT, exist_ok=True)
    made = 0
    idx = 0
    while made < 12:
        idx += 1
        xml = tree(rng, idx)
        path = os.path.join(OUT, "nc%d.xml" % (made + 1))
        with open(path, "w") as f:
            f.write(xml)
        with tempfile.TemporaryDirectory() as d:
            rep = os.path.join(d, "r.xml")
            r = subprocess.run(["scram", "--prime-implicants", "--bdd", path, "-o", rep],
                               capture_output=True, text=True, timeout=120)
            if r.returncode != 0:      # e.g. several top gates: draw another tree
                os.remove(path)
                continue
            root = ET.parse(rep).getroot()
        sop = root.find(".//sum-of-products")
        tops = root.findall(".//sum-of-products")
        if sop is None or len(tops) != 1 or sop.get("name") != "h0" or int(sop.get("products")) < 3 \
                or not any(c.tag == "not" for p in sop.findall("product") for c in p):
            os.remove(path)
            continue
        imps = []
        for p in sop.findall("product"):
            lits = []
            for c in p:
                if c.tag == "not":
                    lits.append("~" + c.find("basic-event").get("name"))
                else:
                    lits.append(c.get("name"))
            imps.append(" ".join(sorted(lits)))
        with open(os.path.join(OUT, "nc%d.txt" % (made + 1)), "w") as f:
            f.write("products %s\n" % sop.get("products"))
            f.write("distribution %s\n" % (sop.get("distribution") or ""))
            for i in sorted(imps):
                f.write("implicant %s\n" % i)
        made += 1


if __name__ == "__main__":
    main()
