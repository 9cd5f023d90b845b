-- feature_selection.lua: a binary GA choosing the process variables a
-- k-nearest-neighbour fault classifier should use.
--   twingraph scripts/lua/examples/feature_selection.lua [DATA_CSV] [--k K] [--folds F]
--             [--seed S] [--population P] [--generations G] [--json]
-- DATA_CSV defaults to data/tep/tep_subset.csv (Tennessee Eastman: normal
-- operation and six step faults, 52 variables; data/tep/SOURCE.md), with
-- columns split (train|test), class, then the features.
--
-- Fitness of a subset: the k-fold cross-validated accuracy of k-NN on the
-- training rows only, minus 1e-5 per feature (a tie-breaker: 52 features
-- cost less than one training row's worth of accuracy, 1/350).  The test
-- rows are used once at the end, for the selected subset and for all
-- features, so the reported test accuracy is not biased by the search.
-- Baseline: greedy forward selection on the same fitness (add the feature
-- that helps most while the fitness rises).
local here = arg[0]:match("^(.*)/examples/[%w_]+%.lua$") or "."
package.path = here .. "/lib/?.lua;" .. package.path
local root = here:gsub("/?scripts/lua$", "")
if root == "" then root = "." end
local cliargs = require("cliargs")
local spec = {
  usage = "feature_selection.lua [DATA_CSV] [--k K] [--folds F] [--seed S] [--population P] [--generations G] [--json]",
  about = "GA feature selection for a k-NN classifier; accuracy with and without selection.",
  rest = true,
  options = {
    {"--k", "K", "neighbours (default 5)", integer = true, min = 1, default = 5},
    {"--folds", "F", "cross-validation folds on the training rows (default 5)", integer = true, min = 2, default = 5},
    {"--seed", "S", "GA seed (default 1)", integer = true, default = 1},
    {"--population", "P", "GA population (default 40)", integer = true, min = 2, default = 40},
    {"--generations", "G", "GA generations (default 40)", integer = true, min = 1, default = 40},
    {"--json", nil, "print one JSON object"},
  },
}
local a = cliargs.parse(arg, spec)
local path = a.rest[1] or (root .. "/data/tep/tep_subset.csv")
local k, folds, seed, pop, gens = a.k, a.folds, a.seed, a.population, a.generations

-- TEP variable names (Downs & Vogel 1993): XMEAS(1..41), XMV(1..11).
local function tep_name(j) return j <= 41 and ("XMEAS(%d)"):format(j) or ("XMV(%d)"):format(j - 41) end

local function read(file)
  local f = assert(io.open(file, "r"))
  local header = f:read("l")
  local names = {}
  for w in header:gmatch("[^,]+") do names[#names + 1] = w end
  if names[1] ~= "split" or names[2] ~= "class" then error(file .. ":1: header must start with split,class") end
  local d = #names - 2
  local sets = {train = {rows = {}, labels = {}}, test = {rows = {}, labels = {}}}
  local line = 1
  for l in f:lines() do
    line = line + 1
    local cells = {}
    for w in l:gmatch("[^,]+") do cells[#cells + 1] = w end
    local set = sets[cells[1]]
    if not set or #cells ~= d + 2 then error(("%s:%d: expected split,class and %d numbers"):format(file, line, d)) end
    local row = {}
    for j = 1, d do
      row[j] = tonumber(cells[j + 2]) or error(("%s:%d: column %d is not a number"):format(file, line, j + 2))
    end
    set.rows[#set.rows + 1] = row
    set.labels[#set.labels + 1] = cells[2]
  end
  f:close()
  return sets, d
end

cliargs.run(function()
  local sets, d = read(path)
  local train = tg.ga.dataset(sets.train.rows, sets.train.labels)
  -- Train rows then test rows, for the hold-out score.
  local rows, labels = {}, {}
  for _, s in ipairs{sets.train, sets.test} do
    for i = 1, #s.rows do rows[#rows + 1] = s.rows[i]; labels[#labels + 1] = s.labels[i] end
  end
  local both = tg.ga.dataset(rows, labels)
  local ntrain = #sets.train.rows

  local cache, evals = {}, 0
  local function fitness(x)
    local key = table.concat(x)
    local f = cache[key]
    if not f then
      evals = evals + 1
      local n = 0
      for j = 1, d do n = n + x[j] end
      f = train:knn_accuracy{features = x, k = k, folds = folds} - 1e-5 * n
      cache[key] = f
    end
    return f
  end
  local t0 = tg.clock()
  local r = tg.ga.run{encoding = "binary", length = d, population = pop, generations = gens, seed = seed,
                      crossover = "uniform", tournament = 3, elite = 2, fitness = fitness}
  local secs, ga_distinct = tg.clock() - t0, evals
  -- Greedy forward selection, same fitness, same cache.
  t0 = tg.clock()
  local fwd, fwd_f = {}, nil
  for j = 1, d do fwd[j] = 0 end
  fwd_f = fitness(fwd)
  while true do
    local bj, bf = nil, fwd_f
    for j = 1, d do
      if fwd[j] == 0 then
        fwd[j] = 1
        local f = fitness(fwd)
        if f > bf then bj, bf = j, f end
        fwd[j] = 0
      end
    end
    if not bj then break end
    fwd[bj], fwd_f = 1, bf
  end
  local fwd_secs, fwd_n = tg.clock() - t0, 0
  for j = 1, d do fwd_n = fwd_n + fwd[j] end
  local chosen, names = {}, {}
  for j = 1, d do if r.best[j] == 1 then chosen[#chosen + 1] = j; names[#names + 1] = tep_name(j) end end
  local out = {
    data = path, classes = 7, train_rows = ntrain, test_rows = #rows - ntrain, k = k, folds = folds, seed = seed,
    features_all = d, features_selected = #chosen, selected = names,
    cv_all = train:knn_accuracy{k = k, folds = folds},
    cv_selected = train:knn_accuracy{features = r.best, k = k, folds = folds},
    test_all = both:knn_accuracy{k = k, train = ntrain},
    test_selected = both:knn_accuracy{features = r.best, k = k, train = ntrain},
    ga_evaluations = r.evaluations, distinct_subsets = ga_distinct, seconds = secs,
    forward = {features = fwd_n, cv = train:knn_accuracy{features = fwd, k = k, folds = folds},
               test = both:knn_accuracy{features = fwd, k = k, train = ntrain}, seconds = fwd_secs},
  }
  if a.json then print(tg.json.encode(out)); return end
  print(("%s: %d training and %d test rows, %d classes, %d features; %d-NN"):format(
    path, ntrain, #rows - ntrain, out.classes, d, k))
  print(("  %-22s %8s %14s %14s"):format("features", "count", folds .. "-fold CV acc", "test acc"))
  print(("  %-22s %8d %14.3f %14.3f"):format("all", d, out.cv_all, out.test_all))
  print(("  %-22s %8d %14.3f %14.3f"):format("GA-selected", #chosen, out.cv_selected, out.test_selected))
  print(("  %-22s %8d %14.3f %14.3f"):format("greedy forward", fwd_n, out.forward.cv, out.forward.test))
  print(("  GA-selected: %s"):format(table.concat(names, " ")))
  print(("  GA: %d evaluations (%d distinct subsets) in %.1f s; greedy forward: %d more subsets in %.1f s"):format(
    r.evaluations, ga_distinct, secs, evals - ga_distinct, fwd_secs))
end)
