-- Class 7, memory C allocates for the script, unmetered: d:uncertainty with
-- threads = 1024 made a histogram of 194 x 389 counters per thread, 2.6 GB
-- resident under --max-memory 16M.  Now the threads are capped at the
-- online cores and their histograms are charged to --max-memory first:
-- under 2M even two threads' histograms (3 x 0.9 MiB) do not fit.
-- args: --timeout 10 --max-memory 2M
-- exit: 81
-- error: {script}:10: memory limit: the script needed more than 2 MiB (--max-memory)
local d = gci.load("data/gci2020.csv")
return d:uncertainty{threads = 1024, n = 2000}
