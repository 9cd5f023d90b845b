"""peer_rap_deap.py: a plain DEAP GA on the redundancy allocation problem,
the comparison the issue quotes ("a plain DEAP GA reaches only 0.977 to
0.982 at W=191").  Genes: the count of each component type in each
subsystem (0..max); fitness: system reliability, times a penalty factor
(R * 0.5**excess) for designs over the cost or weight limit or with a
subsystem outside 1..max components; eaSimple with tournament(3),
two-point crossover (0.8), uniform-integer mutation (1/genes a gene),
population 200 for 500 generations (about 100,000 evaluations).

Usage: /usr/bin/python3 bench/peer_rap_deap.py data/rap/fyffe_nm33.txt W [seeds]
Prints RESULT lines: deap_best_W, deap_mean_W, deap_ms_W (per run)."""
import random
import sys
import time

from deap import algorithms, base, creator, tools


def read(path):
    subs, lim = [], {}
    for line in open(path):
        f = line.split("#")[0].split()
        if not f:
            continue
        if f[0] == "subsystem":
            subs.append([])
        elif f[0] == "choice":
            subs[-1].append(tuple(float(v) for v in f[2:5]))
        else:
            lim[f[0]] = f[1]
    return subs, float(lim["cost_limit"]), int(lim.get("max_per_subsystem", 8))


def main():
    path, W = sys.argv[1], float(sys.argv[2])
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    subs, C, kmax = read(path)
    slots = [(i, j) for i, s in enumerate(subs) for j in range(len(s))]

    def evaluate(ind):
        r, c, w, excess = 1.0, 0.0, 0.0, 0.0
        pos = 0
        for s in subs:
            q, n = 1.0, 0
            for (ri, ci, wi) in s:
                k = ind[pos]
                pos += 1
                q *= (1 - ri) ** k
                c += k * ci
                w += k * wi
                n += k
            r *= 1 - q
            excess += max(0, 1 - n) + max(0, n - kmax)
        excess += max(0.0, c - C) + max(0.0, w - W)
        return (r * 0.5 ** excess,)

    creator.create("FitnessMax", base.Fitness, weights=(1.0,))
    creator.create("Individual", list, fitness=creator.FitnessMax)
    tb = base.Toolbox()
    tb.register("gene", random.randint, 0, 3)
    tb.register("individual", tools.initRepeat, creator.Individual, tb.gene, n=len(slots))
    tb.register("population", tools.initRepeat, list, tb.individual)
    tb.register("evaluate", evaluate)
    tb.register("mate", tools.cxTwoPoint)
    tb.register("mutate", tools.mutUniformInt, low=0, up=kmax, indpb=1.0 / len(slots))
    tb.register("select", tools.selTournament, tournsize=3)
    best = []
    t0 = time.perf_counter()
    for seed in range(1, seeds + 1):
        random.seed(seed)
        pop = tb.population(n=200)
        hof = tools.HallOfFame(1)
        algorithms.eaSimple(pop, tb, cxpb=0.8, mutpb=0.2, ngen=500, halloffame=hof, verbose=False)
        ind = hof[0]
        val = evaluate(ind)[0]
        best.append(val)
        print(f"W={W:g} seed {seed}: {val:.6f}")
    ms = 1000 * (time.perf_counter() - t0) / seeds
    w = int(W)
    print(f"RESULT deap_best_{w} {max(best):.6f}")
    print(f"RESULT deap_mean_{w} {sum(best) / len(best):.6f}")
    print(f"RESULT deap_ms_{w} {ms:.1f}")


main()
