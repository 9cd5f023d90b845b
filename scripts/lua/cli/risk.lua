-- Fault-tree analysis of Open-PSA MEF files (cut sets, probability, importance, uncertainty).
local cliargs = require("cliargs")
local spec = {
  usage = "twingraph risk FILES... [--top GATE] [--mcs] [--max-sets N] [--probability] [--importance] [--uncertainty N] [--seed S] [--limit-order K] [--cut-off P] [--prime-implicants] [--mission-time H] [--time-step H] [--mocus] [--zbdd] [--report FILE] [--json]",
  about = [[Reads the Open-PSA MEF files (fault trees, model data, parameters; .gz
read directly), compiles the top gate into a BDD and reports the number of
minimal cut sets and their order distribution (from a ZBDD; --mcs also lists
them, most probable first within each order, at most --max-sets), the exact
top-event probability with the rare-event and min-cut-upper-bound
approximations (--probability), the importance of every basic event
(--importance: MIF/Birnbaum, CIF/criticality, DIF/Fussell-Vesely, RAW, RRW,
occurrence in cut sets), and a seeded Monte Carlo propagation of the
distributions (--uncertainty N).  With --json one JSON object:
{top, basic_events, variables, gates, products, distribution, probability,
rare_event, mcub, curve, importance, cut_sets, prime_implicants, uncertainty,
mocus, seconds}.
--report FILE writes the results as an XML report in SCRAM's layout.
--zbdd skips the BDD, for coherent trees whose BDD is out of reach (nus9601):
the minimal cut sets within --limit-order and --cut-off are made bottom-up
in a ZBDD (exact: the same sets as the BDD route would keep), with their
rare-event sum and min-cut upper bound as the probability estimate
(rare_event, mcub); --mcs lists the sets kept (lowest orders first, most
probable first within an order, at most --max-sets); with --importance each
event's importance from the sets kept under the rare-event approximation
(contribution, fv, mif, raw, rrw); no exact probability or uncertainty.
basic_events counts the basic events occurring in some minimal cut set
(SCRAM's count), variables all basic events of the model; distribution[k]
is the number of cut sets of order k (k = 1..).  uncertainty holds mean, sd,
min, max, err95 (1.96 sd / sqrt N), quantiles (at 5%, 10%, .., 100%), bins
(20 trial counts) with bin_edges (21 values: bins[i] covers [bin_edges[i],
bin_edges[i+1]), the last bin includes max) and bin_width.
Exit status: 0 success; 1 error (unreadable or invalid model, analysis
failure; message on standard error); 2 bad usage.]],
  positional = {"FILE"},
  rest = true,
  options = {
    {"--top", "GATE", "gate to analyse (default: the only top gate)"},
    {"--mcs", nil, "list the minimal cut sets"},
    {"--max-sets", "N", "with --mcs: most cut sets listed (default 1000)", number = true},
    {"--probability", nil, "top-event probability (exact, rare-event, MCUB)"},
    {"--importance", nil, "importance measures of every basic event"},
    {"--uncertainty", "N", "Monte Carlo trials for uncertainty analysis", number = true},
    {"--seed", "S", "seed of the uncertainty analysis (default 1)", number = true},
    {"--limit-order", "K", "largest cut-set order (default 20)", number = true},
    {"--cut-off", "P", "drop minimal cut sets with probability < P while they are made (default 0)", number = true},
    {"--prime-implicants", nil, "prime implicants (non-coherent trees): count, distribution, the first --max-sets"},
    {"--mission-time", "H", "mission time in hours (default: the model's, else 8760)", number = true},
    {"--time-step", "H", "with --probability: also the probability every H hours up to the mission time", number = true},
    {"--mocus", nil, "also count the cut sets by MOCUS (coherent trees; for comparison)"},
    {"--zbdd", nil, "no BDD: cut sets within --limit-order/--cut-off bottom-up in a ZBDD (coherent trees)"},
    {"--report", "FILE", "write an Open-PSA-style XML report (as SCRAM's) to FILE"},
    {"--json", nil, "print one JSON object and nothing else"},
  },
}
local a = cliargs.parse(arg, spec)

-- "order 2: 12, order 4: 24" for the non-zero entries of a distribution.
local function orders(distribution)
  local parts = {}
  for k, c in ipairs(distribution) do if c > 0 then parts[#parts + 1] = string.format("order %d: %d", k, c) end end
  return table.concat(parts, ", ")
end

cliargs.run(function()
  local files = {a.file}
  for _, f in ipairs(a.rest) do files[#files + 1] = f end
  local function int_opt(v, name, lo, hi)
    if v and (math.type(v) ~= "integer" or v < lo or v > hi) then
      cliargs.fail(spec, "%s must be an integer in %d..%d", name, lo, hi)
    end
  end
  int_opt(a.limit_order, "--limit-order", 0, 4000)
  int_opt(a.uncertainty, "--uncertainty", 2, 1e9)
  int_opt(a.max_sets, "--max-sets", 0, 1e9)
  if a.cut_off and not (a.cut_off >= 0 and a.cut_off <= 1) then cliargs.fail(spec, "--cut-off must be in [0, 1]") end
  if a.mission_time and not (a.mission_time >= 0) then cliargs.fail(spec, "--mission-time must be >= 0") end
  if a.time_step and not (a.time_step > 0) then cliargs.fail(spec, "--time-step must be > 0") end
  if a.time_step and not a.probability then cliargs.fail(spec, "--time-step goes with --probability") end
  if a.max_sets and not (a.mcs or a.prime_implicants) then
    cliargs.fail(spec, "--max-sets goes with --mcs or --prime-implicants")
  end

  if a.zbdd then
    for _, o in ipairs{{"uncertainty", "--uncertainty"},
                       {"prime_implicants", "--prime-implicants"}, {"time_step", "--time-step"}} do
      if a[o[1]] then cliargs.fail(spec, "%s needs the BDD: it does not go with --zbdd", o[2]) end
    end
  end

  local seconds = {}
  local function timed(name, f, ...)
    local t0 = tg.clock()
    local r = f(...)
    seconds[name] = tg.clock() - t0
    return r
  end
  local m = timed("read", tg.risk.read, files)
  if a.mission_time then m:mission_time(a.mission_time) end
  local tops = m:tops()
  local top = a.top
  if not top then
    if #tops ~= 1 then
      error(string.format("the model has %d top gates (%s): choose one with --top", #tops,
        table.concat(tops, ", ")))
    end
    top = tops[1]
  end
  if a.zbdd then
    -- Cut sets without a BDD: counts, distribution and the probability
    -- estimates of the sets kept.
    local z = timed("analysis", m.mcs_zbdd, m, {top = top, limit_order = a.limit_order or 20,
                                                cut_off = a.cut_off or 0, importance = a.importance,
                                                list = a.mcs and (a.max_sets or 1000) or 0})
    local distribution = {}
    local hi = 0
    for k, c in pairs(z.distribution) do if k > hi and c > 0 then hi = k end end
    for k = 1, hi do distribution[k] = z.distribution[k] or 0 end
    local r = {top = top, method = "zbdd", products = z.products, distribution = distribution,
               variables = #m:basic_events(), gates = #m:gates(), mission_time = m:mission_time(),
               limit_order = a.limit_order or 20, cut_off = a.cut_off or 0, seconds = seconds}
    if a.probability then r.rare_event, r.mcub = z.rare_event, z.mcub end
    r.cut_sets = z.cut_sets
    if a.importance then
      -- From the cut sets kept, under the rare-event approximation
      -- (Fussell-Vesely = share of the rare-event sum).
      r.importance = z.importance
      table.sort(r.importance, function(x, y) if x.fv ~= y.fv then return x.fv > y.fv end return x.name < y.name end)
    end
    if a.mocus then
      local ok, res = pcall(timed, "mocus", m.mocus, m, {top = top, limit_order = a.limit_order})
      r.mocus = ok and {products = res.products} or {error = tostring(res):gsub("^.-tg_risk_mocus: ", "")}
    end
    if a.report then require("risk_report").write(a.report, r) end
    if a.json then print(tg.json.encode(r)); return end
    print(string.format("top event %s: %d minimal cut sets (ZBDD, no BDD; limit order %d, cut-off %g)",
      top, r.products, r.limit_order, r.cut_off))
    print("  " .. orders(distribution))
    if r.rare_event then
      print(string.format("probability of the sets kept: rare-event %.6g, MCUB %.6g (no exact value without the BDD)",
        r.rare_event, r.mcub))
    end
    for _, c in ipairs(r.cut_sets or {}) do
      print(string.format("  {%s}  %.4g", table.concat(c.events, ", "), c.p))
    end
    if r.importance then
      print("importance from the cut sets kept (rare-event approximation):")
      print(string.format("  %-24s %10s %10s %10s %10s %10s", "event", "p", "FV", "MIF", "RAW", "RRW"))
      for k = 1, math.min(#r.importance, a.json and #r.importance or 20) do
        local e = r.importance[k]
        print(string.format("  %-24s %10.4g %10.4g %10.4g %10.4g %10.4g", e.name, e.p, e.fv, e.mif, e.raw, e.rrw))
      end
      if #r.importance > 20 then print(string.format("  ... and %d more", #r.importance - 20)) end
    end
    if r.mocus then print("MOCUS: " .. (r.mocus.error and ("gave up: " .. r.mocus.error) or (r.mocus.products .. " minimal cut sets"))) end
    return
  end
  local an = timed("analysis", m.analyze, m, {top = top, limit_order = a.limit_order, cut_off = a.cut_off})
  local dist = an:distribution()
  local distribution = {}
  for k = 1, #dist do distribution[k] = dist[k] end
  local r = {
    top = top,
    products = an:products(),
    distribution = distribution,
    mission_time = m:mission_time(),
    limit_order = a.limit_order or 20,
  }
  -- Events occurring in some cut set (SCRAM's basic-events), and all variables.
  -- (occurrence needs no probabilities: right without model data too).
  local occurring = 0
  for _ in pairs(an:occurrence()) do occurring = occurring + 1 end
  r.basic_events = occurring
  r.variables = #m:basic_events()
  r.gates = #m:gates()
  if a.probability then
    local t0 = tg.clock()
    r.probability = an:probability()
    r.rare_event = an:rare_event()
    local okm, v = pcall(an.mcub, an, 1000000)
    if okm then r.mcub = v end
    if a.time_step then
      local T = m:mission_time()
      r.curve = {}
      local t = a.time_step
      while t <= T * (1 + 1e-12) do
        m:mission_time(t)
        an:reevaluate()
        r.curve[#r.curve + 1] = {t = t, p = an:probability()}
        t = t + a.time_step
      end
      m:mission_time(T)
      an:reevaluate()
    end
    seconds.probability = tg.clock() - t0
  end
  if a.importance then
    r.importance = timed("importance", an.importance, an)
  end
  if a.mcs then
    r.cut_sets = timed("mcs", an.cut_sets, an, {max = a.max_sets or 1000})
  end
  if a.prime_implicants then
    r.prime_implicants = timed("prime_implicants", an.prime_implicants, an,
      {limit_order = a.limit_order or 20, max = a.max_sets or 1000})
    local d = r.prime_implicants.distribution
    local pd = {}
    for k = 1, #d do pd[k] = d[k] end
    r.prime_implicants.distribution = pd
  end
  if a.uncertainty then
    r.uncertainty = timed("uncertainty", an.uncertainty, an,
      {n = a.uncertainty, seed = a.seed or 1, quantiles = 20, bins = 20})
    r.uncertainty.n, r.uncertainty.seed = a.uncertainty, a.seed or 1
  end
  if a.mocus then
    -- MOCUS is the comparison: when it gives up (too many partial sets),
    -- say so in its field and keep the rest of the results.
    local ok, res = pcall(timed, "mocus", m.mocus, m, {top = top, limit_order = a.limit_order})
    if ok then
      local md = {}
      for k = 1, #res.distribution do md[k] = res.distribution[k] end
      res.distribution = md
      r.mocus = res
    else
      r.mocus = {error = tostring(res):gsub("^.-tg_risk_mocus: ", "")}
    end
  end
  r.seconds = seconds
  if a.report then require("risk_report").write(a.report, r) end

  if a.json then
    print(tg.json.encode(r))
    return
  end
  print(string.format("top event %s: %d minimal cut sets over %d basic events (limit order %d)",
    top, r.products, r.basic_events, r.limit_order))
  print("  " .. orders(distribution))
  if r.probability then
    print(string.format("probability %.6g (rare-event %.6g%s) at mission time %g h", r.probability,
      r.rare_event, r.mcub and string.format(", MCUB %.6g", r.mcub) or "", r.mission_time))
    for _, c in ipairs(r.curve or {}) do print(string.format("  t = %-10g p = %.6g", c.t, c.p)) end
  end
  if r.importance then
    print(string.format("  %-24s %10s %10s %10s %10s %10s %10s %9s", "event", "p", "MIF", "CIF", "DIF", "RAW", "RRW", "occurs"))
    for _, e in ipairs(r.importance) do
      print(string.format("  %-24s %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %9d", e.name, e.p, e.mif, e.cif,
        e.dif, e.raw, e.rrw, e.occurrence))
    end
  end
  if r.cut_sets then
    for _, c in ipairs(r.cut_sets) do
      print(string.format("  {%s}  %.4g", table.concat(c.events, ", "), c.p))
    end
  end
  if r.prime_implicants then
    local pi = r.prime_implicants
    print(string.format("%d prime implicants (%s)", pi.count, orders(pi.distribution)))
    for _, i in ipairs(pi.implicants) do
      print(string.format("  {%s}  %.4g", table.concat(i.literals, ", "), i.p))
    end
  end
  if r.mocus and r.mocus.error then
    print("MOCUS: gave up: " .. r.mocus.error)
  elseif r.mocus then
    print(string.format("MOCUS: %d minimal cut sets (%.3f s)", r.mocus.products, seconds.mocus))
  end
  if r.uncertainty then
    local u = r.uncertainty
    print(string.format("uncertainty (%d trials): mean %.6g, sd %.4g, 5%%..95%% %.4g .. %.4g", a.uncertainty,
      u.mean, u.sd, u.quantiles[1], u.quantiles[19]))
  end
end)
