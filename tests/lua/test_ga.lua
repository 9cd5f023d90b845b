-- tg.ga: GA runs with the fitness written in Lua (optima known exactly),
-- determinism per seed, NSGA-II hypervolume, errors raised by callbacks
-- propagating unchanged, and the k-NN accuracy on a case worked by hand.
local T = ...

T.test("OneMax and a permutation problem reach their optima", function()
  local calls = 0
  local r = tg.ga.run{encoding = "binary", length = 32, population = 30, generations = 80, seed = 3,
    fitness = function(x) calls = calls + 1; local s = 0; for i = 1, #x do s = s + x[i] end; return s end}
  T.eq(r.fitness, 32, "OneMax optimum")
  T.eq(#r.best, 32, "genes")
  T.eq(calls, r.evaluations, "one call per evaluation")
  T.eq(#r.history, r.generations + 1, "history: initial population + one line per generation")
  -- Sorting: the permutation maximising sum i * p[i] is the identity
  -- (rearrangement inequality), 1..n based in Lua.
  local n = 7
  local p = tg.ga.run{encoding = "permutation", length = n, population = 40, generations = 150, seed = 1,
    crossover = "pmx", fitness = function(x) local s = 0; for i = 1, n do s = s + i * x[i] end; return s end}
  for i = 1, n do T.eq(p.best[i], i, "identity at " .. i) end
  T.eq(p.fitness, 140, "sum of i^2 for i = 1..7")
end)

T.test("initial individuals", function()
  -- Started from the optimum of a deceptive trap (all zeros scores n + 1,
  -- every other string its count of ones), the GA keeps it; without it, a
  -- short run does not find it (the slope leads to all ones).
  local function trap(x) local s = 0; for i = 1, #x do s = s + x[i] end; return s == 0 and #x + 1 or s end
  local zeros = {}
  for i = 1, 30 do zeros[i] = 0 end
  local r = tg.ga.run{encoding = "binary", length = 30, population = 10, generations = 5, seed = 1,
                      initial = {zeros}, fitness = trap}
  T.eq(r.fitness, 31); T.eq(r.evaluations_at_best, 1, "the first individual evaluated")
  local q = tg.ga.run{encoding = "binary", length = 30, population = 10, generations = 5, seed = 1, fitness = trap}
  T.truthy(q.fitness < 31, "not found without it")
  local p = tg.ga.run{encoding = "permutation", length = 4, population = 6, generations = 0, initial = {{4, 3, 2, 1}},
                      fitness = function(x) return x[1] end}
  T.eq(p.fitness, 4); T.eq(table.concat(p.best, " "), "4 3 2 1", "1-based permutations in and out")
  T.raises(function()
    tg.ga.run{encoding = "permutation", length = 3, initial = {{1, 1, 2}}, fitness = function() return 1 end}
  end, "initial individual 1 is not valid")
  T.raises(function() tg.ga.run{encoding = "binary", length = 3, initial = {{1, 0}}, fitness = print} end,
           "initial[1] must be an array of 3 genes")
end)

T.test("log_csv writes the history; refused in the sandbox", function()
  local file = os.tmpname()
  local r = tg.ga.run{encoding = "binary", length = 10, population = 8, generations = 4, log_csv = file,
                      fitness = function(x) return x[1] + x[2] end}
  local text = T.read(file)
  os.remove(file)
  local lines = {}
  for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
  T.eq(lines[1], "generation,evals,best,mean,worst,feasible,front")
  T.eq(#lines, #r.history + 1, "one line per generation")
  local g, e, best = lines[#lines]:match("^(%d+),(%d+),([^,]+)")
  T.eq(tonumber(g), r.generations); T.eq(tonumber(e), r.evaluations); T.eq(tonumber(best), r.history[#r.history].best)
  local code, _, err = T.run(T.prog .. [[ --sandbox -e 'tg.ga.run{encoding = "binary", length = 4, log_csv = "/tmp/x.csv",
    fitness = function(x) return 1 end}']])
  T.eq(code, 1); T.truthy(err:find("not allowed in the sandbox", 1, true), err)
end)

T.test("same seed, same run; the log callback sees every generation and can stop", function()
  local function run(seed, log)
    return tg.ga.run{encoding = "integer", length = 6, lower = -5, upper = 5, population = 12, generations = 20,
      seed = seed, log = log, fitness = function(x) local s = 0; for i = 1, 6 do s = s - x[i] * x[i] end; return s end}
  end
  local a, b = run(7), run(7)
  T.eq(tg.json.encode(a), tg.json.encode(b), "identical results")
  local seen = {}
  local c = run(7, function(s) seen[#seen + 1] = s.generation; return s.generation == 4 end)
  T.eq(#seen, 5, "generations 0..4 logged")
  T.eq(c.generations, 4, "stopped after generation 4")
  T.eq(c.history[3].mean, a.history[3].mean, "same stream until the stop")
end)

T.test("NSGA-II on ZDT1: hypervolume near the true front's 2/3", function()
  local n = 10
  local r = tg.ga.run{encoding = "real", length = n, lower = 0, upper = 1, objectives = 2, minimize = true,
    population = 60, generations = 150, seed = 2, sbx_eta = 20,
    fitness = function(x)
      local s = 0
      for i = 2, n do s = s + x[i] end
      local g = 1 + 9 * s / (n - 1)
      return {x[1], g * (1 - math.sqrt(x[1] / g))}
    end}
  local pts = {}
  for i, p in ipairs(r.front) do pts[i] = p.objectives end
  local hv = tg.ga.hypervolume(pts, {1, 1})
  -- Staircase deficit of 60 points evenly spaced on f2 = 1 - sqrt(f1) is
  -- about 0.008; allow that plus 1 % of 2/3 (as in tests/ga/test_ga.c).
  local even = {}
  for i = 0, #pts - 1 do local f1 = i / (#pts - 1); even[i + 1] = {f1, 1 - math.sqrt(f1)} end
  local tol = (2 / 3 - tg.ga.hypervolume(even, {1, 1})) + 0.01 * 2 / 3
  T.truthy(hv <= 2 / 3 + 1e-12 and 2 / 3 - hv <= tol, ("hypervolume %.4f, tolerance %.4f"):format(hv, tol))
  T.eq(tg.ga.hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6, "hand example")
end)

T.test("repair, penalty and constraint violations", function()
  -- Pick exactly 3 of 10 items maximising the sum of their indices; a
  -- greedy repair (as for knapsacks: drop the least valuable chosen, add
  -- the most valuable missing) keeps every individual at exactly 3.
  local counts_ok = true
  local r = tg.ga.run{encoding = "binary", length = 10, population = 20, generations = 60, seed = 4,
    repair = function(x)
      local c = 0
      for i = 1, 10 do c = c + x[i] end
      for i = 1, 10 do if c > 3 and x[i] == 1 then x[i] = 0; c = c - 1 end end
      for i = 10, 1, -1 do if c < 3 and x[i] == 0 then x[i] = 1; c = c + 1 end end
    end,
    fitness = function(x)
      local s, c = 0, 0
      for i = 1, 10 do s = s + i * x[i]; c = c + x[i] end
      if c ~= 3 then counts_ok = false end
      return s
    end}
  T.eq(r.fitness, 27, "8 + 9 + 10")
  T.truthy(counts_ok, "every evaluated individual was repaired to 3 items")
  local q = tg.ga.run{encoding = "real", length = 2, lower = -2, upper = 2, population = 30, generations = 100,
    seed = 5, constraints = "penalty", penalty = 100,
    fitness = function(x) return x[1] + x[2], math.max(0, x[1] * x[1] + x[2] * x[2] - 1) end}
  -- max x + y on the unit disc: sqrt(2) at (1/sqrt 2, 1/sqrt 2); the
  -- penalty allows slightly infeasible points: at most 1/penalty gained.
  T.truthy(math.abs(q.fitness - math.sqrt(2)) < 0.02, "penalty optimum " .. q.fitness)
end)

T.test("errors raised by callbacks propagate unchanged", function()
  local ok, err = pcall(tg.ga.run, {encoding = "binary", length = 8, population = 10, generations = 5,
    fitness = function(x) error({code = 42}) end})
  T.eq(ok, false); T.eq(type(err), "table", "the error object itself"); T.eq(err.code, 42)
  T.raises(function()
    tg.ga.run{encoding = "binary", length = 8, population = 10, generations = 5, fitness = function(x) return "x" end}
  end, "fitness must return a number")
  local n = 0
  T.raises(function()
    tg.ga.run{encoding = "binary", length = 8, population = 10, generations = 5,
      fitness = function(x) n = n + 1; if n == 17 then error("boom at 17") end; return 1 end}
  end, "boom at 17")
  T.raises(function()
    tg.ga.run{encoding = "permutation", length = 5, fitness = function() return 1 end,
      repair = function(x) x[1] = x[2] end}
  end, "no permutation")
  T.raises(function() tg.ga.run{encoding = "real", length = 2, fitness = print} end, "'lower'")
  T.raises(function() tg.ga.run{encoding = "binary", length = 4, crossover = "sbx", fitness = print} end,
           "SBX is for real encoding")
  T.raises(function() tg.ga.run{encoding = "bits", length = 4, fitness = print} end, "field 'encoding' must be one of")
  T.raises(function() tg.ga.run{encoding = "binary", length = 4, fitness = print, colour = 1} end, "colour")
  T.raises(function() tg.ga.run{encoding = "binary", length = 4, fitness = function() return 1 end,
                                log = function() error("in log") end} end,
           "in log")
  collectgarbage()
end)

T.test("k-NN cross-validated accuracy (worked by hand in tests/ga/test_ga.c)", function()
  local d = tg.ga.dataset({{0, 5}, {1, -3}, {10, 7}, {11, 0}, {2, 2}, {12, -1}}, {"a", "a", "b", "b", "a", "b"})
  local n, m = d:size()
  T.eq(n, 6); T.eq(m, 2)
  T.eq(d:knn_accuracy{features = {true, false}, k = 1, folds = 2}, 1.0, "k = 1")
  T.near(d:knn_accuracy{features = {1, 0}, k = 3, folds = 2}, 2 / 6, 1e-15, "k = 3")
  T.raises(function() d:knn_accuracy{features = {true}} end, "array of 2 flags")
  T.raises(function() tg.ga.dataset({{1}, {2, 3}}, {0, 1}) end, "row 2 must hold 1 numbers")
end)

-- Golden values from tests/ga/make_golden.py (numpy, an independent
-- implementation of the same k-NN definition) on data/tep/tep_subset.csv.
T.test("k-NN on the Tennessee Eastman subset equals the numpy reference", function()
  local train, all = {rows = {}, labels = {}}, {rows = {}, labels = {}}
  local test = {rows = {}, labels = {}}
  local first = true
  for line in T.read(T.root .. "/data/tep/tep_subset.csv"):gmatch("[^\n]+") do
    if first then first = false else
      local cells = {}
      for w in line:gmatch("[^,]+") do cells[#cells + 1] = w end
      local row = {}
      for j = 3, #cells do row[#row + 1] = tonumber(cells[j]) end
      local set = cells[1] == "train" and train or test
      set.rows[#set.rows + 1] = row
      set.labels[#set.labels + 1] = tonumber(cells[2])
    end
  end
  T.eq(#train.rows, 350); T.eq(#test.rows, 350)
  local d = tg.ga.dataset(train.rows, train.labels)
  T.near(d:knn_accuracy{k = 5, folds = 5}, 0.59428571428571431, 1e-15, "all features")
  local first10 = {}
  for j = 1, 52 do first10[j] = j <= 10 end
  T.near(d:knn_accuracy{k = 5, folds = 5, features = first10}, 0.55428571428571427, 1e-15, "features 1..10")
  for _, s in ipairs{train, test} do
    for i = 1, #s.rows do all.rows[#all.rows + 1] = s.rows[i]; all.labels[#all.labels + 1] = s.labels[i] end
  end
  local b = tg.ga.dataset(all.rows, all.labels)
  T.near(b:knn_accuracy{k = 5, train = 350}, 0.56285714285714283, 1e-15, "hold-out, all features")
end)

T.test("study scripts: sensor placement and feature selection", function()
  local code, out, err = T.run(T.prog .. " " .. T.root .. "/scripts/lua/examples/sensor_placement.lua " ..
    T.root .. "/models/lhc_sector.graphml --sensors 10 --generations 20 --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.plant.components, 439)
  T.eq(#j.plant.ga.sensors, 10)
  T.truthy(j.plant.ga.isolable <= j.plant.ga.detectable, "isolable faults are detectable")
  -- Started from the greedy placement, elitism keeps at least its objective.
  local function pobj(r) return r.isolable + r.detectable / (j.plant.components + 1) end
  T.truthy(pobj(j.plant.ga_from_greedy) >= pobj(j.plant.greedy) - 1e-12, "seeded GA >= greedy")
  -- The exhaustive optimum bounds every method on the cold boxes.
  local cb = j.cold_boxes
  T.eq(cb.subsets, 52360, "C(35, 4)")
  local function obj(r) return r.isolable + r.detectable / (cb.components + 1) end
  T.truthy(obj(cb.exhaustive) >= obj(cb.ga) and obj(cb.exhaustive) >= obj(cb.greedy), "exhaustive is optimal")
  T.eq(cb.ga_optimal, obj(cb.ga) >= obj(cb.exhaustive) - 1e-12)
  code, out, err = T.run(T.prog .. " " .. T.root .. "/scripts/lua/examples/feature_selection.lua --population 10 " ..
    "--generations 3 --json")
  T.eq(code, 0, "exit " .. err)
  j = tg.json.decode(out)
  T.near(j.cv_all, 0.59428571428571431, 1e-15, "all features, as the numpy reference")
  T.near(j.test_all, 0.56285714285714283, 1e-15)
  T.eq(j.features_selected, #j.selected)
  T.eq(j.ga_evaluations, 10 + 3 * (10 - 2), "initial population, then 8 children per generation (2 elites)")
  T.truthy(j.distinct_subsets <= j.ga_evaluations, "the cache only saves evaluations")
  T.truthy(j.forward.features >= 1 and j.forward.cv > j.cv_all, "forward selection improves on all features")
end)

T.test("study scripts refuse bad integer options before running", function()
  local ex = T.prog .. " " .. T.root .. "/scripts/lua/examples/feature_selection.lua"
  for _, c in ipairs{{"--population 2.5", "option %-%-population needs an integer, got '2.5'"},
                     {"--k x", "option %-%-k needs an integer, got 'x'"},
                     {"--folds 1", "option %-%-folds must be at least 2, got 1"}} do
    local code, out, err = T.run(ex .. " " .. c[1])
    T.eq(code, 2, c[1] .. ": usage error")
    T.eq(out, "", c[1] .. ": nothing on stdout")
    T.truthy(err:find(c[2]), c[1] .. ": " .. err)
  end
end)

T.test("memory and instruction caps inside the fitness function", function()
  -- Out of memory inside fitness: caught by the binding's pcall, the engine
  -- frees its memory, the error is raised again (LSan checks the leak in
  -- the SANITIZE build).
  local code, out, err = T.run(T.prog .. [[ --max-memory 16M -e 'local t = {}
    local ok, e = pcall(tg.ga.run, {encoding = "real", lower = 0, upper = 1, length = 8, population = 10,
      generations = 50, fitness = function(x) for i = 1, 1e5 do t[#t + 1] = {i} end; return 1 end})
    t = nil; collectgarbage(); print(ok, e)
    print(tg.ga.run{encoding = "binary", length = 8, population = 10, generations = 5,
      fitness = function(x) return x[1] end}.fitness)']])
  T.eq(code, 0, "exit " .. err)
  T.eq(out, "false\tnot enough memory\n1.0\n")
  -- The instruction cap keeps firing: pcall cannot swallow it.
  code, out, err = T.run(T.prog .. [[ --max-instructions 1e6 -e 'print(pcall(tg.ga.run,
    {encoding = "binary", length = 8, fitness = function(x) while true do end end}))']])
  T.eq(code, 1); T.truthy(err:find("instruction limit", 1, true), err)
end)
