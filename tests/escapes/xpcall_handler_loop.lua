-- An error handler that loops forever after the timeout fires.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
while true do
  xpcall(function() while true do end end, function() while true do end end)
end
