-- Used with every `wrk` run of bench_http.py: prints the 95th-percentile latency, which `--latency` does not
-- show (it gives 50/75/90/99), and how many answers were not 200. wrk counts a 302 (a lost login sent to
-- the login page) as a success, so the status is checked here.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   not_ok = 0
end

function response(status, headers, body)
   if status ~= 200 then
      not_ok = not_ok + 1
   end
end

function done(summary, latency, requests)
   local failed = 0
   for _, thread in ipairs(threads) do
      failed = failed + thread:get("not_ok")
   end
   io.write(string.format("p95_us %d\n", latency:percentile(95)))
   io.write(string.format("not_200 %d\n", failed))
end
