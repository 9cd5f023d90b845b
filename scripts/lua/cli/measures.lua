-- Whole-graph measures (components, clustering, paths, centralities, communities).
local cliargs = require("cliargs")
local spec = {
  usage = "twingraph measures FILE [--directed|--undirected] [--weight ATTR] [--json]",
  about = [[Computes whole-graph measures with their timings.  Conventions (those of
python-igraph, against which they are tested): transitivity and clustering
ignore direction; average_clustering counts nodes of degree < 2 as 0;
average_path_length and diameter are unweighted, on the largest weakly
connected component, following directions; PageRank damping 0.85;
betweenness unnormalised and unweighted; modularity is the best Louvain
result over seeds 1..10 on the simple undirected view.  --weight ATTR adds
a "weighted" section (strength, betweenness, PageRank, efficiency and
Louvain on that edge attribute, read as a length for paths).]],
  positional = {"FILE"},
  options = {
    {"--directed", nil, "read the file as directed (CSV edge lists)"},
    {"--undirected", nil, "use the simple undirected view (mutual and parallel edges merged, loops dropped)"},
    {"--weight", "ATTR", "edge attribute for the weighted section"},
    {"--format", "F", "graphml, csv, matrix or sqlite (default: by extension)"},
    {"--json", nil, "print one JSON object and nothing else"},
  },
}
local a = cliargs.parse(arg, spec)

cliargs.run(function()
  if a.directed and a.undirected then cliargs.fail(spec, "--directed and --undirected exclude each other") end

  local seconds = {}
  local function timed(name, f, ...)
    local t0 = tg.clock()
    local r1, r2 = f(...)
    seconds[name] = tg.clock() - t0
    return r1, r2
  end

  local g = timed("load", tg.graph.load, a.file, {format = a.format, directed = a.directed or nil})
  if a.undirected then
    g = timed("undirected", g.undirected, g, {weights = a.weight})
  end

  local function top10(vec)
    local out = {}
    for k, row in ipairs(vec:top(10)) do out[k] = {row.id, row.value} end
    return out
  end

  local function count(t) return #t end

  local r = {file = a.file, nodes = g:node_count(), edges = g:edge_count(), directed = g:is_directed()}
  local comps = timed("components", g.components, g)
  r.components, r.largest_component = comps.count, comps.largest
  r.transitivity = timed("transitivity", g.transitivity, g)
  r.average_clustering = timed("average_clustering", function() return g:clustering{zero = true}:mean() end)
  local lcc = timed("largest_component", g.largest_component, g)
  r.average_path_length = timed("average_path_length", lcc.average_path_length, lcc)
  r.diameter = timed("diameter", lcc.diameter, lcc)
  r.global_efficiency = timed("global_efficiency", g.global_efficiency, g)
  r.assortativity = timed("assortativity", g.assortativity, g)
  r.max_core = timed("max_core", function() return math.tointeger(g:coreness():max()) or 0 end)
  r.articulation_points = timed("articulation_points", function() return count(g:articulation_points()) end)
  r.bridges = timed("bridges", function() return count(g:bridges()) end)
  r.pagerank_top10 = timed("pagerank", function() return top10(g:pagerank{damping = 0.85}) end)
  r.betweenness_top10 = timed("betweenness", function() return top10(g:betweenness()) end)

  local function best_louvain(weights)
    local best
    for seed = 1, 10 do
      local c = g:louvain{seed = seed, weights = weights}
      if not best or c.modularity > best.modularity then best = c end
    end
    return best.modularity, best.count
  end
  r.modularity, r.communities = timed("modularity", best_louvain)

  if a.weight then
    local w = {attr = a.weight}
    w.strength_top10 = timed("weighted_strength", function() return top10(g:strength{weights = a.weight}) end)
    w.betweenness_top10 = timed("weighted_betweenness", function() return top10(g:betweenness{weights = a.weight}) end)
    w.pagerank_top10 = timed("weighted_pagerank", function() return top10(g:pagerank{weights = a.weight}) end)
    w.global_efficiency = timed("weighted_global_efficiency", g.global_efficiency, g, {weights = a.weight})
    w.modularity = timed("weighted_modularity", best_louvain, a.weight)
    r.weighted = w
  end
  r.seconds = seconds

  if a.json then
    print(tg.json.encode(r))
    return
  end

  local order = {"nodes", "edges", "directed", "components", "largest_component", "transitivity",
    "average_clustering", "average_path_length", "diameter", "global_efficiency", "assortativity",
    "max_core", "articulation_points", "bridges", "modularity", "communities"}
  print(a.file)
  for _, k in ipairs(order) do
    local v = r[k]
    local s = math.type(v) == "float" and string.format("%.10g", v) or tostring(v)
    print(string.format("  %-22s %-16s %s", k, s, seconds[k] and string.format("(%.3f s)", seconds[k]) or ""))
  end
  local function show(title, list, secs)
    print(string.format("  %s (%.3f s)", title, secs or 0))
    for k, row in ipairs(list) do print(string.format("    %2d  %-20s %.10g", k, row[1], row[2])) end
  end
  show("pagerank top 10", r.pagerank_top10, seconds.pagerank)
  show("betweenness top 10", r.betweenness_top10, seconds.betweenness)
  if r.weighted then
    local w = r.weighted
    print(string.format("  weighted by '%s':", w.attr))
    print(string.format("    global_efficiency      %.10g", w.global_efficiency))
    print(string.format("    modularity             %.10g", w.modularity))
    show("weighted betweenness top 10", w.betweenness_top10, seconds.weighted_betweenness)
  end
end)
