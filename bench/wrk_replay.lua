-- Replays requests signed beforehand (bench/api_throughput.py writes them),
-- cycling through them: one per line, "METHOD\tPATH\tHEADERS\tBODY", headers
-- separated by \x1f. Thread k of WRK_THREADS takes lines k, k + n, ...; so
-- no line is sent by two threads before every line has been sent once.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local threads = tonumber(os.getenv("WRK_THREADS"))
  reqs, n, i = {}, 0, 0
  local line_no = 0
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    if line_no % threads == tid then
      local method, path, fields, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {}
      for field in fields:gmatch("[^\31]+") do
        local name, value = field:match("^([^:]+): (.*)$")
        headers[name] = value
      end
      if body == "" then body = nil end
      n = n + 1
      reqs[n] = wrk.format(method, path, headers, body)
    end
    line_no = line_no + 1
  end
end

function request()
  i = i + 1
  return reqs[(i - 1) % n + 1]
end
