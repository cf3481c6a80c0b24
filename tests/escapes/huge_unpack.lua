-- Unpacking a billion values onto the stack.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: too many results to unpack
return table.unpack({}, 1, 1 << 30)
