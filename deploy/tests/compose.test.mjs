// The compose file's structure (no Docker engine runs here to do `docker compose config`).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const deploy = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const compose = parse(readFileSync(path.join(deploy, "docker-compose.yml"), "utf8"));
const services = compose.services;
// A solution made with `dotnet new mcpstack --web false` has no web tier.
const web = existsSync(path.join(deploy, "..", "web"));

test("has postgres, the one-shot migrations and the tiers", () => {
  const expected = web ? ["api", "auth-migrate", "mcp", "migrate", "postgres", "web"] : ["api", "mcp", "migrate", "postgres"];
  assert.deepEqual(Object.keys(services).sort(), expected);
});

test("the MCP server is not published to the host", () => {
  assert.equal(services.mcp.ports, undefined);
  assert.deepEqual(services.api.ports, ["8000:8000"]);
  if (web) assert.deepEqual(services.web.ports, ["3000:3000"]);
});

test("start-up is gated on health and on the migrations having succeeded", () => {
  assert.equal(services.migrate.depends_on.postgres.condition, "service_healthy");
  assert.equal(services.mcp.depends_on.migrate.condition, "service_completed_successfully");
  assert.equal(services.api.depends_on.mcp.condition, "service_healthy");
  if (web) {
    assert.equal(services.web.depends_on.api.condition, "service_healthy");
    assert.equal(services.web.depends_on["auth-migrate"].condition, "service_completed_successfully");
  }
  assert.ok(services.postgres.healthcheck);
});

test("the database lives in a named volume", () => {
  assert.ok("pgdata" in compose.volumes);
  assert.ok(services.postgres.volumes.includes("pgdata:/var/lib/postgresql/data"));
});

test("every build names a Dockerfile that exists, and secrets must be set", () => {
  for (const service of Object.values(services).filter((s) => s.build)) {
    assert.ok(existsSync(path.join(deploy, service.build.context, service.build.dockerfile)), service.build.dockerfile);
  }
  const text = readFileSync(path.join(deploy, "docker-compose.yml"), "utf8");
  const secrets = ["POSTGRES_PASSWORD", "DELEGATION_SIGNING_KEY_PEM", ...(web ? ["BETTER_AUTH_SECRET"] : ["AUTH_ISSUER", "AUTH_JWKS_URL"])];
  for (const secret of secrets) {
    assert.match(text, new RegExp(`\\$\\{${secret}:\\?`), `${secret} must be required`);
  }
});

test("each Dockerfile runs as a non-root user, has a health check, and builds with the commands CI runs", () => {
  const images = [["mcp.Dockerfile", "dotnet publish src/McpStack.Mcp"], ["api.Dockerfile", "dotnet publish src/McpStack.Api"]];
  if (web) images.push(["web.Dockerfile", "npm run build:image"]);
  for (const [file, build] of images) {
    const text = readFileSync(path.join(deploy, file), "utf8");
    assert.match(text, /^USER /m, file);
    assert.match(text, /^HEALTHCHECK /m, file);
    assert.ok(text.includes(build), `${file} builds with ${build}`);
    assert.equal((text.match(/^FROM /gm) ?? []).length, 2, `${file} is multi-stage`);
  }
});
