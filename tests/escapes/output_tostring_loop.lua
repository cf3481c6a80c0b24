-- The returned records hold a value whose __tostring loops when gcisim
-- prints it (after the script itself has returned).
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
local evil = setmetatable({}, { __tostring = function() while true do end end })
return { { iso3 = "AAA", country = evil } }
