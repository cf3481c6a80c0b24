-- string.dump is the usual source of bytecode to tamper with.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: attempt to call a nil value (field 'dump')
return string.dump(function() return 1 end)
