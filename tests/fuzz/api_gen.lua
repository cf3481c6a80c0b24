-- api_gen.lua - the generator of the Lua API fuzzer (fuzz_api.c).
--
-- Run in the sandbox with one extra global, R(n): the next choice in
-- 1..n, read from the fuzzer's input (1 once the input is used up), so a
-- libFuzzer input is a sequence of decisions and a crash replays exactly.
-- It calls every gci function and every method of every object it has
-- made, with arguments drawn from a pool of hostile values: wrong types,
-- huge and non-finite numbers, option tables with unknown and odd keys,
-- and tables whose __index / __tostring / __len / __call / __eq / __lt /
-- __concat metamethods collect garbage or call back into gci while gci is
-- reading them.  Every call is protected: errors are expected; only a
-- sanitizer report, a crash or a leak is a finding.

local gci = gci
local pool = {}            -- values to pass
local objects = {}         -- values made by gci (datasets, results, ...)

local function pick(t) if #t == 0 then return nil end return t[R(#t)] end

local NAMES = {"availability", "column", "columns", "compute", "correlations", "countries",
  "effective_weights", "explain", "get", "level", "levels", "movers", "node", "pillars", "power",
  "rank", "ranked", "ranks", "rows", "score", "screened", "sensitivity", "source", "target", "tier",
  "tier_changes", "tiers", "top", "treated", "uncertainty", "unmatched", "warnings", "with", "without",
  "compare", "records", "group", "load", "index", "index_meta", "dataset", "dataset_path", "result",
  "write", "plot", "version"}
local KEYS = {"weights", "digits", "ties", "n", "seed", "threads", "offset", "methods", "method", "agg",
  "group", "key", "name", "pillars", "na", "min", "max", "top", "countries", "title", "boot", "perturb",
  "scale", "formula", "by", "level", "code", "parent", "children", "weight", "normalise", "normalize",
  "impute", "treat", "label", "type", "format", "columns", "tie", "digit", "grup", "x", "y", "width",
  "height", "legal", "technical", "organizational", "capacity", "cooperation", "USA", "VNM", "*", "ASEAN",
  "iso3", "country", "score", "rank", "value", "add", "mul", "set", "lo", "hi", "p", "q", 1, 2, 3}
local STRS = {"", "USA", "VNM", "usa", "XXX", "legal", "technical", "capacity", "cooperation",
  "organizational", "*", "data/gci2020.csv", "data", "/etc/passwd", "../../etc/passwd", "/dev/zero",
  "/proc/self/environ", "dense", "competition", "ordinal", "fractional", "arithmetic", "geometric",
  "mean", "sum", "score", "rank", "%s%s%s%n", "\0", "a\0b", "nan", "inf", "1e308", "0x10", "ASEAN",
  "G", "iso3", "country", "x.svg", "x.png", "x.csv", "-", "--trusted", string.rep("A", 300)}

local function num()
  local c = R(16)
  if c == 1 then return 0 elseif c == 2 then return -1 elseif c == 3 then return 1e308
  elseif c == 4 then return -1e308 elseif c == 5 then return math.huge elseif c == 6 then return -math.huge
  elseif c == 7 then return 0 / 0 elseif c == 8 then return math.maxinteger elseif c == 9 then return math.mininteger
  elseif c == 10 then return 2 ^ 53 + 1 elseif c == 11 then return 0.5 elseif c == 12 then return 1e-320
  elseif c == 13 then return 65536 elseif c == 14 then return 2 ^ 31 end
  return R(300) - 50
end

local value -- forward

-- A table whose metamethods run code while gci reads it.
local function hostile()
  local inner = {}
  for _ = 1, R(4) - 1 do inner[pick(KEYS)] = value(2) end
  local mt = {}
  local m = R(8)
  local function cb()
    local a = R(4)
    if a == 1 then collectgarbage() elseif a == 2 then pcall(gci.load, "data/gci2020.csv")
    elseif a == 3 then pool[#pool + 1] = {} end
  end
  if m <= 3 then mt.__index = function(_, k) cb(); return inner[k] ~= nil and inner[k] or value(1) end end
  if m == 4 then mt.__index = inner end
  if R(3) == 1 then mt.__tostring = function() cb(); return R(2) == 1 and "USA" or {} end end
  if R(3) == 1 then mt.__len = function() cb(); return num() end end
  if R(4) == 1 then mt.__call = function() cb(); return value(1) end end
  if R(4) == 1 then mt.__eq = function() cb(); return true end end
  if R(4) == 1 then mt.__lt = function() cb(); return R(2) == 1 end end
  if R(4) == 1 then mt.__concat = function() cb(); return "USA" end end
  if R(5) == 1 then mt.__metatable = value(1) end
  if R(4) == 1 then mt.__columns = value(1) end
  if R(4) == 1 then mt.__rows = value(1) end
  local t = {}
  for _ = 1, R(3) - 1 do t[#t + 1] = value(1) end
  local ok = pcall(setmetatable, t, mt)
  return ok and t or inner
end

local function options(depth)
  local t = {}
  for _ = 1, R(5) - 1 do t[pick(KEYS)] = value(depth + 1) end
  if R(4) == 1 then for i = 1, R(6) do t[i] = value(depth + 1) end end
  return t
end

function value(depth)
  depth = depth or 0
  local c = R(depth > 2 and 5 or 12)
  if c == 1 then return nil elseif c == 2 then return num() elseif c == 3 then return pick(STRS)
  elseif c == 4 then return R(2) == 1 elseif c == 5 then return pick(objects) or pick(pool)
  elseif c == 6 then return options(depth) elseif c == 7 then return hostile()
  elseif c == 8 then local l = {} for i = 1, R(8) do l[i] = pick(STRS) end return l
  elseif c == 9 then local l = {} for i = 1, R(8) do l[i] = num() end return l
  elseif c == 10 then return function(...) collectgarbage() return value(depth + 1) end
  elseif c == 11 then return pick(pool) end
  local l = {} for _ = 1, R(600) do l[#l + 1] = "USA" end return l -- duplicates
end

local function keep(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local tv = type(v)
    if tv == "userdata" or tv == "table" then
      if #objects < 40 then objects[#objects + 1] = v else objects[R(40)] = v end
    end
  end
end

-- the starting objects
keep(pcall(gci.load, "data/gci2020.csv"))
if objects[1] then
  local d = objects[1]
  keep(pcall(d.score, d))
end
for _ = 1, 8 do pool[#pool + 1] = value(0) end

local fnames = {}
for k, v in pairs(gci) do if type(v) == "function" then fnames[#fnames + 1] = k end end
table.sort(fnames)

local function args(n)
  local a = {}
  for i = 1, n do a[i] = value(0) end
  return a
end

for _ = 1, R(40) do
  local how = R(4)
  local f, self
  if how == 1 and #fnames > 0 then
    f = gci[pick(fnames)]
  else
    self = pick(objects)
    if self ~= nil then
      local ok, m = pcall(function() return self[pick(NAMES)] end)
      if ok and type(m) == "function" then f = m end
    end
  end
  if f then
    local a = args(R(5) - 1)
    if self ~= nil and R(8) > 1 then table.insert(a, 1, self) end
    keep(pcall(f, table.unpack(a, 1, 5)))
  elseif self ~= nil then
    -- the generic protocol: length, index, tostring, iteration, comparisons
    local op = R(6)
    if op == 1 then pcall(function() return #self end)
    elseif op == 2 then pcall(function() return self[value(1)] end)
    elseif op == 3 then pcall(tostring, self)
    elseif op == 4 then pcall(function() for _ in pairs(self) do end end)
    elseif op == 5 then pcall(function() return self == pick(objects), self .. "" end)
    else pcall(function() return getmetatable(self) end) end
  end
  if R(6) == 1 then collectgarbage() end
  if R(10) == 1 then objects[R(#objects + 1)] = nil end -- drop one: let the GC at it
end
return #objects
