-- Graph measures against python-igraph 0.10.2.  Golden values come from
-- tests/golden/make_golden.py (run with Debian's python3-igraph); CI needs
-- no peer installed.  Tolerance 1e-9 relative except where the value comes
-- from an iterative solver (eigenvector centrality: ARPACK, 1e-6).
local T = ...

local cases = {
  {"celegansneural", "data/networks/celegansneural.graphml"},
  {"power", "data/networks/power.graphml"},
  {"lhc_sector", "models/lhc_sector.graphml"},
  {"campus_network", "models/campus_network.graphml"},
}

local function golden(name)
  return tg.json.decode(T.read(T.root .. "/tests/golden/" .. name .. ".json"))
end

local function same_vector(vec, want, tol, what)
  T.eq(#vec, #want, what .. " length")
  for i = 1, #want do
    local w = want[i]
    if w == tg.json.null then w = 0/0 end
    T.near(vec[i], w, tol, string.format("%s[%d]", what, i))
  end
end

-- Top-k lists: values must match position by position; ids too, except
-- inside a tie (values equal to 1e-12 relative), where floating-point
-- summation order may swap them: there the id must be one of the tied ones.
local function same_top(list, want, what)
  T.eq(#list, #want, what .. " length")
  for k = 1, #want do
    T.near(list[k].value, want[k][2], 1e-9, string.format("%s #%d value", what, k))
    local ok = false
    for j = 1, #want do
      if want[j][1] == list[k].id then
        ok = math.abs(want[j][2] - want[k][2]) <= 1e-12 * math.abs(want[k][2])
      end
    end
    T.truthy(ok, string.format("%s #%d id %s (want %s or a tied one)", what, k, list[k].id, want[k][1]))
  end
end

for _, c in ipairs(cases) do
  local name, path = c[1], T.root .. "/" .. c[2]
  T.test(name .. " whole-graph measures", function()
    local G = golden(name)
    local g = tg.graph.load(path)
    T.eq(g:node_count(), G.nodes, "nodes")
    T.eq(g:edge_count(), G.edges, "edges")
    T.eq(g:is_directed(), G.directed, "directed")
    local comps = g:components()
    T.eq(comps.count, G.components, "components")
    T.eq(comps.largest, G.largest_component, "largest_component")
    T.near(g:transitivity(), G.transitivity, 1e-9, "transitivity")
    T.near(g:clustering{zero = true}:mean(), G.average_clustering, 1e-9, "average_clustering")
    local lcc = g:largest_component()
    T.near(lcc:average_path_length(), G.average_path_length, 1e-9, "average_path_length")
    T.near(lcc:diameter(), G.diameter, 1e-9, "diameter")
    T.near(g:global_efficiency(), G.global_efficiency, 1e-9, "global_efficiency")
    T.near(g:assortativity(), G.assortativity, 1e-9, "assortativity")
    T.eq(math.tointeger(g:coreness():max()), G.max_core, "max_core")
    T.eq(#g:articulation_points(), G.articulation_points, "articulation_points")
    T.eq(#g:bridges(), G.bridges, "bridges")
    same_top(g:pagerank{damping = 0.85}:top(10), G.pagerank_top10, "pagerank_top10")
    same_top(g:betweenness():top(10), G.betweenness_top10, "betweenness_top10")
  end)

  T.test(name .. " per-node measures", function()
    local G = golden(name)
    local g = tg.graph.load(path)
    local P = G.per_node
    same_vector(g:degree(), P.degree_all, 0, "degree")
    same_vector(g:betweenness(), P.betweenness, 1e-9, "betweenness")
    same_vector(g:closeness{normalized = true}, P.closeness_all, 1e-9, "closeness")
    same_vector(g:harmonic{normalized = true}, P.harmonic_all, 1e-9, "harmonic")
    same_vector(g:pagerank(), P.pagerank, 1e-9, "pagerank")
    same_vector(g:coreness(), P.coreness, 0, "coreness")
    same_vector(g:clustering{zero = true}, P.local_clustering_zero, 1e-9, "local clustering")
    same_vector(g:eigenvector(), P.eigenvector, 1e-6, "eigenvector")
    if G.weighted then
      local w = G.weighted.attr
      same_vector(g:strength{weights = w}, G.weighted.strength_all, 1e-9, "strength")
      same_vector(g:betweenness{weights = w}, G.weighted.betweenness, 1e-9, "weighted betweenness")
      same_vector(g:closeness{weights = w, normalized = true}, G.weighted.closeness_all, 1e-9,
                  "weighted closeness")
    end
  end)

  T.test(name .. " Louvain best of 10 >= igraph median of 20", function()
    local G = golden(name)
    local g = tg.graph.load(path)
    local best = -1
    for seed = 1, 10 do best = math.max(best, g:louvain{seed = seed}.modularity) end
    T.truthy(best >= G.modularity_louvain_median20 - 1e-12,
             string.format("best %.6f >= median %.6f", best, G.modularity_louvain_median20))
    -- The reported modularity is the modularity of the returned partition.
    local c = g:louvain{seed = 3}
    T.near(g:undirected():modularity(c.membership), c.modularity, 1e-12, "modularity of partition")
  end)
end

T.test("same seed, same partition", function()
  local g = tg.graph.load(T.root .. "/data/networks/power.graphml")
  local a, b = g:louvain{seed = 7}, g:louvain{seed = 7}
  T.eq(a.count, b.count, "community count")
  for i = 1, #a.membership do T.eq(a.membership[i], b.membership[i], "membership " .. i) end
  local l1, l2 = g:leiden{seed = 5}, g:leiden{seed = 5}
  T.eq(l1.modularity, l2.modularity, "leiden modularity")
end)
