-- Frequent itemsets of a transaction file (FIMI .dat, optionally gzipped).
local cliargs = require("cliargs")
local spec = {
  usage = "twingraph mine FILE [--format fimi|events|alarms --window S | --by COLUMN [--section-graph G]] --min-support PCT [--max-len K] [--count | --rules --min-confidence C] [--algorithm eclat|apriori|fpgrowth] [--output FILE] [--json]",
  about = [[Mines the frequent itemsets of FILE, one transaction a line with items
separated by blanks (FIMI format; .gz is read directly), or an event log
(--format events: CSV timestamp,component,event[,...]) cut into time windows
of --window seconds (--mode fixed or sliding; items component:event), or
grouped by a column with --by (asset, section, work_order, ...; with
--window also by fixed window).  --format alarms reads a generic alarm
export (Time,Tag,Description,State[,...]; ACK and RTN rows dropped).
--section-graph GRAPH with --by component groups by the node attribute
--section-attribute (default section) of each component in GRAPH.  The minimum support
count is ceil(PCT/100 x transactions).  Without --count, itemsets are written
one a line as "a b c (support)" to --output (default: standard output).
With --count --json it prints {"transactions", "itemsets", "by_size"}.
With --rules it prints association rules body -> head (support counted as
body plus head) as CSV (body,head,support,confidence,lift,leverage,
conviction; items joined by spaces), or as a JSON list with --json.
--algorithm picks the miner (eclat, the default; apriori; fpgrowth): all
three give the same itemsets and supports.]],
  positional = {"FILE"},
  options = {
    {"--min-support", "PCT", "minimum support in percent of the transactions", number = true},
    {"--max-len", "K", "longest itemset reported (default: no limit)", number = true},
    {"--format", "F", "input format: fimi (default), events or alarms"},
    {"--by", "COLUMN", "events: one transaction per value of COLUMN (asset, section, work_order, ...)"},
    {"--section-graph", "FILE", "with --by: map the column's values (node ids) to a node attribute of this graph"},
    {"--section-attribute", "NAME", "the node attribute for --section-graph (default section)"},
    {"--window", "S", "events: window length in seconds", number = true},
    {"--mode", "M", "events: fixed (default) or sliding windows"},
    {"--skip-bad", nil, "events: skip bad rows (counted on stderr) instead of failing"},
    {"--count", nil, "count the itemsets (by size) instead of writing them"},
    {"--kind", "K", "with --count: all (default), closed or maximal itemsets"},
    {"--output", "FILE", "where itemsets are written (default: standard output)"},
    {"--rules", nil, "association rules instead of itemsets"},
    {"--min-confidence", "C", "rules: minimum confidence in [0, 1] (default 0.5)", number = true},
    {"--min-lift", "L", "rules: minimum lift (default 0)", number = true},
    {"--min-leverage", "V", "rules: minimum leverage (default: no filter)", number = true},
    {"--min-conviction", "V", "rules: minimum conviction (default 0)", number = true},
    {"--max-head", "K", "rules: most items in a head (default 1)", integer = true, min = 1},
    {"--json", nil, "print one JSON object (with --count, or a summary after --output)"},
    {"--algorithm", "A", "eclat (default), apriori or fpgrowth"},
  },
}
local a = cliargs.parse(arg, spec)
if not a.min_support then cliargs.fail(spec, "--min-support PCT is required") end
if not (a.min_support > 0 and a.min_support <= 100) then
  cliargs.fail(spec, "--min-support must be in (0, 100], got %s", a.min_support)
end
if a.max_len and (a.max_len < 1 or a.max_len > 64 or math.type(a.max_len) ~= "integer") then
  cliargs.fail(spec, "--max-len must be an integer in 1..64")
end
if a.format and a.format ~= "fimi" and a.format ~= "events" and a.format ~= "alarms" then
  cliargs.fail(spec, "unknown --format '%s' (fimi, events or alarms)", a.format)
end
local events = a.format == "events" or a.format == "alarms"
if events and not a.by and not (a.window and a.window > 0) then
  cliargs.fail(spec, "--format %s needs --window SECONDS > 0 or --by COLUMN", a.format)
end
if not events and (a.window or a.mode or a.skip_bad or a.by) then
  cliargs.fail(spec, "--window, --mode, --by and --skip-bad go with --format events or alarms")
end
if a.by and a.mode then cliargs.fail(spec, "--mode goes with time windows, not --by") end
if (a.section_graph or a.section_attribute) and not a.by then
  cliargs.fail(spec, "--section-graph and --section-attribute go with --by")
end
if a.mode and a.mode ~= "fixed" and a.mode ~= "sliding" then cliargs.fail(spec, "--mode must be fixed or sliding") end
if a.kind and not a.count then cliargs.fail(spec, "--kind goes with --count") end
if a.kind and a.kind ~= "all" and a.kind ~= "closed" and a.kind ~= "maximal" then
  cliargs.fail(spec, "--kind must be all, closed or maximal")
end
if a.algorithm and a.algorithm ~= "eclat" and a.algorithm ~= "apriori" and a.algorithm ~= "fpgrowth" then
  cliargs.fail(spec, "unknown --algorithm '%s' (eclat, apriori or fpgrowth)", a.algorithm)
end
if a.count and a.rules then cliargs.fail(spec, "--count and --rules exclude each other") end
if (a.min_confidence or a.min_lift or a.min_leverage or a.min_conviction or a.max_head) and not a.rules then
  cliargs.fail(spec, "--min-confidence, --min-lift, --min-leverage, --min-conviction and --max-head go with --rules")
end
if a.min_confidence and not (a.min_confidence >= 0 and a.min_confidence <= 1) then
  cliargs.fail(spec, "--min-confidence must be in [0, 1]")
end
if a.json and not a.count and not a.output and not a.rules then
  cliargs.fail(spec, "--json needs --count or --output (itemsets would mix with the JSON)")
end

cliargs.run(function()
  local t0 = tg.clock()
  local db
  if events then
    local log, rep = tg.mine.read_events(a.file, {bad = a.skip_bad and "skip" or "fail", format = a.format})
    if rep.skipped > 0 then
      io.stderr:write(("twingraph: %s: skipped %d bad rows of %d (first: line %d: %s)\n"):format(
        a.file, rep.skipped, rep.rows, rep.first_bad_line, rep.first_bad))
    end
    if rep.filtered > 0 then
      io.stderr:write(("twingraph: %s: dropped %d acknowledgement/return rows\n"):format(a.file, rep.filtered))
    end
    if a.by then
      local g = a.section_graph and tg.graph.load(a.section_graph)
      local ungrouped
      db, ungrouped = log:transactions{by = a.by, window = a.window, graph = g,
                                       attribute = g and (a.section_attribute or "section")}
      if ungrouped > 0 then
        io.stderr:write(("twingraph: %s: %d events have no %s%s and are in no transaction\n"):format(
          a.file, ungrouped, a.by, g and " in the graph" or ""))
      end
    else
      db = log:transactions{window = a.window, mode = a.mode or "fixed"}
    end
  else
    db = tg.mine.read_fimi(a.file)
  end
  local t1 = tg.clock()
  local opts = {min_support = a.min_support, max_len = a.max_len, algorithm = a.algorithm}
  local r
  if a.rules then
    local rules = db:rules{min_support = a.min_support, max_len = a.max_len,
                           min_confidence = a.min_confidence or 0.5, min_lift = a.min_lift,
                           min_leverage = a.min_leverage, min_conviction = a.min_conviction,
                           max_head = a.max_head or 1,
                           algorithm = a.algorithm}
    table.sort(rules, function(x, y)
      if x.confidence ~= y.confidence then return x.confidence > y.confidence end
      if x.support ~= y.support then return x.support > y.support end
      return table.concat(x.body, " ") .. "|" .. table.concat(x.head, " ") <
             table.concat(y.body, " ") .. "|" .. table.concat(y.head, " ")
    end)
    if a.json then
      print(tg.json.encode(rules))
    else
      local out = a.output and assert(io.open(a.output, "w")) or io.stdout
      out:write("body,head,support,confidence,lift,leverage,conviction\n")
      for _, x in ipairs(rules) do
        out:write(("%s,%s,%d,%.6f,%.6f,%.6f,%s\n"):format(table.concat(x.body, " "), table.concat(x.head, " "),
          x.support, x.confidence, x.lift, x.leverage,
          x.conviction == math.huge and "inf" or ("%.6f"):format(x.conviction)))
      end
      if out ~= io.stdout then out:close() end
    end
    return
  end
  if a.count then
    opts.count = true
    opts.kind = a.kind
    r = db:itemsets(opts)
  else
    local n = db:write_itemsets(a.output or "-", opts)
    r = {transactions = db:count(), itemsets = n, output = a.output}
  end
  r.seconds = {read = t1 - t0, mine = tg.clock() - t1}
  if a.json then
    print(tg.json.encode(r))
  elseif a.count then
    print(("%s: %d transactions, minimum support %d, %d frequent itemsets"):format(
      a.file, r.transactions, r.min_count, r.itemsets))
    for k, c in ipairs(r.by_size) do print(("  size %2d  %d"):format(k, c)) end
  elseif a.output then
    io.stderr:write(("%d itemsets written to %s\n"):format(r.itemsets, a.output))
  end
end)
