-- draw.graph_svg: one circle per node, one line per edge, positions
-- scaled into the frame, a legend entry per colour class, clear errors.
local T = ...
local draw = require("draw")

T.test("svg of a small graph", function()
  local g = tg.graph.new{directed = true}
  g:add_node("a", {type = "pump", x = 0, y = 0})
  g:add_node("b", {type = "valve", x = 10, y = 5})
  g:add_node("c", {type = "valve", x = 20, y = 10})
  g:add_edge("a", "b"); g:add_edge("b", "c")
  local svg = draw.graph_svg(g, {title = "t<1>", size = g:degree(), labels = 1, width = 400, height = 200})
  local _, circles = svg:gsub("<circle cx", "")
  local _, lines = svg:gsub("<line ", "")
  T.eq(circles, 3 + 2, "node circles + legend dots")
  T.eq(lines, 2, "edge lines")
  T.truthy(svg:find("t&lt;1&gt;", 1, true), "title escaped")
  -- a at the left edge (x = 20 margin), c at the right end of the plot area (400 - 190).
  T.truthy(svg:find('<circle cx="20.0" cy="180.0"', 1, true), "a at bottom-left")
  T.truthy(svg:find('<circle cx="210.0" cy="40.0"', 1, true), "c at top-right")
  T.truthy(svg:find(">b</text>", 1, true), "largest (degree 2) labelled")
  g:add_node("d")
  T.raises(function() draw.graph_svg(g) end, "node 'd' has no numeric 'x'/'y' position")
end)
