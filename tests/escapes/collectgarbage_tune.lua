-- Retuning the collector (incremental parameters) is refused too.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: collectgarbage: option 'incremental' is not allowed in the sandbox
collectgarbage("incremental", 1000, 1000)
