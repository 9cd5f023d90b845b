#!/usr/bin/python3
"""Golden values for tests/risk from SCRAM 0.16.2 (Debian package `scram`).

For every model below, runs
    scram --bdd --probability true --importance true [--ccf true] FILES -o report.xml
(timeout 120 s; models SCRAM does not finish are skipped) and writes
tests/risk/golden/<model>.txt:

    files <file> ...              (relative to data/faulttrees/)
    top <gate> basic-events <n> products <n> probability <p>
    distribution <count order 1> <count order 2> ...   (SCRAM's distribution list starts at order 1)
    importance <event> <occurrence> <p> <MIF> <CIF> <DIF> <RAW> <RRW>   (one per line)

SCRAM prints 6 significant digits, so the tests compare our values rounded
to 6 significant digits.  Run from the repository root:
    /usr/bin/python3 tests/risk/make_golden.py [model ...]
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MODELS = {
    "baobab1": ["scram/baobab1.xml", "scram/baobab1-basic-events.xml"],
    "baobab2": ["scram/baobab2.xml", "scram/baobab2-basic-events.xml"],
    "chinese": ["scram/chinese.xml", "scram/chinese-basic-events.xml"],
    "bscu": ["scram/BSCU.xml"],
    "hipps": ["scram/HIPPS.xml"],
    "lift": ["scram/lift.xml"],
    "smalltree": ["scram/SmallTree.xml"],
    "theatre": ["scram/theatre.xml"],
    "three_motor": ["scram/three_motor.xml"],
    "two_train": ["scram/two_train.xml"],
    "ne574": ["scram/ne574.xml"],
    "cea9601": ["scram/CEA9601.xml.gz", "scram/CEA9601-basic-events.xml.gz"],
    "common_cause": ["scram/common_cause.xml"],
}
# Models whose common-cause groups SCRAM expands only with --ccf true.
CCF = {"common_cause"}
for name in ["baobab3", "das9201", "das9202", "das9205", "das9601", "das9701", "edf9201",
             "edf9205", "edfpa14b", "elf9601", "ftr10", "isp9601", "isp9605", "isp9606",
             "jbd9601", "nus9601"]:
    MODELS[name] = ["aralia/%s.xml.gz" % name]

TIMEOUT = {"cea9601": 900}


def run(model, files, tmp):
    paths = []
    for f in files:      # SCRAM reads plain files: decompress .gz copies
        src = os.path.join("data/faulttrees", f)
        if f.endswith(".gz"):
            dst = os.path.join(tmp, os.path.basename(f)[:-3])
            subprocess.run("gzip -dc %s > %s" % (src, dst), shell=True, check=True)
            paths.append(dst)
        else:
            paths.append(src)
    out = os.path.join(tmp, model + ".report.xml")
    cmd = ["scram", "--bdd", "--probability", "true", "--importance", "true", "-o", out]
    if model in CCF:
        cmd += ["--ccf", "true"]
    cmd += paths
    try:
        subprocess.run(cmd, check=True, timeout=TIMEOUT.get(model, 120),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        print("%s: SCRAM timed out, skipped" % model)
        return
    root = ET.parse(out).getroot()
    res = root.find("results")
    sop = res.find("sum-of-products")
    lines = ["files " + " ".join(files),
             "top %s basic-events %s products %s probability %s" % (
                 sop.get("name"), sop.get("basic-events"), sop.get("products"),
                 sop.get("probability")),
             "distribution " + sop.get("distribution", "")]
    imp = res.find("importance")
    if imp is not None:
        for be in imp:
            if be.tag == "basic-event":
                name = be.get("name")
            elif be.tag == "ccf-event":   # one member: its independent part; more: "[a b]"
                names = [m.get("name") for m in be.findall("basic-event")]
                name = names[0] if len(names) == 1 else "[" + " ".join(names) + "]"
            else:
                continue
            lines.append("importance %s %s %s %s %s %s %s %s" % ((name,) + tuple(
                be.get(k) for k in ["occurrence", "probability", "MIF", "CIF", "DIF", "RAW",
                                    "RRW"])))
    with open("tests/risk/golden/%s.txt" % model, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%s: %s products, p = %s" % (model, sop.get("products"), sop.get("probability")))


def main():
    names = sys.argv[1:] or list(MODELS)
    with tempfile.TemporaryDirectory() as tmp:
        for n in names:
            run(n, MODELS[n], tmp)


if __name__ == "__main__":
    main()
