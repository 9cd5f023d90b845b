-- Frequent itemsets of a transaction file (FIMI .dat, optionally gzipped).
local cliargs = require("cliargs")
local spec = {
  usage = "twingraph mine FILE --min-support PCT [--max-len K] [--count] [--output FILE] [--json]",
  about = [[Mines the frequent itemsets of FILE, one transaction a line with items
separated by blanks (FIMI format; .gz is read directly).  The minimum support
count is ceil(PCT/100 x transactions).  Without --count, itemsets are written
one a line as "a b c (support)" to --output (default: standard output).
With --count --json it prints {"transactions", "itemsets", "by_size"}.]],
  positional = {"FILE"},
  options = {
    {"--min-support", "PCT", "minimum support in percent of the transactions", number = true},
    {"--max-len", "K", "longest itemset reported (default: no limit)", number = true},
    {"--format", "F", "input format: fimi (the only one so far)"},
    {"--count", nil, "count the itemsets (by size) instead of writing them"},
    {"--output", "FILE", "where itemsets are written (default: standard output)"},
    {"--json", nil, "print one JSON object (with --count, or a summary after --output)"},
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
if a.format and a.format ~= "fimi" then cliargs.fail(spec, "unknown --format '%s' (fimi)", a.format) end
if a.json and not a.count and not a.output then
  cliargs.fail(spec, "--json needs --count or --output (itemsets would mix with the JSON)")
end

cliargs.run(function()
  local t0 = tg.clock()
  local db = tg.mine.read_fimi(a.file)
  local t1 = tg.clock()
  local opts = {min_support = a.min_support, max_len = a.max_len}
  local r
  if a.count then
    opts.count = true
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
