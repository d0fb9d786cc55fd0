#!/usr/bin/env bash
# Runs McpStack on this machine: builds what is missing, migrates the SQLite database under ./data,
# starts every tier with its logs prefixed, waits until each is healthy, and stops them all on Ctrl+C.
# `./run.sh token alice [mcp]` prints a development token when there is no web tier (see DevIssuer.cs).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
# Settings from ./.env (see .env.example); what is already set in the environment wins.
if [ -f .env ]; then
  exported=$(export -p)
  set -a; . ./.env; set +a
  eval "$exported"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NEXT_TELEMETRY_DISABLED=1
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
# The database when DATABASE_URL does not name one: sqlite or postgres (`dotnet new mcpstack --database` sets it).
DEFAULT_DATABASE=sqlite
case "$DEFAULT_DATABASE" in
  postgres) export DATABASE_URL=${DATABASE_URL:-postgresql://mcpstack@localhost:5432/mcpstack} ;;
  *) export DATABASE_URL=${DATABASE_URL:-sqlite:///$ROOT/data/mcpstack.db} ;;
esac
MCP_PORT=${MCP_PORT:-8001}
API_PORT=${API_PORT:-8000}
WEB_PORT=${WEB_PORT:-3000}
CONFIGURATION=Release
# A solution made with `dotnet new mcpstack --web false` has no web tier: users then come from a development issuer
# (./run.sh token) or from the identity provider .env names (docs/make-it-yours.md, Without the web tier).
WEB=true; [ -d web ] || WEB=false
DEV_ISSUER=urn:mcpstack:dev-issuer
API_DLL="src/McpStack.Api/bin/$CONFIGURATION/net10.0/McpStack.Api.dll"

bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { bold "==> $*"; }
die() { printf '\033[31mrun.sh: %s\033[0m\n' "$*" >&2; exit 1; }

# --- prerequisites
command -v dotnet >/dev/null || die ".NET SDK 10 is missing: install it from https://dot.net (Debian/Ubuntu: apt-get install dotnet-sdk-10.0)."
dotnet --list-sdks | grep -q '^10\.' || die ".NET SDK 10 is needed; found: $(dotnet --list-sdks | tr '\n' ' ')"
command -v curl >/dev/null || die "curl is missing (used to wait for health checks): apt-get install curl."

if [ "${1:-}" = token ]; then
  [ "$WEB" = false ] || die "token: this solution signs users in through its web tier (sign up at http://localhost:$WEB_PORT); development tokens are for a solution without one."
  user=${2:-}; [ -n "$user" ] || die "token: whose? ./run.sh token alice (for the api) or ./run.sh token alice mcp (for the MCP endpoint)."
  [ -f "$API_DLL" ] || dotnet build McpStack.slnx -c "$CONFIGURATION" --nologo -v quiet >&2 || die "the build failed: run 'dotnet build McpStack.slnx' to see why."
  case "${3:-api}" in
    api) exec dotnet "$API_DLL" dev-token "$user" --audience "http://localhost:$API_PORT" --folder data/dev-issuer ;;
    mcp) exec dotnet "$API_DLL" dev-token "$user" --audience "http://localhost:$MCP_PORT/mcp" --scope "tasks:read tasks:write" --folder data/dev-issuer ;;
    *) die "token: for api or mcp, not '$3'." ;;
  esac
fi

if [ "$WEB" = true ]; then
  command -v node >/dev/null || die "Node.js 20 or later is missing (for the web tier): https://nodejs.org or apt-get install nodejs npm."
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node.js 20 or later is needed; found $(node --version)."
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$MCP_PORT" "$API_PORT"); [ "$WEB" = true ] && ports+=("$WEB_PORT")
for port in "${ports[@]}"; do
  port_busy "$port" && die "port $port is already in use. Stop what uses it (e.g. 'ss -ltnp | grep :$port') or choose other ports (MCP_PORT=..., API_PORT=..., WEB_PORT=...)."
done

# --- build (the first time restores NuGet packages: a minute or two)
if [ ! -f "src/McpStack.Mcp/bin/$CONFIGURATION/net10.0/McpStack.Mcp.dll" ]; then
  step "First run: restoring and building (a minute or two)"
fi
step "Building"
dotnet build McpStack.slnx -c "$CONFIGURATION" --nologo -v quiet >/dev/null || die "the build failed: run 'dotnet build McpStack.slnx' to see why."

mkdir -p data
export BETTER_AUTH_AUDIENCE="http://localhost:$API_PORT"
if [ "$WEB" = true ]; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
    step "Installing the web tier's packages (first time: a minute or so)"
    npm install --prefix web --no-audit --no-fund --loglevel=error || die "npm install failed in web/."
    touch web/node_modules
  fi
  if [ ! -f web/.next/BUILD_ID ] || [ -n "$(find web/app web/components web/lib web/next.config.ts web/package-lock.json -newer web/.next/BUILD_ID -print -quit)" ]; then
    step "Building the web tier (next build, a minute or so)"
    (cd web && npm run --silent build >/dev/null) || die "the web build failed: run 'cd web && npm run build' to see why."
  fi

  # The web tier's session secret: kept under ./data so sessions survive a restart; set BETTER_AUTH_SECRET to choose it.
  if [ -z "${BETTER_AUTH_SECRET:-}" ]; then
    [ -s data/.better-auth-secret ] || (umask 077 && head -c 32 /dev/urandom | base64 > data/.better-auth-secret)
    BETTER_AUTH_SECRET=$(cat data/.better-auth-secret)
  fi
  export BETTER_AUTH_SECRET BETTER_AUTH_URL="http://localhost:$WEB_PORT" NEXT_PUBLIC_API_URL="http://localhost:$API_PORT"
  export FRONTEND_URL="http://localhost:$WEB_PORT"
  export AUTH_DATABASE_URL=${AUTH_DATABASE_URL:-file:$ROOT/data/auth.db}
  # MCP clients sign in through the web tier, which the MCP server asks whether the user still allows the app.
  user_issuer=(--Auth:Issuers:1:Issuer "http://localhost:$WEB_PORT" --Auth:Issuers:1:JwksUrl "http://localhost:$WEB_PORT/api/auth/jwks"
    --Auth:Issuers:1:UserNamespace "" --Auth:Issuers:1:AuthorizationServer true --Auth:Issuers:1:MaxTokenLifetime 00:05:00
    --Auth:Issuers:1:TokenStatusUrl "http://localhost:$WEB_PORT/api/oauth/token-status")
else
  # Users from the development issuer (its key under data/dev-issuer), unless BETTER_AUTH_ISSUER and BETTER_AUTH_JWKS_URL
  # name the identity provider whose tokens the api takes.
  dotnet "$API_DLL" dev-token --init --folder data/dev-issuer || die "could not make the development issuer in data/dev-issuer."
  user_issuer=(--Auth:Issuers:1:Issuer "$DEV_ISSUER" --Auth:Issuers:1:JwksFile "$ROOT/data/dev-issuer/jwks.json" --Auth:Issuers:1:UserNamespace "")
  [ -n "${BETTER_AUTH_ISSUER:-}" ] || api_issuer=(--Auth:Issuers:0:Issuer "$DEV_ISSUER" --Auth:Issuers:0:JwksFile "$ROOT/data/dev-issuer/jwks.json" --Auth:Issuers:0:JwksUrl "")
fi

step "Migrating the databases ($DATABASE_URL${AUTH_DATABASE_URL:+, $AUTH_DATABASE_URL})"
(cd src/McpStack.Mcp && dotnet "bin/$CONFIGURATION/net10.0/McpStack.Mcp.dll" migrate --Logging:LogLevel:Default=Warning) || die "the migration failed."
if [ "$WEB" = true ]; then
  (cd web && node node_modules/tsx/dist/cli.mjs scripts/migrate.ts) || die "the auth database migration failed."
fi

# --- start the tiers
pids=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo; step "Stopping"
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop INT TERM EXIT

start() { # name dir command...
  local name=$1 dir=$2; shift 2
  (cd "$dir" && exec "$@") > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

wait_healthy() { # name url
  local name=$1 url=$2
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && { echo "    $name is ready ($url)"; return 0; }
    kill -0 "${pids[-1]}" 2>/dev/null || die "$name exited during start-up; its log is above."
    sleep 0.5
  done
  die "$name did not become healthy within 60 s ($url)."
}

step "Starting mcp on :$MCP_PORT"
start mcp src/McpStack.Mcp dotnet "bin/$CONFIGURATION/net10.0/McpStack.Mcp.dll" --urls "http://localhost:$MCP_PORT" \
  --Mcp:ResourceUrl "http://localhost:$MCP_PORT/mcp" \
  --Auth:Issuers:0:Issuer "http://localhost:$API_PORT" --Auth:Issuers:0:JwksUrl "http://localhost:$API_PORT/.well-known/jwks.json" \
  "${user_issuer[@]}"
wait_healthy mcp "http://localhost:$MCP_PORT/health"

# The api and the MCP server find each other through these; the MCP server trusts the api's delegation key.
export MCP_SERVER_URL="http://localhost:$MCP_PORT/mcp" API_URL="http://localhost:$API_PORT"
step "Starting api on :$API_PORT"
start api src/McpStack.Api dotnet "bin/$CONFIGURATION/net10.0/McpStack.Api.dll" --urls "http://localhost:$API_PORT" ${api_issuer[@]+"${api_issuer[@]}"}
wait_healthy api "http://localhost:$API_PORT/health/ready"

if [ "$WEB" = true ]; then
  step "Starting web on :$WEB_PORT"
  start web web env NODE_ENV=production node node_modules/next/dist/bin/next start -p "$WEB_PORT"
  wait_healthy web "http://localhost:$WEB_PORT/sign-in"
fi

echo
bold "McpStack is running"
[ "$WEB" = true ] && echo "  Web:           http://localhost:$WEB_PORT  (sign up, then Tasks and Chat)"
echo "  API:           http://localhost:$API_PORT  (interactive docs: http://localhost:$API_PORT/docs, OpenAPI: /openapi/v1.json)"
if [ "$WEB" = true ]; then
  echo "  MCP endpoint:  http://localhost:$MCP_PORT/mcp  (MCP clients sign in through the web tier: docs/mcp-server.md, Connect an MCP client)"
else
  echo "  MCP endpoint:  http://localhost:$MCP_PORT/mcp"
  echo "  Tokens:        ./run.sh token alice      a user's token for the api, e.g."
  echo "                 curl -H \"Authorization: Bearer \$(./run.sh token alice)\" http://localhost:$API_PORT/api/tasks"
  echo "                 ./run.sh token alice mcp  the same user's token for the MCP endpoint (Bearer header, e.g. in the MCP Inspector)"
fi
echo "  Database:      $DATABASE_URL"
if grep -qs . <<<"${OPENAI_API_KEY:-}${OPENAI_BASE_URL:-}${Chat__Provider:-}"; then
  echo "  Chat model:    configured (the api's log above names it)"
else
#if (sampleTasks)
  echo "  Chat model:    none: the chat takes slash commands (/add, /list, /done, /delete, /help). Set OPENAI_API_KEY to use a model."
##else
#  echo "  Chat model:    none: the chat answers /help (add commands in SlashCommands.cs). Set OPENAI_API_KEY to use a model."
#endif
fi
echo "Press Ctrl+C to stop."
wait
