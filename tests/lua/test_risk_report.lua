-- `twingraph risk --report`: the Open-PSA-style XML report (scripts/lua/lib/
-- risk_report.lua) says what --json says, in SCRAM's layout (element and
-- attribute names as SCRAM 0.16.2's report of the same model), is well
-- formed, and a failed write leaves nothing behind.
local T = ...
local P, R = T.prog, T.root
local FT = R .. "/data/faulttrees/"
local CHINESE = FT .. "scram/chinese.xml " .. FT .. "scram/chinese-basic-events.xml"

-- Elements of an XML text: {name, attrs} in document order; fails on a
-- closing tag that does not match the open one.
local function parse(text)
  local out, stack = {}, {}
  local body = text:gsub("^<%?xml.-%?>", "")
  for close, name, attrs, selfclose in body:gmatch("<(/?)([%w%-]+)(.-)(/?)>") do
    if close == "/" then
      T.eq(table.remove(stack), name, "closing tag matches")
    else
      local a = {}
      for k, v in attrs:gmatch('([%w%-]+)="(.-)"') do a[k] = v end
      out[#out + 1] = {name = name, attrs = a}
      if selfclose ~= "/" then stack[#stack + 1] = name end
    end
  end
  T.eq(#stack, 0, "every element closed")
  return out
end

local function read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

local function all(els, name)
  local r = {}
  for _, e in ipairs(els) do if e.name == name then r[#r + 1] = e end end
  return r
end

T.test("the report says what --json says", function()
  local rep = os.tmpname()
  local code, out, err = T.run(P .. " risk " .. CHINESE .. " --probability --importance --mcs" ..
    " --uncertainty 500 --seed 3 --time-step 4380 --json --report " .. rep)
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  local els = parse(read(rep))
  os.remove(rep)
  local sop = all(els, "sum-of-products")[1]
  T.eq(tonumber(sop.attrs.products), 392, "products (SCRAM: 392)")
  T.near(tonumber(sop.attrs.probability), 0.00456932, 5e-6 * 0.00456932, "probability (SCRAM)")
  T.eq(sop.attrs.distribution, "0 12 0 24 188 168", "distribution (SCRAM's report)")
  T.eq(#all(els, "product"), 392, "every cut set listed")
  T.eq(#all(els, "warning"), 0, "nothing left out, no warning")
  T.eq(#all(els, "point"), 2, "curve at 4380 and 8760 h")
  local imp = all(els, "importance")[1]
  T.eq(tonumber(imp.attrs["basic-events"]), 25, "importance rows (SCRAM: 25)")
  -- importance rows equal the JSON's, event by event
  local byname = {}
  for _, e in ipairs(j.importance) do byname[e.name] = e end
  local rows = 0
  for _, e in ipairs(els) do
    if e.name == "basic-event" and e.attrs.MIF then
      rows = rows + 1
      local w = byname[e.attrs.name]
      T.near(tonumber(e.attrs.MIF), w.mif, 1e-8 * math.abs(w.mif) + 1e-300, e.attrs.name .. " MIF")
      T.near(tonumber(e.attrs.RAW), w.raw, 1e-8 * math.abs(w.raw), e.attrs.name .. " RAW")
    end
  end
  T.eq(rows, 25, "25 importance rows")
  -- e1 as in SCRAM's report: MIF 0.0745557, RAW 16.9902
  T.near(tonumber(byname.e1.mif), 0.0745557, 5e-7, "e1 MIF (SCRAM)")
  -- the uncertainty measure
  T.near(tonumber(all(els, "mean")[1].attrs.value), j.uncertainty.mean, 1e-8 * j.uncertainty.mean, "mean")
  local bins = all(els, "bin")
  T.eq(#bins, 20, "20 histogram bins")
  local total = 0
  for _, b in ipairs(bins) do total = total + tonumber(b.attrs.value) end
  T.near(total, 1, 1e-6, "bin fractions sum to 1")
  T.eq(#all(els, "quantile"), 20, "20 quantiles")
  -- contribution: SCRAM's report of chinese gives 6.66049e-07 for its
  -- products of probability 3.2e-09 (p / the rare-event sum)
  local seen32 = 0
  for _, e in ipairs(all(els, "product")) do
    if math.abs(tonumber(e.attrs.probability) - 3.2e-9) < 1e-20 then
      seen32 = seen32 + 1
      T.near(tonumber(e.attrs.contribution), 6.66049e-07, 5e-6 * 6.66049e-07, "contribution (SCRAM)")
    end
  end
  T.truthy(seen32 > 0, "products of p 3.2e-9 present")
  -- SCRAM's attribute names on the elements both write
  local scram = {["sum-of-products"] = {"name", "basic-events", "products", "probability", "distribution"},
                 product = {"order", "probability", "contribution"},
                 point = {"X", "Y"}, bin = {"number", "value", "lower-bound", "upper-bound"}}
  for el, names in pairs(scram) do
    local e = all(els, el)[1]
    for _, n in ipairs(names) do T.truthy(e.attrs[n], el .. " has " .. n) end
  end
end)

T.test("a truncated listing says so; prime implicants write their negations", function()
  local rep = os.tmpname()
  local code, _, err = T.run(P .. " risk " .. CHINESE .. " --mcs --max-sets 10 --report " .. rep)
  T.eq(code, 0, "exit " .. err)
  local els = parse(read(rep))
  T.eq(#all(els, "product"), 10, "10 listed")
  T.eq(#all(els, "warning"), 1, "and a warning that says 10 of 392")
  local code2, out2, err2 = T.run(P .. " risk " .. R .. "/tests/risk/golden/pi/nc1.xml --prime-implicants --json --report " .. rep)
  T.eq(code2, 0, "exit " .. err2)
  local j = tg.json.decode(out2)
  local negs = 0
  for _, i in ipairs(j.prime_implicants.implicants) do
    for _, l in ipairs(i.literals) do if l:match("^not ") then negs = negs + 1 end end
  end
  T.truthy(negs > 0, "nc1 has negated literals")
  local els2 = parse(read(rep))
  T.eq(#all(els2, "not"), negs, "one <not> per negated literal")
  os.remove(rep)
end)

T.test("a report that cannot be written fails cleanly", function()
  local code, _, err = T.run(P .. " risk " .. CHINESE .. " --report /nonexistent-dir/r.xml")
  T.eq(code, 1, "exit 1")
  T.truthy(err:find("/nonexistent-dir/r.xml: cannot write the report", 1, true), err)
  local f = io.open("/nonexistent-dir/r.xml.tmp")
  T.truthy(f == nil, "no temporary file")
end)

T.test("MOCUS refusing keeps the other results", function()
  -- das9601 has XOR gates: MOCUS (coherent trees only) refuses, the rest runs.
  local code, out, err = T.run(P .. " risk " .. FT .. "aralia/das9601.xml.gz --mocus --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.products, 4259, "das9601 products (SCRAM: 4259)")
  T.truthy(j.mocus.error and j.mocus.error:find("coherent trees only", 1, true), "mocus.error says why")
  -- and where it applies it agrees with the BDD route (baobab1, SCRAM's 46188)
  code, out, err = T.run(P .. " risk " .. FT .. "scram/baobab1.xml " .. FT ..
    "scram/baobab1-basic-events.xml --mocus --json")
  T.eq(code, 0, "exit " .. err)
  j = tg.json.decode(out)
  T.eq(j.mocus.products, 46188, "MOCUS count")
  for k, v in ipairs(j.distribution) do T.eq(j.mocus.distribution[k], v, "MOCUS order " .. k) end
end)

T.test("--zbdd: nus9601's cut sets without a BDD", function()
  -- SCRAM `--zbdd --limit-order 6`: 1172 sets, orders 3, 4, 6: 10, 2, 1160;
  -- every event has p = 0.01, so the rare-event sum is exact arithmetic.
  local code, out, err = T.run(P .. " risk " .. FT .. "aralia/nus9601.xml.gz --zbdd --limit-order 6 --probability --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.products, 1172, "products (SCRAM)")
  T.eq(j.method, "zbdd", "method")
  local want = {0, 0, 10, 2, 0, 1160}
  for k, v in ipairs(want) do T.eq(j.distribution[k], v, "order " .. k) end
  T.near(j.rare_event, 10 * 1e-6 + 2 * 1e-8 + 1160 * 1e-12, 1e-15, "rare-event sum")
  T.truthy(j.mcub <= j.rare_event and j.mcub > 0.999 * j.rare_event, "MCUB just below")
  T.truthy(j.probability == nil, "no exact probability claimed")
  local c2, _, e2 = T.run(P .. " risk " .. FT .. "aralia/nus9601.xml.gz --zbdd --uncertainty 100")
  T.eq(c2, 2, "--uncertainty with --zbdd is a usage error")
  T.truthy(e2:find("needs the BDD", 1, true), e2)
end)

T.test("--zbdd --importance: cut-set importance equals sums over the listed cut sets", function()
  -- Reference: chinese's 392 cut sets listed by the BDD route, summed in Lua.
  local m = tg.risk.read{FT .. "scram/chinese.xml", FT .. "scram/chinese-basic-events.xml"}
  local sets = m:analyze():cut_sets{max = 1000}
  T.eq(#sets, 392, "all cut sets listed")
  local total, with, raw_re = 0, {}, {}
  for _, c in ipairs(sets) do total = total + c.p end
  for _, c in ipairs(sets) do
    for _, e in ipairs(c.events) do with[e] = (with[e] or 0) + c.p end
  end
  local code, out, err = T.run(P .. " risk " .. CHINESE .. " --zbdd --importance --probability --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.near(j.rare_event, total, 1e-12 * total, "rare-event sum")
  local n = 0
  for _, e in ipairs(j.importance) do
    n = n + 1
    local w = with[e.name]
    T.near(e.contribution, w, 1e-12 * w, e.name .. " contribution")
    T.near(e.fv, w / total, 1e-12, e.name .. " FV")
    -- RAW: the rare-event sum with p(e) = 1, over the sum (recomputed set by set)
    local r1 = 0
    for _, c in ipairs(sets) do
      local has = false
      for _, x in ipairs(c.events) do if x == e.name then has = true end end
      r1 = r1 + (has and c.p / e.p or c.p)
    end
    T.near(e.raw, r1 / total, 1e-9 * r1 / total, e.name .. " RAW")
  end
  T.eq(n, 25, "one row per event in some cut set (SCRAM: 25)")
  for k = 2, n do T.truthy(j.importance[k - 1].fv >= j.importance[k].fv, "sorted by FV") end
end)

T.test("--zbdd --mcs lists the same sets as the BDD route, in the same ranking", function()
  -- chinese: all 392 sets, compared set by set (events sorted) within each order
  local m = tg.risk.read{FT .. "scram/chinese.xml", FT .. "scram/chinese-basic-events.xml"}
  local want = m:analyze():cut_sets{max = 1000}
  local code, out, err = T.run(P .. " risk " .. CHINESE .. " --zbdd --mcs --json")
  T.eq(code, 0, "exit " .. err)
  local got = tg.json.decode(out).cut_sets
  T.eq(#got, #want, "392 sets")
  local function key(c)
    local e = {}
    for i, x in ipairs(c.events) do e[i] = x end
    table.sort(e)
    return c.order .. ":" .. table.concat(e, ",")
  end
  local have = {}
  for i, c in ipairs(got) do
    have[key(c)] = true
    T.eq(c.order, want[i].order, "rank " .. i .. " order")
    T.near(c.p, want[i].p, 1e-15, "rank " .. i .. " probability")
  end
  for _, c in ipairs(want) do T.truthy(have[key(c)], "set " .. key(c)) end
  -- nus9601: the first listed sets are its 10 of order 3 (SCRAM --limit-order 3: 10)
  code, out, err = T.run(P .. " risk " .. FT .. "aralia/nus9601.xml.gz --zbdd --limit-order 6 --mcs --max-sets 12 --json")
  T.eq(code, 0, "exit " .. err)
  local n = tg.json.decode(out).cut_sets
  T.eq(#n, 12, "12 listed")
  for i = 1, 10 do T.eq(n[i].order, 3, "order 3 first") end
  T.eq(n[11].order, 4, "then order 4")
end)

T.test("mcs_zbdd and mocus refuse bad options", function()
  local m = tg.risk.read{FT .. "scram/chinese.xml", FT .. "scram/chinese-basic-events.xml"}
  for _, case in ipairs{
    {m.mcs_zbdd, {max_nodes = -5}, "max_nodes"}, {m.mcs_zbdd, {list = -1}, "list"},
    {m.mcs_zbdd, {list = 2.5}, "list"}, {m.mcs_zbdd, {importance = "yes"}, "importance"},
    {m.mcs_zbdd, {cut_off = 0 / 0}, "cut_off"}, {m.mcs_zbdd, {limit_order = -1}, "limit_order"},
    {m.mocus, {max_nodes = -1}, "max_nodes"}, {m.mcs_zbdd, {bogus = 1}, "bogus"}} do
    local ok, err = pcall(case[1], m, case[2])
    T.truthy(not ok and tostring(err):find(case[3], 1, true), case[3] .. ": " .. tostring(err))
  end
end)
