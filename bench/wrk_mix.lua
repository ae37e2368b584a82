-- The memory run of bench_http.py: cycles through the pages listed in a file (one "path<TAB>cookie" a line),
-- each with its own login cookie, and stops once `limit` answers came back.
-- Usage: wrk -t1 -c4 -d300s -s bench/wrk_mix.lua http://127.0.0.1:PORT -- pages.tsv 10000
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   pages = {}
   for line in io.lines(args[1]) do
      local path, cookie = line:match("^([^\t]+)\t(.*)$")
      table.insert(pages, {path = path, cookie = cookie})
   end
   limit = tonumber(args[2])
   next_page = 0
   answered = 0
   not_ok = 0
end

function request()
   next_page = next_page % #pages + 1
   local page = pages[next_page]
   return wrk.format("GET", page.path, {Cookie = page.cookie})
end

function response(status, headers, body)
   answered = answered + 1
   if status ~= 200 then
      not_ok = not_ok + 1
   end
   if answered >= limit then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local failed, total = 0, 0
   for _, thread in ipairs(threads) do
      failed = failed + thread:get("not_ok")
      total = total + thread:get("answered")
   end
   io.write(string.format("answered %d\n", total))
   io.write(string.format("not_200 %d\n", failed))
end
