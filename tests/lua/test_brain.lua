-- tg.brain and `twingraph brain`: the CLI's JSON against the golden values
-- of tests/graph/make_brain_golden.py (numpy re-implementation of the BCT
-- formulas, cross-checked there with networkx), the Lua API's workflow,
-- determinism of seeded procedures, and argument errors.
local T = ...
local P, R = T.prog, T.root

local gold = {}
for line in io.lines(R .. "/tests/graph/files/brain_golden.txt") do
  local key, rest = line:match("^(%S+)%s+(.*)$")
  local v = {}
  for x in rest:gmatch("%S+") do v[#v + 1] = tonumber(x) or (x == "nan" and 0 / 0) or (x == "inf" and math.huge) end
  gold[key] = v
end

local function near_vec(got, want, what)
  T.eq(#got, #want, what .. " length")
  for i = 1, #want do T.near(got[i], want[i], 1e-9, what .. "[" .. i .. "]") end
end

local S138 = R .. "/data/connectomes/bctpy_sample138/"

T.test("twingraph brain --json on bctpy's sample equals the BCT goldens", function()
  local code, out, err = T.run(P .. " brain " .. S138 .. "sample_data.csv --proportional 0.4 --partition " ..
                               S138 .. "sample_partition.txt --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.nodes, 138, "nodes"); T.eq(j.edges, 3781, "edges")
  T.near(j.global.density, 3781 / (138 * 137 / 2), 1e-12, "density")
  T.near(j.global.transitivity, gold["s138.transitivity"][1], 1e-9, "transitivity")
  T.near(j.global.global_efficiency, gold["s138.efficiency"][1], 1e-9, "efficiency")
  T.near(j.global.characteristic_path_length, gold["s138.lambda_finite"][1], 1e-9, "lambda")
  T.near(j.global.assortativity, gold["s138.assortativity"][1], 1e-9, "assortativity")
  T.near(j.global.modularity, gold["s138.modularity_g1_s0"][1], 1e-9, "modularity")
  near_vec(j.node.strength, gold["s138.strength"], "strength")
  near_vec(j.node.degree, gold["s138.degree"], "degree")
  near_vec(j.node.clustering, gold["s138.clustering"], "clustering")
  near_vec(j.node.betweenness, gold["s138.betweenness"], "betweenness")
  near_vec(j.node.participation, gold["s138.participation"], "participation")
  near_vec(j.node.module_zscore, gold["s138.zscore"], "zscore")
  near_vec(j.node.local_efficiency, gold["s138.local_efficiency2"], "local efficiency")
  -- BCT's own MATLAB participation and z-score outputs (shipped with bctpy).
  local i = 0
  for l in io.lines(S138 .. "sample_pc.txt") do i = i + 1; T.near(j.node.participation[i], tonumber(l), 1e-12, "pc") end
  i = 0
  for l in io.lines(S138 .. "sample_zi.txt") do i = i + 1; T.near(j.node.module_zscore[i], tonumber(l), 1e-12, "zi") end
end)

T.test("twingraph brain on a directed binary connectome (macaque)", function()
  local code, out, err = T.run(P .. " brain " .. R .. "/data/connectomes/bct_macaque47/macaque47.csv --labels " ..
                               R .. "/data/connectomes/bct_macaque47/labels.txt --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.nodes, 47, "nodes"); T.eq(j.edges, 505, "arcs")
  T.near(j.global.density, 505 / (47 * 46), 1e-12, "density")
  T.near(j.global.transitivity, gold["mac47.transitivity"][1], 1e-9, "transitivity")
  T.near(j.global.global_efficiency, gold["mac47.efficiency"][1], 1e-9, "efficiency")
  T.near(j.global.characteristic_path_length, gold["mac47.lambda_finite"][1], 1e-9, "lambda")
  T.near(j.global.assortativity, gold["mac47.assortativity"][1], 1e-9, "assortativity")
  near_vec(j.node.degree, gold["mac47.degree"], "degree")
  near_vec(j.node.clustering, gold["mac47.clustering"], "clustering")
  near_vec(j.node.betweenness, gold["mac47.betweenness"], "betweenness")
  near_vec(j.node.local_efficiency, gold["mac47.local_efficiency_bin"], "local efficiency")
  T.eq(j.node.id[1], (io.lines(R .. "/data/connectomes/bct_macaque47/labels.txt")()), "labels")
  -- Louvain modules without --partition: best of 10 seeded runs, reproducible.
  local _, out2 = T.run(P .. " brain " .. R .. "/data/connectomes/bct_macaque47/macaque47.csv --json")
  T.eq(tg.json.decode(out2).global.modularity, j.global.modularity, "same seeds, same Q")
  T.truthy(j.global.modularity > 0.3, "macaque modules (Q " .. j.global.modularity .. ")")
end)

T.test("twingraph brain usage errors", function()
  local m = R .. "/data/connectomes/bct_macaque47/macaque47.csv"
  local code, _, err = T.run(P .. " brain " .. m .. " --proportional 0.2 --absolute 1")
  T.eq(code, 2, "exclusive"); T.truthy(err:find("exclude each other", 1, true), err)
  code, _, err = T.run(P .. " brain " .. m .. " --proportional x")
  T.eq(code, 2, "number"); T.truthy(err:find("wants a number", 1, true), err)
  local bad = os.tmpname()
  local f = io.open(bad, "w"); f:write("1\n2\n"); f:close()
  code, _, err = T.run(P .. " brain " .. m .. " --partition " .. bad)
  T.eq(code, 1, "partition length"); T.truthy(err:find("2 labels for 47 nodes", 1, true), err)
  os.remove(bad)
  code, _, err = T.run(P .. " brain /nonexistent.csv")
  T.eq(code, 1, "missing file"); T.truthy(err:find("nonexistent", 1, true), err)
end)

T.test("tg.brain workflow and measures", function()
  local c = tg.brain.load(S138 .. "sample_data.csv")
  T.eq(c:n(), 138, "n"); T.eq(c:is_directed(), false, "symmetric -> undirected")
  local d = c:copy():threshold{proportional = 0.23}
  T.eq(d:edge_count(), math.floor(138 * 137 * 0.23 / 2 + 0.5), "proportional keeps round(p n(n-1)/2)")
  T.eq(c:edge_count(), 18906 // 2, "copy untouched")
  -- bctpy's test figure (MATLAB BCT) for sum clustering_coef_wu(thr(.23)).
  T.near(d:clustering():sum(), 187.95878414, 1e-10, "Onnela clustering sum")
  local b = d:copy():binarize()
  T.truthy(b:is_binary(), "binary")
  T.near(b:transitivity(), 0.0 + b:transitivity{weighted = false}, 0, "binary default")
  local bb = c:copy():threshold{backbone = 0.05}
  T.eq(bb:edge_count(), math.floor(0.05 * 138 * 137 / 2 + 0.5), "backbone edges")
  T.truthy(bb:charpath().lambda < math.huge, "backbone connected")
  local l = d:lengths("inverse")
  T.near(l:get(1, 2), d:get(1, 2) ~= 0 and 1 / d:get(1, 2) or 0, 1e-15, "1/w")
  local g = d:to_graph()
  T.eq(g:edge_count(), d:edge_count(), "graph edges")
  local back = tg.brain.from_graph(g, {weights = "weight"})
  T.near(back:get(1, 2), d:get(1, 2), 0, "round trip")
  local m = tg.brain.matrix({{0, 1, -2}, {1, 0, 3}, {-2, 3, 0}}, {ids = {"a", "b", "c"}})
  local pos, neg = m:split()
  T.eq(pos:get(1, 3), 0, "pos"); T.eq(neg:get(1, 3), 2, "neg"); T.eq(neg:ids()[3], "c", "ids")
  T.eq(m:copy():normalize():get(2, 3), 1, "normalize")
end)

T.test("tg.brain caches its sparse view and drops it when the matrix changes", function()
  -- assortativity and coreness run on a sparse view built on first use;
  -- every in-place change must rebuild it (and the is-binary default).
  local c = tg.brain.load(S138 .. "sample_data.csv"):threshold{proportional = 0.4}
  T.near(c:assortativity(), gold["s138.assortativity"][1], 1e-9, "weighted by default")
  T.near(c:assortativity{weighted = false}, gold["s138.assortativity_bin"][1], 1e-9, "binary")
  near_vec(c:coreness(), gold["s138.coreness"], "coreness")
  c:threshold{proportional = 0.02}   -- the 0.02 strongest of the 0.4 are those of the whole
  T.near(c:assortativity(), gold["s138sparse.assortativity"][1], 1e-9, "after threshold")
  near_vec(c:coreness(), gold["s138sparse.coreness"], "coreness after threshold")
  c:binarize()
  T.near(c:assortativity(), gold["s138sparse.assortativity_bin"][1], 1e-9, "binary default after binarize")
  local k = c:coreness()
  local i, j = 1, 2
  while c:get(i, j) ~= 0 or k[i] ~= 0 do i, j = i + 1, (i + 1) % 138 + 1 end
  c:set(i, j, 1)   -- an isolated node gains an edge: its core number becomes 1
  T.eq(c:coreness()[i], 1, "coreness after set")
  T.near(c:assortativity(), c:copy():assortativity(), 0, "assortativity after set = fresh copy")
  local m = tg.brain.load(R .. "/data/connectomes/bct_macaque47/macaque47.csv")
  T.near(m:assortativity(), gold["mac47.assortativity"][1], 1e-9, "directed")
  local dir_core = m:coreness()
  m:symmetrize()
  local fresh = tg.brain.matrix(m:rows())
  T.eq(fresh:is_directed(), false, "symmetric")
  near_vec(m:coreness(), fresh:coreness(), "coreness after symmetrize")
  T.near(m:assortativity(), fresh:assortativity(), 0, "assortativity after symmetrize")
  T.truthy(m:coreness():sum() ~= dir_core:sum(), "direction change seen")
end)

T.test("tg.brain.load reads a gzipped matrix (crossley638)", function()
  local c = tg.brain.load(R .. "/data/connectomes/crossley638/coactivation.csv.gz")
  T.eq(c:n(), 638, "n"); T.eq(c:edge_count(), 18625, "edges (SOURCE.md)")
  T.near(c:assortativity(), gold["x638co.assortativity"][1], 1e-9, "assortativity")
  near_vec(c:coreness(), gold["x638co.coreness"], "coreness")
end)

T.test("tg.brain seeded procedures are reproducible", function()
  local c = tg.brain.load(S138 .. "sample_data.csv"):threshold{proportional = 0.2}
  local a, b = c:louvain{seed = 4}, c:louvain{seed = 4}
  T.eq(a.q, b.q, "louvain q")
  for i = 1, 138 do T.eq(a.membership[i], b.membership[i], "membership") end
  local best = c:louvain{seed = 1, runs = 10}
  T.truthy(best.q >= a.q - 0.02, "best of 10 not worse than one run by more than the spread")
  T.near(c:modularity(best.membership), best.q, 1e-12, "reported Q")
  local r1, s1 = c:randmio{iter = 5, seed = 9}
  local r2 = c:randmio{iter = 5, seed = 9}
  T.truthy(s1 > 0, "swaps")
  for i = 1, 138, 7 do for j = 1, 138, 5 do T.eq(r1:get(i, j), r2:get(i, j), "randmio") end end
  local deg, rdeg = c:degree(), r1:degree()
  for i = 1, 138 do T.eq(deg[i], rdeg[i], "degree kept") end
  -- Weighted rich club (BCT rich_club_wu): a level that removes no node is
  -- NaN, so look where nodes drop out: above the smallest degree.
  local kmin = math.huge
  for i = 1, 138 do kmin = math.min(kmin, deg[i]) end
  local rc = c:rich_club{kmax = kmin + 3, nulls = 3, iter = 2, seed = 1}
  T.truthy(rc.coefficient[kmin] ~= rc.coefficient[kmin], "no node removed at k = min degree: NaN (BCT)")
  T.truthy(rc.normalized[kmin + 1] == rc.normalized[kmin + 1], "normalised rich club above the smallest degree")
  local rc2 = c:rich_club{kmax = kmin + 3, nulls = 3, iter = 2, seed = 1}
  T.eq(rc2.normalized[kmin + 1], rc.normalized[kmin + 1], "seeded nulls: same normalisation")
  local cons = c:consensus{runs = 10, seed = 2}
  T.eq(#cons, 138, "consensus")
end)

T.test("tg.brain argument errors", function()
  local c = tg.brain.load(R .. "/data/connectomes/bct_macaque47/macaque47.csv")
  T.raises(function() c:threshold{proportional = 2} end, "not in [0, 1]", "p range")
  T.raises(function() c:threshold{} end, "exactly one", "threshold")
  T.raises(function() c:clustering{weigted = true} end, "unknown option 'weigted'", "option")
  T.raises(function() c:participation({1, 2}) end, "2 labels for 47 nodes", "partition length")
  T.raises(function() c:louvain{sign = "x"} end, "field 'sign'", "sign")
  T.raises(function() c:get(0, 1) end, "out of range", "index")
  T.raises(function() c:null_strength{} end, "not symmetric", "strength null needs undirected")
  T.raises(function() tg.brain.load("/nonexistent.csv") end, "nonexistent", "load")
  T.raises(function() tg.brain.matrix({{0, "x"}, {1, 0}}) end, "not a number", "matrix")
  c:close()
  T.raises(function() c:n() end, "closed", "closed")
end)

T.test("tg.brain.group and tg.brain.nbs on synthetic subjects", function()
  local dir = os.tmpname()
  os.remove(dir)
  os.execute('mkdir -p "' .. dir .. '"')
  local subs, groups = {}, {}
  for s = 1, 12 do
    groups[s] = s <= 6 and 0 or 1
    subs[s] = tg.brain.synthetic{n = 30, modules = 3, seed = s, effect_nodes = 10, effect = groups[s] == 0 and 0.2 or 0}
    subs[s]:save(("%s/sub%02d.csv"):format(dir, s))
  end
  local files = tg.brain.files(dir)
  T.eq(#files, 12, "files"); T.truthy(files[1]:find("sub01.csv", 1, true), files[1])
  local csv = dir .. "/group.csv"
  T.eq(tg.brain.group{files = files, csv = csv, proportional = 0.3, louvain_runs = 2}, 30, "nodes")
  local lines, head = 0, nil
  for l in io.lines(csv) do lines = lines + 1; head = head or l end
  T.eq(lines, 1 + 12 * 30, "rows"); T.eq(head, "subject,node,degree,strength,clustering,betweenness,participation,module_zscore", "header")
  -- Row of sub03 node 5 against the connectome API on the same matrix.
  local c = tg.brain.load(files[3]):threshold{proportional = 0.3}
  for l in io.lines(csv) do
    local sub, node, deg, str = l:match("^([^,]+),([^,]+),([^,]+),([^,]+)")
    if sub == "sub03" and node == "5" then
      T.near(tonumber(deg), c:degree()[5], 0, "degree"); T.near(tonumber(str), c:strength()[5], 1e-12, "strength")
    end
  end
  local r = tg.brain.nbs(subs, groups, {threshold = 2.5, perms = 200, seed = 1})
  T.truthy(#r.components >= 1 and r.components[1].p < 0.05, "planted difference found")
  local r2 = tg.brain.nbs(subs, groups, {threshold = 2.5, perms = 200, seed = 1})
  T.eq(r2.components[1].p, r.components[1].p, "seeded")
  T.truthy(r.t:get(1, 2) == r.t:get(2, 1), "t symmetric")
  T.raises(function() tg.brain.nbs(subs, {0, 1}, {}) end, "one group label", "groups length")
  T.raises(function() tg.brain.group{files = files} end, "'csv'", "csv required")
  for _, f in ipairs(files) do os.remove(f) end
  os.remove(csv)
  os.remove(dir)
end)

T.test("tg.resilience on the LHC model", function()
  local g = tg.graph.load(R .. "/models/lhc_sector.graphml")
  local S = {sources = {type = "compressor"}, sinks = {type = "magnet_string"}}
  local crit = tg.resilience.criticality(g, S)
  -- tests/graph/files/resilience_golden.txt (networkx): magnet strings lost per node.
  local want
  for line in io.lines(R .. "/tests/graph/files/resilience_golden.txt") do
    if line:match("^lhc%.criticality ") then
      want = {}
      for x in line:gmatch("%S+") do want[#want + 1] = tonumber(x) end   -- the key gives nil: skipped
    end
  end
  for i = 1, #want do T.eq(crit[i], want[i], "criticality " .. i) end
  local c = tg.resilience.attack(g, {strategy = "degree", sources = S.sources, sinks = S.sinks, points = 10})
  T.eq(#c.removed, 11, "rows"); T.eq(c.fed[1], 1, "intact: all fed"); T.eq(#c.order, g:node_count(), "order")
  local nk = tg.resilience.nk(g, {k = 1, sources = S.sources, sinks = S.sinks, min_damage = 31})
  T.truthy(#nk >= 1 and nk[1].damage == 31, "N-1 cuts of all strings")
  local ml = tg.resilience.motter_lai(g, {alpha = {0, 1}})
  T.eq(#ml.G, 2, "alphas")
  local dep = tg.resilience.dependency(g, {failed = {"CS_DISCHARGE"}})
  T.eq(dep.failed[1].id, "CS_DISCHARGE", "initial"); T.eq(dep.failed[1].round, 1, "round 1")
  T.raises(function() tg.resilience.attack(g, {strategy = "x"}) end, "field 'strategy'", "strategy")
  T.raises(function() tg.resilience.criticality(g, {sources = {"nope"}, sinks = S.sinks}) end, "unknown node id 'nope'", "id")
  T.raises(function() tg.resilience.nk(g, {k = 4}) end, "field 'k'", "k")
end)

T.test("nulls.normalize: measures over seeded nulls", function()
  local nulls = require("nulls")
  local c = tg.brain.load(R .. "/data/connectomes/enigma_hcp/sc_dk68.csv"):normalize()
  local r = nulls.normalize(c, "transitivity", {nulls = 5, iter = 5, seed = 3})
  local r2 = nulls.normalize(c, "transitivity", {nulls = 5, iter = 5, seed = 3})
  T.eq(r.null, r2.null, "seeded")
  T.near(r.value, c:transitivity(), 0, "value")
  T.near(r.normalized, r.value / r.null, 1e-15, "ratio")
  -- The structural connectome is far more clustered than its degree-matched
  -- nulls (a spatially embedded network): the normalised transitivity is > 1.
  T.truthy(r.normalized > 1.2, "clustered beyond the nulls: " .. r.normalized)
  -- A null normalised against nulls of itself is ~1 (same ensemble): the
  -- nulls' transitivity has a standard deviation of ~0.004 on ~0.206 (2 %),
  -- so one null against the mean of 5 stays within 0.1 (5 sd) of 1.
  local n0 = c:randmio{iter = 10, seed = 99}
  local z = nulls.normalize(n0, "transitivity", {nulls = 5, iter = 5, seed = 1})
  T.truthy(math.abs(z.normalized - 1) < 0.1, "null vs nulls: " .. z.normalized)
  local pn = nulls.normalize(c, "clustering", {nulls = 3, model = "strength", iter = 5})
  T.eq(#pn.normalized, 68, "per node")
  T.raises(function() nulls.normalize(c, "nope") end, "no measure 'nope'", "measure")
  T.raises(function() nulls.normalize(c, "clustering", {model = "x"}) end, "model must be", "model")
end)

T.test("tg.brain writes nothing in the sandbox", function()
  local code, _, err = T.run(P .. " --sandbox -e 'tg.brain.synthetic{n = 5}:save(\"/tmp/tg_brain_sandbox.csv\")'")
  T.eq(code, 1, "save refused"); T.truthy(err:find("not allowed in the sandbox", 1, true), err)
  code, _, err = T.run(P .. " --sandbox -e 'tg.brain.group{files = {\"x\"}, csv = \"/tmp/tg_brain_sandbox.csv\"}'")
  T.eq(code, 1, "group refused"); T.truthy(err:find("not allowed in the sandbox", 1, true), err)
  T.eq(io.open("/tmp/tg_brain_sandbox.csv", "r"), nil, "nothing written")
end)

T.test("study scripts run and write their files", function()
  local out = os.tmpname()
  os.remove(out)
  local code, stdout, err = T.run(P .. " " .. R .. "/scripts/lua/brain_group.lua '' " .. out)
  T.eq(code, 0, "brain_group exit " .. err)
  T.truthy(stdout:find("component 1: %d+ connections, FWE p = 0%.0"), "planted difference found: " .. stdout)
  T.truthy(io.open(out .. "/nbs.json") ~= nil and io.open(out .. "/group_measures.csv") ~= nil, "files")
  code, stdout, err = T.run(P .. " " .. R .. "/scripts/lua/brain_connectivity.lua '' '' " .. out)
  T.eq(code, 0, "brain_connectivity exit " .. err)
  local j = tg.json.decode(T.read(out .. "/brain_summary.json"))
  T.eq(j.nodes, 68, "nodes"); T.truthy(j.small_world.sigma > 1, "HCP structural connectome is small-world")
  T.truthy(T.read(out .. "/brain_matrix.svg"):find("<svg", 1, true), "svg")
  os.execute('rm -rf "' .. out .. '"')
end)
