#!/usr/bin/python3
"""peer_gnn_torch.py: the PyTorch half of bench/bench_gnn.c.

The same 2-layer GCN in plain PyTorch (Debian python3-torch, float32):
dropout 0.5, GCN(16) = A_hat (X W) + b, ReLU, dropout 0.5, GCN(classes),
masked cross-entropy, Adam lr 0.01 with L2 5e-4; A_hat = D^-1/2 (A + I)
D^-1/2 as a coalesced torch sparse COO matrix and torch.sparse.mm (the
pygcn formulation).  One warm-up epoch, then the median of EPOCHS epochs of
zero_grad / forward / loss / backward / step.

    peer_gnn_torch.py cora DATA_DIR EPOCHS THREADS
    peer_gnn_torch.py random N M F EDGEFILE EPOCHS THREADS

Prints "RESULT gnn_<case>_torch_ms <ms per epoch>" and "RESULT gnn_<case>_torch_mib <MiB>".
"""
import gzip
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def norm_adj(n, src, dst):
    """D^-1/2 (A + I) D^-1/2 for edges src -> dst (messages flow to dst)."""
    loops = np.arange(n, dtype=np.int64)
    has_loop = np.zeros(n, dtype=bool)
    has_loop[src[src == dst]] = True
    s = np.concatenate([src, loops[~has_loop]])
    d = np.concatenate([dst, loops[~has_loop]])
    deg = np.bincount(d, minlength=n).astype(np.float32)
    w = (1.0 / np.sqrt(deg[d] * deg[s])).astype(np.float32)
    idx = torch.from_numpy(np.stack([d, s]))
    return torch.sparse_coo_tensor(idx, torch.from_numpy(w), (n, n)).coalesce()


def read_cora(dirname):
    def open_any(name):
        p = os.path.join(dirname, name)
        return open(p) if os.path.exists(p) else gzip.open(p + ".gz", "rt")
    ids, feats, labels = [], [], []
    with open_any("cora.content") as f:
        for line in f:
            t = line.split()
            ids.append(t[0])
            feats.append([float(v) for v in t[1:-1]])
            labels.append(t[-1])
    index = {p: i for i, p in enumerate(ids)}
    classes = sorted(set(labels))
    y = np.array([classes.index(c) for c in labels], dtype=np.int64)
    x = np.array(feats, dtype=np.float32)
    x /= np.maximum(x.sum(1, keepdims=True), 1e-12)
    pairs = set()
    with open_any("cora.cites") as f:
        for line in f:
            a, b = line.split()
            u, v = index[a], index[b]
            if u != v:
                pairs.add((min(u, v), max(u, v)))
    e = np.array(sorted(pairs), dtype=np.int64)
    src = np.concatenate([e[:, 0], e[:, 1]])
    dst = np.concatenate([e[:, 1], e[:, 0]])
    train = np.zeros(len(ids), dtype=bool)
    with open(os.path.join(dirname, "planetoid_split.txt")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            _, pid, sp = line.split()
            train[index[pid]] = sp == "train"
    return x, y, src, dst, train, len(classes)


class GCN(torch.nn.Module):
    def __init__(self, fin, hidden, classes):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.empty(fin, hidden))
        self.b1 = torch.nn.Parameter(torch.zeros(hidden))
        self.w2 = torch.nn.Parameter(torch.empty(hidden, classes))
        self.b2 = torch.nn.Parameter(torch.zeros(classes))
        torch.nn.init.xavier_uniform_(self.w1)
        torch.nn.init.xavier_uniform_(self.w2)

    def forward(self, a, x):
        x = torch.nn.functional.dropout(x, 0.5, self.training)
        h = torch.relu(torch.sparse.mm(a, x @ self.w1) + self.b1)
        h = torch.nn.functional.dropout(h, 0.5, self.training)
        return torch.sparse.mm(a, h @ self.w2) + self.b2


def bench(name, x, y, a, train, classes, epochs):
    torch.manual_seed(1)
    model = GCN(x.shape[1], 16, classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    mask = torch.from_numpy(train)
    times = []
    model.train()
    for ep in range(epochs + 1):
        t0 = time.perf_counter()
        opt.zero_grad()
        out = model(a, x)
        loss = torch.nn.functional.cross_entropy(out[mask], y[mask])
        loss.backward()
        opt.step()
        if ep > 0:
            times.append(time.perf_counter() - t0)
    ms = 1000 * statistics.median(times)
    print(f"torch {name}: {epochs} epochs, median epoch {ms:.2f} ms, peak RSS {peak_mib():.0f} MiB, "
          f"threads {torch.get_num_threads()}, torch {torch.__version__}")
    print(f"RESULT gnn_{name}_torch_ms {ms:.3f}")
    print(f"RESULT gnn_{name}_torch_mib {peak_mib():.1f}")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "cora":
        torch.set_num_threads(int(sys.argv[4]))
        x, y, src, dst, train, classes = read_cora(sys.argv[2])
        a = norm_adj(len(y), src, dst)
        bench("cora", torch.from_numpy(x), torch.from_numpy(y), a, train, classes, int(sys.argv[3]))
    elif len(sys.argv) == 8 and sys.argv[1] == "random":
        n, m, f = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        torch.set_num_threads(int(sys.argv[7]))
        e = np.fromfile(sys.argv[5], dtype=np.int32).astype(np.int64)
        src, dst = e[:m], e[m:]
        del e
        a = norm_adj(n, src, dst)
        del src, dst
        g = torch.Generator().manual_seed(20261123)
        x = torch.randn(n, f, generator=g)
        y = torch.randint(0, 8, (n,), generator=g)
        bench("random", x, y, a, np.ones(n, dtype=bool), 8, int(sys.argv[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
