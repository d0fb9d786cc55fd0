#!/usr/bin/env bash
# Runs every McpStack test: .NET (SQLite and a throwaway PostgreSQL server), the MCP conformance suite.
# Prints "N passed, N failed" at the end and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NEXT_TELEMETRY_DISABLED=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 2; }

# --- prerequisites, with what to install when one is missing
command -v dotnet >/dev/null || die ".NET SDK 10 is missing: install it from https://dot.net (or: apt-get install dotnet-sdk-10.0)."
dotnet --list-sdks | grep -q '^10\.' || die ".NET SDK 10 is needed (found: $(dotnet --list-sdks | tr '\n' ' '))."
command -v node >/dev/null || die "Node.js 20 or later is missing: apt-get install nodejs npm (or use nvm)."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js 20 or later is needed (found $(node --version))."
if [ -z "${PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  die "PostgreSQL server binaries are missing (the tests start a throwaway server): apt-get install postgresql (or set PG_BIN)."
fi

results=artifacts/test-results
rm -rf "$results" && mkdir -p "$results"

say "Installing the MCP conformance suite (npm ci in tests/conformance)"
npm ci --prefix tests/conformance --no-audit --no-fund --loglevel=error || die "npm ci failed in tests/conformance."

say "Building"
dotnet build McpStack.slnx -c Release -warnaserror --nologo -v quiet || die "the build failed."

say ".NET tests (SQLite, PostgreSQL, MCP over HTTP, MCP conformance)"
dotnet_status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" || dotnet_status=1
done

# --- summary from the TRX reports
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
