#!/usr/bin/python3
"""Golden learning rates for tests/gnn/test_gnn_tasks.c, printed by PyTorch's
own schedulers (torch.optim.lr_scheduler, Debian's python3-torch).

For each case: the rate in force during epochs 0, 1, 2, ... (read from the
optimizer before optimizer.step(); scheduler.step() after it), as C rows.
Run: /usr/bin/python3 tests/gnn/make_golden_tasks.py
"""
import warnings

import torch
from torch.optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, LinearLR, ReduceLROnPlateau,
                                      SequentialLR, StepLR)

warnings.filterwarnings("ignore")


def opt(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def rates(o, sched, epochs, metrics=None):
    out = []
    for e in range(epochs):
        out.append(o.param_groups[0]["lr"])
        o.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
    return out


# A deterministic validation-loss curve: falls, stalls, falls a little, stalls.
METRICS = [1.0 / (1 + e) if e < 8 else (0.125 if e < 20 else (0.12 - 0.001 * (e - 20) if e < 25 else 0.115))
           for e in range(40)]

cases = []
o = opt(0.01)
cases.append(("cosine T=50 lr_min=1e-4", rates(o, CosineAnnealingLR(o, T_max=50, eta_min=1e-4), 51)))
o = opt(0.01)
s = SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=5), CosineAnnealingLR(o, T_max=45, eta_min=0.0)],
                 milestones=[5])
cases.append(("warm-up 5 from 0.1, cosine T=45", rates(o, s, 50)))
o = opt(0.05)
cases.append(("exponential 0.9", rates(o, ExponentialLR(o, gamma=0.9), 30)))
o = opt(0.01)
s = SequentialLR(o, [LinearLR(o, start_factor=1 / 3, total_iters=4), ExponentialLR(o, gamma=0.8)], milestones=[4])
cases.append(("warm-up 4 from 1/3, exponential 0.8", rates(o, s, 20)))
o = opt(0.1)
cases.append(("step 10 x 0.5", rates(o, StepLR(o, step_size=10, gamma=0.5), 35)))
o = opt(0.1)
s = ReduceLROnPlateau(o, mode="min", factor=0.5, patience=3, threshold=1e-4, threshold_mode="rel", cooldown=1,
                      min_lr=0.02)
cases.append(("plateau 0.5 patience 3 cooldown 1 min 0.02", rates(o, s, 40, METRICS)))

print("/* torch %s */" % torch.__version__)
print("static const double METRICS[40] = {%s};" % ", ".join("%.17g" % v for v in METRICS))
for name, r in cases:
    print("/* %s */" % name)
    print("{%d, {%s}}," % (len(r), ", ".join("%.17g" % v for v in r)))
