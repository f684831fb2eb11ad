-- wrk: POST /v1/judge-question, a unique submissionId per request. Args: <api key> <run tag>.
local n = 0
function setup(t) n = n + 1; t:set("tid", n) end

local count, prefix = 0, ""
function init(args)
  prefix = (args[2] or "run") .. "-" .. tid .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Code-Exec-Key"] = args[1] or "k"
end

function request()
  count = count + 1
  return wrk.format(nil, nil, nil, '{"questionId":"q1","submissionId":"' .. prefix .. count ..
    '","languageId":71,"sourceCode":"print(\'ok\')"}')
end

function done(s, lat, _)
  local e = s.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", s.requests, s.duration,
    lat:percentile(50), lat:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
