#!/usr/bin/env bash
# Runs the whole benchmark set (about 6 minutes on 2 cores) and writes a markdown table to artifacts/bench/results.md.
# Needs wrk (apt-get install wrk) and, for the PostgreSQL rows, the PostgreSQL server binaries. Loopback only.
# Options are passed on: --duration 10 --concurrency 1,8,32,128 --databases sqlite,postgres --chat-turns 200 --soak 0 --out FILE
# --no-rate-limits leaves out, --rate-limits-only runs only, the cost of counting rate limits in the database;
# --chat-only measures only the chat turn's overhead; --chat-scale 100,300,1000 (--turn-seconds 30) runs that many chat
# turns at once on one api replica against a slow model;
# --startup-only publishes api and mcp as their Dockerfiles do and measures ready time, idle RSS and the first seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install wrk" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build McpStack.slnx -c Release --nologo -v quiet
exec dotnet bench/McpStack.Bench/bin/Release/net10.0/McpStack.Bench.dll "$@"
