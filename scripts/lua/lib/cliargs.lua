-- cliargs.lua: a small command-line parser for twingraph's subcommands.
--
--   local args = cliargs.parse(arg, {
--     usage = "twingraph measures FILE [options]",
--     about = "Whole-graph measures...",
--     positional = {"FILE"},
--     options = {
--       {"--weight", "ATTR", "edge attribute used as weight"},
--       {"--seed", "S", "random seed", integer = true, min = 0, default = 1},
--       {"--json", nil, "print one JSON object"},
--     },
--   })
--
-- Flags (no value) become true; options with a value take the next word or
-- --opt=value.  `number = true` converts the value to a number, `integer =
-- true` to an integer (with an optional lower bound `min`); `default` is the
-- value when the option is absent.  --help prints the usage and exits 0; a bad command line
-- prints the reason and exits 2.
local cliargs = {}

local function help_text(spec)
  local lines = {"usage: " .. spec.usage, ""}
  if spec.about then lines[#lines + 1] = spec.about; lines[#lines + 1] = "" end
  lines[#lines + 1] = "options:"
  local opts = {}
  for _, o in ipairs(spec.options or {}) do opts[#opts + 1] = o end
  opts[#opts + 1] = {"--help", nil, "this help"}
  for _, o in ipairs(opts) do
    local left = o[1] .. (o[2] and (" " .. o[2]) or "")
    lines[#lines + 1] = string.format("  %-24s %s", left, o[3] or "")
  end
  return table.concat(lines, "\n") .. "\n"
end

function cliargs.fail(spec, fmt, ...)
  io.stderr:write("twingraph: ", string.format(fmt, ...), "\n")
  io.stderr:write("usage: ", spec.usage, "  (--help for more)\n")
  os.exit(2)
end

function cliargs.parse(argv, spec)
  local byname = {}
  for _, o in ipairs(spec.options or {}) do byname[o[1]] = o end
  local out, pos = {}, {}
  local i = 1
  while argv[i] do
    local a = argv[i]
    if a == "--help" or a == "-h" then
      io.stdout:write(help_text(spec))
      os.exit(0)
    elseif a:sub(1, 2) == "--" then
      local name, value = a:match("^(%-%-[^=]+)=(.*)$")
      name = name or a
      local o = byname[name]
      if not o then cliargs.fail(spec, "unknown option '%s'", name) end
      local key = name:sub(3):gsub("%-", "_")
      if o[2] then
        if not value then
          i = i + 1
          value = argv[i]
          if value == nil then cliargs.fail(spec, "option %s needs a value (%s)", name, o[2]) end
        end
        if o.number or o.integer then
          local v = tonumber(value)
          if o.integer then v = v and math.tointeger(v) end
          if not v then
            cliargs.fail(spec, "option %s needs %s, got '%s'", name, o.integer and "an integer" or "a number", value)
          end
          if o.min and v < o.min then cliargs.fail(spec, "option %s must be at least %s, got %s", name, o.min, v) end
          value = v
        end
        out[key] = value
      else
        if value then cliargs.fail(spec, "option %s takes no value", name) end
        out[key] = true
      end
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  local want = spec.positional or {}
  if #pos < #want then cliargs.fail(spec, "missing %s", want[#pos + 1]) end
  if #pos > #want and not spec.rest then cliargs.fail(spec, "unexpected argument '%s'", pos[#want + 1]) end
  for k, name in ipairs(want) do out[name:lower()] = pos[k] end
  for _, o in ipairs(spec.options or {}) do
    local key = o[1]:sub(3):gsub("%-", "_")
    if out[key] == nil then out[key] = o.default end
  end
  out.rest = {table.unpack(pos, #want + 1)}
  return out
end

-- Run main() for a subcommand: an error is the user's input failing (a bad
-- file, a bad value), so print it without the subcommand's own source
-- position or traceback and exit 1.  TWINGRAPH_DEBUG=1 keeps the traceback.
function cliargs.run(main)
  local ok, err = xpcall(main, function(e)
    if os.getenv("TWINGRAPH_DEBUG") then return debug.traceback(tostring(e), 2) end
    return (tostring(e):gsub("^[^:]*/cli/[%w_]+%.lua:%d+: ", ""))
  end)
  if not ok then
    io.stderr:write("twingraph: ", err, "\n")
    os.exit(1)
  end
end

return cliargs
