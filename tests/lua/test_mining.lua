-- tg.mine and `twingraph mine`: exact FIMI counts (issue figures), a
-- brute-force cross-check on a small database, and usage errors.
local T = ...
local P, R = T.prog, T.root

T.test("counts on FIMI data equal the published figures", function()
  local db = tg.mine.read_fimi(R .. "/data/fimi/chess.dat.gz")
  T.eq(#db, 3196, "transactions")
  local r = db:itemsets{min_support = 70, count = true}
  T.eq(r.itemsets, 48731, "chess 70 %")
  T.eq(r.min_count, 2238, "ceil(0.7 * 3196)")
  local sum = 0
  for _, c in ipairs(r.by_size) do sum = sum + c end
  T.eq(sum, r.itemsets, "sizes add up")
  local code, out, err = T.run(P .. " mine " .. R .. "/data/fimi/retail.dat.gz --min-support 0.1 --count --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  T.eq(j.transactions, 88162, "retail transactions"); T.eq(j.itemsets, 7589, "retail 0.1 %")
end)

T.test("brute force on a small database", function()
  local tx = {{"a", "b", "c"}, {"a", "b"}, {"a", "c"}, {"b", "c"}, {"a", "b", "c", "d"}, {"d"}}
  local db = tg.mine.transactions(tx)
  -- Supports by hand: a4 b4 c4 d2 ab3 ac3 bc3 abc2 ad1 bd1 cd1 abd1 ...
  local list = db:itemsets{min_count = 2}
  local got = {}
  for _, s in ipairs(list) do
    table.sort(s.items)
    got[table.concat(s.items)] = s.support
  end
  local want = {a = 4, b = 4, c = 4, d = 2, ab = 3, ac = 3, bc = 3, abc = 2}
  local n = 0
  for k, v in pairs(want) do T.eq(got[k], v, "support of " .. k); n = n + 1 end
  T.eq(#list, n, "no other itemset")
  T.eq(#db:itemsets{min_count = 2, max_len = 2}, 7, "max_len 2")
end)

T.test("errors", function()
  T.raises(function() tg.mine.read_fimi("/nonexistent.dat") end, "/nonexistent.dat: cannot open")
  -- The first 5000 bytes of chess.dat.gz: zlib only says so at the end.
  T.raises(function() tg.mine.read_fimi(R .. "/tests/mining/files/truncated.dat.gz") end,
           "truncated.dat.gz: corrupt or truncated compressed file: unexpected end of file")
  T.raises(function() tg.mine.read_events(R .. "/tests/mining/files/truncated_events.csv.gz", {bad = "skip"}) end,
           "truncated_events.csv.gz: corrupt or truncated compressed file")
  T.raises(function() tg.mine.rap(R .. "/data/rap/fyffe_nm33.txt"):exact(10) end,
           "no feasible design within cost 130 and weight 10")
  local db = tg.mine.transactions{{"a"}}
  T.raises(function() db:itemsets{} end, "give exactly one of min_support (percent) and min_count")
  T.raises(function() db:itemsets{min_support = 150} end, "min_support must be in (0, 100]")
  T.raises(function() db:itemsets{min_count = 1, maxlen = 2} end, "unknown option 'maxlen'")
  T.raises(function() tg.mine.transactions{{"a", {}}} end, "transaction 1, item 2 is a table")
  local code, _, err = T.run(P .. " mine x.dat")
  T.eq(code, 2, "missing --min-support"); T.truthy(err:find("--min-support PCT is required", 1, true), err)
  code, _, err = T.run(P .. " mine /nonexistent.dat --min-support 1 --count")
  T.eq(code, 1, "missing file"); T.truthy(err:find("/nonexistent.dat: cannot open", 1, true), err)
end)

-- Rules against a brute force written here: every frequent itemset Z
-- (counted by scanning the transactions) and every head H of Z with at
-- most two items gives body Z\H -> H; measures from the definitions.
T.test("association rules equal a brute-force enumeration", function()
  local rng = 12345
  local function rand() rng = (rng * 1103515245 + 12345) % 2147483648; return rng / 2147483648 end
  local names = {"pump", "valve", "turbine", "hx", "magnet", "sensor", "heater"}
  local tx = {}
  for t = 1, 120 do
    local row = {}
    for i, n in ipairs(names) do if rand() < 0.2 + 0.08 * i then row[#row + 1] = n end end
    tx[t] = row
  end
  local function support(set)
    local c = 0
    for _, row in ipairs(tx) do
      local has = {}
      for _, x in ipairs(row) do has[x] = true end
      local all = true
      for _, x in ipairs(set) do all = all and has[x] end
      if all then c = c + 1 end
    end
    return c
  end
  local min, minconf, N = 15, 0.55, #tx
  local want = {}
  for mask = 1, (1 << #names) - 1 do
    local z = {}
    for i = 1, #names do if mask & (1 << (i - 1)) ~= 0 then z[#z + 1] = names[i] end end
    local sz = support(z)
    if #z >= 2 and sz >= min then
      for hm = 1, (1 << #z) - 2 do
        local head, body = {}, {}
        for i = 1, #z do if hm & (1 << (i - 1)) ~= 0 then head[#head + 1] = z[i] else body[#body + 1] = z[i] end end
        if #head <= 2 then
          local sb, sh = support(body), support(head)
          local conf = sz / sb
          if conf >= minconf then
            table.sort(body); table.sort(head)
            want[table.concat(body, ",") .. "->" .. table.concat(head, ",")] =
              {sz, conf, conf / (sh / N), sz / N - (sb / N) * (sh / N)}
          end
        end
      end
    end
  end
  local db = tg.mine.transactions(tx)
  local got = db:rules{min_count = min, min_confidence = minconf, max_head = 2}
  local n = 0
  for _ in pairs(want) do n = n + 1 end
  T.eq(#got, n, "number of rules")
  for _, r in ipairs(got) do
    table.sort(r.body); table.sort(r.head)
    local key = table.concat(r.body, ",") .. "->" .. table.concat(r.head, ",")
    local w = want[key]
    T.truthy(w, "unexpected rule " .. key)
    T.eq(r.support, w[1], key .. " support")
    T.near(r.confidence, w[2], 1e-12, key .. " confidence")
    T.near(r.lift, w[3], 1e-12, key .. " lift")
    T.near(r.leverage, w[4], 1e-12, key .. " leverage")
  end
  -- Filters: heads restricted to one item, bodies must hold one of a set.
  for _, r in ipairs(db:rules{min_count = min, min_confidence = minconf, heads = {"magnet"}, bodies = {"pump"}}) do
    T.eq(#r.head, 1, "one head item"); T.eq(r.head[1], "magnet", "head filter")
    local has = false
    for _, b in ipairs(r.body) do has = has or b == "pump" end
    T.truthy(has, "body filter")
  end
  -- Leverage and conviction filters keep exactly the brute-force rules above the thresholds.
  for _, f in ipairs{{lev = 0.01}, {conv = 1.05}, {lev = -0.01, conv = 0.9}} do
    local keep = 0
    for _, w in pairs(want) do
      local conv = w[2] >= 1 and math.huge or (1 - w[2] / w[3]) / (1 - w[2])
      if (not f.lev or w[4] >= f.lev) and (not f.conv or conv >= f.conv) then keep = keep + 1 end
    end
    local rs = db:rules{min_count = min, min_confidence = minconf, max_head = 2, min_leverage = f.lev,
                        min_conviction = f.conv}
    T.eq(#rs, keep, "rules kept by leverage >= " .. tostring(f.lev) .. ", conviction >= " .. tostring(f.conv))
    T.truthy(keep > 0 and keep < n, "the filter is not trivial")
    for _, r in ipairs(rs) do
      T.truthy((not f.lev or r.leverage >= f.lev) and (not f.conv or r.conviction >= f.conv), "filtered")
    end
  end
  T.raises(function() db:rules{min_count = 2, min_conviction = -1} end, "min_conviction >= 0")
  T.raises(function() db:rules{min_count = 2, heads = {"nope"}} end, "no item 'nope' in the transactions")
end)

T.test("twingraph mine --rules", function()
  local code, out, err = T.run(P .. " mine " .. R .. "/data/fimi/chess.dat.gz --min-support 95 --rules --min-confidence 0.99 --json")
  T.eq(code, 0, "exit " .. err)
  local rules = tg.json.decode(out)
  T.truthy(#rules > 0, "some rules")
  local db = tg.mine.read_fimi(R .. "/data/fimi/chess.dat.gz")
  T.eq(#rules, #db:rules{min_support = 95, min_confidence = 0.99}, "same as the Lua API")
  for k = 2, #rules do T.truthy(rules[k - 1].confidence >= rules[k].confidence, "sorted by confidence") end
  code, out = T.run(P .. " mine " .. R .. "/data/fimi/chess.dat.gz --min-support 95 --rules --min-confidence 0.99")
  T.eq(code, 0, "csv exit")
  T.eq(out:match("^[^\n]*"), "body,head,support,confidence,lift,leverage,conviction", "csv header")
  code = T.run(P .. " mine x.dat --min-support 5 --min-confidence 0.5")
  T.eq(code, 2, "--min-confidence without --rules")
end)

T.test("event logs into windowed transactions", function()
  local path = R .. "/tests/mining/files/events_small.csv"
  -- Times (UTC): C1 00:00:05, CC1 00:01:00, HX 00:01:40 (epoch 1767225700),
  -- C1 00:20:00, CC1 at 00:22+01:00 = 23:22 the day before; line 6 has a
  -- bad timestamp, line 8 a 30 February.
  T.raises(function() tg.mine.read_events(path) end,
           "events_small.csv:6: timestamp 'bad' is neither epoch seconds, ISO-8601 nor dd/mm/yyyy hh:mm:ss")
  local log, rep = tg.mine.read_events(path, {bad = "skip"})
  local db = log:transactions{window = 600}
  T.eq(rep.rows, 7, "rows"); T.eq(rep.events, 5, "events"); T.eq(rep.skipped, 2, "skipped")
  T.eq(rep.first_bad_line, 6, "first bad line")
  -- Fixed 10-minute windows: {CC1} (23:20), {C1, CC1, HX} (00:00), {C1} (00:20).
  T.eq(#db, 3, "fixed windows")
  local sup = {}
  for _, s in ipairs(db:itemsets{min_count = 1}) do table.sort(s.items); sup[table.concat(s.items, " ")] = s.support end
  T.eq(sup["C1:trip"], 2, "C1"); T.eq(sup["CC1:trip"], 2, "CC1"); T.eq(sup["C1:trip CC1:trip HX:alarm"], 1, "triple")
  -- Sliding 10 minutes: one transaction per event.
  local sl = tg.mine.read_events(path, {bad = "skip", item = "component"}):transactions{window = 600, mode = "sliding"}
  T.eq(#sl, 5, "one window per event")
  T.eq(#sl:itemsets{min_count = 1, max_len = 1}, 3, "items by component")
  T.raises(function() log:transactions{window = 0} end, "must be > 0")
  T.raises(function() log:transactions{window = 60, mode = "tumbling"} end, "'fixed' or 'sliding'")
  -- Sequences within 5 minutes: C1:trip (00:00:05) is followed by CC1:trip
  -- (00:01:00, 55 s later) and HX:alarm (95 s); the other C1:trip (00:20)
  -- by nothing; CC1:trip (00:01:00) by HX:alarm (40 s).
  local rules = log:sequence_rules{dt = 300}
  local by = {}
  for _, r in ipairs(rules) do by[r.before .. ">" .. r.after] = r end
  local r = by["C1:trip>CC1:trip"]
  T.eq(r.support, 1, "C1 then CC1 support"); T.eq(r.count, 2, "C1 count"); T.eq(r.confidence, 0.5, "confidence")
  T.eq(r.delay.median, 55.0, "delay")
  T.eq(by["CC1:trip>HX:alarm"].delay.max, 40.0, "CC1 then HX delay")
  T.eq(by["HX:alarm>C1:trip"], nil, "no backwards rule")
  -- lift = confidence / (share of all 5 events followed by CC1 within dt = 1/5)
  T.near(r.lift, 0.5 / (1 / 5), 1e-12, "lift")
  T.eq(#log:sequence_rules{dt = 300, target = "HX:alarm"}, 2, "rules ending in HX:alarm")
end)

-- The failure-chain study: a synthetic log of the plant (eventgen.lua)
-- with three planted dependencies in heavy background noise (200 random
-- events a day over 439 components, 60 days).  Thresholds fixed before
-- looking at results: support >= 10, confidence >= 0.5 (planted p is
-- 0.8-0.9; background trips of the same components dilute it), lift >= 10
-- (an unrelated pair follows by chance with lift near 1).  Over 10 seeds,
-- every planted chain must come out and nothing else.
T.test("failure chains: planted dependencies recovered, none spurious", function()
  local gen = require("eventgen")
  local g = tg.graph.load(R .. "/models/lhc_sector.graphml")
  local chains = {
    {cause = "UCB_T1:trip", effect = "U18_CC1:trip", p = 0.9, delay = 300, rate = 2},
    {cause = "CS_C3:trip", effect = "CS_DISCHARGE:low_pressure", p = 0.85, delay = 120, rate = 1},
    {cause = "CELL_12_VALVE:stuck", effect = "CELL_12_MAGNET:temp_high", p = 0.8, delay = 400, rate = 1},
  }
  local path = os.tmpname()
  for seed = 1, 10 do
    gen.write(path, g, {seed = seed, days = 60, background = 200, chains = chains})
    local log = tg.mine.read_events(path)
    local rules = log:sequence_rules{dt = 600, min_count = 10, min_confidence = 0.5, min_lift = 10}
    local found = {}
    for _, r in ipairs(rules) do found[r.before .. "=>" .. r.after] = r end
    T.eq(#rules, #chains, "seed " .. seed .. ": number of rules")
    for _, c in ipairs(chains) do
      local r = found[c.cause .. "=>" .. c.effect]
      T.truthy(r, "seed " .. seed .. ": planted " .. c.cause .. " => " .. c.effect)
      -- Planted delays are uniform in [0, delay]; a cause whose effect was
      -- not planted may still be followed by chance later in the window,
      -- so the maximum may exceed the range but the median may not.
      T.truthy(r.delay.median <= c.delay, "median delay within the planted range")
    end
  end
  os.remove(path)
end)

T.test("closed and maximal itemsets", function()
  -- {a,b} x2, {a} x1: frequent a3 b2 ab2; closed: a (3), ab (2) (b has the
  -- support of its superset ab); maximal (min 1): ab only.
  local d = tg.mine.transactions{{"a", "b"}, {"a", "b"}, {"a"}}
  local c = d:itemsets{min_count = 1, kind = "closed"}
  T.eq(#c, 2, "closed count")
  T.eq(#d:itemsets{min_count = 1, kind = "maximal"}, 1, "maximal count")
  local db = tg.mine.read_fimi(R .. "/data/fimi/chess.dat.gz")
  local all = db:itemsets{min_support = 80, count = true}.itemsets
  local closed = db:itemsets{min_support = 80, count = true, kind = "closed"}.itemsets
  local maximal = db:itemsets{min_support = 80, count = true, kind = "maximal"}.itemsets
  T.truthy(maximal < closed and closed < all, "maximal < closed < all")
  T.raises(function() d:itemsets{min_count = 1, kind = "open"} end, "'all', 'closed' or 'maximal'")
  local code, out = T.run(P .. " mine " .. R .. "/data/fimi/chess.dat.gz --min-support 80 --count --kind closed --json")
  T.eq(code, 0, "cli exit"); T.eq(tg.json.decode(out).itemsets, closed, "cli closed count")
end)

T.test("twingraph mine --format events", function()
  local f = R .. "/tests/mining/files/events_small.csv"
  local code, out, err = T.run(P .. " mine " .. f .. " --format events --window 600 --skip-bad --min-support 30 --count --json")
  T.eq(code, 0, "exit " .. err)
  local j = tg.json.decode(out)
  -- 3 fixed windows {CC1}, {C1, CC1, HX}, {C1}; 30 % of 3 -> min count 1:
  -- the 7 non-empty subsets of {C1, CC1, HX}.
  T.eq(j.transactions, 3, "windows"); T.eq(j.itemsets, 7, "itemsets")
  T.truthy(err:find("skipped 2 bad rows of 7 (first: line 6", 1, true), err)
  code, _, err = T.run(P .. " mine " .. f .. " --format events --window 600 --min-support 30 --count")
  T.eq(code, 1, "bad rows fail by default"); T.truthy(err:find("events_small.csv:6:", 1, true), err)
  code = T.run(P .. " mine " .. f .. " --format events --min-support 30")
  T.eq(code, 2, "no --window")
end)

T.test("rap.lua example", function()
  local ex = R .. "/scripts/lua/examples/rap.lua " .. R .. "/data/rap/fyffe_nm33.txt"
  local code, out, err = T.run(P .. " " .. ex .. " --weight 159 --exact --json")
  T.eq(code, 0, "exit " .. err)
  local d = tg.json.decode(out)
  T.near(d.reliability, 0.954565, 5e-7, "W=159 optimum (literature)")
  T.truthy(d.cost <= 130 and d.weight_used <= 159, "feasible")
  code, out = T.run(P .. " " .. ex .. " --weight 159 --seed 2 --evaluations 5000 --json")
  T.eq(code, 0, "ga exit")
  local g = tg.json.decode(out)
  T.truthy(g.reliability <= d.reliability + 1e-12 and g.weight_used <= 159 and g.cost <= 130, "GA feasible, not above optimum")
  T.eq(#g.design, 14, "14 subsystems")
  code = T.run(P .. " " .. ex)
  T.eq(code, 2, "no --weight")
end)

-- Apriori and FP-growth through Lua and the CLI: the same itemsets and
-- supports as Eclat (itself checked against brute force above and in
-- tests/mining/test_mining.c), and the issue's exact count.
T.test("algorithm = apriori | fpgrowth agree with eclat", function()
  local rng = 777
  local function rand() rng = (rng * 1103515245 + 12345) % 2147483648; return rng / 2147483648 end
  local tx = {}
  for t = 1, 300 do
    local row = {}
    for i = 1, 12 do if rand() < 0.1 + 0.05 * i then row[#row + 1] = "i" .. i end end
    tx[t] = row
  end
  local db = tg.mine.transactions(tx)
  local function canon(list)
    local out = {}
    for _, s in ipairs(list) do table.sort(s.items); out[#out + 1] = table.concat(s.items, " ") .. ":" .. s.support end
    table.sort(out)
    return table.concat(out, "\n")
  end
  local function canon_rules(list)
    local out = {}
    for _, r in ipairs(list) do
      table.sort(r.body); table.sort(r.head)
      out[#out + 1] = ("%s>%s:%d:%.12g"):format(table.concat(r.body, " "), table.concat(r.head, " "), r.support, r.confidence)
    end
    table.sort(out)
    return table.concat(out, "\n")
  end
  local ref = canon(db:itemsets{min_count = 40})
  local ref_rules = canon_rules(db:rules{min_count = 40, min_confidence = 0.6, max_head = 2})
  T.truthy(#ref > 100, "a non-trivial reference")
  for _, a in ipairs{"apriori", "fpgrowth"} do
    T.eq(canon(db:itemsets{min_count = 40, algorithm = a}), ref, a .. " itemsets")
    T.eq(canon(db:itemsets{min_count = 40, max_len = 2, algorithm = a}), canon(db:itemsets{min_count = 40, max_len = 2}), a .. " max_len")
    T.eq(canon_rules(db:rules{min_count = 40, min_confidence = 0.6, max_head = 2, algorithm = a}), ref_rules, a .. " rules")
    T.eq(db:itemsets{min_count = 40, kind = "closed", count = true, algorithm = a}.itemsets,
         db:itemsets{min_count = 40, kind = "closed", count = true}.itemsets, a .. " closed")
  end
  -- tg.mine.apriori (DESIGN.md): rules from a list of transactions or a database.
  T.eq(canon_rules(tg.mine.apriori(tx, {min_count = 40, min_confidence = 0.6, max_head = 2})), ref_rules, "tg.mine.apriori(list)")
  T.eq(canon_rules(tg.mine.apriori(db, {min_count = 40, min_confidence = 0.6, max_head = 2, algorithm = "fpgrowth"})),
       ref_rules, "tg.mine.apriori(db, fpgrowth)")
  T.raises(function() db:itemsets{min_count = 40, algorithm = "lcm"} end, "'eclat', 'apriori' or 'fpgrowth'")
  T.raises(function() tg.mine.apriori(db) end, "table expected")
  for _, a in ipairs{"apriori", "fpgrowth"} do
    local code, out, err = T.run(P .. " mine " .. R .. "/data/fimi/retail.dat.gz --min-support 0.1 --count --json --algorithm " .. a)
    T.eq(code, 0, "exit " .. err)
    T.eq(tg.json.decode(out).itemsets, 7589, a .. ": retail 0.1 % (issue figure)")
  end
  local code, _, err = T.run(P .. " mine x.dat --min-support 1 --algorithm lcm")
  T.eq(code, 2, "bad --algorithm"); T.truthy(err:find("unknown --algorithm 'lcm'", 1, true), err)
end)

T.test("tg.mine.transactions(path, {window =}) reads and windows an event log", function()
  local path = R .. "/tests/mining/files/events_small.csv"
  local db = tg.mine.transactions(path, {window = 600, bad = "skip"})
  local ref = tg.mine.read_events(path, {bad = "skip"}):transactions{window = 600}
  T.eq(#db, #ref, "same windows")
  T.eq(#db:itemsets{min_count = 1}, #ref:itemsets{min_count = 1}, "same itemsets")
  T.raises(function() tg.mine.transactions(path, {window = 600}) end, "events_small.csv:6:")
  T.raises(function() tg.mine.transactions(path, {window = 600, size = 3}) end, "unknown option 'size'")
end)

-- Grouped transactions and alarm exports (files worked out by hand in
-- tests/mining/test_events.c, which checks the same values in C).
T.test("transactions by asset, work order, and plant section from the graph", function()
  local log = tg.mine.read_events(R .. "/tests/mining/files/events_groups.csv")
  T.eq(table.concat(log:columns(), ","), "timestamp,component,event,severity,asset,work_order", "columns")
  local db, un = log:transactions{by = "work_order"}
  T.eq(#db, 3, "work orders"); T.eq(un, 1, "one event without a work order")
  T.eq(#log:transactions{by = "asset", window = 3600}, 5, "asset x hour")
  T.raises(function() log:transactions{by = "plant"} end, "no column 'plant' in the log")
  T.raises(function() log:transactions{by = "asset", mode = "sliding"} end, "does not go with 'by'")
  -- Sections from the plant graph: every transaction's components lie in
  -- one section, and there is one transaction per section met.
  local g = tg.graph.load(R .. "/models/lhc_sector.graphml")
  local path = os.tmpname()
  require("eventgen").write(path, g, {seed = 3, days = 2, background = 100})
  local elog = tg.mine.read_events(path)
  os.remove(path)
  local sdb, sun = elog:transactions{by = "component", graph = g, attribute = "section"}
  T.eq(sun, 0, "every component has a section")
  local sections = {}
  for _, s in ipairs(elog:transactions{by = "component"}:itemsets{min_count = 1, max_len = 1}) do
    local comp = s.items[1]:match("^(.-):[^:]+$")
    sections[g:node(comp).section] = true
  end
  local nsec = 0
  for _ in pairs(sections) do nsec = nsec + 1 end
  T.eq(#sdb, nsec, "one transaction per section")
  local pairs_ = sdb:itemsets{min_count = 1, max_len = 2}
  for _, s in ipairs(pairs_) do
    if #s.items == 2 then
      local a, b = s.items[1]:match("^(.-):"), s.items[2]:match("^(.-):")
      T.eq(g:node(a).section, g:node(b).section, "items together share a section")
    end
  end
  T.raises(function() elog:transactions{by = "component", graph = g} end, "needs 'attribute'")
  T.raises(function() elog:transactions{by = "component", graph = g, attribute = "nope"} end, "no node attribute 'nope'")
  local code, out, err = T.run(P .. " mine " .. R .. "/tests/mining/files/events_groups.csv --format events --by component" ..
    " --section-graph " .. R .. "/models/lhc_sector.graphml --min-support 1 --count --json")
  T.eq(code, 0, "cli exit " .. err)
  T.eq(tg.json.decode(out).transactions, 0, "no component of this file is in the plant graph")
  T.truthy(err:find("7 events have no component in the graph", 1, true), err)
end)

T.test("alarm exports: column mapping, ACK/RTN filtered, bad rows by line", function()
  local f = R .. "/tests/mining/files/alarms_export.csv"
  T.raises(function() tg.mine.read_events(f, {format = "alarms"}) end, "alarms_export.csv:7: timestamp '31/11/2026 08:09:00'")
  local log, rep = tg.mine.read_events(f, {format = "alarms", bad = "skip"})
  T.eq(rep.rows, 9, "rows"); T.eq(rep.filtered, 2, "ACK and RTN"); T.eq(rep.skipped, 2, "bad rows")
  T.eq(rep.first_bad_line, 7, "first bad line"); T.eq(rep.events, 5, "events")
  T.eq(#log:transactions{by = "area"}, 2, "two areas")
  -- The same file through an explicit mapping, keeping RTN rows.
  local _, rep2 = tg.mine.read_events(f, {bad = "skip", drop_states = {"ACK"},
    columns = {time = "Time", component = "Tag", event = "Description", state = "State"}})
  T.eq(rep2.filtered, 1, "only ACK dropped"); T.eq(rep2.events, 6, "RTN kept")
  T.raises(function() tg.mine.read_events(f, {format = "alarms", columns = {tag = "x"}}) end, "unknown option 'tag'")
  T.raises(function() tg.mine.read_events(f, {drop_states = {"ACK"}}) end, "needs columns.state")
  T.raises(function() tg.mine.read_events(f, {format = "csv"}) end, "'events' or 'alarms'")
  local code, out, err = T.run(P .. " mine " .. f .. " --format alarms --skip-bad --by area --window 3600 --min-support 1 --count --json")
  T.eq(code, 0, "exit " .. err)
  T.eq(tg.json.decode(out).transactions, 4, "area x hour")
  T.truthy(err:find("dropped 2 acknowledgement/return rows", 1, true), err)
end)
