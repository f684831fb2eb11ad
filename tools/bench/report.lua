-- wrk: prints one machine-readable line: requests duration_us p50_us p99_us non2xx/3xx socket_errors
function done(s, lat, _)
  local e = s.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", s.requests, s.duration,
    lat:percentile(50), lat:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
