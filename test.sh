#!/usr/bin/env bash
# Runs every McpStack test: .NET (SQLite and a throwaway PostgreSQL server), the MCP conformance suite,
# the web tier's unit tests, the browser tests against all three tiers (and two replicas of api and mcp behind proxies),
# the interop suite (third-party MCP client libraries), the docs checks,
# the deployment checks and the template pack.
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
# A solution made with `dotnet new mcpstack --web false` has no web tier, and so no web or browser tests.
WEB=true; [ -d web ] || WEB=false
if [ "$WEB" = true ]; then
  CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$CHROMIUM_PATH" ] || die "Chromium is missing (the browser tests drive it): apt-get install chromium (or set CHROMIUM_PATH)."
  export CHROMIUM_PATH
fi

results=artifacts/test-results
rm -rf "$results" && mkdir -p "$results"

say "Installing the MCP conformance suite, the official TypeScript MCP client (npm ci in tests/) and the web tier's packages"
npm ci --prefix tests/conformance --no-audit --no-fund --loglevel=error || die "npm ci failed in tests/conformance."
# The TypeScript client's tests use the sample tools: a solution made with --domain empty has neither.
if [ -d tests/mcp-client ]; then
  npm ci --prefix tests/mcp-client --no-audit --no-fund --loglevel=error || die "npm ci failed in tests/mcp-client."
fi
# The interop suite drives the sample tools through the web tier's sign-in: only where both are.
INTEROP=false; [ "$WEB" = true ] && [ -d tests/interop ] && INTEROP=true
if [ "$INTEROP" = true ]; then
  npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error || die "npm ci failed in tests/interop."
fi
if [ "$WEB" = true ]; then
  # npm install, not npm ci: the lockfile honours exact versions but was made where the registry serves only this
  # platform's optional native packages (Next's SWC, Tailwind's oxide), and npm ci refuses a lockfile without the others.
  npm install --prefix web --no-audit --no-fund --loglevel=error || die "npm install failed in web."
  # The mark ./run.sh reads (as it leaves it after its own install): without it, npm's rewrite of package-lock.json looks
  # newer than the packages, and the browser test of ./run.sh would reinstall and rebuild the web tier under the tests after it.
  touch web/node_modules
fi
npm ci --prefix deploy --no-audit --no-fund --loglevel=error || die "npm ci failed in deploy."
npm ci --prefix tests/docs --no-audit --no-fund --loglevel=error || die "npm ci failed in tests/docs."

say "Building (.NET with warnings as errors; web as its image runs it: standalone next build, which type-checks)"
dotnet build McpStack.slnx -c Release -warnaserror --nologo -v quiet || die "the .NET build failed."
if [ "$WEB" = true ]; then
  (cd web && npm run --silent build:image >"../$results/web-build.log" 2>&1) || { cat "$results/web-build.log"; die "the web build failed."; }
fi

say ".NET tests (SQLite, PostgreSQL, MCP over HTTP, MCP conformance)"
dotnet_status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" || dotnet_status=1
done

web_unit_status=0; e2e_status=0
if [ "$WEB" = true ]; then
  say "Web unit tests (vitest)"
  (cd web && NO_COLOR=1 npx --no-install vitest run 2>&1) | sed 's/\x1b\[[0-9;]*m//g' | tee "$results/web-unit.log"
  web_unit_status=${PIPESTATUS[0]}

  say "Browser tests (web + api + mcp on SQLite, Chromium via playwright-core)"
  (cd web && node --test --test-concurrency=1 e2e/ 2>&1) | tee "$results/e2e.log" | grep -v '^    \['
  e2e_status=${PIPESTATUS[0]}
fi

interop_status=0
if [ "$INTEROP" = true ]; then
  say "Interop suite (the AI SDK, LangChain, the OpenAI Agents SDK and mcp-remote against the MCP server; OAuth in Chromium)"
  (cd tests/interop && node --test --test-concurrency=1 ./*.test.mjs 2>&1) | tee "$results/interop.log" | grep -v '^    \['
  interop_status=${PIPESTATUS[0]}
fi

say "Deployment checks (Kubernetes schemas, compose structure, image build steps)"
(cd deploy && node --test --test-concurrency=1 tests/ 2>&1) | tee "$results/deploy.log" | grep -E '^(not )?ok |^# (pass|fail)'
deploy_status=${PIPESTATUS[0]}

say "Docs checks (links and anchors, every setting documented, the README's commands)"
node tests/docs/check-docs.mjs 2>&1 | tee "$results/docs.log"
docs_status=${PIPESTATUS[0]}

# The template pack (dotnet new mcpstack); a solution made from it has no pack, and so no such stage.
template_status=0
if [ -f templates/McpStack.Templates.csproj ]; then
  say "Template pack (dotnet new mcpstack: each option, renamed, built, and the solution's own tests)"
  tests/template/test-template.sh 2>&1 | tee "$results/template.log" | grep -E '^(not )?ok |^#'
  template_status=${PIPESTATUS[0]}
fi

# --- summary from the TRX reports and the web runners' closing lines
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
vp=$(sed -n 's/.*Tests *\([0-9]*\) passed.*/\1/p' "$results/web-unit.log" 2>/dev/null | tail -1)
vf=$(sed -n 's/.*Tests *\([0-9]*\) failed.*/\1/p' "$results/web-unit.log" 2>/dev/null | tail -1)
tap_logs=("$results/deploy.log"); [ -f "$results/e2e.log" ] && tap_logs+=("$results/e2e.log"); [ -f "$results/interop.log" ] && tap_logs+=("$results/interop.log"); [ -f "$results/docs.log" ] && tap_logs+=("$results/docs.log"); [ -f "$results/template.log" ] && tap_logs+=("$results/template.log")
ep=$(awk '/^# pass [0-9]+$/ { s += $3 } END { print s + 0 }' "${tap_logs[@]}")
ef=$(awk '/^# fail [0-9]+$/ { s += $3 } END { print s + 0 }' "${tap_logs[@]}")
passed=$((passed + ${vp:-0} + ${ep:-0})); failed=$((failed + ${vf:-0} + ${ef:-0}))
for status in "$dotnet_status" "$web_unit_status" "$e2e_status" "$interop_status" "$deploy_status" "$docs_status" "$template_status"; do
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
done

# Which .NET tests failed, and why (first line), so a log that keeps only its end still names them.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  awk '/<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
       want && /<Message>/ { sub(/.*<Message>/, ""); print "FAILED " name ": " substr($0, 1, 300); want = 0 }' "$trx"
done

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
