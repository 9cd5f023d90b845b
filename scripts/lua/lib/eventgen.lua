-- eventgen.lua: a synthetic alarm and trip log for a plant graph, with
-- planted failure dependencies, so a mining study has a known answer.
--
--   local gen = require("eventgen")
--   local n = gen.write(path, g, {seed = 1, days = 30, background = 40,
--                                 chains = {{cause = "UCB_T1:trip", effect = "U18_CC1:trip",
--                                            p = 0.9, delay = 300, rate = 2}}})
--
-- Background: `background` events a day, each on a component drawn
-- uniformly from the graph with an event drawn from {alarm, trip,
-- warning}.  Each chain fires its cause `rate` times a day (uniform times)
-- and, with probability p, its effect after a delay uniform in
-- [0, delay] seconds; a chain may go on (`next = {effect =, p =, delay =}`,
-- itself allowed a `next`): once an effect happened, with probability p
-- its own effect follows within its delay, so multi-step failure chains
-- can be planted.  Times are ISO-8601 UTC from 2026-01-01.  The
-- generator uses Lua's math.random (xoshiro256** in Lua 5.4), seeded, so
-- a seed gives the same log everywhere.  Returns the number of rows.
local gen = {}

local EPOCH0 = 1767225600   -- 2026-01-01T00:00:00Z

local function split(item)
  local c, e = item:match("^(.-):([^:]+)$")
  assert(c, "eventgen: item '" .. item .. "' is not component:event")
  return c, e
end

function gen.write(path, g, opts)
  math.randomseed(opts.seed or 1)
  local days = opts.days or 30
  local span = days * 86400
  local nodes = g:nodes()
  local kinds = {"alarm", "trip", "warning"}
  local rows = {}
  for _ = 1, math.floor((opts.background or 40) * days) do
    rows[#rows + 1] = {math.random() * span, nodes[math.random(#nodes)], kinds[math.random(#kinds)]}
  end
  for _, ch in ipairs(opts.chains or {}) do
    local cc, ce = split(ch.cause)
    local ec, ee = split(ch.effect)
    for _ = 1, math.floor((ch.rate or 1) * days) do
      local t = math.random() * span
      rows[#rows + 1] = {t, cc, ce}
      if math.random() < ch.p then
        t = t + math.random() * ch.delay
        rows[#rows + 1] = {t, ec, ee}
        local nx = ch.next
        while nx and math.random() < nx.p do
          local nc, ne = split(nx.effect)
          t = t + math.random() * nx.delay
          rows[#rows + 1] = {t, nc, ne}
          nx = nx.next
        end
      end
    end
  end
  -- Logs arrive in any order: shuffle rather than sort.
  for i = #rows, 2, -1 do
    local j = math.random(i)
    rows[i], rows[j] = rows[j], rows[i]
  end
  local f = assert(io.open(path, "w"))
  f:write("timestamp,component,event,severity\n")
  for _, r in ipairs(rows) do
    f:write(("%s,%s,%s,%s\n"):format(os.date("!%Y-%m-%dT%H:%M:%SZ", EPOCH0 + math.floor(r[1])), r[2], r[3],
      r[3] == "trip" and "high" or "low"))
  end
  f:close()
  return #rows
end

return gen
