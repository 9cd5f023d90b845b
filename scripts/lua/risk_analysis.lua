-- risk_analysis.lua: probabilistic risk study of the demo plant.
--
--   twingraph scripts/lua/risk_analysis.lua [PLANT.graphml] [--mode any|all] [--out DIR] [--json]
--
-- Derives the fault tree of "loss of helium supply to the magnet strings"
-- from the plant graph (scripts/lua/lib/plant_risk.lua: components fail at
-- their failure_rate; supply flows from the warm compressors along the
-- plant's edges), writes it as Open-PSA MEF, and reports: the top-event
-- probability month by month over a year, the minimal cut sets of order 1
-- and 2, the importance ranking (criticality, then Birnbaum, RAW, RRW) and,
-- trying a redundant twin for every component that occurs in a cut set of
-- order <= 2, which single added redundancy lowers the yearly risk most.
-- mode "any": supply lost to at least one magnet string (default); "all":
-- lost to every string.
package.path = (arg[0]:match("^(.*)/risk_analysis%.lua$") or ".") .. "/lib/?.lua;" .. package.path
local cliargs = require("cliargs")
local pr = require("plant_risk")
local spec = {
  usage = "risk_analysis.lua [PLANT.graphml] [--mode any|all] [--out DIR] [--json]",
  about = "Fault tree of the plant's loss of supply: probability, cut sets, importance, best redundancy.",
  positional = {},
  rest = true,
  options = {
    {"--mode", "M", "any (default): loss of supply to any magnet string; all: to every string"},
    {"--out", "DIR", "write the fault tree there as plant_fault_tree.xml (default: out)"},
    {"--json", nil, "print one JSON object"},
  },
}
local a = cliargs.parse(arg, spec)
local root = arg[0]:match("^(.*)/scripts/lua/risk_analysis%.lua$") or "."
local file = a.rest[1] or (root .. "/models/lhc_sector.graphml")
local mode = a.mode or "any"
if mode ~= "any" and mode ~= "all" then cliargs.fail(spec, "--mode must be any or all") end

cliargs.run(function()
  local t0 = tg.clock()
  local g = tg.graph.load(file)
  local sources, sinks = {}, g:nodes("magnet_string")
  for _, id in ipairs(g:nodes("compressor")) do
    if g:get(id, "section") == "compressor_station" then sources[#sources + 1] = id end
  end
  if #sources == 0 then sources = g:nodes("compressor") end
  local opts = {sources = sources, sinks = sinks, mode = mode}
  local m, info = pr.fault_tree(g, opts)
  local outdir = a.out or "out"
  os.execute('mkdir -p "' .. outdir .. '"')
  local mef = outdir .. "/plant_fault_tree.xml"
  m:write(mef)
  local an = m:analyze()
  local r = {plant = file, mode = mode, sources = #sources, sinks = #sinks,
             components = info.components, gates = info.gates, fault_tree = mef}
  r.products = an:products()
  local d = an:distribution()
  r.distribution = {}
  for k = 1, #d do r.distribution[k] = d[k] end
  -- Probability over a year, month by month (mission time 8760 h).
  r.curve = {}
  for month = 1, 12 do
    m:mission_time(730 * month); an:reevaluate()
    r.curve[month] = {hours = 730 * month, p = an:probability()}
  end
  r.probability = an:probability()
  r.rare_event = an:rare_event()
  -- Cut sets of order 1 and 2 (single points of failure and pairs).
  local cs1 = an:cut_sets{max_order = 1}
  local cs2 = an:cut_sets{max_order = 2}
  r.order1, r.order2 = {}, {}
  for _, c in ipairs(cs1) do r.order1[#r.order1 + 1] = {events = c.events, p = c.p} end
  for _, c in ipairs(cs2) do
    if c.order == 2 then r.order2[#r.order2 + 1] = {events = c.events, p = c.p} end
  end
  -- Importance ranking by criticality (share of the risk the event is critical for).
  local imp = an:importance()
  table.sort(imp, function(x, y) if x.cif ~= y.cif then return x.cif > y.cif end return x.name < y.name end)
  r.importance = imp
  -- Which single added redundancy lowers the risk most?
  local candidates, seen = {}, {}
  for _, c in ipairs(cs2) do
    for _, e in ipairs(c.events) do
      if not seen[e] then seen[e] = true; candidates[#candidates + 1] = e end
    end
  end
  table.sort(candidates)
  local best
  for _, id in ipairs(candidates) do
    local twins = {[id] = true}
    local m2 = pr.fault_tree(g, {sources = sources, sinks = sinks, mode = mode, twins = twins})
    local p = m2:analyze():probability()
    if not best or p < best.p then best = {component = id, p = p} end
  end
  if best then
    best.type = g:get(best.component, "type")
    best.reduction = r.probability - best.p
  end
  r.candidates = #candidates
  r.best_redundancy = best
  -- The same results as an Open-PSA-style XML report (SCRAM's layout).
  local curve = {}
  for i, c in ipairs(r.curve) do curve[i] = {t = c.hours, p = c.p} end
  r.report = outdir .. "/plant_risk_report.xml"
  require("risk_report").write(r.report, {top = m:tops()[1], products = r.products,
    distribution = r.distribution, basic_events = #imp, limit_order = 20, mission_time = 8760,
    probability = r.probability, curve = curve, importance = imp, cut_sets = cs2})
  r.seconds = tg.clock() - t0
  if a.json then print(tg.json.encode(r)); return end

  print(("Plant %s: %d components that can cut the supply of %d magnet strings from %d compressors"):format(
    file, info.components, #sinks, #sources))
  print(("Fault tree: %d gates, written to %s; report in %s"):format(info.gates, mef, r.report))
  print(("Top event: loss of supply to %s magnet string%s"):format(mode == "any" and "any" or "every", mode == "any" and "" or "s"))
  local parts = {}
  for _, c in ipairs(r.curve) do
    if c.hours % 2190 == 0 then parts[#parts + 1] = ("%d h: %.4g"):format(c.hours, c.p) end
  end
  print("  probability " .. table.concat(parts, ", ") .. (" (rare-event %.4g at a year)"):format(r.rare_event))
  print(("  %d minimal cut sets: %d of order 1, %d of order 2"):format(r.products, #r.order1, #r.order2))
  for k = 1, math.min(5, #r.order1) do
    print(("    {%s}  p %.3g"):format(table.concat(r.order1[k].events, ", "), r.order1[k].p))
  end
  for k = 1, math.min(5, #r.order2) do
    print(("    {%s}  p %.3g"):format(table.concat(r.order2[k].events, ", "), r.order2[k].p))
  end
  print("  importance (by criticality):")
  print(("    %-22s %9s %9s %9s %9s"):format("component", "CIF", "MIF", "RAW", "RRW"))
  for k = 1, math.min(8, #imp) do
    local e = imp[k]
    print(("    %-22s %9.4f %9.4f %9.3f %9.4f"):format(e.name, e.cif, e.mif, e.raw, e.rrw))
  end
  if best then
    print(("  best single added redundancy (of %d candidates): a twin of %s (%s): P %.4g -> %.4g"):format(
      #candidates, best.component, best.type or "?", r.probability, best.p))
  end
  print(("Done in %.2f s."):format(r.seconds))
end)
