-- Review follow-ups of issue 7 (risk5a): the `twingraph risk` CLI (help,
-- exit codes, JSON keys, the uncertainty histogram's bin edges) and the
-- exact fault tree of a plant graph (scripts/lua/lib/plant_risk.lua)
-- against brute-force enumeration of component states on the graph.
local T = ...
local P, R = T.prog, T.root
local FT = R .. "/data/faulttrees/"

T.test("risk CLI: help, exit codes, variables, histogram edges", function()
  local code, out = T.run(P .. " risk --help")
  T.eq(code, 0, "--help exit")
  T.truthy(out:find("Exit status: 0 success; 1 error", 1, true), "help gives the exit codes")
  T.truthy(out:find("2 bad usage", 1, true), "help gives the usage exit code")
  for _, o in ipairs{"--top", "--report", "--prime-implicants", "--time-step", "--mocus", "--seed",
                     "--max-sets"} do
    T.truthy(out:find(o, 1, true), "help lists " .. o)
  end
  local err
  code, _, err = T.run(P .. " risk " .. FT .. "scram/SmallTree.xml --limit-order x")
  T.eq(code, 2, "bad usage exits 2 " .. err)
  code, _, err = T.run(P .. " risk /nonexistent/tree.xml")
  T.eq(code, 1, "unreadable file exits 1 " .. err)
  code, out, err = T.run(P .. " risk " .. FT .. "scram/SmallTree.xml --uncertainty 5000 --seed 4 --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  -- Every key the help promises for these options is there.
  for _, k in ipairs{"top", "basic_events", "variables", "gates", "products", "distribution",
                     "uncertainty", "seconds"} do
    T.truthy(j[k] ~= nil, "JSON has " .. k)
  end
  T.eq(j.variables, 4, "SmallTree has 4 basic events")
  local u = j.uncertainty
  T.eq(#u.bins, 20, "20 bins"); T.eq(#u.bin_edges, 21, "21 bin edges")
  T.eq(u.bin_edges[1], u.min, "first edge is the min"); T.eq(u.bin_edges[21], u.max, "last edge is the max")
  T.near(u.bin_width, (u.max - u.min) / 20, 1e-15, "bin width")
  local total = 0
  for i = 1, 20 do
    total = total + u.bins[i]
    T.near(u.bin_edges[i + 1] - u.bin_edges[i], u.bin_width, 1e-12 * u.max, "equal bins")
  end
  T.eq(total, 5000, "every trial in one bin")
  -- Recount the histogram from the quantiles' side: the 5% quantile lies
  -- in the bin whose cumulative count first reaches 5% of the trials.
  local cum, b = 0, 0
  repeat b = b + 1; cum = cum + u.bins[b] until cum >= 0.05 * 5000
  T.truthy(u.quantiles[1] >= u.bin_edges[b] - 1e-15 and u.quantiles[1] <= u.bin_edges[b + 1] + 1e-15,
    "5% quantile inside its bin")
end)

-- ---- plant graphs: exact derivation against enumeration on the graph ------
package.path = R .. "/scripts/lua/lib/?.lua;" .. package.path
local pr = require("plant_risk")
local ref = dofile(R .. "/tests/lua/plant_ref.lua")

-- Build a graph and a reference spec from a compact description.
local function plant(nodes, edges, rates)
  local g = tg.graph.new{directed = true}
  local spec = {nodes = {}, edges = {}, rate = {}}
  for i, id in ipairs(nodes) do
    local r = rates and rates[id]
    if r == nil then r = 1e-5 * (3 + (i * 7) % 11) end   -- varied, all fail
    if r == 0 then g:add_node(id) else g:add_node(id, {failure_rate = r}) end
    spec.nodes[i] = id; spec.rate[id] = r
  end
  for _, e in ipairs(edges) do
    g:add_edge(e[1], e[2])
    spec.edges[#spec.edges + 1] = {e[1], e[2]}
  end
  return g, spec
end

-- The derived tree's probability and minimal cut sets equal the brute
-- force on the graph (every state of the components enumerated).
local function check(name, g, spec, sources, sinks, mode)
  spec.sources, spec.sinks, spec.mode = sources, sinks, mode
  local m, info = pr.fault_tree(g, {sources = sources, sinks = sinks, mode = mode})
  local a = m:analyze()
  local p, cuts = ref.brute(spec)
  T.near(a:probability(), p, 1e-12, name .. " " .. mode .. ": P vs enumeration")
  local got = {}
  for _, c in ipairs(a:cut_sets{max = 100000}) do
    local e = {}
    for k, v in ipairs(c.events) do e[k] = v end
    table.sort(e)
    got[#got + 1] = table.concat(e, ",")
  end
  local want = {}
  for k, c in ipairs(cuts) do want[k] = table.concat(c, ",") end
  table.sort(got); table.sort(want)
  T.eq(table.concat(got, " "), table.concat(want, " "), name .. " " .. mode .. ": minimal cut sets")
  return a, info
end

T.test("plant tree: unequal redundant paths (S->A->T, S->B->C->T)", function()
  local g, spec = plant({"S", "A", "B", "C", "T"},
    {{"S", "A"}, {"A", "T"}, {"S", "B"}, {"B", "C"}, {"C", "T"}})
  local a = check("unequal paths", g, spec, {"S"}, {"T"}, "any")
  -- S or T or (A and (B or C)), by hand.
  local q = {}
  for _, id in ipairs(spec.nodes) do q[id] = 1 - math.exp(-spec.rate[id] * 8760) end
  local want = 1 - (1 - q.S) * (1 - q.T) * (1 - q.A * (1 - (1 - q.B) * (1 - q.C)))
  T.near(a:probability(), want, 1e-14, "closed form")
  T.eq(a:products(), 4, "{S} {T} {A,B} {A,C}")
end)

T.test("plant tree: cross-ties, shared header, cycles (enumeration)", function()
  -- Two trains with a bidirectional cross-tie and a diagonal feed.
  local g, spec = plant({"S1", "S2", "A", "B", "C", "D", "T1", "T2"},
    {{"S1", "A"}, {"A", "B"}, {"B", "T1"}, {"S2", "C"}, {"C", "D"}, {"D", "T2"},
     {"B", "D"}, {"D", "B"}, {"A", "D"}})
  for _, mode in ipairs{"any", "all"} do check("cross-tie", g, spec, {"S1", "S2"}, {"T1", "T2"}, mode) end
  -- A loop that must not support itself: A -> B -> C -> A fed by S only
  -- through A; B also feeds the sink.  With the hop rule or a naive
  -- recursion the loop could keep B "supplied" after A fails.
  g, spec = plant({"S", "A", "B", "C", "T", "U"},
    {{"S", "A"}, {"A", "B"}, {"B", "C"}, {"C", "A"}, {"B", "T"}, {"C", "U"}, {"U", "T"}})
  for _, mode in ipairs{"any", "all"} do check("loop", g, spec, {"S"}, {"T", "U"}, mode) end
  -- Shared header, two sources, return edges into a source, a cross-tie
  -- between the valves and a node that cannot fail.
  g, spec = plant({"S1", "S2", "H", "V1", "V2", "K1", "K2", "P"},
    {{"S1", "H"}, {"S2", "H"}, {"H", "V1"}, {"H", "V2"}, {"V1", "K1"}, {"V2", "K2"},
     {"K1", "S1"}, {"V1", "P"}, {"P", "V2"}, {"V2", "P"}, {"P", "V1"}, {"K2", "H"}},
    {P = 0})
  for _, mode in ipairs{"any", "all"} do check("header", g, spec, {"S1", "S2"}, {"K1", "K2"}, mode) end
  -- A bidirectional ring of 9 (one strongly connected part) with chords.
  local nodes, edges = {}, {}
  for i = 1, 9 do nodes[i] = "R" .. i end
  for i = 1, 9 do
    local j = i % 9 + 1
    edges[#edges + 1] = {"R" .. i, "R" .. j}; edges[#edges + 1] = {"R" .. j, "R" .. i}
  end
  edges[#edges + 1] = {"R1", "R5"}; edges[#edges + 1] = {"R7", "R3"}
  g, spec = plant(nodes, edges)
  for _, mode in ipairs{"any", "all"} do check("ring", g, spec, {"R1"}, {"R4", "R6", "R8"}, mode) end
  -- Two sources inside the same ring (edges into a source do not count).
  check("ring, two sources", g, spec, {"R1", "R6"}, {"R3", "R9"}, "all")
end)

T.test("plant tree: random digraphs with cycles, 14 components (enumeration)", function()
  local state = 12345
  local function rnd(n)
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n + 1
  end
  for trial = 1, 4 do
    local nodes, edges, seen = {}, {}, {}
    for i = 1, 14 do nodes[i] = "n" .. i end
    -- A spine so every node is reached, then random extra edges (cycles).
    for i = 2, 14 do
      local u = rnd(i - 1)
      edges[#edges + 1] = {"n" .. u, "n" .. i}; seen[u .. "-" .. i] = true
    end
    for _ = 1, 10 do
      local u, v = rnd(14), rnd(14)
      if u ~= v and not seen[u .. "-" .. v] then
        seen[u .. "-" .. v] = true
        edges[#edges + 1] = {"n" .. u, "n" .. v}
      end
    end
    local g, spec = plant(nodes, edges)
    local _, info = check("random " .. trial, g, spec, {"n1", "n2"}, {"n12", "n13", "n14"},
      trial % 2 == 0 and "all" or "any")
    T.truthy(info.gates > 0, "gates made")
  end
end)

T.test("plant tree: the demo plant agrees with a Monte Carlo on the graph", function()
  local g = tg.graph.load(R .. "/models/lhc_sector.graphml")
  local sources, sinks = {}, g:nodes("magnet_string")
  for _, id in ipairs(g:nodes("compressor")) do
    if g:get(id, "section") == "compressor_station" then sources[#sources + 1] = id end
  end
  for _, mode in ipairs{"all", "any"} do
    local m, info = pr.fault_tree(g, {sources = sources, sinks = sinks, mode = mode})
    T.truthy(info.loop_gates > 0, "the plant has loops")
    local p = m:analyze():probability()
    local spec = ref.spec_of(g, sources, sinks, mode)
    local mc, se = ref.mc(spec, 4000, 7)
    if math.abs(p - mc) > 4.5 * se + 1e-12 then
      error(("%s: exact P %.6g, Monte Carlo on the graph %.6g +- %.3g"):format(mode, p, mc, se))
    end
  end
end)

T.test("plant tree: complete digraph (exact) and the gate bound", function()
  -- Every ordered pair of 7 nodes: the worst case for the path unfolding.
  local nodes, edges = {}, {}
  for i = 1, 7 do nodes[i] = "K" .. i end
  for i = 1, 7 do for j = 1, 7 do if i ~= j then edges[#edges + 1] = {"K" .. i, "K" .. j} end end end
  local g, spec = plant(nodes, edges)
  local _, info = check("complete", g, spec, {"K1"}, {"K5", "K7"}, "all")
  T.truthy(info.loop_gates > 7, "path-dependent gates")
  T.raises(function()
    pr.fault_tree(g, {sources = {"K1"}, sinks = {"K5", "K7"}, max_gates = 20})
  end, "raise opts.max_gates", "a bound on the unfolding")
  T.raises(function()
    pr.fault_tree(g, {sources = {"K1"}, sinks = {"nowhere"}})
  end, "sink nowhere is not reached", "unreached sink")
end)
