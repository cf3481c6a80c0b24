-- Benchmark: the per-country Lua formula path, d:score(function ... end).
-- Prints country evaluations per second (target: at least 5 million).
local d = gci.load("data/gci2020.csv")
local f = function(c) return c.legal + 2 * c.technical + c.organizational + c.capacity + c.cooperation end
local reps = tonumber(arg[1]) or 20000
d:score(f) -- warm up
local t0 = os.clock()
for _ = 1, reps do d:score(f) end
local t = os.clock() - t0
local evals = reps * #d
print(string.format("formula path: %d evaluations in %.2f s = %.2f M/s (target >= 5 M/s)", evals, t, evals / t / 1e6))
