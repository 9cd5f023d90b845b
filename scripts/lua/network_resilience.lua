-- network_resilience.lua: how the plant and a power grid break.
--
--   twingraph scripts/lua/network_resilience.lua [OUTDIR]
--
-- 1. The LHC-like sector cryogenics (models/lhc_sector.graphml): which
--    components cut cooling (magnet strings still fed with helium from the
--    warm compressors, following the flow), N-1 and N-2 screening, attack
--    and failure curves, dependency propagation and Motter-Lai cascades.
-- 2. The US western power grid (data/networks/power.graphml, 4941 nodes):
--    random failure against targeted attack, percolation estimates, and
--    Motter-Lai cascades over the tolerance alpha.
-- Writes OUTDIR/resilience_criticality.csv, resilience_summary.json,
-- resilience_plant.svg and resilience_power.svg.
local root = (arg[0]:match("^(.*)/scripts/lua/network_resilience%.lua$")) or "."
local outdir = (arg[1] ~= nil and arg[1] ~= "") and arg[1] or "out"
-- The name goes into a shell command: refuse characters the quotes do not neutralise.
if outdir:find('["`$\\]') then error("network_resilience.lua: OUTDIR must not contain \", `, $ or \\", 0) end
os.execute('mkdir -p "' .. outdir .. '"')
local plots = require("plots")
local t0 = tg.clock()
local summary = {}

local function curve_series(name, c, field)
  return {name = name, x = c.removed, y = c[field]}
end

local function at(c, field, f)
  for i = 1, #c.removed do if c.removed[i] >= f - 1e-12 then return c[field][i] end end
  return c[field][#c.removed]
end

---------------------------------------------------------------------------
print("== LHC-like sector cryogenics")
local plant = tg.graph.load(root .. "/models/lhc_sector.graphml")
local warm = {}
for _, id in ipairs(plant:nodes("compressor")) do
  if plant:get(id, "section") == "compressor_station" then warm[#warm + 1] = id end
end
local magnets = plant:nodes("magnet_string")
local S = {sources = warm, sinks = magnets}
print(("  %d nodes, %d edges; %d warm compressors feed %d magnet strings"):format(
  plant:node_count(), plant:edge_count(), #warm, #magnets))

local crit = tg.resilience.criticality(plant, S)
local by_damage, rows = {}, {}
for _, id in ipairs(plant:nodes()) do
  local d = crit[id]
  if d > 0 then
    rows[#rows + 1] = {id = id, type = plant:get(id, "type"), damage = d}
    by_damage[d] = (by_damage[d] or 0) + 1
  end
end
table.sort(rows, function(a, b) return a.damage > b.damage or (a.damage == b.damage and a.id < b.id) end)
local all = 0
local types_all = {}
for _, r in ipairs(rows) do
  if r.damage == #magnets then
    all = all + 1
    types_all[r.type] = (types_all[r.type] or 0) + 1
  end
end
local tl = {}
for t, k in pairs(types_all) do tl[#tl + 1] = ("%s %d"):format(t, k) end
table.sort(tl)
print(("  N-1: %d components cut cooling to some magnet string; %d cut all %d (%s)"):format(
  #rows, all, #magnets, table.concat(tl, ", ")))
local partial = {}
for _, r in ipairs(rows) do
  if r.damage < #magnets and #partial < 8 then partial[#partial + 1] = ("%s (%d)"):format(r.id, r.damage) end
end
print("  largest partial losses: " .. table.concat(partial, ", "))
local f = assert(io.open(outdir .. "/resilience_criticality.csv", "w"))
f:write("component,type,magnet_strings_lost\n")
for _, r in ipairs(rows) do f:write(("%s,%s,%d\n"):format(r.id, r.type, r.damage)) end
f:close()

local nk2 = tg.resilience.nk(plant, {k = 2, sources = warm, sinks = magnets, min_damage = 1})
print(("  N-2: %d pairs of components, harmless alone, cut cooling together"):format(#nk2))
for i = 1, math.min(5, #nk2) do
  print(("    %s + %s: %d strings"):format(nk2[i].ids[1], nk2[i].ids[2], nk2[i].damage))
end
local nk_comp = tg.resilience.nk(plant, {k = 3, sources = warm, sinks = magnets, candidates = warm,
                                         min_damage = 1, minimal = false})
print(("  any 3 of the %d warm compressors lost: %d of %d triples cut cooling (reachability; capacity not modelled)"):format(
  #warm, #nk_comp, #warm * (#warm - 1) * (#warm - 2) // 6))

local curves = {}
for _, st in ipairs{"random", "degree", "degree_adaptive", "betweenness", "betweenness_adaptive"} do
  curves[st] = tg.resilience.attack(plant, {strategy = st, sources = warm, sinks = magnets, points = 40, runs = 50,
                                            seed = 1})
  print(("  %-21s strings fed after removing 2%%: %5.1f %%, 5%%: %5.1f %%; largest component at 10%%: %5.1f %%"):format(
    st, 100 * at(curves[st], "fed", 0.02), 100 * at(curves[st], "fed", 0.05), 100 * at(curves[st], "largest", 0.10)))
end
print(("  random failure: percolation estimate %.2f (peak of the small clusters), Molloy-Reed %.2f"):format(
  curves.random.percolation, curves.random.molloy_reed))
f = assert(io.open(outdir .. "/resilience_plant.svg", "w"))
f:write(plots.lines({curve_series("random (50 runs)", curves.random, "fed"),
                     curve_series("degree", curves.degree, "fed"),
                     curve_series("betweenness", curves.betweenness, "fed"),
                     curve_series("betweenness, recomputed", curves.betweenness_adaptive, "fed")},
                    {title = "LHC-like sector: magnet strings still fed vs components removed",
                     xlabel = "fraction of components removed", ylabel = "fraction of magnet strings fed"}))
f:close()

local top = rows[1] and rows[1].id
local dep = tg.resilience.dependency(plant, {failed = {top}})
print(("  dependency propagation from %s: %d components lose all their suppliers"):format(top, dep.count))
local ml = tg.resilience.motter_lai(plant, {alpha = {0, 0.1, 0.2, 0.5, 1}})
print(("  Motter-Lai (trigger: highest load): G = %s for alpha = 0, .1, .2, .5, 1"):format(
  table.concat((function() local t = {} for i, g in ipairs(ml.G) do t[i] = ("%.3f"):format(g) end return t end)(), ", ")))
summary.plant = {n1_cut_any = #rows, n1_cut_all = all, n2_minimal_pairs = #nk2,
                 fed_after_5pct = {random = at(curves.random, "fed", 0.05), degree = at(curves.degree, "fed", 0.05),
                                   betweenness = at(curves.betweenness, "fed", 0.05)},
                 percolation = curves.random.percolation, molloy_reed = curves.random.molloy_reed,
                 motter_lai = ml}

---------------------------------------------------------------------------
print("\n== US western power grid")
local grid = tg.graph.load(root .. "/data/networks/power.graphml")
print(("  %d nodes, %d lines"):format(grid:node_count(), grid:edge_count()))
local gc = {}
for _, st in ipairs{"random", "degree_adaptive", "betweenness"} do
  gc[st] = tg.resilience.attack(grid, {strategy = st, points = 50, runs = 20, seed = 1, efficiency = false})
  print(("  %-16s largest component after removing 1%%: %5.1f %%, 5%%: %5.1f %%, 20%%: %5.1f %%"):format(
    st, 100 * at(gc[st], "largest", 0.01), 100 * at(gc[st], "largest", 0.05), 100 * at(gc[st], "largest", 0.2)))
end
print(("  random failure: percolation estimate %.2f; Molloy-Reed %.2f (kappa of the degrees)"):format(
  gc.random.percolation, gc.random.molloy_reed))
local gml = tg.resilience.motter_lai(grid, {alpha = {0, 0.2, 0.5, 1}})
print(("  Motter-Lai on the highest-load substation: G = %s for alpha = 0, .2, .5, 1 (failed: %s)"):format(
  table.concat((function() local t = {} for i, g in ipairs(gml.G) do t[i] = ("%.3f"):format(g) end return t end)(), ", "),
  table.concat(gml.failed, ", ")))
f = assert(io.open(outdir .. "/resilience_power.svg", "w"))
f:write(plots.lines({curve_series("random (20 runs)", gc.random, "largest"),
                     curve_series("degree, recomputed", gc.degree_adaptive, "largest"),
                     curve_series("betweenness", gc.betweenness, "largest")},
                    {title = "US power grid: largest connected component vs nodes removed",
                     xlabel = "fraction of nodes removed", ylabel = "largest component / N"}))
f:close()
summary.power = {largest_after_5pct = {random = at(gc.random, "largest", 0.05),
                                       degree_adaptive = at(gc.degree_adaptive, "largest", 0.05),
                                       betweenness = at(gc.betweenness, "largest", 0.05)},
                 percolation = gc.random.percolation, molloy_reed = gc.random.molloy_reed, motter_lai = gml}
summary.seconds = tg.clock() - t0
f = assert(io.open(outdir .. "/resilience_summary.json", "w"))
f:write(tg.json.encode(summary, {indent = true}) .. "\n")
f:close()
print(("\n  wrote %s/resilience_criticality.csv, resilience_summary.json, resilience_plant.svg, resilience_power.svg (%.1f s)"):format(
  outdir, summary.seconds))
