-- Brain-connectivity measures of one connectome (BCT conventions).
local cliargs = require("cliargs")
local spec = {
  usage = "twingraph brain MATRIX.csv [--labels FILE] [--directed] [--proportional P | --absolute T] " ..
          "[--partition FILE] [--seed S] [--json]",
  about = [[Analyses one connectome with the conventions of MATLAB's Brain Connectivity
Toolbox (BCT): weighted measures on the weights as given (a binary matrix gets
the binary measures); clustering is Onnela's (clustering_coef_wu), transitivity
transitivity_wu; path lengths are 1/w (BCT's weight_conversion 'lengths');
characteristic path length over the finite off-diagonal distances (charpath with
infinite distances excluded); global efficiency efficiency_wei; local efficiency
the modified variant BCT recommends (efficiency_wei(W, 2); binary:
efficiency_bin(A, 1)); betweenness betweenness_wei on the lengths, counting
ordered pairs (twice igraph's value on undirected graphs); participation and
within-module z-score (sample standard deviation) on the partition; density
density_und/_dir; assortativity assortativity_wei/_bin (flag 0 undirected, 1
directed).  Without --partition, modules are the best (highest Q) of 10 Louvain
runs (BCT community_louvain, gamma 1) seeded S..S+9.  The matrix's diagonal is
ignored; weights must be >= 0.]],
  positional = {"MATRIX"},
  options = {
    {"--labels", "FILE", "node labels, one a line"},
    {"--directed", nil, "treat the matrix as directed (default: directed unless symmetric)"},
    {"--proportional", "P", "keep the strongest fraction P of the connections (threshold_proportional)"},
    {"--absolute", "T", "zero the weights below T (threshold_absolute)"},
    {"--partition", "FILE", "module label of each node, one a line"},
    {"--seed", "S", "first Louvain seed (default 1)"},
    {"--json", nil, "print one JSON object and nothing else"},
  },
}
local a = cliargs.parse(arg, spec)

local function number_opt(name, v)
  if v == nil then return nil end
  local x = tonumber(v)
  if not x then cliargs.fail(spec, "%s wants a number, not '%s'", name, v) end
  return x
end

cliargs.run(function()
  local p, t = number_opt("--proportional", a.proportional), number_opt("--absolute", a.absolute)
  local seed = number_opt("--seed", a.seed) or 1
  if p and t then cliargs.fail(spec, "--proportional and --absolute exclude each other") end
  if p and (p < 0 or p > 1) then cliargs.fail(spec, "--proportional wants P in [0, 1], not %s", a.proportional) end
  -- math.tointeger gives nil for floats beyond the integers (1e30): that nil
  -- used to fall through to Louvain's default seed silently.
  seed = math.tointeger(seed)
  if not seed then cliargs.fail(spec, "--seed wants an integer in the 64-bit range, not '%s'", a.seed) end

  local c = tg.brain.load(a.matrix, {labels = a.labels, directed = a.directed or nil})
  c:zero_diagonal()
  if p then c:threshold{proportional = p} elseif t then c:threshold{absolute = t} end
  local n = c:n()
  for i = 1, n do
    for j = 1, n do
      local w = c:get(i, j)
      if w ~= w or w == math.huge or w == -math.huge then
        error(string.format("%s: entry (%d,%d) = %g is not finite: brain wants finite weights", a.matrix, i, j, w), 0)
      end
      if w < 0 then
        error(string.format("%s: entry (%d,%d) = %g is negative: brain wants weights >= 0 " ..
                            "(split signs with tg.brain in a script)", a.matrix, i, j, c:get(i, j)), 0)
      end
    end
  end

  -- No connection at all (a 1 x 1 matrix, all weights 0, or a threshold
  -- that removed everything): nothing to analyse, and Louvain or the
  -- modularity used to fail with a message naming neither the file nor the
  -- reason.  Refuse up front.
  if c:edge_count() == 0 then
    local why
    if n == 1 then
      why = " a 1 x 1 matrix (one region) has no connections to analyse"
    elseif p or t then
      why = string.format(" no connections left after %s (of %d regions)",
                          p and ("--proportional " .. a.proportional) or ("--absolute " .. a.absolute), n)
    else
      why = string.format(" every off-diagonal weight is 0: no connections to analyse (%d regions)", n)
    end
    error(a.matrix .. ":" .. why, 0)
  end

  local weighted = not c:is_binary()
  local partition, q
  if a.partition then
    partition = {}
    local fh = assert(io.open(a.partition, "r"))
    local line = 0
    for l in fh:lines() do
      line = line + 1
      if l:match("%S") then
        local v = tonumber(l)
        if not v or v ~= math.floor(v) then
          fh:close()
          error(string.format("%s:%d: '%s' is not an integer module label", a.partition, line, l), 0)
        end
        partition[#partition + 1] = v
      end
    end
    fh:close()
    if #partition ~= n then
      error(string.format("%s: %d labels for %d nodes", a.partition, #partition, n), 0)
    end
    q = c:modularity(partition)
  else
    local lv = c:louvain{runs = 10, seed = seed}
    partition, q = lv.membership, lv.q
  end

  local cp = c:charpath{include_infinite = false}
  local m = c:edge_count()
  local density = c:is_directed() and m / (n * n - n) or m / ((n * n - n) / 2)
  local function arr(v) return v:totable() end
  local r = {
    nodes = n,
    edges = m,
    global = {
      density = density,
      transitivity = c:transitivity(),
      global_efficiency = c:efficiency(),
      characteristic_path_length = cp.lambda,
      assortativity = c:assortativity(),
      modularity = q,
    },
    node = {
      id = c:ids(),
      degree = arr(c:degree()),
      strength = arr(c:strength()),
      clustering = arr(c:clustering()),
      betweenness = arr(c:betweenness()),
      participation = arr(c:participation(partition)),
      module_zscore = arr(c:module_zscore(partition)),
      local_efficiency = arr(c:local_efficiency{variant = "modified"}),
    },
  }
  if a.json then
    print(tg.json.encode(r))
    return
  end
  print(string.format("%s: %d nodes, %d %s connections (%s)", a.matrix, n, m,
                      c:is_directed() and "directed" or "undirected", weighted and "weighted" or "binary"))
  for _, k in ipairs{"density", "transitivity", "global_efficiency", "characteristic_path_length",
                     "assortativity", "modularity"} do
    print(string.format("  %-28s %.10g", k, r.global[k]))
  end
  print(string.format("\n  %-16s %6s %10s %10s %12s %8s %8s %8s", "node", "degree", "strength", "clustering",
                      "betweenness", "partic", "z", "loc.eff"))
  local nd = r.node
  for i = 1, n do
    print(string.format("  %-16s %6d %10.4g %10.4g %12.6g %8.4f %8.4f %8.4f", nd.id[i], math.tointeger(nd.degree[i]),
                        nd.strength[i], nd.clustering[i], nd.betweenness[i], nd.participation[i],
                        nd.module_zscore[i], nd.local_efficiency[i]))
  end
end)
