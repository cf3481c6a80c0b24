-- A coroutine catching the limit error (resume returns false) and retrying.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
while true do
  coroutine.resume(coroutine.create(function() while true do end end))
end
