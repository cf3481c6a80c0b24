-- Class 8, a temporary left behind (via: plot): --plot renders the chart
-- into chart.svg.tmp.XXXXXX before the table is printed; a __tostring
-- stuck in the pattern matcher (no hook runs there) got the watchdog,
-- whose _exit left the temporary.  Open temporaries are now registered
-- and removed by the watchdog (and on SIGTERM): no file is left.
-- via: plot
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: gcisim: timeout: the script ran longer than 1 s (--timeout) and was stopped
local n = 0
local evil = setmetatable({}, { __tostring = function()
  n = n + 1
  if n > 0 then string.find(string.rep("a", 40000), ".-.-.-.-.-.-b") end
  return "x" end })
return { { iso3 = "AAA", country = evil, score = 1, rank = 1 } }
