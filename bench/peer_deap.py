#!/usr/bin/python3
"""DEAP's NSGA-II on ZDT1 with the settings of bench/bench_ga.c: 30
variables in [0, 1], population 100, 250 generations (25,000 evaluations),
mating by selTournamentDCD, SBX (cxSimulatedBinaryBounded, eta 20) with
probability 0.9, polynomial mutation (mutPolynomialBounded, eta 20, 1/30
per variable), survival by selNSGA2.  Best time of N seeds and mean
hypervolume of the final first front to (1, 1), computed here by the same
sweep as tg_ga_hypervolume2.

usage: peer_deap.py [N]   prints RESULT ga_zdt1_peer / ga_zdt1_hv_peer."""
import math
import random
import sys
import time

from deap import base, creator, tools

N = 30


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (N - 1)
    return x[0], g * (1 - math.sqrt(x[0] / g))


def hv2(points, ref=(1.0, 1.0)):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    best2, area = ref[1], 0.0
    for f1, f2 in pts:
        if f2 < best2:
            area += (ref[0] - f1) * (best2 - f2)
            best2 = f2
    return area


creator.create("FitMin2", base.Fitness, weights=(-1.0, -1.0))
creator.create("Ind", list, fitness=creator.FitMin2)
tb = base.Toolbox()
tb.register("attr", random.random)
tb.register("individual", tools.initRepeat, creator.Ind, tb.attr, N)
tb.register("population", tools.initRepeat, list, tb.individual)
tb.register("evaluate", zdt1)
tb.register("mate", tools.cxSimulatedBinaryBounded, low=0.0, up=1.0, eta=20.0)
tb.register("mutate", tools.mutPolynomialBounded, low=0.0, up=1.0, eta=20.0, indpb=1.0 / N)
tb.register("select", tools.selNSGA2)


def run(seed):
    random.seed(seed)
    pop = tb.population(n=100)
    for ind in pop:
        ind.fitness.values = tb.evaluate(ind)
    pop = tb.select(pop, len(pop))       # assigns crowding distances
    for _ in range(249):
        off = [tb.clone(i) for i in tools.selTournamentDCD(pop, len(pop))]
        for a, b in zip(off[::2], off[1::2]):
            if random.random() <= 0.9:
                tb.mate(a, b)
            tb.mutate(a)
            tb.mutate(b)
            del a.fitness.values, b.fitness.values
        for ind in off:
            ind.fitness.values = tb.evaluate(ind)
        pop = tb.select(pop + off, 100)
    front = tools.sortNondominated(pop, len(pop), first_front_only=True)[0]
    return hv2([ind.fitness.values for ind in front])


reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
best, hvs = float("inf"), []
for r in range(reps):
    t0 = time.perf_counter()
    hv = run(r + 1)
    t = time.perf_counter() - t0
    best = min(best, t)
    hvs.append(hv)
    print("  deap seed %d: %.3f s, hypervolume %.5f" % (r + 1, t, hv))
print("RESULT ga_zdt1_peer %.6f\nRESULT ga_zdt1_hv_peer %.6f" % (best, sum(hvs) / len(hvs)))
