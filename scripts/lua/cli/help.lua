-- List the twingraph subcommands.
local dir = TWINGRAPH_LUA .. "/cli"
local names = {}
local p = io.popen('ls "' .. dir .. '"')
for f in p:lines() do
  local name = f:match("^(.-)%.lua$")
  if name then names[#names + 1] = name end
end
p:close()
table.sort(names)
print("twingraph " .. tg.version .. ": commands (twingraph COMMAND --help for each):")
for _, name in ipairs(names) do
  local fh = io.open(dir .. "/" .. name .. ".lua")
  local first = fh and fh:read("l") or ""
  if fh then fh:close() end
  print(string.format("  %-12s %s", name, (first:gsub("^%-%-%s*", ""))))
end
print("\nOr run a script: twingraph SCRIPT.lua [ARGS...]; twingraph --help for options.")
