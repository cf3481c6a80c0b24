-- Class 8, unbounded output: print in a loop wrote 1.8 GB/s to the
-- terminal or a batch log, with no limit.  --max-output stops it (exit 83)
-- before the text that would pass the limit is written.
-- args: --timeout 5 --max-memory 64M --max-output 100k
-- exit: 83
-- error: {script}:7: output limit: the script printed more than 102400 bytes (--max-output)
while true do print(string.rep("x", 1000)) end
