-- Physical simulation: cryogenic plant steady state, DC power flow with N-1.
local cliargs = require("cliargs")

local usage = "twingraph sim steady MODEL.graphml [--json] | twingraph sim dcpf GRID.graphml [--slack ID] [--n1] [--json]"
local about = [[Subcommands:
  steady MODEL   steady state of a cryogenic plant graph (models/lhc_sector.graphml
                 schema, docs/sim.md): Newton on the pressure-flow network, energy
                 balances with set points.  --json prints {"converged", "iterations",
                 "mass_residual", "energy_residual", "seconds", "nodes": {id:
                 {"p" bar, "T" K, "m" kg/s}}}.
  dcpf GRID      DC power flow on a graph whose edges carry susceptance (or
                 reactance) and optionally capacity, nodes injection (per unit);
                 MATPOWER case files (.m) are read too.  --n1 screens every line
                 outage three times (Sherman-Morrison on one factorisation,
                 refactorising, cholmod_updown downdate/update of an LDL' copy),
                 checks that they agree and reports the timings
                 (seconds_lowrank, seconds_refactor, seconds_updown).  --json prints {"theta":
                 {id: rad}, "flow": {line: pu}, "n1": {"contingencies",
                 "islanding", "overloads", "seconds_lowrank", "seconds_refactor"}}.]]

local function spec_for(sub)
  local opts = {{"--json", nil, "print one JSON object and nothing else"}}
  if sub == "dcpf" then
    opts[#opts + 1] = {"--slack", "ID", "slack bus (default: the MATPOWER reference bus, else the largest injection)"}
    opts[#opts + 1] = {"--n1", nil, "N-1 screening of every line"}
    opts[#opts + 1] = {"--format", "F", "graph format when the extension does not tell"}
  end
  return {usage = usage, about = about, positional = {"SUB", "FILE"}, options = opts}
end

local sub = arg[1]
if sub ~= "steady" and sub ~= "dcpf" then
  local a = cliargs.parse(arg, spec_for(nil))   -- --help, or the usage error below
  cliargs.fail(spec_for(nil), "unknown subcommand '%s' (steady or dcpf)", tostring(a.sub))
end
local spec = spec_for(sub)
local a = cliargs.parse(arg, spec)

local function load_graph(path, format)
  if path:match("%.m$") then return tg.sim.read_matpower(path) end
  if not format and path:match("%.graphml%.gz$") then format = "graphml" end
  return tg.graph.load(path, {format = format})
end

cliargs.run(function()
  if sub == "steady" then
    local g = load_graph(a.file)
    local plant = tg.sim.plant(g)
    local s = plant:steady()
    local nodes = {}
    for id, v in pairs(s.nodes) do nodes[id] = {p = v.p, T = v.T, m = v.m} end
    local r = {converged = s.converged, iterations = s.iterations, mass_residual = s.mass_residual,
               energy_residual = s.energy_residual, seconds = s.seconds, nodes = nodes}
    if a.json then
      print(tg.json.encode(r))
    else
      print(("%s: %s in %d Newton iterations (%d hydraulic, %s; %d thermal), %.3f ms"):format(a.file,
        s.converged and "converged" or "NOT converged", s.iterations, s.iter_hydraulic, s.solver,
        s.iter_thermal, s.seconds * 1e3))
      print(("  mass residual %.2e, energy residual %.2e (relative); %d nodes stagnant behind closed valves"):format(
        s.mass_residual, s.energy_residual, s.stagnant))
      local ids = {}
      for id in pairs(s.nodes) do ids[#ids + 1] = id end
      table.sort(ids)
      print(("  %-24s %10s %9s %10s"):format("node", "p (bar)", "T (K)", "m (kg/s)"))
      for _, id in ipairs(ids) do
        local v = s.nodes[id]
        print(("  %-24s %10.4f %9.3f %10.5f"):format(id, v.p, v.T, v.m))
      end
    end
    return
  end
  local g, mslack = load_graph(a.file, a.format)
  local grid = tg.sim.grid(g, {slack = a.slack or mslack})
  local pf = grid:dcpf()
  local r = {theta = pf.theta, flow = pf.flow, slack = pf.slack}
  if a.n1 then
    local lr = grid:n1{method = "lowrank", details = true}
    local rf = grid:n1{method = "refactor", details = true}
    local ud = grid:n1{method = "updown", details = true}
    -- per line, not only the totals: islanding, overload count, and the
    -- max loading to 1e-6 relative (rounding differs between the paths)
    for _, x in ipairs{rf, ud} do
      if lr.islanding ~= x.islanding or lr.overloading ~= x.overloading or lr.overloaded_lines ~= x.overloaded_lines then
        error("N-1 results differ between the low-rank and " .. x.method .. " paths")
      end
      for key, a in pairs(lr.lines) do
        local b = x.lines[key]
        local la, lb = a.max_loading, b and b.max_loading
        if not b or a.islanding ~= b.islanding or a.overloads ~= b.overloads or (la == nil) ~= (lb == nil) or
           (la and math.abs(la - lb) > 1e-6 * math.max(1, math.abs(la))) then
          error("N-1 results differ between the low-rank and " .. x.method .. " paths for line " .. key)
        end
      end
    end
    r.n1 = {contingencies = lr.contingencies, islanding = lr.islanding, overloads = lr.overloading,
            overloaded_lines = lr.overloaded_lines, seconds_lowrank = lr.seconds, seconds_refactor = rf.seconds,
            seconds_updown = ud.seconds}
  end
  if a.json then
    print(tg.json.encode(r))
  else
    local maxf, maxk = 0, nil
    for k, f in pairs(pf.flow) do if math.abs(f) > maxf then maxf, maxk = math.abs(f), k end end
    print(("%s: %d buses, %d lines, slack %s; largest |flow| %.4f pu on %s"):format(a.file, grid:buses(),
      grid:lines(), pf.slack, maxf, tostring(maxk)))
    if r.n1 then
      print(("  N-1: %d outages, %d islanding, %d causing overloads (%d overloaded lines)"):format(
        r.n1.contingencies, r.n1.islanding, r.n1.overloads, r.n1.overloaded_lines))
      print(("  low-rank %.3f s, refactorising %.3f s (x%.1f), cholmod_updown %.3f s"):format(r.n1.seconds_lowrank,
        r.n1.seconds_refactor, r.n1.seconds_refactor / math.max(r.n1.seconds_lowrank, 1e-9), r.n1.seconds_updown))
    end
  end
end)
