-- draw.lua: SVG pictures of graphs for reports.
--
--   local draw = require("draw")
--   local svg = draw.graph_svg(g, {x = "x", y = "y", color_by = "type",
--                                  size = g:betweenness(), labels = 8,
--                                  title = "..."})
--
-- Node positions come from two node attributes (x, y); each axis is scaled
-- to the picture on its own, so a long thin plant still fills it.  Nodes
-- are coloured by a string attribute (with a legend) and sized by a
-- tg.vector (square-root scale); the `labels` largest are named.
local draw = {}

local PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#e7ba52",
                 "#7b4173", "#000000", "#fd8d3c", "#74c476"}

local function esc(s)
  return (tostring(s):gsub("[&<>\"]", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;"}))
end

function draw.graph_svg(g, opts)
  opts = opts or {}
  local W, H = opts.width or 1400, opts.height or 560
  local left, right, top, bottom = 20, 190, 40, 20
  local xa, ya, ca = opts.x or "x", opts.y or "y", opts.color_by or "type"
  local ids = g:nodes()
  local X, Y = {}, {}
  local xmin, xmax, ymin, ymax = math.huge, -math.huge, math.huge, -math.huge
  for i, id in ipairs(ids) do
    local x, y = g:get(id, xa), g:get(id, ya)
    if type(x) ~= "number" or type(y) ~= "number" then
      error(("draw.graph_svg: node '%s' has no numeric '%s'/'%s' position"):format(id, xa, ya), 2)
    end
    X[i], Y[i] = x, y
    xmin, xmax = math.min(xmin, x), math.max(xmax, x)
    ymin, ymax = math.min(ymin, y), math.max(ymax, y)
  end
  local function px(x) return left + (x - xmin) / math.max(xmax - xmin, 1e-12) * (W - left - right) end
  -- SVG y grows downwards: larger y is drawn higher.
  local function py(y) return top + (ymax - y) / math.max(ymax - ymin, 1e-12) * (H - top - bottom) end
  local index = {}
  for i, id in ipairs(ids) do index[id] = i end

  local colors, order = {}, {}
  for _, id in ipairs(ids) do
    local c = tostring(g:get(id, ca) or "")
    if not colors[c] then order[#order + 1] = c; colors[c] = true end
  end
  table.sort(order)
  for k, c in ipairs(order) do colors[c] = PALETTE[(k - 1) % #PALETTE + 1] end

  local size, smax = opts.size, 0
  if size then smax = size:max() end
  local function radius(i)
    if not size or smax <= 0 then return 3.5 end
    return 2.5 + 9 * math.sqrt(math.max(size[i], 0) / smax)
  end

  local out = {}
  local function w(s) out[#out + 1] = s end
  w(('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" ' ..
     'font-family="sans-serif" font-size="11">'):format(W, H, W, H))
  w('<rect width="100%" height="100%" fill="white"/>')
  if opts.title then w(('<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>'):format(left, esc(opts.title))) end
  w('<g stroke="#b8b8b8" stroke-width="0.7">')
  for _, e in ipairs(g:edges()) do
    local a, b = index[e.source], index[e.target]
    w(('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>'):format(px(X[a]), py(Y[a]), px(X[b]), py(Y[b])))
  end
  w('</g><g stroke="white" stroke-width="0.5">')
  for i, id in ipairs(ids) do
    w(('<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%s (%s)</title></circle>'):format(
      px(X[i]), py(Y[i]), radius(i), colors[tostring(g:get(id, ca) or "")], esc(id), esc(g:get(id, ca) or "")))
  end
  w('</g>')
  if size and (opts.labels or 0) > 0 then
    for _, row in ipairs(size:top(opts.labels)) do
      local i = index[row.id]
      w(('<text x="%.1f" y="%.1f" fill="#222">%s</text>'):format(px(X[i]) + radius(i) + 2, py(Y[i]) - 3, esc(row.id)))
    end
  end
  local lx = W - right + 15
  w(('<text x="%d" y="%d" font-weight="bold">%s</text>'):format(lx, top, esc(ca)))
  for k, c in ipairs(order) do
    local y = top + 8 + 16 * k
    w(('<circle cx="%d" cy="%d" r="5" fill="%s"/><text x="%d" y="%d">%s</text>'):format(
      lx + 5, y - 4, colors[c], lx + 15, y, esc(c == "" and "(none)" or c)))
  end
  if opts.caption then
    w(('<text x="%d" y="%d" fill="#555">%s</text>'):format(left, H - 6, esc(opts.caption)))
  end
  w('</svg>')
  return table.concat(out, "\n") .. "\n"
end

return draw
