-- Summarise a graph file: size, direction, node types and attributes.
local cliargs = require("cliargs")
local spec = {
  usage = "twingraph info FILE [--format F] [--json]",
  about = "Loads FILE (GraphML, CSV edge list, matrix, SQLite) and summarises it.",
  positional = {"FILE"},
  options = {
    {"--format", "F", "graphml, csv, matrix or sqlite (default: by extension)"},
    {"--labels", "FILE", "labels file for a matrix"},
    {"--json", nil, "print one JSON object"},
  },
}
local a = cliargs.parse(arg, spec)

cliargs.run(function()
  local g = tg.graph.load(a.file, {format = a.format, labels = a.labels})

  local types, order = {}, {}
  for _, id in ipairs(g:nodes()) do
    local t = g:get(id, "type")
    if t == "" then t = "(none)" end
    if not types[t] then types[t] = 0; order[#order + 1] = t end
    types[t] = types[t] + 1
  end
  table.sort(order)
  local comps = g:components()
  local info = {
    file = a.file,
    nodes = g:node_count(),
    edges = g:edge_count(),
    directed = g:is_directed(),
    components = comps.count,
    largest_component = comps.largest,
    node_types = types,
    node_attributes = g:attributes("node"),
    edge_attributes = g:attributes("edge"),
  }
  if a.json then
    print(tg.json.encode(info))
    return
  end
  print(string.format("%s: %s graph, %d nodes, %d edges, %d component(s) (largest %d)",
    a.file, info.directed and "directed" or "undirected", info.nodes, info.edges,
    info.components, info.largest_component))
  if #order > 0 then
    print("node types:")
    for _, t in ipairs(order) do print(string.format("  %-22s %d", t, types[t])) end
  end
  for _, which in ipairs({"node", "edge"}) do
    local attrs = g:attributes(which)
    if #attrs > 0 then
      print(which .. " attributes:")
      for _, at in ipairs(attrs) do print(string.format("  %-22s %s", at.name, at.type)) end
    end
  end
end)
