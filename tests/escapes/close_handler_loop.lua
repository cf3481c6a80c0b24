-- A to-be-closed variable whose __close loops forever: it runs while the
-- timeout error unwinds the stack.
-- args: --timeout 1 --max-memory 64M
-- exit: 80
-- error: {script}:{line}: timeout: the script ran longer than 1 s (--timeout)
while true do
  pcall(function()
    local x <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
  end)
end
