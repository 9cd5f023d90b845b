-- rap.lua: redundancy allocation for a series-parallel system (mixing types).
--   twingraph scripts/lua/examples/rap.lua DATA_FILE --weight W [--seed S] [--evaluations N] [--exact] [--json]
-- Prints {weight, reliability, cost, weight_used, design} of the best design
-- the genetic algorithm finds (or, with --exact, the optimum by dynamic
-- programming).  DATA_FILE in the format of data/rap/SOURCE.md.
package.path = (arg[0]:match("^(.*)/examples/rap%.lua$") or ".") .. "/lib/?.lua;" .. package.path
local cliargs = require("cliargs")
local spec = {
  usage = "rap.lua DATA_FILE --weight W [--seed S] [--evaluations N] [--exact] [--json]",
  about = "Best series-parallel design under the file's cost limit and weight limit W.",
  positional = {"DATA_FILE"},
  options = {
    {"--weight", "W", "weight limit", integer = true, min = 0},
    {"--seed", "S", "GA seed (default 1)", integer = true, default = 1},
    {"--evaluations", "N", "GA budget of fitness evaluations (default 100000)", integer = true, min = 1, default = 100000},
    {"--exact", nil, "the optimum by dynamic programming instead of the GA"},
    {"--json", nil, "print one JSON object"},
  },
}
local a = cliargs.parse(arg, spec)
if not a.weight then cliargs.fail(spec, "--weight W is required") end
cliargs.run(function()
  local p = tg.mine.rap(a.data_file)
  local d, at
  if a.exact then d = p:exact(a.weight)
  else d, at = p:ga(a.weight, {seed = a.seed, evaluations = a.evaluations}) end
  d.weight = a.weight
  d.method = a.exact and "exact" or "ga"
  d.evaluations_at_best = at
  if a.json then print(tg.json.encode(d)); return end
  print(("W = %d: reliability %.6f, cost %g, weight %g (%s)"):format(d.weight, d.reliability, d.cost, d.weight_used, d.method))
  for i, k in ipairs(d.design) do print(("  subsystem %2d: %s"):format(i, table.concat(k, " "))) end
end)
