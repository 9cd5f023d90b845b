-- nulls.lua: any connectome measure normalised by its mean over seeded nulls.
--
--   local nulls = require("nulls")
--   local r = nulls.normalize(c, "clustering", {nulls = 20, model = "randmio", iter = 10, seed = 1})
--   -- r.value (the measure), r.null (mean over the nulls), r.normalized (value / null),
--   -- r.sd (standard deviation over the nulls); vectors for per-node measures
--   -- (plain Lua arrays), numbers for global ones.
--
-- model: "randmio" (Maslov-Sneppen, degrees kept), "strength" (strengths
-- kept too) or "latmio" (lattice).  Null k uses seed + k - 1, so a result is
-- reproducible.  `args` is passed to the measure (e.g. {weighted = false}).
local nulls = {}

local function as_list(x)
  if type(x) == "number" then return {x}, true end
  if type(x) == "table" then return x, false end
  return x:totable(), false   -- tg.vector
end

function nulls.normalize(c, measure, opts)
  opts = opts or {}
  local k, model, iter, seed = opts.nulls or 20, opts.model or "randmio", opts.iter or 10, opts.seed or 1
  local make = ({randmio = c.randmio, strength = c.null_strength, latmio = c.latmio})[model]
  if not make then error("nulls.normalize: model must be randmio, strength or latmio", 2) end
  if type(c[measure]) ~= "function" then error("nulls.normalize: no measure '" .. tostring(measure) .. "'", 2) end
  if k < 1 then error("nulls.normalize: nulls must be >= 1", 2) end
  local value, scalar = as_list(c[measure](c, opts.args))
  local sum, sq = {}, {}
  for i = 1, #value do sum[i], sq[i] = 0, 0 end
  for j = 1, k do
    local nc = make(c, {iter = iter, seed = seed + j - 1})
    local v = as_list(nc[measure](nc, opts.args))
    for i = 1, #value do
      sum[i] = sum[i] + v[i]
      sq[i] = sq[i] + v[i] * v[i]
    end
    nc:close()
  end
  local mean, sd, norm = {}, {}, {}
  for i = 1, #value do
    mean[i] = sum[i] / k
    sd[i] = k > 1 and math.sqrt(math.max(0, (sq[i] - k * mean[i] * mean[i]) / (k - 1))) or 0
    norm[i] = value[i] / mean[i]
  end
  if scalar then return {value = value[1], null = mean[1], sd = sd[1], normalized = norm[1]} end
  return {value = value, null = mean, sd = sd, normalized = norm}
end

return nulls
