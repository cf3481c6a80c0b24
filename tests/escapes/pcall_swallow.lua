-- A pcall loop catching the timeout error and carrying on.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
while true do
  pcall(function() while true do end end)
end
