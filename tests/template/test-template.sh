#!/usr/bin/env bash
# Tests the `dotnet new mcpstack` template pack as a team would use it: packs it, installs it into a throwaway
# template hive, makes solutions with a new name and each option, and checks that each is fully renamed, builds with
# warnings as errors and passes its own tests (the default variant its whole ./test.sh; the postgres variant without
# the web tier its .NET and deployment tests, and its ./run.sh). Prints TAP-style lines and "# pass N" / "# fail N". Run by test.sh; needs what test.sh needs.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mcpstack-template-XXXXXX")
trap 'rm -rf "$work"' EXIT
hive="$work/hive"
pass=0; fail=0; n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2" | tail -40; }
check() { # description log command...
  local description=$1 log=$2; shift 2
  if "$@" >"$log" 2>&1; then ok "$description"; else not_ok "$description" "$log"; fi
}
new() { dotnet new mcpstack --debug:custom-hive "$hive" "$@"; }

check "the pack builds (dotnet pack)" "$work/pack.log" \
  dotnet pack "$root/templates/McpStack.Templates.csproj" -c Release -o "$work/pack" --nologo
check "the pack installs into a template hive" "$work/install.log" \
  dotnet new install "$work"/pack/McpStack.Templates.*.nupkg --debug:custom-hive "$hive"
if new --help >"$work/help.log" 2>&1 && grep -q -- "--database" "$work/help.log" && grep -q "postgres" "$work/help.log" && grep -q -- "--web" "$work/help.log"; then
  ok "dotnet new mcpstack --help describes the options"
else
  not_ok "dotnet new mcpstack --help describes the options" "$work/help.log"
fi

# No trace of the template's own name in what a team gets: file names, content, package and service names.
renamed() { # dir
  local left
  left=$( (cd "$1" && find . -path ./node_modules -prune -o \( -iname '*mcpstack*' -print \); grep -rIil 'mcpstack' "$1" --exclude-dir=node_modules --exclude-dir=bin --exclude-dir=obj) )
  [ -z "$left" ] || { echo "still named McpStack:"; echo "$left"; return 1; }
}

# A solution without the web tier, run as a person runs it: ./run.sh (on SQLite: no PostgreSQL server runs here), then
# ./run.sh token for each tier. The api and the MCP server take them as the same user; neither takes the other's.
run_without_web() { # dir
  local dir=$1 out="$work/run-noweb.log" pid status=0
  export DATABASE_URL="sqlite:///$work/run-noweb.db" API_PORT=$((20000 + RANDOM % 10000)) MCP_PORT=$((30000 + RANDOM % 10000))
  (cd "$dir" && exec ./run.sh) >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q 'is running' "$out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if grep -q 'is running' "$out" && ! grep -q 'Web:' "$out"; then
    local api mcp
    api=$(cd "$dir" && ./run.sh token ada) && mcp=$(cd "$dir" && ./run.sh token ada mcp) \
      && curl -fsS -X POST -H "Authorization: Bearer $api" -H 'Content-Type: application/json' -d '{"title":"Made by run.sh"}' "http://localhost:$API_PORT/api/tasks" \
      && curl -fsS -H "Authorization: Bearer $mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
           -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}' "http://localhost:$MCP_PORT/mcp" | grep -q 'Made by run.sh' \
      && [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $mcp" "http://localhost:$API_PORT/api/tasks")" = 401 ] \
      || status=1
  else
    status=1
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  [ "$status" -eq 0 ] || cat "$out"
  unset DATABASE_URL API_PORT MCP_PORT
  return "$status"
}

# --- the default: SQLite, every tier
acme="$work/acme"
check "dotnet new mcpstack -n Acme.Todo makes a solution" "$work/new-acme.log" new -n Acme.Todo -o "$acme"
check "nothing in it is still called McpStack (names, content, package and service names)" "$work/renamed-acme.log" renamed "$acme"
if [ -f "$acme/Acme.Todo.slnx" ] && [ -d "$acme/src/Acme.Todo.Api" ] && grep -q '"name": "acme-todo-web"' "$acme/web/package.json" \
   && grep -q 'name: acme-todo$' "$acme/deploy/k8s/namespace.yaml" && grep -q 'DEFAULT_DATABASE=sqlite' "$acme/run.sh" && [ -x "$acme/run.sh" ]; then
  ok "projects, namespaces, the web package, the Kubernetes namespace and the scripts carry the new name"
else
  not_ok "projects, namespaces, the web package, the Kubernetes namespace and the scripts carry the new name"
fi
check "making it again into the same folder fails and names the files it would overwrite" "$work/again.log" \
  bash -c "! dotnet new mcpstack --debug:custom-hive '$hive' -n Acme.Todo -o '$acme' > '$work/again-out.log' 2>&1 && grep -q 'Overwrite' '$work/again-out.log' && grep -q -- '--force' '$work/again-out.log'"
check "a name that is not a C# identifier becomes a valid namespace (acme-todo: acme_todo)" "$work/odd.log" \
  bash -c "dotnet new mcpstack --debug:custom-hive '$hive' -n acme-todo -o '$work/odd' && test -d '$work/odd/src/acme_todo.Api' && grep -q '\"name\": \"acme-todo-web\"' '$work/odd/web/package.json'"
check "the generated solution passes its own ./test.sh (builds with warnings as errors; .NET, web, browser and deployment tests)" "$work/test-acme.log" \
  bash -c "cd '$acme' && ./test.sh"
grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/test-acme.log" | sed 's/^/# generated solution: /'
# The log's tail holds only the last stages: name each failed test and its first lines wherever it was printed.
grep -E -A8 '^\s*Failed [A-Za-z_]|^not ok ' "$work/test-acme.log" | head -60 | sed 's/^/# failed in the generated solution: /'

# --- PostgreSQL by default, without the web tier
pg="$work/pg"
check "dotnet new mcpstack --database postgres --web false makes a solution whose ./run.sh uses PostgreSQL" "$work/new-pg.log" \
  bash -c "dotnet new mcpstack --debug:custom-hive '$hive' -n Contoso.Notes --database postgres --web false -o '$pg' && grep -q 'DEFAULT_DATABASE=postgres' '$pg/run.sh' && grep -q 'postgresql://contoso-notes@localhost:5432/contoso-notes' '$pg/run.sh'"
check "nothing in the postgres variant is still called McpStack" "$work/renamed-pg.log" renamed "$pg"
check "without the web tier: no web/, web image, web Deployment or app host; the solution, manifests and README say so" "$work/noweb.log" bash -c "
  cd '$pg' && test ! -e web && test ! -e deploy/web.Dockerfile && test ! -e deploy/k8s/web.yaml && test ! -e src/Contoso.Notes.AppHost \
  && test -f docs/openapi.json && ! grep -q AppHost Contoso.Notes.slnx && ! grep -q 'web' deploy/k8s/kustomization.yaml && ! grep -q 'auth-migrate' deploy/docker-compose.yml \
  && grep -q 'AUTH_ISSUER:?' deploy/docker-compose.yml && grep -q 'key: AUTH_JWKS_URL' deploy/k8s/api.yaml && ! grep -q 'app.example.com' deploy/k8s/ingress.yaml \
  && grep -q -- '--web false' README.md && ! grep -q '^## The web tier' README.md && ! grep -q '#if\|#endif\|#else' README.md docs/*.md deploy/docker-compose.yml deploy/k8s/*.yaml"
check "its deployment files are valid (compose structure, Kubernetes schemas)" "$work/deploy-pg.log" bash -c "
  cd '$pg/deploy' && npm ci --no-audit --no-fund --loglevel=error && node --test tests/compose.test.mjs tests/k8s.test.mjs"

# --- a new entity, added with the solution's own item template, then migrated as its instructions say
check "the solution's entity template installs and adds a Project entity, telling how to make its migrations" "$work/entity.log" bash -c "
  cd '$pg' && dotnet new install templates/entity --debug:custom-hive '$hive' \
  && dotnet new contoso-notes-entity -n Project --debug:custom-hive '$hive' > '$work/entity-new.log' \
  && grep -q 'dotnet ef migrations add' '$work/entity-new.log' \
  && test -f src/Contoso.Notes.Data/Entities/Project.cs && test -f src/Contoso.Notes.Mcp/Tools/ProjectTools.cs \
  && test -f src/Contoso.Notes.Api/Projects/ProjectEndpoints.cs && test -f tests/Contoso.Notes.Mcp.Tests/ProjectToolsTests.cs \
  && test -f src/Contoso.Notes.Mcp/Apps/ProjectViews.cs && test -f src/Contoso.Notes.Mcp/Apps/Views/ProjectList.html && test -f src/Contoso.Notes.Mcp/Resources/ProjectResources.cs"
check "its migrations are made for both providers with dotnet ef" "$work/migrations.log" bash -c "
  cd '$pg' && dotnet tool restore && dotnet restore Contoso.Notes.slnx \
  && dotnet ef migrations add AddProjects --project src/Contoso.Notes.Data --context SqliteAppDbContext --output-dir Migrations/Sqlite \
  && dotnet ef migrations add AddProjects --project src/Contoso.Notes.Data --context PostgresAppDbContext --output-dir Migrations/Postgres \
  && ls src/Contoso.Notes.Data/Migrations/Sqlite | grep -q AddProjects && ls src/Contoso.Notes.Data/Migrations/Postgres | grep -q AddProjects"
check "the postgres variant, with the new entity, builds with warnings as errors" "$work/build-pg.log" \
  dotnet build "$pg/Contoso.Notes.slnx" -c Release -warnaserror --nologo -v quiet
check "its ./run.sh runs api and mcp, and ./run.sh token gives tokens each tier takes as the same user" "$work/run-pg.log" run_without_web "$pg"
check "its endpoints reach the committed OpenAPI document as the entity template's instructions say" "$work/openapi-pg.log" bash -c "
  cd '$pg' && grep -q 'UPDATE_OPENAPI=1' '$work/entity-new.log' \
  && UPDATE_OPENAPI=1 dotnet test tests/Contoso.Notes.Api.Tests -c Release --no-build --nologo --filter OpenApiDocumentTests --logger 'console;verbosity=minimal' \
  && grep -q '/api/projects' docs/openapi.json"
check "the postgres variant passes its .NET tests, the new entity's among them" "$work/test-pg.log" bash -c "
  cd '$pg' && npm ci --prefix tests/conformance --no-audit --no-fund --loglevel=error && npm ci --prefix tests/mcp-client --no-audit --no-fund --loglevel=error \
  && for p in tests/*.Tests/*.Tests.csproj; do dotnet test \"\$p\" -c Release --no-build --nologo --logger 'console;verbosity=minimal' || exit 1; done \
  && dotnet test tests/Contoso.Notes.Mcp.Tests -c Release --no-build --nologo --filter 'FullyQualifiedName~ProjectTools|FullyQualifiedName~ProjectViews' --logger 'console;verbosity=minimal' \
     | grep -E 'Passed!  - Failed: +0, Passed: +[1-9]'"

check "the variant without the web tier's docs check out (links and anchors, settings, the README's commands)" "$work/docs-pg.log" bash -c "
  cd '$pg' && npm ci --prefix tests/docs --no-audit --no-fund --loglevel=error && node tests/docs/check-docs.mjs"

# --- an empty domain: the plumbing without the sample, then a first entity
empty="$work/empty"
check "dotnet new mcpstack --domain empty makes a solution without the sample tasks" "$work/new-empty.log" bash -c "
  dotnet new mcpstack --debug:custom-hive '$hive' -n Fabrikam.Desk --domain empty -o '$empty' && cd '$empty' \
  && test ! -e src/Fabrikam.Desk.Data/Entities/TaskItem.cs && test ! -e src/Fabrikam.Desk.Api/Tasks && test ! -e bench && test ! -e 'web/app/(app)/tasks' \
  && test ! -e templates/skeleton && ! grep -rIl --exclude='*.test.ts' 'list_tasks\|tasks:read\|/api/tasks' src web/lib web/app web/components \
  && grep -q 'data:read' web/lib/auth.ts && grep -q '/help' src/Fabrikam.Desk.Api/Chat/SlashCommands.cs && grep -q 'domain empty' README.md"
check "nothing in the empty variant is still called McpStack" "$work/renamed-empty.log" renamed "$empty"
check "its migrations are the model's, for both providers" "$work/pending-empty.log" bash -c "
  cd '$empty' && dotnet tool restore && dotnet restore Fabrikam.Desk.slnx \
  && dotnet ef migrations has-pending-model-changes --project src/Fabrikam.Desk.Data --context SqliteAppDbContext \
  && dotnet ef migrations has-pending-model-changes --project src/Fabrikam.Desk.Data --context PostgresAppDbContext"
check "it builds with warnings as errors (.NET; the web tier type-checks and its unit tests pass)" "$work/build-empty.log" bash -c "
  cd '$empty' && dotnet build Fabrikam.Desk.slnx -c Release -warnaserror --nologo -v quiet \
  && npm install --prefix web --no-audit --no-fund --loglevel=error && cd web && npx --no-install tsc --noEmit -p . && NO_COLOR=1 npx --no-install vitest run"
check "it passes its .NET tests (its OpenAPI document is the one its api serves)" "$work/test-empty.log" bash -c "
  cd '$empty' && npm ci --prefix tests/conformance --no-audit --no-fund --loglevel=error \
  && for p in tests/*.Tests/*.Tests.csproj; do dotnet test \"\$p\" -c Release --no-build --nologo --logger 'console;verbosity=minimal' || exit 1; done"
check "a first entity, added with its entity template and migrated, builds and passes its tests" "$work/entity-empty.log" bash -c "
  cd '$empty' && dotnet new install templates/entity --debug:custom-hive '$hive' && dotnet new fabrikam-desk-entity -n Ticket --debug:custom-hive '$hive' \
  && dotnet ef migrations add AddTickets --project src/Fabrikam.Desk.Data --context SqliteAppDbContext --output-dir Migrations/Sqlite \
  && dotnet ef migrations add AddTickets --project src/Fabrikam.Desk.Data --context PostgresAppDbContext --output-dir Migrations/Postgres \
  && dotnet build Fabrikam.Desk.slnx -c Release -warnaserror --nologo -v quiet \
  && dotnet test tests/Fabrikam.Desk.Mcp.Tests -c Release --no-build --nologo --filter 'FullyQualifiedName~TicketTools|FullyQualifiedName~TicketViews' --logger 'console;verbosity=minimal' | grep -E 'Passed!  - Failed: +0, Passed: +[1-9]' \
  && dotnet test tests/Fabrikam.Desk.Api.Tests -c Release --no-build --nologo --filter FullyQualifiedName~TicketEndpoints --logger 'console;verbosity=minimal' | grep -E 'Passed!  - Failed: +0, Passed: +[1-9]'"
check "the empty domain's docs check out (links and anchors, settings, the README's commands)" "$work/docs-empty.log" bash -c "
  cd '$empty' && npm ci --prefix tests/docs --no-audit --no-fund --loglevel=error && node tests/docs/check-docs.mjs"
check "the last combination, an empty domain without the web tier, builds with warnings as errors" "$work/empty-noweb.log" bash -c "
  dotnet new mcpstack --debug:custom-hive '$hive' -n Fabrikam.Api --domain empty --web false -o '$work/empty-noweb' \
  && test ! -e '$work/empty-noweb/web' && ! grep -q '/api/tasks' '$work/empty-noweb/docs/openapi.json' && grep -q '/api/conversations' '$work/empty-noweb/docs/openapi.json' && dotnet build '$work/empty-noweb/Fabrikam.Api.slnx' -c Release -warnaserror --nologo -v quiet"

echo "1..$n"
echo "# pass $pass"
echo "# fail $fail"
[ "$fail" -eq 0 ]
