#!/usr/bin/python3
"""Plain Monte Carlo estimate of a coherent MEF fault tree's top-event
probability (an independent cross-check where the exact BDD value is out of
reach, e.g. nus9601).

    /usr/bin/python3 bench/risk_nus9601_mc.py FILE.xml[.gz] [SAMPLES [SEED]]

Draws every basic event independently with its <float> probability, evaluates
the gates (and, or, atleast, one-argument null) on batches of samples with
numpy, and prints the estimate, its standard error and a 95 % interval.
"""
import gzip
import sys
import xml.etree.ElementTree as ET

import numpy as np


def load(path):
    f = gzip.open(path) if path.endswith(".gz") else open(path, "rb")
    root = ET.parse(f).getroot()
    gates, probs = {}, {}
    for g in root.iter("define-gate"):
        form = list(g)[0]
        if form.tag in ("gate", "basic-event", "event"):
            gates[g.get("name")] = ("or", None, [form.get("name")])
        else:
            k = form.get("min")
            gates[g.get("name")] = (form.tag, int(k) if k else None, [a.get("name") for a in form])
    for b in root.iter("define-basic-event"):
        probs[b.get("name")] = float(b.find("float").get("value"))
    return gates, probs


def main():
    path = sys.argv[1]
    n = int(float(sys.argv[2])) if len(sys.argv) > 2 else 10_000_000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    gates, probs = load(path)
    used = {a for g in gates.values() for a in g[2]}
    top = [g for g in gates if g not in used][0] if "r1" not in gates else "r1"
    order, seen = [], set()
    stack = [(top, 0)]
    while stack:               # post order, iteratively
        g, i = stack.pop()
        if i < len(gates[g][2]):
            stack.append((g, i + 1))
            a = gates[g][2][i]
            if a in gates and a not in seen:
                seen.add(a)
                stack.append((a, 0))
        else:
            order.append(g)
    seen.add(top)
    events = sorted(probs)
    idx = {e: i for i, e in enumerate(events)}
    p = np.array([probs[e] for e in events])
    rng = np.random.default_rng(seed)
    batch, hits, done = 200_000, 0, 0
    while done < n:
        m = min(batch, n - done)
        x = rng.random((len(events), m)) < p[:, None]
        val = {}
        for g in order:
            op, k, args = gates[g]
            cols = [val[a] if a in gates else x[idx[a]] for a in args]
            if op == "and":
                v = np.logical_and.reduce(cols)
            elif op == "or":
                v = np.logical_or.reduce(cols)
            elif op == "atleast":
                v = np.sum(cols, axis=0) >= k
            else:
                raise SystemExit("gate %s: <%s> not handled (coherent trees only)" % (g, op))
            val[g] = v
        hits += int(val[top].sum())
        done += m
    est = hits / n
    se = (est * (1 - est) / n) ** 0.5
    print("top %s samples %d hits %d estimate %.4g se %.2g 95%% [%.4g, %.4g]"
          % (top, n, hits, est, se, est - 1.96 * se, est + 1.96 * se))


if __name__ == "__main__":
    main()
