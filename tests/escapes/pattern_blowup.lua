-- Backtracking inside the C pattern matcher: no hook runs there, so only
-- the watchdog can end it.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: gcisim: timeout: the script ran longer than 1 s (--timeout) and was stopped
-- max-seconds: 8
return string.find(string.rep("a", 40000), ".-.-.-.-.-.-b")
