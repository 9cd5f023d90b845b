-- demo.lua: the main twingraph study, run by `make demo`.
--
-- It shows the whole engine at work on the cryogenic plant of one LHC-like
-- sector (models/lhc_sector.graphml).  Each capability of the engine adds
-- its section here.  Results are written under out/ (or the folder given
-- as the first argument).
local outdir = arg[1] or "out"
local root = (arg[0]:match("^(.*)/scripts/lua/demo%.lua$")) or "."
local function path(p) return root .. "/" .. p end
local function section(title) print(("\n== %s %s"):format(title, ("="):rep(math.max(0, 70 - #title)))) end
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
section("1. The plant as a graph")
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
section("2. Structure: single points of failure and central components")
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
section("3. Supply routes from the compressor discharge")
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
section("4. What-if: lose one component, which magnets lose their supply?")
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
section("5. Communities: does the graph find the plant's sections?")
local best
for seed = 1, 10 do
  local c = plant:louvain{seed = seed}
  if not best or c.modularity > best.modularity then best = c end
end
print(("  Louvain (best of 10 seeds): %d communities, modularity %.3f"):format(best.count, best.modularity))
summary.communities = {count = best.count, modularity = best.modularity}

---------------------------------------------------------------------------
section("6. Failure chains mined from the alarm log")
-- A synthetic log (scripts/lua/lib/eventgen.lua): 60 days of random alarms
-- and trips on the plant's components, with three planted dependencies.
local gen = require("eventgen")
local planted = {
  {cause = "UCB_T1:trip", effect = "U18_CC1:trip", p = 0.9, delay = 300, rate = 2},
  {cause = "CS_C3:trip", effect = "CS_DISCHARGE:low_pressure", p = 0.85, delay = 120, rate = 1},
  {cause = "CELL_12_VALVE:stuck", effect = "CELL_12_MAGNET:temp_high", p = 0.8, delay = 400, rate = 1},
}
local logfile = outdir .. "/plant_events.csv"
local nrows = gen.write(logfile, plant, {seed = 1, days = 60, background = 200, chains = planted})
local log = tg.mine.read_events(logfile)
t0 = tg.clock()
local chains = log:sequence_rules{dt = 600, min_count = 10, min_confidence = 0.5, min_lift = 10}
table.sort(chains, function(a, b) return a.confidence > b.confidence end)
print(("  %d events over 60 days (%d planted dependencies); %d chains 'A then B within 10 min' in %.2f s:"):format(
  nrows, #planted, #chains, tg.clock() - t0))
local is_planted = {}
for _, c in ipairs(planted) do is_planted[c.cause .. ">" .. c.effect] = true end
local recovered = 0
for _, r in ipairs(chains) do
  local ok = is_planted[r.before .. ">" .. r.after]
  if ok then recovered = recovered + 1 end
  io.write(("    %-22s then %-26s conf %.2f  lift %5.0f  median delay %4.0f s  %s\n"):format(
    r.before, r.after, r.confidence, r.lift, r.delay.median, ok and "(planted)" or "(SPURIOUS)"))
end
print(("  recovered %d of %d planted dependencies, %d spurious"):format(recovered, #planted, #chains - recovered))
local db = log:transactions{window = 600}
local rules = db:rules{min_count = 10, min_confidence = 0.6, min_lift = 10}
print(("  co-occurrence in 10-minute windows: %d transactions, %d association rules (confidence >= 0.6, lift >= 10)"):format(
  #db, #rules))
summary.failure_chains = {events = nrows, planted = #planted, recovered = recovered, spurious = #chains - recovered}

---------------------------------------------------------------------------
section("7. Redundancy allocation (Fyffe, Hines & Lee; mixing allowed)")
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

---------------------------------------------------------------------------
section("8. Other networks on the same engine")
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
print(("\nDone in %.2f s."):format(summary.seconds))
