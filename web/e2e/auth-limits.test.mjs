// The web tier's per-address and per-account limits as an attacker meets them: the real tiers with Better Auth's rate
// limits on, and one trusted proxy (127.0.0.2). Requests leave from chosen loopback addresses (127.0.0.0/8 is all
// loopback on Linux), so "another client" and "the proxy" are real peers, not headers.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { createClient } from "@libsql/client";
import { startStack } from "./stack.mjs";

const proxy = "127.0.0.2";
let stack;

before(async () => {
  stack = await startStack({ env: { AUTH_RATE_LIMIT: "on", TRUSTED_PROXIES: proxy } });
});

after(async () => {
  await stack?.stop();
});

/** A JSON POST to the web tier from the loopback address `from`, with the headers given (X-Forwarded-For, say). */
function post(path, body, { from = "127.0.0.1", headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const sent = request(
      `${stack.webUrl}${path}`,
      { method: "POST", localAddress: from, headers: { "content-type": "application/json", origin: stack.webUrl, ...headers } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, text }));
      },
    );
    sent.on("error", reject);
    sent.end(JSON.stringify(body));
  });
}

let peers = 10;
/** A loopback address no other test uses: a client of its own, with untouched per-address budgets. */
const newPeer = () => `127.0.1.${peers++}`;

/** A new account, signed up from an address of its own (sign-up is limited per address too). */
async function signUp(name) {
  const account = { email: `${name}-${Date.now()}@example.test`, password: "correct horse battery" };
  const response = await post("/api/auth/sign-up/email", { ...account, name }, { from: newPeer() });
  assert.equal(response.status, 200, response.text);
  return account;
}

const signIn = (account, password, options) => post("/api/auth/sign-in/email", { email: account.email, password }, options);
const forwarded = (address) => ({ "x-forwarded-for": address });
const statuses = (responses) => responses.map((r) => r.status);

async function inTurn(count, send) {
  const responses = [];
  for (let i = 0; i < count; i++) responses.push(await send(i));
  return responses;
}

describe("per-address limits count the real client", { timeout: 120_000 }, () => {
  test("guessing a password with a new X-Forwarded-For each time, from a peer that is no trusted proxy, meets 429", async () => {
    const victim = await signUp("victim");
    const peer = newPeer();
    const answers = await inTurn(12, (i) => signIn(victim, `guess-${i}`, { from: peer, headers: forwarded(`198.51.100.${i + 1}`) }));
    // Better Auth's sign-in rule: 3 a 10 s per address. Before, each forged address had a budget of its own: 12 × 401.
    assert.deepEqual(statuses(answers), [401, 401, 401, ...Array(9).fill(429)]);
    assert.ok(Number(answers[3].headers["x-retry-after"] ?? answers[3].headers["retry-after"]) > 0, JSON.stringify(answers[3].headers));
  });

  test("through the trusted proxy, each forwarded client has a budget of its own, and a forged leftmost entry changes nothing", async () => {
    const account = await signUp("behind-proxy");
    const spread = await inTurn(5, (i) => signIn(account, `guess-${i}`, { from: proxy, headers: forwarded(`203.0.113.${i + 1}`) }));
    assert.deepEqual(statuses(spread), [401, 401, 401, 401, 401], "five clients, one guess each");

    const other = await signUp("forger");
    // The proxy appends the address it saw; the client wrote the rest.
    const forged = await inTurn(4, (i) => signIn(other, `guess-${i}`, { from: proxy, headers: forwarded(`6.6.6.${i}, 203.0.113.77`) }));
    assert.deepEqual(statuses(forged), [401, 401, 401, 429]);
  });

  test("registrations are counted per real address: 5 a minute, whatever X-Forwarded-For says", async () => {
    const register = (i, options) =>
      post("/api/auth/oauth2/register", { client_name: `Client ${i}`, redirect_uris: ["http://127.0.0.1:1/callback"], token_endpoint_auth_method: "none" }, options);
    const peer = newPeer();
    const direct = await inTurn(7, (i) => register(i, { from: peer, headers: forwarded(`192.0.2.${i + 1}`) }));
    assert.deepEqual(statuses(direct), [201, 201, 201, 201, 201, 429, 429]);
    const proxied = await inTurn(7, (i) => register(i, { from: proxy, headers: forwarded(`192.0.2.${i + 100}`) }));
    assert.deepEqual(statuses(proxied), Array(7).fill(201), "seven clients behind the proxy, one registration each");
  });
});

describe("per-account limit on failed sign-ins", { timeout: 120_000 }, () => {
  test("an account takes 10 failed sign-ins from any number of addresses; then even its password waits, and other accounts do not", async () => {
    const account = await signUp("guessed");
    const bystander = await signUp("bystander");
    const guesses = await inTurn(10, (i) => signIn(account, `guess-${i}`, { from: proxy, headers: forwarded(`198.18.0.${i + 1}`) }));
    assert.deepEqual(statuses(guesses), Array(10).fill(401));

    const locked = await signIn(account, "guess-11", { from: proxy, headers: forwarded("198.18.1.1") });
    assert.equal(locked.status, 429, locked.text);
    assert.match(JSON.parse(locked.text).message, /Too many failed sign-ins for this account\. Try again in 15 minutes\./);
    assert.ok(Number(locked.headers["retry-after"]) > 800, `Retry-After ${locked.headers["retry-after"]}`);
    // The right password too: else the limit would only slow a guesser down.
    const owner = await signIn(account, account.password, { from: newPeer() });
    assert.equal(owner.status, 429, owner.text);
    // Upper case is the same account.
    assert.equal((await signIn({ email: account.email.toUpperCase() }, account.password, { from: newPeer() })).status, 429);

    assert.equal((await signIn(bystander, bystander.password, { from: newPeer() })).status, 200, "another account is not locked");
  });

  test("a success clears the account's failures", async () => {
    const account = await signUp("forgetful");
    const failures = await inTurn(9, (i) => signIn(account, `typo-${i}`, { from: proxy, headers: forwarded(`198.18.2.${i + 1}`) }));
    assert.deepEqual(statuses(failures), Array(9).fill(401));
    assert.equal((await signIn(account, account.password, { from: newPeer() })).status, 200);
    const again = await inTurn(9, (i) => signIn(account, `typo-${i}`, { from: proxy, headers: forwarded(`198.18.3.${i + 1}`) }));
    assert.deepEqual(statuses(again), Array(9).fill(401), "counted from zero after the success");
  });
});

describe("registrations no user allowed", { timeout: 60_000 }, () => {
  test("are removed a day after they were made, at the next registration; allowed ones stay", async () => {
    const register = async (name) => {
      const response = await post("/api/auth/oauth2/register", { client_name: name, redirect_uris: ["http://127.0.0.1:1/callback"], token_endpoint_auth_method: "none" }, { from: newPeer() });
      assert.equal(response.status, 201, response.text);
      return JSON.parse(response.text).client_id;
    };
    const [abandoned, allowed, recent] = [await register("Abandoned"), await register("Allowed"), await register("Recent")];
    const db = createClient({ url: `file:${stack.authDatabase}` });
    try {
      const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString();
      await db.execute({ sql: `update "oauthClient" set "createdAt" = ? where "clientId" in (?, ?)`, args: [dayAgo, abandoned, allowed] });
      const user = (await db.execute(`select "id" from "user" limit 1`)).rows[0].id;
      await db.execute({
        sql: `insert into "oauthConsent" ("id", "clientId", "userId", "scopes", "createdAt", "updatedAt") values (?, ?, ?, ?, ?, ?)`,
        args: ["consent-of-allowed", allowed, user, JSON.stringify(["tasks:read"]), dayAgo, dayAgo],
      });
      await register("Trigger");
      const left = (await db.execute({ sql: `select "clientId" from "oauthClient" where "clientId" in (?, ?, ?)`, args: [abandoned, allowed, recent] })).rows.map((r) => r.clientId);
      assert.deepEqual(left.sort(), [allowed, recent].sort());
    } finally {
      db.close();
    }
  });
});
