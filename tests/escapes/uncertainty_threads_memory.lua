-- Class 7, memory C allocates for the script, unmetered: d:uncertainty with
-- threads = 1024 made a histogram of 194 x 389 counters per thread, 2.6 GB
-- resident under --max-memory 16M.  Now the threads are capped at the
-- online cores and their counters (16-bit histograms of 194 x 389 per
-- thread, about 0.9 MiB for two threads with the result's) are charged to
-- --max-memory first: under 768K they do not fit, and the call fails
-- before allocating.
-- args: --timeout 10 --max-memory 768K
-- exit: 81
-- error: {script}:12: memory limit: the script needed more than 0 MiB (--max-memory)
local d = gci.load("data/gci2020.csv")
return d:uncertainty{threads = 1024, n = 2000}
