-- sim_scenarios.lua: a scenario dataset for GNN surrogates of the plant.
--   twingraph scripts/lua/sim_scenarios.lua OUTDIR [--model M] [--count N] [--seed S]
-- Each scenario perturbs the plant and solves its steady state:
--   - heat loads: every magnet string and thermal shield scaled by a factor
--     drawn uniformly in [0.8, 1.2];
--   - parameters: every valve, JT valve and turbine kv scaled by a factor in
--     [0.9, 1.1];
--   - set points: the magnet bath set point drawn in [1.85, 1.95] K;
--   - faults: with probability 0.3 one compressor (warm or cold) trips, and
--     with probability 0.2 one magnet supply valve (CELL_NN_VALVE) is stuck
--     at an opening drawn in [0.2, 0.8] (closed, its magnet would have no
--     steady state: that is a transient's question).
-- Written to OUTDIR:
--   nodes.csv   scenario,node,type,heat_load,t_set,opening,kv,  p,T,m,duty
--   edges.csv   scenario,edge,source,target,length,diameter,  flow
--   manifest.json  seed, model, count, converged count, the sampling rules,
--                  column meanings (inputs before the double space, outputs after)
-- Scenarios that fail to solve are listed in the manifest with the reason
-- and written nowhere else.  Random numbers: Lua's math.random (xoshiro256**)
-- seeded with --seed, so a seed gives the same dataset on every machine.
package.path = (arg[0]:match("^(.*)/sim_scenarios%.lua$") or ".") .. "/lib/?.lua;" .. package.path
local cliargs = require("cliargs")
local spec = {
  usage = "sim_scenarios.lua OUTDIR [--model M] [--count N] [--seed S]",
  about = "Sample perturbed plant scenarios, solve each, write (inputs, outputs) per node and edge.",
  positional = {"OUTDIR"},
  options = {
    {"--model", "M", "plant graph (default models/lhc_sector.graphml)"},
    {"--count", "N", "number of scenarios (default 20)", integer = true, min = 1, default = 20},
    {"--seed", "S", "random seed (default 1)", integer = true, default = 1},
  },
}
local a = cliargs.parse(arg, spec)
local root = (arg[0]:match("^(.*)/scripts/lua/sim_scenarios%.lua$") or ".")
local model = a.model or (root .. "/models/lhc_sector.graphml")
local count, seed = a.count, a.seed

cliargs.run(function()
  math.randomseed(seed)
  -- the directory name goes to the shell single-quoted (a quote inside
  -- becomes '\''), so it cannot inject commands; failure is an error
  local quoted = "'" .. a.outdir:gsub("'", "'\\''") .. "'"
  if not os.execute("mkdir -p -- " .. quoted) then error("cannot create the directory " .. a.outdir) end
  local base = tg.graph.load(model)
  local ids, types = {}, {}
  for _, row in ipairs(base:nodes()) do ids[#ids + 1] = row end
  for _, id in ipairs(ids) do types[id] = base:get(id, "type") end
  local machines, supply_valves = {}, {}
  for _, id in ipairs(ids) do
    if types[id] == "compressor" or types[id] == "cold_compressor" then machines[#machines + 1] = id end
    if id:match("^CELL_%d+_VALVE$") then supply_valves[#supply_valves + 1] = id end
  end
  local function U(lo, hi) return lo + (hi - lo) * math.random() end
  -- optional attributes read with the plant's defaults (docs/sim.md), so
  -- plants without them work
  local defaults = {heat_load = 0, t_set = 0, opening = 1, kv = 0}
  local function num(g, id, k) return g:get(id, k) or defaults[k] end
  local nf = assert(io.open(a.outdir .. "/nodes.csv", "w"))
  local ef = assert(io.open(a.outdir .. "/edges.csv", "w"))
  nf:write("scenario,node,type,heat_load,t_set,opening,kv,p,T,m,duty\n")
  ef:write("scenario,edge,source,target,length,diameter,flow\n")
  local failed, ok, faults = {}, 0, {}
  for sc = 1, count do
    local g = base:copy()
    for _, id in ipairs(ids) do
      local t = types[id]
      if t == "magnet_string" or t == "thermal_shield" then
        g:set(id, "heat_load", num(g, id, "heat_load") * U(0.8, 1.2))
      end
      if (t == "valve" or t == "jt_valve" or t == "turbine") and g:get(id, "kv") then
        g:set(id, "kv", g:get(id, "kv") * U(0.9, 1.1))
      end
    end
    local tmag = U(1.85, 1.95)
    for _, id in ipairs(ids) do if types[id] == "magnet_string" then g:set(id, "t_set", tmag) end end
    local fault = {}
    if math.random() < 0.3 and #machines > 0 then
      fault.trip = machines[math.random(#machines)]
      g:set(fault.trip, "opening", 0)
    end
    if math.random() < 0.2 and #supply_valves > 0 then
      fault.stuck = supply_valves[math.random(#supply_valves)]
      fault.opening = U(0.2, 0.8)
      g:set(fault.stuck, "opening", fault.opening)
    end
    faults[sc] = fault
    local good, s = pcall(function() return tg.sim.plant(g):steady() end)
    if not good then
      failed[#failed + 1] = {scenario = sc, reason = tostring(s), fault = fault}
    else
      ok = ok + 1
      for _, id in ipairs(ids) do
        local v = s.nodes[id]
        nf:write(("%d,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n"):format(sc, id, types[id],
          num(g, id, "heat_load"), num(g, id, "t_set"), num(g, id, "opening"), num(g, id, "kv"), v.p, v.T, v.m,
          v.duty))
      end
      for _, e in ipairs(g:edges()) do
        local ed = e.id and g:edge(e.id) or g:edge(e.source, e.target)
        local key = e.id or (e.source .. "-" .. e.target)
        ef:write(("%d,%s,%s,%s,%.17g,%.17g,%.17g\n"):format(sc, key, e.source, e.target,
          ed.length, ed.diameter, s.flow[key]))
      end
    end
  end
  nf:close()
  ef:close()
  local manifest = {
    seed = seed, model = model, count = count, solved = ok, failed = failed, faults = faults,
    generator = "scripts/lua/sim_scenarios.lua", twingraph = tg.version,
    sampling = {heat_load = "magnets and shields x U(0.8, 1.2)", kv = "valves, JT valves, turbines x U(0.9, 1.1)",
                t_set_magnets = "U(1.85, 1.95) K", trip = "p = 0.3, one compressor or cold compressor",
                stuck_valve = "p = 0.2, one CELL_NN_VALVE at opening U(0.2, 0.8)"},
    files = {nodes = "nodes.csv: inputs heat_load W, t_set K, opening, kv; outputs p bar, T K, m kg/s, duty W",
             edges = "edges.csv: inputs length m, diameter m; output flow kg/s (signed, source to target)"},
  }
  local mf = assert(io.open(a.outdir .. "/manifest.json", "w"))
  mf:write(tg.json.encode(manifest, {indent = true}), "\n")
  mf:close()
  print(("%d scenarios, %d solved, written to %s (seed %d)"):format(count, ok, a.outdir, seed))
end)
