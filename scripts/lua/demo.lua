-- demo.lua: the main twingraph study, run by `make demo`.
--
-- It shows the whole engine at work on the cryogenic plant of one LHC-like
-- sector (models/lhc_sector.graphml).  Each capability of the engine adds
-- its section here.  Results are written under out/ (or the folder given
-- as the first argument).
local outdir = arg[1] or "out"
local root = (arg[0]:match("^(.*)/scripts/lua/demo%.lua$")) or "."
local function path(p) return root .. "/" .. p end
package.path = path("scripts/lua/lib/?.lua;") .. package.path
-- Everything the study prints also goes into out/report.html, one page
-- with the text of each section and its SVG pictures drawn inline.
local rep = require("report").new("twingraph: the main study of an LHC-like sector's cryogenic plant")
local rawprint = print
local function print(...)
  rawprint(...)
  rep:line(...)
end
-- Sections number themselves in the order they run ("Files" comes last).
local nsection = 0
local function section(title)
  if title ~= "Files" then
    nsection = nsection + 1
    title = nsection .. ". " .. title
  end
  rawprint(("\n== %s %s"):format(title, ("="):rep(math.max(0, 70 - #title))))
  rep:section(title)
end
local function writefile(name, text)
  local f = assert(io.open(outdir .. "/" .. name, "w"))
  f:write(text)
  f:close()
  print("  wrote " .. outdir .. "/" .. name)
end
os.execute('mkdir -p "' .. outdir .. '"')
local t_start = tg.clock()
local summary = {}

---------------------------------------------------------------------------
section("The plant as a graph")
local plant = tg.graph.load(path("models/lhc_sector.graphml"))
print(("  %s: %d components and pipes, %d flow connections"):format(
  "models/lhc_sector.graphml", plant:node_count(), plant:edge_count()))
local by_type = {}
for _, id in ipairs(plant:nodes()) do
  local t = plant:get(id, "type")
  by_type[t] = (by_type[t] or 0) + 1
end
local types = {}
for t in pairs(by_type) do types[#types + 1] = t end
table.sort(types, function(a, b) return by_type[a] > by_type[b] or (by_type[a] == by_type[b] and a < b) end)
for _, t in ipairs(types) do io.write(("  %-20s %4d\n"):format(t, by_type[t])) end
local magnets = plant:nodes("magnet_string")
local compressors = {}   -- the warm station's machines (the 1.8 K unit has its own)
for _, id in ipairs(plant:nodes("compressor")) do
  if plant:get(id, "section") == "compressor_station" then compressors[#compressors + 1] = id end
end
local heat = 0
for _, m in ipairs(magnets) do heat = heat + (plant:get(m, "heat_load") or 0) end
print(("  %d magnet strings, %.0f W of heat load at 1.9 K; %d warm compressors"):format(
  #magnets, heat, #compressors))
summary.plant = {nodes = plant:node_count(), edges = plant:edge_count(), node_types = by_type,
                 magnet_strings = #magnets, heat_load_1k9_W = heat}

---------------------------------------------------------------------------
section("Structure: single points of failure and central components")
local aps = plant:articulation_points()
print(("  %d articulation points (removing any one splits the plant graph), e.g.:"):format(#aps))
for k = 1, math.min(6, #aps) do io.write(("    %-22s %s\n"):format(aps[k], plant:get(aps[k], "type"))) end
local bc = plant:betweenness{normalized = true}
print("  highest betweenness (share of shortest flow routes through a component):")
for k, row in ipairs(bc:top(6)) do
  io.write(("    %d. %-22s %-18s %.3f\n"):format(k, row.id, plant:get(row.id, "type"), row.value))
end
local comps = plant:components{strong = true}
print(("  strongly connected components: %d (the helium loop closes: supply reaches every magnet and returns)"):format(comps.count))
summary.structure = {articulation_points = #aps, strong_components = comps.count,
                     betweenness_top = bc:top(6)}

---------------------------------------------------------------------------
section("Supply routes from the compressor discharge")
local dist = plant:distances("CS_DISCHARGE", {weights = "length"})
local far, far_d = nil, -1
for _, m in ipairs(magnets) do
  if dist[m] > far_d then far, far_d = m, dist[m] end
end
local route = plant:shortest_path("CS_DISCHARGE", far, {weights = "length"})
print(("  farthest magnet string: %s, %.0f m of piping along %d components:"):format(far, far_d, #route))
print("    " .. table.concat(route, " -> ", 1, math.min(#route, 8)) .. (#route > 8 and " -> ..." or ""))
summary.farthest_magnet = {id = far, metres = far_d, hops = #route - 1}

---------------------------------------------------------------------------
section("What-if: lose one component, which magnets lose their supply?")
-- Directed reachability from the compressor discharge after removing each
-- component in turn (a structural screen; the physics comes with tg.sim).
local t0 = tg.clock()
local rows = {"component,type,magnets_cut"}
local critical = {}
for _, id in ipairs(plant:nodes()) do
  if id ~= "CS_DISCHARGE" then
    local g = plant:copy()
    g:remove_node(id)
    local hops = g:bfs("CS_DISCHARGE")
    local cut = 0
    for _, m in ipairs(magnets) do
      if m ~= id and hops[m] == math.huge then cut = cut + 1 end
    end
    if plant:get(id, "type") == "magnet_string" then cut = cut + 1 end
    if cut > 0 then critical[#critical + 1] = {id = id, cut = cut} end
    rows[#rows + 1] = ("%s,%s,%d"):format(id, plant:get(id, "type"), cut)
  end
end
table.sort(critical, function(a, b) return a.cut > b.cut or (a.cut == b.cut and a.id < b.id) end)
print(("  screened %d single losses in %.2f s; %d components cut supply to at least one magnet"):format(
  plant:node_count() - 1, tg.clock() - t0, #critical))
for k = 1, math.min(8, #critical) do
  local c = critical[k]
  io.write(("    %-22s %-18s cuts %2d of %d magnet strings\n"):format(c.id, plant:get(c.id, "type"), c.cut, #magnets))
end
local redundant = 0
for _, c in ipairs(compressors) do
  local g = plant:copy()
  g:remove_node(c)
  local ok = true
  local hops = g:bfs("CS_DISCHARGE")
  for _, m in ipairs(magnets) do ok = ok and hops[m] < math.huge end
  if ok then redundant = redundant + 1 end
end
print(("  each of the %d compressors can be lost without cutting a magnet: %s"):format(
  #compressors, redundant == #compressors and "yes (parallel redundancy)" or "no"))
writefile("critical_components.csv", table.concat(rows, "\n") .. "\n")
summary.what_if = {screened = plant:node_count() - 1, critical = #critical,
                   worst = critical[1], compressors_redundant = redundant == #compressors}

---------------------------------------------------------------------------
-- Resilience (issue 6): which components cut the most cooling, and how
-- cooling degrades as components fail at random or are attacked.
-- Sources: the warm compressors; sinks: the magnet strings; a string is
-- "fed" while helium can flow to it from a live compressor.
section("Resilience: what cuts the cooling")
do
  local t_res = tg.clock()
  local warm = compressors
  local crit = tg.resilience.criticality(plant, {sources = warm, sinks = magnets})
  local rows = {}
  for _, id in ipairs(plant:nodes()) do
    if crit[id] > 0 then rows[#rows + 1] = {id = id, damage = crit[id], type = plant:get(id, "type")} end
  end
  table.sort(rows, function(a, b) return a.damage > b.damage or (a.damage == b.damage and a.id < b.id) end)
  local total = 0
  for _, r in ipairs(rows) do if r.damage == #magnets then total = total + 1 end end
  print(("  %d single components cut cooling to at least one magnet string; %d cut all %d:"):format(
    #rows, total, #magnets))
  local shown = {}
  for i = 1, math.min(total, 12) do shown[i] = rows[i].id end
  print("    " .. table.concat(shown, ", ") .. (total > 12 and (", ... (%d more)"):format(total - 12) or ""))
  local partial = {}
  for _, r in ipairs(rows) do
    if r.damage < #magnets and #partial < 5 then partial[#partial + 1] = ("%s (%d strings)"):format(r.id, r.damage) end
  end
  print("  largest partial losses: " .. table.concat(partial, ", "))
  local nk2 = tg.resilience.nk(plant, {k = 2, sources = warm, sinks = magnets, min_damage = 1})
  print(("  N-2 screening: %d pairs of individually harmless components cut cooling together"):format(#nk2))
  local curves, names = {}, {"random", "degree", "betweenness_adaptive"}
  for _, st in ipairs(names) do
    curves[st] = tg.resilience.attack(plant, {strategy = st, sources = warm, sinks = magnets, points = 50,
                                              runs = 30, seed = 1, efficiency = false})
  end
  print("  attack curve: magnet strings still fed (%) after removing a fraction of the components")
  print(("    %-22s %6s %6s %6s %6s %6s"):format("removed", "0 %", "2 %", "4 %", "10 %", "20 %"))
  local function at(c, f)
    for i = 1, #c.removed do if c.removed[i] >= f - 1e-12 then return c.fed[i] end end
    return c.fed[#c.fed]
  end
  for _, st in ipairs(names) do
    local c = curves[st]
    print(("    %-22s %6.1f %6.1f %6.1f %6.1f %6.1f"):format(st .. (st == "random" and " (30 runs)" or ""),
      100 * at(c, 0), 100 * at(c, 0.02), 100 * at(c, 0.04), 100 * at(c, 0.10), 100 * at(c, 0.20)))
  end
  local plots = require("plots")
  local series = {}
  for _, st in ipairs(names) do series[#series + 1] = {name = st, x = curves[st].removed, y = curves[st].fed} end
  writefile("resilience_attack.svg", plots.lines(series, {
    title = "LHC-like sector: magnet strings fed vs components removed",
    xlabel = "fraction of components removed", ylabel = "fraction of magnet strings fed"}))
  local res = {single_cut_any = #rows, single_cut_all = total, n2_pairs = #nk2,
               top = shown, fed_after_2pct = {}, seconds = tg.clock() - t_res}
  for _, st in ipairs(names) do res.fed_after_2pct[st] = at(curves[st], 0.02) end
  writefile("resilience.json", tg.json.encode(res, {indent = true}) .. "\n")
  summary.resilience = {single_cut_any = res.single_cut_any, single_cut_all = res.single_cut_all,
                        n2_pairs = res.n2_pairs}
  print(("  (%.2f s)"):format(res.seconds))
end
---------------------------------------------------------------------------
section("Communities: does the graph find the plant's sections?")
local best
for seed = 1, 10 do
  local c = plant:louvain{seed = seed}
  if not best or c.modularity > best.modularity then best = c end
end
print(("  Louvain (best of 10 seeds): %d communities, modularity %.3f"):format(best.count, best.modularity))
summary.communities = {count = best.count, modularity = best.modularity}

-- Physical simulation (src/sim, issue 4): appended section, self-contained.
section("Physical simulation: plant, compressor trip, grid N-1, connectome")
do
  local simplant = tg.sim.plant(tg.graph.load(path("models/lhc_sector.graphml")))
  local st = simplant:steady()
  print(("  steady state: %s in %d Newton iterations (%d hydraulic with %s, %d thermal), %.1f ms"):format(
    st.converged and "converged" or "NOT converged", st.iterations, st.iter_hydraulic, st.solver,
    st.iter_thermal, st.seconds * 1e3))
  print(("  balance residuals: mass %.1e, energy %.1e (relative)"):format(st.mass_residual, st.energy_residual))
  local n = st.nodes
  print(("  compressors %.3f kg/s at %.2f bar; header C %.3f kg/s at %.3f bar, %.2f K; magnets %.2f K"):format(
    n.CS_DISCHARGE.m, n.CS_DISCHARGE.p, n.QRL_C.m, n.QRL_C.p, n.QRL_C.T, n.CELL_01_MAGNET.T))
  local ts = simplant:transient{t_end = 4 * 3600, dt = 60,
                                events = {{t = 60, kind = "trip", node = "CS_C1"}}}
  print(("  compressor CS_C1 trips at t = 60 s (4 h simulated, %d steps, energy error %.1e):"):format(
    ts:steps() - 1, ts:energy_error()))
  local mags = simplant:nodes{type = "magnet_string"}
  local first, last, never = math.huge, 0, 0
  local firstid
  for _, id in ipairs(mags) do
    local tc = ts:crossing(simplant, id, 1.95)
    if tc then
      if tc < first then first, firstid = tc, id end
      if tc > last then last = tc end
    else
      never = never + 1
    end
  end
  if firstid then
    print(("    magnet strings above 1.95 K: first %s at t = %.0f s, last at %.0f s; %d never"):format(
      firstid, first, last, never))
  end
  local t217 = ts:crossing(simplant, "CELL_01_MAGNET", 2.17)
  print(("    CELL_01_MAGNET above 2.17 K (lambda point): %s"):format(
    t217 and ("t = %.0f s"):format(t217) or "not within 4 h"))
  local grid = tg.sim.grid(tg.graph.load(path("data/networks/power_dc.graphml.gz"), {format = "graphml"}),
                           {slack = "n0"})
  local n1 = grid:n1{method = "lowrank"}
  print(("  power grid (%d buses, synthetic DC data): N-1 of %d lines in %.2f s, %d islanding, %d overloading"):format(
    grid:buses(), n1.contingencies, n1.seconds, n1.islanding, n1.overloading))
  -- connectome: the linear stochastic model's FC against the empirical HCP FC
  local function readm(p)
    local M = {}
    for line in io.lines(p) do
      local row = {}
      for v in line:gmatch("[^,]+") do row[#row + 1] = tonumber(v) end
      if #row > 0 then M[#M + 1] = row end
    end
    return M
  end
  local SC = readm(path("data/connectomes/enigma_hcp/sc_dk68.csv"))
  local FCe = readm(path("data/connectomes/enigma_hcp/fc_dk68.csv"))
  local nr, rmax = #SC, 0
  for i = 1, nr do local s = 0 for j = 1, nr do s = s + SC[i][j] end rmax = math.max(rmax, s) end
  local function corr_upper(A, B)
    local xs, ys, mx, my = {}, {}, 0, 0
    for i = 1, nr do for j = i + 1, nr do xs[#xs + 1] = A[i][j]; ys[#ys + 1] = B[i][j] end end
    for k = 1, #xs do mx = mx + xs[k]; my = my + ys[k] end
    mx, my = mx / #xs, my / #ys
    local sxy, sxx, syy = 0, 0, 0
    for k = 1, #xs do
      sxy = sxy + (xs[k] - mx) * (ys[k] - my); sxx = sxx + (xs[k] - mx) ^ 2; syy = syy + (ys[k] - my) ^ 2
    end
    return sxy / math.sqrt(sxx * syy)
  end
  local FCp = tg.sim.linear_fc(SC, 0.9 / rmax)   -- g below 1 / spectral radius (row-sum bound)
  local r_sc, r_lin = corr_upper(SC, FCe), corr_upper(FCp, FCe)
  print(("  human connectome (68 regions): r(SC, empirical FC) = %.3f; r(linear model FC, empirical FC) = %.3f"):format(
    r_sc, r_lin))
  writefile("sim.json", tg.json.encode({steady = {iterations = st.iterations, mass_residual = st.mass_residual,
    energy_residual = st.energy_residual}, trip = {first_magnet = firstid, first_crossing = first,
    last_crossing = last}, n1 = n1, connectome = {r_sc_fc = r_sc, r_linear_fc = r_lin}}, {indent = true}) .. "\n")
  summary.simulation = {steady_iterations = st.iterations, mass_residual = st.mass_residual,
                        energy_residual = st.energy_residual, trip_first_magnet = firstid,
                        trip_first_crossing_s = first ~= math.huge and first or nil,
                        n1_contingencies = n1.contingencies, n1_seconds = n1.seconds}
end
---------------------------------------------------------------------------
---------------------------------------------------------------------------
section("Failure chains mined from the alarm log")
-- A synthetic log (scripts/lua/lib/eventgen.lua): 60 days of random alarms
-- and trips on the plant's components, with three planted dependencies.
local gen = require("eventgen")
local planted = {
  {cause = "UCB_T1:trip", effect = "U18_CC1:trip", p = 0.9, delay = 300, rate = 2},
  {cause = "CS_C3:trip", effect = "CS_DISCHARGE:low_pressure", p = 0.85, delay = 120, rate = 1},
  {cause = "CELL_12_VALVE:stuck", effect = "CELL_12_MAGNET:temp_high", p = 0.8, delay = 400, rate = 1,
   next = {effect = "CELL_12_MAGNET:quench", p = 0.7, delay = 300}},
}
local logfile = outdir .. "/plant_events.csv"
local nrows = gen.write(logfile, plant, {seed = 1, days = 60, background = 200, chains = planted})
local log = tg.mine.read_events(logfile)
t0 = tg.clock()
local chains = log:sequence_rules{dt = 600, min_count = 10, min_confidence = 0.5, min_lift = 10}
table.sort(chains, function(a, b) return a.confidence > b.confidence end)
print(("  %d events over 60 days (%d planted chains); %d rules 'A then B within 10 min' in %.2f s:"):format(
  nrows, #planted, #chains, tg.clock() - t0))
-- A planted step is a direct dependency; a pair two steps apart along a
-- planted chain is a true, indirect one; anything else is spurious.
local is_planted, is_indirect, nplanted = {}, {}, 0
for _, c in ipairs(planted) do
  local prev, cur = c.cause, {effect = c.effect, next = c.next}
  local seen = {c.cause}
  while cur do
    is_planted[prev .. ">" .. cur.effect] = true
    nplanted = nplanted + 1
    for k = 1, #seen - 1 do is_indirect[seen[k] .. ">" .. cur.effect] = true end
    seen[#seen + 1] = cur.effect
    prev, cur = cur.effect, cur.next
  end
end
local recovered, indirect = 0, 0
for _, r in ipairs(chains) do
  local key = r.before .. ">" .. r.after
  local tag = is_planted[key] and "(planted)" or is_indirect[key] and "(indirect, along a planted chain)"
              or "(SPURIOUS)"
  if is_planted[key] then recovered = recovered + 1 elseif is_indirect[key] then indirect = indirect + 1 end
  io.write(("    %-22s then %-26s conf %.2f  lift %5.0f  median delay %4.0f s  %s\n"):format(
    r.before, r.after, r.confidence, r.lift, r.delay.median, tag))
end
local spurious = #chains - recovered - indirect
print(("  recovered %d of %d planted dependencies (+%d indirect), %d spurious"):format(
  recovered, nplanted, indirect, spurious))
-- Chains that end in the critical event, counted on the log itself.
local critical = "CELL_12_MAGNET:quench"
local ranked = log:failure_chains{target = critical, dt = 600, max_len = 4, min_count = 10,
                                  min_rule_confidence = 0.3, min_lift = 10}
print(("  failure chains ending in %s (each step within 10 min), strongest first:"):format(critical))
for k = 1, math.min(#ranked, 5) do
  local c = ranked[k]
  io.write(("    %-70s conf %.2f (%d of %d)  median %4.0f s to the end\n"):format(
    table.concat(c.events, " -> "), c.confidence, c.support, c.count, c.delay.median))
end
local db = log:transactions{window = 600}
local rules = db:rules{min_count = 10, min_confidence = 0.6, min_lift = 10}
print(("  co-occurrence in 10-minute windows: %d transactions, %d association rules (confidence >= 0.6, lift >= 10)"):format(
  #db, #rules))
summary.failure_chains = {events = nrows, planted = nplanted, recovered = recovered, indirect = indirect,
                          spurious = spurious, critical = critical,
                          top_chain = ranked[1] and table.concat(ranked[1].events, " -> ")}

---------------------------------------------------------------------------
section("The alarm log by plant section: three miners, one answer")
-- Each event's component is mapped to its plant section (the graph's node
-- attribute 'section'); one transaction per section and hour.
local bysec, ungrouped = log:transactions{by = "component", graph = plant, attribute = "section", window = 3600}
local counts = {}
for _, alg in ipairs{"eclat", "apriori", "fpgrowth"} do
  t0 = tg.clock()
  local r = bysec:itemsets{min_count = 5, count = true, algorithm = alg}
  counts[#counts + 1] = r.itemsets
  print(("  %-8s %6d itemsets (support >= 5 section-hours) in %.3f s"):format(alg, r.itemsets, tg.clock() - t0))
end
print(("  %d section-hour transactions (%d events outside the graph); the miners %s"):format(#bysec, ungrouped,
  (counts[1] == counts[2] and counts[2] == counts[3]) and "agree" or "DISAGREE"))
local secrules = tg.mine.apriori(bysec, {min_count = 20, min_confidence = 0.8, min_lift = 5})
table.sort(secrules, function(a, b) return a.lift > b.lift end)
for k = 1, math.min(3, #secrules) do
  local r = secrules[k]
  print(("    %s -> %s  (support %d, confidence %.2f, lift %.0f)"):format(table.concat(r.body, " + "),
    table.concat(r.head, " + "), r.support, r.confidence, r.lift))
end
summary.by_section = {transactions = #bysec, itemsets = counts[1], rules = #secrules}

---------------------------------------------------------------------------
section("Redundancy allocation (Fyffe, Hines & Lee; mixing allowed)")
-- Which redundant components to buy for a 14-subsystem series system,
-- within cost 130 and weight W: the optimum by dynamic programming, and
-- what the genetic algorithm finds with 100,000 evaluations.
local rap = tg.mine.rap(path("data/rap/fyffe_nm33.txt"))
t0 = tg.clock()
local opt = rap:exact(191)
local t_exact = tg.clock() - t0
t0 = tg.clock()
local ga = rap:ga(191, {seed = 1, evaluations = 100000})
print(("  W = 191: optimum %.6f (DP, %.2f s; literature 0.986811); GA %.6f (%.2f s)"):format(
  opt.reliability, t_exact, ga.reliability, tg.clock() - t0))
summary.redundancy = {weight = 191, optimum = opt.reliability, ga = ga.reliability}

-- Section added by the GA work (issue 5): sensor placement.  Model and
-- objective: scripts/lua/lib/sensors.lua; full study:
-- scripts/lua/examples/sensor_placement.lua.
section("Sensor placement by GA: which faults can be told apart?")
do
  local sensors = require("sensors")
  local t0 = tg.clock()
  local m = sensors.model(plant, 3)
  local k = 10
  local gs = sensors.greedy(m, k)
  local best, _, r = sensors.ga(m, k, {seed = 1, population = 100, generations = 150})
  local ig, dg = sensors.score(m, gs)
  local ia, da = sensors.score(m, best)
  print(("  %d sensors, a fault seen within 3 hops downstream; of %d possible single faults:"):format(k, m.n))
  print(("    greedy: %d isolable, %d detectable;  GA (%d evaluations): %d isolable, %d detectable"):format(
    ig, dg, r.evaluations, ia, da))
  print("    GA sensors: " .. table.concat(sensors.names(m, best), " "))
  local ids = {}
  for _, id in ipairs(plant:nodes()) do
    local s = plant:get(id, "section")
    if s == "upper_cold_box" or s == "lower_cold_box" then ids[#ids + 1] = id end
  end
  local ms = sensors.model(plant:subgraph(ids), 3)
  local eb, ef, tried = sensors.exhaustive(ms, 3)
  local _, sf = sensors.ga(ms, 3, {seed = 1, population = 60, generations = 60})
  print(("  cold boxes (%d components, 3 sensors): exhaustive optimum %d isolable over %d subsets; GA %s it"):format(
    ms.n, (sensors.score(ms, eb)), tried, sf >= ef - 1e-12 and "reaches" or "misses"))
  print(("  (%.1f s)"):format(tg.clock() - t0))
  summary.sensor_placement = {sensors = k, greedy_isolable = ig, ga_isolable = ia,
                              sensors_chosen = sensors.names(m, best)}
end
---------------------------------------------------------------------------
---------------------------------------------------------------------------
-- Risk analysis (issue 7): the fault tree of the plant's loss of supply.
section("Fault tree: loss of helium supply to the magnet strings")
-- Derived from the plant graph (scripts/lua/lib/plant_risk.lua): components
-- fail at their failure_rate; supply flows from the warm compressors along
-- the plant's edges; the top event is the loss of supply to every magnet
-- string.  Exact BDD probability, ZBDD cut sets, importance; the full
-- study is scripts/lua/risk_analysis.lua.
do
  local pr = require("plant_risk")
  local t_risk = tg.clock()
  local sources = {}
  for _, id in ipairs(plant:nodes("compressor")) do
    if plant:get(id, "section") == "compressor_station" then sources[#sources + 1] = id end
  end
  local sinks = plant:nodes("magnet_string")
  local ft = pr.fault_tree(plant, {sources = sources, sinks = sinks, mode = "all"})
  ft:write(outdir .. "/plant_fault_tree.xml")
  print("  wrote " .. outdir .. "/plant_fault_tree.xml (Open-PSA MEF)")
  local an = ft:analyze()
  local year = an:probability()
  ft:mission_time(730); an:reevaluate()
  local month = an:probability()
  ft:mission_time(8760); an:reevaluate()
  print(("  P(loss of supply to every string): %.3g after a month, %.3g after a year (no repair)"):format(month, year))
  local d = an:distribution()
  print(("  %d minimal cut sets; %d of order 1, %d of order 2"):format(an:products(), d[1] or 0, d[2] or 0))
  local shown = {0, 0}
  for _, c in ipairs(an:cut_sets{max_order = 2, max = 1000}) do
    shown[c.order] = shown[c.order] + 1
    if shown[c.order] <= 5 then
      print(("    {%s}  p %.3g"):format(table.concat(c.events, ", "), c.p))
    elseif shown[c.order] == 6 then
      print(("    ... and %d more of order %d"):format((d[c.order] or 0) - 5, c.order))
    end
  end
  local imp = an:importance()
  table.sort(imp, function(x, y) if x.cif ~= y.cif then return x.cif > y.cif end return x.name < y.name end)
  print("  importance ranking (criticality; Birnbaum, risk achievement worth):")
  for k = 1, math.min(6, #imp) do
    print(("    %d. %-20s CIF %.3f  MIF %.3f  RAW %.2f"):format(k, imp[k].name, imp[k].cif, imp[k].mif, imp[k].raw))
  end
  -- The results as an Open-PSA-style XML report (SCRAM's layout).
  local dist = {}
  for k = 1, #d do dist[k] = d[k] end
  require("risk_report").write(outdir .. "/plant_risk_report.xml", {top = ft:tops()[1],
    products = an:products(), distribution = dist, basic_events = #imp, limit_order = 20,
    mission_time = 8760, probability = year, rare_event = an:rare_event(), importance = imp,
    cut_sets = an:cut_sets{max_order = 2, max = 1000}})
  print("  wrote " .. outdir .. "/plant_risk_report.xml (Open-PSA-style XML report)")
  print(("  (%.2f s)"):format(tg.clock() - t_risk))
end
---------------------------------------------------------------------------
-- GNN (src/gnn, tg.gnn) --------------------------------------------------
section("Graph neural network: GCN on Cora (Kipf & Welling recipe)")
-- 2708 papers, 5278 citations, 1433 word features, 7 topics; the standard
-- Planetoid split (140 labelled papers).  One seed; the 10-seed figure and
-- GAT / GAE are in docs/gnn.md (scripts/lua/examples/gcn_cora.lua).
do
  local G = tg.gnn
  local cora = G.cora(path("data/cora"))
  local m = G.model{G.dropout(0.5), G.gcn(16, {weight_decay = 5e-4, bias = false}), G.relu(),
                    G.dropout(0.5), G.gcn(7, {weight_decay = 0, bias = false})}
  t0 = tg.clock()
  local fit = m:fit(cora, {epochs = 200, lr = 0.01, window = 10, seed = 1, progress = false})
  local acc = m:evaluate(cora, "test")
  print(("  %s: %d epochs in %.2f s (median epoch %.1f ms), test accuracy %.1f %% (paper: 81.5 %%)"):format(
    tostring(m), fit.epochs, tg.clock() - t0, fit.epoch_ms_median, 100 * acc))
  local wfile = outdir .. "/cora_gcn.safetensors"
  m:save(wfile, {dataset = "cora", split = "planetoid"})
  local back = G.load(wfile)
  print(("  saved %d weights to %s (safetensors); reloaded: test accuracy %.1f %%"):format(
    m:param_count(), wfile, 100 * back:evaluate(cora, "test")))
  summary.gnn = {model = tostring(m), epochs = fit.epochs, test_accuracy = acc, weights = wfile}
end
-- Autoencoder anomaly detection (tg.gnn.autoencoder): trained on 500 samples of
-- normal Tennessee Eastman operation (52 sensors), scored on faulty runs.
do
  local G = tg.gnn
  local train, test, fault = {}, {}, {}
  local f = assert(io.open(path("data/tep/tep_anomaly.csv")))
  f:read("l")
  for l in f:lines() do
    local c = {}
    for w in l:gmatch("[^,]+") do c[#c + 1] = w end
    local row = {}
    for j = 4, #c do row[#row + 1] = tonumber(c[j]) end
    if c[1] == "train" then train[#train + 1] = row else test[#test + 1] = row; fault[#fault + 1] = tonumber(c[2]) end
  end
  f:close()
  t0 = tg.clock()
  local ae = G.autoencoder{sensors = 52, hidden = {16, 4}, seed = 1}
  ae:fit(train, {epochs = 400, lr = 0.01, schedule = "cosine", threads = 1})
  local score, per = ae:score(test)
  local thr = ae:threshold()
  local alarms, n = {}, {}
  local worst = {}   -- per fault: the sensor with the largest mean error
  for i, c in ipairs(fault) do
    n[c] = (n[c] or 0) + 1
    alarms[c] = (alarms[c] or 0) + (score[i] > thr and 1 or 0)
    worst[c] = worst[c] or {}
    for j = 1, 52 do worst[c][j] = (worst[c][j] or 0) + per[i][j] end
  end
  local function sensor(j) return j <= 41 and ("XMEAS(%d)"):format(j) or ("XMV(%d)"):format(j - 41) end
  print(("  TEP autoencoder 52-16-4-16-52, trained on normal operation in %.2f s; alarm above the 99 %% training quantile:"):format(
    tg.clock() - t0))
  print(("    normal operation (test run): %d of %d samples flagged"):format(alarms[0], n[0]))
  for _, c in ipairs({1, 4, 6, 11, 3}) do
    local bj = 1
    for j = 2, 52 do if worst[c][j] > worst[c][bj] then bj = j end end
    print(("    IDV(%d): %2d of %d samples flagged, largest error on %s"):format(c, alarms[c], n[c], sensor(bj)))
  end
  summary.gnn_autoencoder = {threshold = thr, normal_flagged = alarms[0], idv1_flagged = alarms[1]}
end

-- GNN surrogate (src/gnn MPNN block + src/sim DC power flow) -------------
section("GNN surrogate of DC power flow (MPNN on random grids)")
-- 60 random grids solved by the simulator; four MeshGraphNets-style blocks
-- learn every line's flow from bus injections and line parameters.  The
-- full study (150 grids, 3 seeds) is in tests/gnn/test_gnn_layers.c and
-- scripts/lua/examples/gnn_surrogate.lua.
do
  local S = dofile(path("scripts/lua/examples/gnn_surrogate.lua"))
  local r = S.run(60, 100, 1, false)
  print(("  %d grids, %d directed lines (%d test); %s: %d epochs, %.1f ms each"):format(
    r.grids, r.edges, r.test_edges, r.model, r.epochs, r.epoch_ms_median))
  print(("  test RMSE of line flows (p.u.): MPNN %.3f, per-edge linear regression %.3f, mean %.3f"):format(
    r.rmse_mpnn, r.rmse_linear, r.rmse_mean))
  summary.gnn_surrogate = {grids = r.grids, rmse_mpnn = r.rmse_mpnn, rmse_linear = r.rmse_linear,
                           rmse_mean = r.rmse_mean}
end

---------------------------------------------------------------------------
section("Other networks on the same engine")
local campus = tg.graph.load(path("models/campus_network.graphml"))
local cap = campus:articulation_points()
table.sort(cap)
print(("  campus network: %d devices, %d links, single points of failure: %s"):format(
  campus:node_count(), campus:edge_count(), table.concat(cap, ", ")))
local brain = tg.graph.load(path("data/connectomes/bct_macaque47/macaque47.csv"),
                            {format = "matrix", labels = path("data/connectomes/bct_macaque47/labels.txt")})
local hubs = {}
for k, row in ipairs(brain:degree():top(5)) do hubs[k] = row.id end
print(("  macaque cortex: %d areas, %d connections, %s; hubs by degree: %s"):format(
  brain:node_count(), brain:edge_count(), brain:is_directed() and "directed" or "undirected",
  table.concat(hubs, ", ")))
summary.campus = {nodes = campus:node_count(), articulation_points = cap}
summary.brain = {nodes = brain:node_count(), edges = brain:edge_count(), hubs = hubs}

---------------------------------------------------------------------------
-- risk5b: network reliability of the plant graph (issue 7); before "Files",
-- which writes the report.
section("Network reliability: supply from a compressor to every magnet string")
do
  local t0 = tg.clock()
  local ids, idx = plant:nodes(), {}
  for i, id in ipairs(ids) do idx[id] = i end
  local e = {}
  for _, x in ipairs(plant:edges()) do
    if x.source ~= x.target then e[#e + 1] = {idx[x.source], idx[x.target], 1} end
  end
  local nodes = {}     -- components fail over a month at their failure_rate; pipes are perfect
  for i, id in ipairs(ids) do nodes[i] = math.exp(-(plant:get(id, "failure_rate") or 0) * 730) end
  local terms = {}
  for _, id in ipairs(plant:nodes("compressor")) do
    if plant:get(id, "section") == "compressor_station" then terms[1] = idx[id]; break end
  end
  for _, id in ipairs(plant:nodes("magnet_string")) do terms[#terms + 1] = idx[id] end
  local spec = {n = #ids, edges = e, terminals = terms, nodes = nodes}
  local r = tg.risk.network_reliability(spec)
  print(("  exact (frontier method): R = %.6f over a month, %d terminals (%s + every magnet string)"):format(
    r, #terms, ids[terms[1]]))
  spec.method, spec.samples, spec.seed = "mc", 20000, 1
  local m, se = tg.risk.network_reliability(spec)
  spec.estimator = "plain"
  local mp, sep = tg.risk.network_reliability(spec)
  print(("  Monte Carlo, 20,000 samples: RVR %.6f (se %.1e), plain %.4f (se %.1e)"):format(m, se, mp, sep))
  print("  (RVR is heavy-tailed on this plant: trust its se only with ~10^5 samples, docs/risk.md)")
  summary.network_reliability = {terminals = #terms, exact = r, rvr = m, rvr_se = se, plain = mp, plain_se = sep}
  print(("  (%.1f s)"):format(tg.clock() - t0))
end

---------------------------------------------------------------------------
section("Files")
local draw = require("draw")
writefile("lhc_sector.svg", draw.graph_svg(plant, {
  title = "LHC-like sector cryogenics: components sized by betweenness, coloured by type",
  size = bc, labels = 6,
  caption = "x: metres along the sector (plant at left); y: schematic. Hover a node for its id."}))
plant:save(outdir .. "/lhc_sector.dot")
print("  wrote " .. outdir .. "/lhc_sector.dot (render: dot -Tsvg)")
plant:save(outdir .. "/lhc_sector.db")
print("  wrote " .. outdir .. "/lhc_sector.db (SQLite: tables nodes, edges, graph)")
summary.seconds = tg.clock() - t_start
writefile("summary.json", tg.json.encode(summary, {indent = true}) .. "\n")
print("  wrote " .. outdir .. "/report.html (this study as one page, pictures inline)")
print(("\nDone in %.2f s."):format(summary.seconds))
rep:write(outdir .. "/report.html")

