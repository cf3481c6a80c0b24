-- Stopping the collector lets garbage pile up; the option is refused.
-- args: --timeout 1 --max-memory 64M
-- exit: 1
-- error: {script}:5: collectgarbage: option 'stop' is not allowed in the sandbox
collectgarbage("stop")
