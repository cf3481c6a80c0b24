-- 20000 fresh coroutines of ~900 instructions each, below the hook's
-- period: their own counters never fire, so only charging each new
-- coroutine for a full period keeps the budget honest (--max-instructions).
-- args: --max-instructions 5000000 --timeout 10
-- exit: 82
-- error: {script}:{line}: instruction limit: the script ran more than 5000000 instructions (--max-instructions)
for n = 1, 20000 do
  coroutine.wrap(function() for i = 1, 200 do end end)()
end
return "budget not enforced"
