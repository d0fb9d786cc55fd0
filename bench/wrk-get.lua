-- wrk script: a plain GET (the health probe, or a REST read when BENCH_TOKEN gives a bearer token).
wrk.method = "GET"
local token = os.getenv("BENCH_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
