-- wrk script: POST the body in BENCH_BODY with MCP's headers and, when BENCH_TOKEN is set, a bearer token
-- (several, separated by spaces: each request takes the next, as that many users would).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKEN") or "", "%S+") do
  table.insert(tokens, token)
end
if #tokens == 1 then
  wrk.headers["Authorization"] = "Bearer " .. tokens[1]
elseif #tokens > 1 then
  local sent = 0
  request = function()
    sent = sent + 1
    wrk.headers["Authorization"] = "Bearer " .. tokens[(sent % #tokens) + 1]
    return wrk.format()
  end
end
