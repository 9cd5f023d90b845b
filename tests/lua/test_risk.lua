-- tg.risk and `twingraph risk`: SCRAM figures (tests/risk/golden, made by
-- tests/risk/make_golden.py with SCRAM 0.16.2), hand-computed trees, MEF
-- round trip, network reliability (published grid values) and usage errors.
local T = ...
local P, R = T.prog, T.root
local FT = R .. "/data/faulttrees/"

T.test("baobab1 and chinese agree with SCRAM", function()
  local m = tg.risk.read{FT .. "scram/baobab1.xml", FT .. "scram/baobab1-basic-events.xml"}
  local a = m:analyze()
  T.eq(a:products(), 46188, "baobab1 products (SCRAM)")
  local want = {0, 1, 1, 70, 400, 2212, 14748, 8460, 10624, 6600, 3072}
  local d = a:distribution()
  for k, v in ipairs(want) do T.eq(d[k], v, "order " .. k) end
  T.near(a:probability(), 1.2823e-06, 5e-6 * 1.2823e-06, "baobab1 probability (SCRAM 1.2823e-06)")
  local imp = a:importance()
  T.eq(imp[1].name, "e53", "most important event (SCRAM: e53, DIF 0.941743)")
  T.near(imp[1].dif, 0.941743, 5e-6, "e53 DIF")
  T.eq(imp[1].occurrence, 43404, "e53 occurs in 43404 cut sets (SCRAM)")
  local code, out, err = T.run(P .. " risk " .. FT .. "scram/chinese.xml " .. FT ..
    "scram/chinese-basic-events.xml --probability --importance --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.products, 392, "chinese products (SCRAM)")
  T.near(j.probability, 0.00456932, 5e-6 * 0.00456932, "chinese probability (SCRAM)")
  T.eq(j.basic_events, 25, "basic events in cut sets (SCRAM)")
  T.eq(#j.importance, 25, "one importance row per event")
  T.truthy(j.seconds.analysis >= 0 and j.seconds.read >= 0, "timings")
  T.truthy(j.rare_event >= j.probability and j.mcub >= j.probability - 1e-15, "approximations bound P")
end)

T.test("a tree built in code, by hand", function()
  -- top = pump AND (valve1 OR valve2), atleast 2 of 3 sensors as a second branch
  local m = tg.risk.model()
  m:basic("pump", 0.1); m:basic("v1", 0.2); m:basic("v2", 0.3)
  m:basic("s1", 0.1); m:basic("s2", 0.1); m:basic("s3", 0.1)
  m:gate("valves", "and", {"v1", "v2"})
  m:gate("flow", "or", {"pump", "valves"})
  m:gate("sense", "atleast", {"s1", "s2", "s3"}, 2)
  m:gate("top", "or", {"flow", "sense"})
  m:finish()
  T.eq(table.concat(m:tops(), ","), "top", "one top gate")
  local a = m:analyze()
  local pflow = 1 - (1 - 0.1) * (1 - 0.06)
  local psense = 3 * 0.01 * 0.9 + 0.001
  T.near(a:probability(), 1 - (1 - pflow) * (1 - psense), 1e-15, "exact probability")
  T.eq(a:products(), 5, "pump, v1 v2, s1 s2, s1 s3, s2 s3")
  local cs = a:cut_sets()
  T.eq(cs[1].events[1], "pump", "order 1 first")
  T.eq(#a:cut_sets{max_order = 1}, 1, "one cut set of order 1")
  -- Birnbaum of pump: P(top | pump) - P(top | no pump) = 1 - P(top | no pump)
  local p0 = 1 - (1 - 0.06) * (1 - psense)
  for _, e in ipairs(a:importance()) do
    if e.name == "pump" then T.near(e.mif, 1 - p0, 1e-14, "pump MIF") end
  end
  -- Rates: mission time moves the probability.
  local r = tg.risk.model()
  r:basic_rate("x", 1e-4); r:gate("t", "null", {"x"}); r:finish()
  local ra = r:analyze()
  T.near(ra:probability(), 1 - math.exp(-1e-4 * 8760), 1e-15, "default mission time 8760 h")
  r:mission_time(1000); ra:reevaluate()
  T.near(ra:probability(), 1 - math.exp(-0.1), 1e-15, "1000 h")
end)

T.test("MEF round trip and errors", function()
  local m = tg.risk.read(FT .. "scram/three_motor.xml")
  local path = os.tmpname()
  m:write(path)
  local m2 = tg.risk.read(path)
  os.remove(path)
  local a, b = m:analyze(), m2:analyze()
  T.eq(b:products(), a:products(), "same cut sets after writing")
  T.near(b:probability(), a:probability(), 1e-15, "same probability")
  T.raises(function() tg.risk.read("/nonexistent.xml") end, "/nonexistent.xml: cannot open")
  local bad = os.tmpname()
  local f = io.open(bad, "w")
  f:write('<opsa-mef>\n<define-fault-tree name="x">\n<define-gate name="t"><or>\n' ..
          '<basic-event name="a"/><gate name="nope"/></or></define-gate>\n' ..
          '<define-basic-event name="a"><float value="0.1"/></define-basic-event>\n' ..
          '</define-fault-tree></opsa-mef>\n')
  f:close()
  T.raises(function() tg.risk.read(bad) end, ":4: undefined gate 'nope'")
  local code, _, err = T.run(P .. " risk " .. bad)
  T.eq(code, 1, "exit 1 on a bad model")
  T.truthy(err:find("undefined gate 'nope'", 1, true), err)
  os.remove(bad)
  code = T.run(P .. " risk " .. FT .. "scram/two_train.xml --limit-order x")
  T.eq(code, 2, "bad option value")
end)

T.test("network reliability: N x N grids (published values)", function()
  local function grid(N)
    local e = {}
    local function id(r, c) return r * N + c + 1 end
    for r = 0, N - 1 do
      for c = 0, N - 1 do
        if c + 1 < N then e[#e + 1] = {id(r, c), id(r, c + 1), 0.9} end
        if r + 1 < N then e[#e + 1] = {id(r, c), id(r + 1, c), 0.9} end
      end
    end
    return tg.risk.network_reliability{n = N * N, edges = e, terminals = {1, N * N}}
  end
  T.near(grid(3), 0.972502171407, 1e-12, "3 x 3")
  T.near(grid(4), 0.975046349577, 1e-12, "4 x 4")
end)

T.test("fault tree of a plant graph (redundant, shared, looped)", function()
  package.path = R .. "/scripts/lua/lib/?.lua;" .. package.path
  local pr = require("plant_risk")
  -- Two compressors in parallel feed a shared header H, which feeds two
  -- magnet strings K1, K2 through valves V1, V2; K1 returns to S1 (a loop).
  local g = tg.graph.new{directed = true}
  local rate = {S1 = 1e-4, S2 = 2e-4, H = 1e-6, V1 = 3e-6, V2 = 4e-6, K1 = 5e-6, K2 = 6e-6}
  for id, r in pairs(rate) do g:add_node(id, {failure_rate = r}) end
  g:add_edge("S1", "H"); g:add_edge("S2", "H"); g:add_edge("H", "V1"); g:add_edge("H", "V2")
  g:add_edge("V1", "K1"); g:add_edge("V2", "K2"); g:add_edge("K1", "S1")
  local p = {}
  for id, r in pairs(rate) do p[id] = 1 - math.exp(-r * 8760) end
  local m = pr.fault_tree(g, {sources = {"S1", "S2"}, sinks = {"K1", "K2"}, mode = "any"})
  local a = m:analyze()
  -- any string: H or (S1 and S2) or V1 or K1 or V2 or K2
  local want = 1 - (1 - p.H) * (1 - p.S1 * p.S2) * (1 - p.V1) * (1 - p.K1) * (1 - p.V2) * (1 - p.K2)
  T.near(a:probability(), want, 1e-14, "any: exact by hand")
  T.eq(a:products(), 6, "any: 5 single points and {S1, S2}")
  m = pr.fault_tree(g, {sources = {"S1", "S2"}, sinks = {"K1", "K2"}, mode = "all"})
  a = m:analyze()
  -- all strings: H or (S1 and S2) or ((V1 or K1) and (V2 or K2))
  local b1, b2 = 1 - (1 - p.V1) * (1 - p.K1), 1 - (1 - p.V2) * (1 - p.K2)
  want = 1 - (1 - p.H) * (1 - p.S1 * p.S2) * (1 - b1 * b2)
  T.near(a:probability(), want, 1e-14, "all: exact by hand")
  T.eq(a:products(), 6, "all: {H}, {S1,S2}, and four pairs across the strings")
  local d = a:distribution()
  T.eq(d[1], 1, "one single point (the shared header)"); T.eq(d[2], 5, "five pairs")
  -- A redundant twin of the header removes the single point.
  m = pr.fault_tree(g, {sources = {"S1", "S2"}, sinks = {"K1", "K2"}, mode = "all", twins = {H = true}})
  a = m:analyze()
  want = 1 - (1 - p.H * p.H) * (1 - p.S1 * p.S2) * (1 - b1 * b2)
  T.near(a:probability(), want, 1e-14, "twin header")
  T.eq(a:distribution()[1], 0, "no single point left")
  -- The study script runs on the demo plant.
  local out = os.tmpname()
  os.remove(out)
  local code, o, err = T.run(P .. " " .. R .. "/scripts/lua/risk_analysis.lua --mode all --json --out " .. out)
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(o)
  T.truthy(j.probability > 0 and j.probability < 1 and #j.order1 == j.distribution[1], "study output")
  T.truthy(j.best_redundancy and j.best_redundancy.p < j.probability, "a redundancy lowers the risk")
  os.execute('rm -rf "' .. out .. '"')
end)

T.test("MOCUS, XML report, Monte Carlo and criticality", function()
  local rep = os.tmpname()
  local code, out, err = T.run(P .. " risk " .. FT .. "scram/chinese.xml " .. FT ..
    "scram/chinese-basic-events.xml --probability --importance --mocus --mcs --max-sets 5 --json --report " .. rep)
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.mocus.products, 392, "MOCUS count equals the ZBDD count (and SCRAM's)")
  for k, v in ipairs(j.distribution) do T.eq(j.mocus.distribution[k], v, "MOCUS order " .. k) end
  T.eq(#j.cut_sets, 5, "five cut sets listed")
  T.eq(j.cut_sets[1].order, 2, "lowest order first (chinese has none of order 1)")
  local f = io.open(rep)
  local x = f:read("a")
  f:close()
  os.remove(rep)
  local rp = x:match('products="392" probability="([^"]+)" distribution="0 12 0 24 188 168"')
  T.truthy(rp and math.abs(tonumber(rp) - 0.00456932) <= 5e-6 * 0.00456932, "report carries SCRAM's figures")
  T.eq(select(2, x:gsub("<product ", "")), 5, "report lists the listed cut sets")
  -- Two parallel paths: criticality by hand; Monte Carlo near the exact value.
  local e = {{1, 2, 0.9}, {2, 4, 0.8}, {1, 3, 0.7}, {3, 4, 0.6}}
  local r, crit = tg.risk.network_reliability{n = 4, edges = e, terminals = {1, 4}, criticality = true}
  T.near(r, 1 - (1 - 0.72) * (1 - 0.42), 1e-15, "exact")
  T.near(crit[1], 0.8 * (1 - 0.42), 1e-15, "dR/dp of edge 1")
  local est, se = tg.risk.network_reliability{n = 4, edges = e, terminals = {1, 4}, method = "mc",
                                              samples = 100000, seed = 3}
  T.truthy(math.abs(est - r) < 4 * se and se < 0.005, "Monte Carlo within 4 standard errors")
  -- Nodes failing: node 2 (on the first path) works with 0.5, by hand.
  local rn = tg.risk.network_reliability{n = 4, edges = e, terminals = {1, 4}, nodes = {1, 0.5, 1, 1}}
  T.near(rn, 1 - (1 - 0.5 * 0.72) * (1 - 0.42), 1e-15, "node failure")
end)

T.test("an analysis whose model was closed refuses to run (no use after free)", function()
  local A
  do
    local m <close> = tg.risk.read{R .. "/data/faulttrees/scram/baobab1.xml",
                                   R .. "/data/faulttrees/scram/baobab1-basic-events.xml"}
    A = m:analyze()
  end
  T.raises(function() A:importance() end, "model of this analysis has been closed")
  T.raises(function() A:probability() end, "model of this analysis has been closed")
end)

T.test("names must be strings (numbers were converted into freed strings)", function()
  T.raises(function() tg.risk.read{1, 2} end, "file names must be strings")
  local m = tg.risk.model()
  T.raises(function() m:gate("top", "or", {1, 2}) end, "argument names must be strings")
end)

-- Finding 6: a Lua memory error while cut_sets/uncertainty copy their C
-- results into tables must not leak the C buffers.  Under --max-memory the C
-- library shares the script's byte budget, so each leaked buffer (~7 MB of
-- cut sets, 24 MB of quantiles) stays charged: after a dozen failed calls a
-- small call that needs the same C buffer runs out of memory only if they leaked.
T.test("memory errors in cut_sets and uncertainty do not leak C buffers", function()
  local xml = os.tmpname()
  local f = assert(io.open(xml, "w"))
  f:write('<opsa-mef><define-fault-tree name="F"><define-gate name="t"><or>' ..
    '<basic-event name="x"/></or></define-gate><define-basic-event name="x">' ..
    '<uniform-deviate><float value="0"/><float value="1"/></uniform-deviate>' ..
    '</define-basic-event></define-fault-tree></opsa-mef>')
  f:close()
  local script = os.tmpname()
  f = assert(io.open(script, "w"))
  f:write([[
local m = tg.risk.model()
local A, B = {}, {}
for i = 1, 500 do
  m:basic("a" .. i, 0.01); m:basic("b" .. i, 0.01)
  A[i], B[i] = "a" .. i, "b" .. i
end
m:gate("ga", "or", A); m:gate("gb", "or", B); m:gate("top", "and", {"ga", "gb"})
m:finish()
local a = m:analyze{top = "top"}
local fails = 0
for _ = 1, 12 do   -- 250000 sets: the Lua tables exceed 48 MB
  if not pcall(a.cut_sets, a, {max = -1}) then fails = fails + 1 end
  collectgarbage()
end
local ok, e = pcall(a.cut_sets, a, {max = 10})
print(fails, ok and #e or e)
local u = tg.risk.read(...):analyze()
fails = 0
for _ = 1, 6 do    -- 3e6 quantiles: 24 MB in C, 48 MB as a Lua table
  if not pcall(u.uncertainty, u, {n = 2, quantiles = 3000000, bins = 1}) then fails = fails + 1 end
  collectgarbage()
end
ok, e = pcall(u.uncertainty, u, {n = 2, quantiles = 1000000, bins = 1})
print(fails, ok and #e.quantiles or e)
]])
  f:close()
  local code, out, err = T.run(P .. " --max-memory 48M " .. script .. " " .. xml)
  os.remove(script); os.remove(xml)
  T.eq(code, 0, "exit " .. err)
  T.eq(out, "12\t10\n6\t1000000\n", "every big call failed, the small ones still fit")
end)

-- Finding 8 (updated by the risk5b review): Monte Carlo now samples nodes
-- too (tests/lua/test_risk_network.lua); criticality stays exact-only.
T.test("network_reliability mc takes nodes, refuses criticality", function()
  local e = {{1, 2, 0.9}, {2, 3, 0.8}}
  local r = tg.risk.network_reliability{n = 3, edges = e, terminals = {1, 3},
    method = "mc", nodes = {1, 0.5, 1}, samples = 20000, seed = 1}
  T.near(r, 0.36, 1e-12, "a path is one cut after another: RVR is exact on it")
  T.raises(function() tg.risk.network_reliability{n = 3, edges = e, terminals = {1, 3},
    method = "mc", criticality = true} end, "'criticality' is not supported with method 'mc'")
  r = tg.risk.network_reliability{n = 3, edges = e, terminals = {1, 3}, method = "mc",
    samples = 20000, seed = 1}
  T.truthy(math.abs(r - 0.72) < 0.02, "mc without nodes still runs (exact 0.72)")
end)

-- risk3: prime implicants (SCRAM --prime-implicants golden nc1, made by
-- tests/risk/make_pi_golden.py), occurrence without probabilities, the CLI's
-- basic_events without model data, and the cut-off applied while cut sets
-- are made (products = the full family filtered).
T.test("prime implicants, occurrence, cut-off in generation", function()
  local m = tg.risk.read{R .. "/tests/risk/golden/pi/nc1.xml"}
  local a = m:analyze{top = "h0"}
  local r = a:prime_implicants{}
  local want = {}
  for line in io.lines(R .. "/tests/risk/golden/pi/nc1.txt") do
    local imp = line:match("^implicant (.*)$")
    if imp then want[#want + 1] = imp end
  end
  T.eq(r.count, #want, "prime implicants (SCRAM)")
  local got = {}
  for _, i in ipairs(r.implicants) do
    local l = {}
    for _, x in ipairs(i.literals) do l[#l + 1] = (x:gsub("^not ", "~")) end
    table.sort(l)
    got[#got + 1] = table.concat(l, " ")
  end
  table.sort(got); table.sort(want)
  for k = 1, #want do T.eq(got[k], want[k], "implicant " .. k) end
  T.raises(function() a:prime_implicants{limit_order = -1} end, "limit_order")
  -- no model data: occurrence still known, the CLI counts the events
  local xml = os.tmpname()
  local f = assert(io.open(xml, "w"))
  f:write('<opsa-mef><define-fault-tree name="T"><define-gate name="top"><or><gate name="g"/>' ..
    '<basic-event name="a"/></or></define-gate><define-gate name="g"><and><basic-event name="b"/>' ..
    '<basic-event name="c"/></and></define-gate><define-basic-event name="a"/>' ..
    '<define-basic-event name="b"/><define-basic-event name="c"/></define-fault-tree></opsa-mef>')
  f:close()
  local occ = tg.risk.read{xml}:analyze{}:occurrence()
  T.eq(occ.a, 1, "a in one cut set"); T.eq(occ.b, 1, "b"); T.eq(occ.c, 1, "c")
  local code, out, err = T.run(P .. " risk " .. xml .. " --json")
  os.remove(xml)
  T.eq(code, 0, "exit " .. err)
  T.eq(tg.json.decode(out).basic_events, 3, "basic_events without probabilities")
  -- cut-off: baobab1 sets >= 1e-10, made directly
  local mb = tg.risk.read{FT .. "scram/baobab1.xml", FT .. "scram/baobab1-basic-events.xml"}
  local full, n = mb:analyze(), 0
  for _, c in ipairs(full:cut_sets{max = 100000}) do if c.p >= 1e-10 then n = n + 1 end end
  local cut = mb:analyze{cut_off = 1e-10}
  T.eq(cut:products(), n, "products under cut-off = full family filtered")
  T.truthy(n > 0 and n < 46188, "the cut-off cuts")
end)

T.test("mcs_zbdd with a probability cut-off (SCRAM family filtered)", function()
  -- tests/risk/golden/cutoff.txt (make_cutoff_golden.py): chinese, cut-off
  -- 3e-8: 36 sets (orders 2: 12, 4: 24), rare-event 0.00480384,
  -- MCUB 0.004793275668800737.
  local m = tg.risk.read{FT .. "scram/chinese.xml", FT .. "scram/chinese-basic-events.xml"}
  local r = m:mcs_zbdd{limit_order = 4000, cut_off = 3e-8}
  T.eq(r.products, 36, "sets >= 3e-8")
  T.eq(r.distribution[2], 12, "order 2"); T.eq(r.distribution[4], 24, "order 4")
  T.near(r.rare_event, 0.00480384, 1e-15, "rare-event sum")
  T.near(r.mcub, 0.004793275668800737, 1e-15, "MCUB")
  local full = m:mcs_zbdd{limit_order = 4000}
  T.eq(full.products, 392, "no cut-off: the full family (SCRAM 392)")
  T.truthy(not pcall(m.mcs_zbdd, m, {cut_off = 2}), "cut_off outside [0, 1] refused")
  -- events without probabilities: counts work, P is NaN, a cut-off is refused
  local xml = os.tmpname()
  local f = assert(io.open(xml, "w"))
  f:write('<opsa-mef><define-fault-tree name="T"><define-gate name="top"><or><gate name="g"/>' ..
    '<basic-event name="a"/></or></define-gate><define-gate name="g"><and><basic-event name="b"/>' ..
    '<basic-event name="c"/></and></define-gate><define-basic-event name="a"/>' ..
    '<define-basic-event name="b"/><define-basic-event name="c"/></define-fault-tree></opsa-mef>')
  f:close()
  local mn = tg.risk.read{xml}
  os.remove(xml)
  local rn = mn:mcs_zbdd{limit_order = 4000}
  T.eq(rn.products, 2, "{a}, {b, c}")
  T.truthy(rn.rare_event ~= rn.rare_event, "no probabilities: rare_event NaN")
  local ok, err = pcall(mn.mcs_zbdd, mn, {cut_off = 1e-3})
  T.truthy(not ok and tostring(err):find("needs the probability", 1, true), "cut-off refused: " .. tostring(err))
end)
