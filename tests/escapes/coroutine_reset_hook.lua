-- Each new coroutine gets a fresh hook counter: spin in a new one per chunk
-- of work, hoping the shared budget never sees it.
-- args: --max-instructions 5000000 --timeout 10
-- exit: 82
-- error: {script}:{line}: instruction limit: the script ran more than 5000000 instructions (--max-instructions)
while true do
  coroutine.wrap(function() for i = 1, 500 do end end)()
end
