// The tiers export OpenTelemetry over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set: the web tier's server too
// (instrumentation.ts), continuing the trace of a caller that sends `traceparent`; and nothing secret goes with it.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { freePort } from "../../tests/free-port.mjs";
import { signUpByApi, startStack } from "./stack.mjs";

/** An OTLP/HTTP endpoint that keeps the bodies it is sent, by path (/v1/traces, /v1/metrics, /v1/logs). */
async function startReceiver() {
  const bodies = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      const list = bodies.get(request.url) ?? [];
      list.push(Buffer.concat(chunks));
      bodies.set(request.url, list);
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    all: (path) => Buffer.concat(bodies.get(path) ?? []),
    everything: () => Buffer.concat([...bodies.values()].flat()),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function until(check, what, seconds = 20) {
  const deadline = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`not within ${seconds} s: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let receiver;
let stack;

before(async () => {
  receiver = await startReceiver();
  stack = await startStack({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf", OTEL_BSP_SCHEDULE_DELAY: "200" },
  });
});

after(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe("telemetry", { timeout: 120_000 }, () => {
  test("the web tier's server exports its spans and continues the trace of a caller that sends traceparent", async () => {
    const traceId = randomBytes(16).toString("hex");
    const response = await fetch(`${stack.webUrl}/sign-in`, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` } });
    assert.equal(response.status, 200);
    // Protobuf keeps strings as UTF-8 and ids as their raw bytes.
    await until(() => receiver.all("/v1/traces").includes("mcpstack-web"), "spans from the web tier");
    await until(() => receiver.all("/v1/traces").includes(Buffer.from(traceId, "hex")), "a web span in the caller's trace");
  });

  test("a user's sign-up, token and api call leave no password, cookie or token in anything exported", async () => {
    const { password, cookie, token } = await signUpByApi(stack, "otto");
    assert.ok(cookie.includes("="), "a session cookie");
    const tasks = await fetch(`${stack.apiUrl}/api/tasks`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(tasks.status, 200);

    await until(() => receiver.all("/v1/traces").includes("/api/tasks") && receiver.all("/v1/traces").includes("mcpstack-api"), "the api's span of the call");
    const exported = receiver.everything();
    for (const [what, secret] of [["password", password], ["token", token], ...cookie.split("; ").map((c) => ["cookie", c.split("=").slice(1).join("=")])]) {
      assert.ok(!exported.includes(secret), `the ${what} is in what was exported`);
    }
  });
});
