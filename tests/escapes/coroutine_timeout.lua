-- The same escape against the wall clock (--timeout).
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
while true do
  local co = coroutine.create(function() for i = 1, 900 do end end)
  coroutine.resume(co)
end
