#!/usr/bin/python3
"""Golden values for tests/lua/test_ga.lua: k-NN accuracies on
data/tep/tep_subset.csv computed independently with numpy (a direct
implementation of the definition in src/mining/tg_mining.h: Euclidean
distance on features z-scored with the training rows' mean and population
standard deviation, k nearest with ties to the earlier row, majority vote
with ties to the nearest neighbour's class).

Run from the repository root: /usr/bin/python3 tests/ga/make_golden.py
"""
import numpy as np

rows = [l.rstrip("\n").split(",") for l in open("data/tep/tep_subset.csv")][1:]
train = [r for r in rows if r[0] == "train"]
test = [r for r in rows if r[0] == "test"]


def arr(rs):
    return np.array([[float(v) for v in r[2:]] for r in rs]), np.array([int(r[1]) for r in rs])


def predict(Xtr, ytr, Xte, k):
    mu, sd = Xtr.mean(0), Xtr.std(0)
    sd[sd == 0] = 1
    A, B = (Xtr - mu) / sd, (Xte - mu) / sd
    out = []
    for q in B:
        d = ((A - q) ** 2).sum(1)
        nn = np.argsort(d, kind="stable")[:k]
        votes = np.bincount(ytr[nn], minlength=ytr.max() + 1)
        c = ytr[nn[0]]
        for cl in range(len(votes)):
            if votes[cl] > votes[c]:
                c = cl
        out.append(c)
    return np.array(out)


def cv(X, y, k, folds, cols):
    X = X[:, cols]
    right = 0
    idx = np.arange(len(y))
    for f in range(folds):
        te, tr = idx % folds == f, idx % folds != f
        right += (predict(X[tr], y[tr], X[te], k) == y[te]).sum()
    return right / len(y)


Xtr, ytr = arr(train)
Xte, yte = arr(test)
allc = list(range(52))
print("cv5 k5 all features (train rows): %.17g" % cv(Xtr, ytr, 5, 5, allc))
print("cv5 k5 features 1..10: %.17g" % cv(Xtr, ytr, 5, 5, list(range(10))))
print("holdout k5 all features: %.17g" % (predict(Xtr, ytr, Xte, 5) == yte).mean())
