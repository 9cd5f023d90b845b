-- plant_mc_check.lua: the demo plant's loss-of-supply probability, exact
-- (scripts/lua/lib/plant_risk.lua) against a long Monte Carlo straight on
-- the graph (tests/lua/plant_ref.lua).  Not part of `make check` (about a
-- minute):  twingraph tests/lua/plant_mc_check.lua [SAMPLES]
local R = arg[0]:match("^(.*)/tests/lua/plant_mc_check%.lua$") or "."
package.path = R .. "/scripts/lua/lib/?.lua;" .. package.path
local pr = require("plant_risk")
local ref = dofile(R .. "/tests/lua/plant_ref.lua")
local n = math.tointeger(tonumber(arg[1] or "200000"))
local g = tg.graph.load(R .. "/models/lhc_sector.graphml")
local sources, sinks = {}, g:nodes("magnet_string")
for _, id in ipairs(g:nodes("compressor")) do
  if g:get(id, "section") == "compressor_station" then sources[#sources + 1] = id end
end
for _, mode in ipairs{"all", "any"} do
  local m = pr.fault_tree(g, {sources = sources, sinks = sinks, mode = mode})
  local p = m:analyze():probability()
  local mc, se = ref.mc(ref.spec_of(g, sources, sinks, mode), n, 1)
  print(("%s: exact %.6f  Monte Carlo (%d) %.6f +- %.6f  z %.2f"):format(mode, p, n, mc, se, (mc - p) / se))
end
