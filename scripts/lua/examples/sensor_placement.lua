-- sensor_placement.lua: where to put k sensors on a plant so that as many
-- single faults as possible are detectable and distinguishable.
--   twingraph scripts/lua/examples/sensor_placement.lua [GRAPH] [--sensors K] [--hops H]
--             [--seed S] [--generations G] [--json]
-- GRAPH defaults to models/lhc_sector.graphml.  The GA runs from a random
-- population, and again with the greedy placement among its initial individuals.  The propagation model
-- (a fault is seen within H hops downstream) is documented in
-- scripts/lua/lib/sensors.lua.  Compares the GA with a greedy placement
-- and random placements on the whole plant, and with the exhaustive
-- optimum on the cold boxes (the 35-node subgraph of the upper and lower
-- cold boxes, 4 sensors; faults and propagation restricted to it).
local here = arg[0]:match("^(.*)/examples/[%w_]+%.lua$") or "."
package.path = here .. "/lib/?.lua;" .. package.path
local root = here:gsub("/?scripts/lua$", "")
if root == "" then root = "." end
local cliargs = require("cliargs")
local sensors = require("sensors")
local spec = {
  usage = "sensor_placement.lua [GRAPH] [--sensors K] [--hops H] [--seed S] [--generations G] [--json]",
  about = "GA sensor placement for fault detection and isolation, against greedy and exhaustive search.",
  rest = true,
  options = {
    {"--sensors", "K", "sensors on the whole plant (default 20)", integer = true, min = 1, default = 20},
    {"--hops", "H", "propagation range in edges (default 3)", integer = true, min = 0, default = 3},
    {"--seed", "S", "GA seed (default 1)", integer = true, default = 1},
    {"--generations", "G", "GA generations (default 300, population 100)", integer = true, min = 1, default = 300},
    {"--json", nil, "print one JSON object"},
  },
}
local a = cliargs.parse(arg, spec)
local path = a.rest[1] or (root .. "/models/lhc_sector.graphml")
local k, hops, seed, gens = a.sensors, a.hops, a.seed, a.generations

cliargs.run(function()
  local g = tg.graph.load(path)
  local out = {graph = path, sensors = k, hops = hops, seed = seed}
  local function say(...) if not a.json then print(string.format(...)) end end

  -- Whole plant: GA vs greedy vs random placements.
  local m = sensors.model(g, hops)
  say("%s: %d components, %d sensors, faults seen within %d hops downstream", path, m.n, k, hops)
  local t0 = tg.clock()
  local gs, gf = sensors.greedy(m, k)
  local t_greedy = tg.clock() - t0
  t0 = tg.clock()
  local best, f, r = sensors.ga(m, k, {seed = seed, generations = gens})
  local t_ga = tg.clock() - t0
  t0 = tg.clock()
  local sbest, _, sr = sensors.ga(m, k, {seed = seed, generations = gens, initial = {gs}})
  local t_seeded = tg.clock() - t0
  local rng_state = seed
  local function rnd(n) rng_state = (rng_state * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff; return rng_state % n + 1 end
  local sum_iso, trials = 0, 200
  for _ = 1, trials do
    local pick, used = {}, {}
    while #pick < k do local v = rnd(m.n); if not used[v] then used[v] = true; pick[#pick + 1] = v end end
    sum_iso = sum_iso + sensors.score(m, pick)
  end
  local iso_ga, det_ga = sensors.score(m, best)
  local iso_gr, det_gr = sensors.score(m, gs)
  local iso_sd, det_sd = sensors.score(m, sbest)
  say("  %-28s %9s %11s %11s %8s", "method", "isolable", "detectable", "evaluations", "seconds")
  say("  %-28s %9.1f %11s %11s %8s", "random (mean of 200)", sum_iso / trials, "", "", "")
  say("  %-28s %9d %11d %11d %8.2f", "greedy", iso_gr, det_gr, k * m.n, t_greedy)
  say("  %-28s %9d %11d %11d %8.2f", "GA (seed " .. seed .. ")", iso_ga, det_ga, r.evaluations, t_ga)
  say("  %-28s %9d %11d %11d %8.2f", "GA from the greedy placement", iso_sd, det_sd, sr.evaluations, t_seeded)
  say("  GA sensors: %s", table.concat(sensors.names(m, best), " "))
  out.plant = {components = m.n, random_isolable_mean = sum_iso / trials,
               greedy = {isolable = iso_gr, detectable = det_gr, sensors = sensors.names(m, gs), seconds = t_greedy},
               ga = {isolable = iso_ga, detectable = det_ga, sensors = sensors.names(m, best),
                     evaluations = r.evaluations, seconds = t_ga},
               ga_from_greedy = {isolable = iso_sd, detectable = det_sd, sensors = sensors.names(m, sbest),
                                 evaluations = sr.evaluations, seconds = t_seeded}}

  -- Cold boxes: small enough for the exhaustive optimum.
  local ids = {}
  for _, id in ipairs(g:nodes()) do
    local s = g:get(id, "section")
    if s == "upper_cold_box" or s == "lower_cold_box" then ids[#ids + 1] = id end
  end
  if #ids >= 8 then
    local sub = g:subgraph(ids)
    local ms = sensors.model(sub, hops)
    local ks = 4
    t0 = tg.clock()
    local eb, ef, tried = sensors.exhaustive(ms, ks)
    local t_ex = tg.clock() - t0
    local sb, sf = sensors.ga(ms, ks, {seed = seed, population = 100, generations = 100})
    local gb, gfs = sensors.greedy(ms, ks)
    local ie, de = sensors.score(ms, eb)
    local ig, dg = sensors.score(ms, sb)
    local ir, dr = sensors.score(ms, gb)
    say("cold boxes: %d components, %d sensors", ms.n, ks)
    say("  exhaustive (%d subsets, %.2f s): %d isolable, %d detectable: %s", tried, t_ex, ie, de,
        table.concat(sensors.names(ms, eb), " "))
    say("  greedy: %d isolable, %d detectable; GA: %d isolable, %d detectable (%s)", ir, dr, ig, dg,
        sf >= ef - 1e-12 and "optimal" or ig == ie and "optimal isolable count, fewer detectable" or "below the optimum")
    out.cold_boxes = {components = ms.n, sensors = ks, subsets = tried,
                      exhaustive = {isolable = ie, detectable = de, sensors = sensors.names(ms, eb)},
                      greedy = {isolable = ir, detectable = dr}, ga = {isolable = ig, detectable = dg},
                      ga_optimal = sf >= ef - 1e-12}
  end
  if a.json then print(tg.json.encode(out)) end
end)
