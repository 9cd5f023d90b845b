-- brain_connectivity.lua: a whole connectivity analysis of one connectome
-- with the Brain Connectivity Toolbox's conventions.
--
--   twingraph scripts/lua/brain_connectivity.lua [MATRIX.csv [LABELS.txt [OUTDIR]]]
--
-- Default: the HCP group structural connectome (68 Desikan-Killiany
-- regions, ENIGMA toolbox) in data/connectomes/enigma_hcp.  Steps: zero
-- the diagonal, normalise weights to [0, 1] (W / max W, as BCT's weighted
-- clustering expects), consensus modules (50 Louvain runs, tau 0.5), node
-- measures, global measures, small-worldness against 20 Maslov-Sneppen
-- and lattice nulls, and the rich club normalised by 20 nulls.  Writes
-- OUTDIR/brain_nodes.csv, brain_summary.json and brain_matrix.svg (the
-- matrix ordered by module).
local root = (arg[0]:match("^(.*)/scripts/lua/brain_connectivity%.lua$")) or "."
local function given(v) return v ~= nil and v ~= "" and v or nil end
local matrix = given(arg[1]) or (root .. "/data/connectomes/enigma_hcp/sc_dk68.csv")
local labels = given(arg[2]) or (not given(arg[1]) and (root .. "/data/connectomes/enigma_hcp/labels_dk68.txt") or nil)
local outdir = given(arg[3]) or "out"
os.execute('mkdir -p "' .. outdir .. '"')
local plots = require("plots")
local t0 = tg.clock()

local c = tg.brain.load(matrix, {labels = labels})
c:zero_diagonal()
if not c:is_directed() then c:normalize() end
local n, ids = c:n(), c:ids()
-- Refuse what the analysis cannot use up front, naming the file (these
-- used to fail deep inside consensus or small_world).
local function refuse(why) error(("%s: %s"):format(matrix, why), 0) end
if c:edge_count() == 0 then refuse(("no connections (%d regions, every off-diagonal weight 0)"):format(n)) end
if n < 4 then refuse(("%d regions: the small-world nulls need at least 4"):format(n)) end
for i = 1, n do
  for j = 1, n do
    if c:get(i, j) < 0 then
      refuse(("entry (%d,%d) = %g is negative: this analysis wants weights >= 0 (split signs with c:split())"):format(
        i, j, c:get(i, j)))
    end
  end
end
print(("%s: %d regions, %d connections (%s, %s)"):format(matrix, n, c:edge_count(),
  c:is_directed() and "directed" or "undirected", c:is_binary() and "binary" or "weighted"))

-- Modules: consensus of 50 Louvain partitions (Lancichinetti & Fortunato 2012).
local modules, nmod = c:consensus{runs = 50, tau = 0.5, seed = 1}
local q = c:modularity(modules)
print(("  consensus modules: %d (Q = %.4f)"):format(nmod, q))

local m = {
  degree = c:degree(), strength = c:strength(), clustering = c:clustering(),
  betweenness = c:betweenness(), local_efficiency = c:local_efficiency{variant = "modified"},
  participation = c:participation(modules), module_zscore = c:module_zscore(modules),
  coreness = c:coreness(),
}
local cp = c:charpath()
local glob = {
  density = c:edge_count() / (c:is_directed() and n * (n - 1) or n * (n - 1) / 2),
  transitivity = c:transitivity(), global_efficiency = c:efficiency(),
  characteristic_path_length = cp.lambda, diameter = cp.diameter, assortativity = c:assortativity(),
  modularity = q, modules = nmod,
}
for _, k in ipairs{"density", "transitivity", "global_efficiency", "characteristic_path_length", "assortativity"} do
  print(("  %-28s %.6g"):format(k, glob[k]))
end

local sw = c:small_world{nulls = 20, iter = 10, seed = 1}
print(("  small-world sigma %.3f, omega %.3f (C %.3f vs random %.3f and lattice %.3f; L %.3f vs %.3f)"):format(
  sw.sigma, sw.omega, sw.C, sw.Cr, sw.Cl, sw.L, sw.Lr))

local rc = c:rich_club{nulls = 20, iter = 10, seed = 1, weighted = false}
local rich = {}
for k = 1, #rc.coefficient do
  local z = rc.normalized[k]
  if z == z then rich[#rich + 1] = {k = k, coefficient = rc.coefficient[k], null = rc.null[k], normalized = z} end
end
local best = {normalized = 0}
for _, r in ipairs(rich) do if r.normalized > best.normalized then best = r end end
print(("  rich club: largest normalised coefficient %.3f at degree > %d"):format(best.normalized, best.k or 0))

-- Hubs: top strength and betweenness; connector hubs: z > 1 and P > 0.3.
local hubs = {}
for _, row in ipairs(m.strength:top(5)) do hubs[#hubs + 1] = ids[row.id] end
print("  strongest regions: " .. table.concat(hubs, ", "))
local connectors = {}
for i = 1, n do
  if m.module_zscore[i] > 1 and m.participation[i] > 0.3 then connectors[#connectors + 1] = ids[i] end
end
print("  connector hubs (z > 1, P > 0.3): " .. (#connectors > 0 and table.concat(connectors, ", ") or "none"))

-- CSV of node measures.
local cols = {"degree", "strength", "clustering", "betweenness", "local_efficiency", "participation",
              "module_zscore", "coreness"}
local f = assert(io.open(outdir .. "/brain_nodes.csv", "w"))
f:write("node,module," .. table.concat(cols, ",") .. "\n")
for i = 1, n do
  local row = {ids[i], ("%d"):format(modules[i])}
  for _, k in ipairs(cols) do row[#row + 1] = ("%.10g"):format(m[k][i]) end
  f:write(table.concat(row, ",") .. "\n")
end
f:close()
print("  wrote " .. outdir .. "/brain_nodes.csv")

local summary = {matrix = matrix, nodes = n, edges = c:edge_count(), global = glob,
                 small_world = sw, rich_club = rich, strongest = hubs, connector_hubs = connectors,
                 seconds = tg.clock() - t0}
f = assert(io.open(outdir .. "/brain_summary.json", "w"))
f:write(tg.json.encode(summary, {indent = true}) .. "\n")
f:close()
print("  wrote " .. outdir .. "/brain_summary.json")

-- Heatmap ordered by module, then by strength within the module.
local order = {}
for i = 1, n do order[i] = i end
table.sort(order, function(a, b)
  if modules[a] ~= modules[b] then return modules[a] < modules[b] end
  if m.strength[a] ~= m.strength[b] then return m.strength[a] > m.strength[b] end
  return a < b
end)
local mods = {}
for i = 1, n do mods[i] = math.tointeger(modules[i]) end
f = assert(io.open(outdir .. "/brain_matrix.svg", "w"))
f:write(plots.heatmap(c:rows(), {order = order, labels = ids, modules = mods,
  title = ("%s: %d regions ordered by %d consensus modules (Q = %.3f)"):format(
    matrix:match("[^/]*$"), n, nmod, q)}))
f:close()
print(("  wrote %s/brain_matrix.svg (%.2f s in all)"):format(outdir, tg.clock() - t0))
