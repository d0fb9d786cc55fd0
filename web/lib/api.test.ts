import { describe, expect, it, vi } from "vitest";
import { APIError, cachedToken, createApiClient } from "./api";

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  // openapi-fetch hands fetch one Request.
  return vi.fn(async (_request: Request) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } }));
}

describe("createApiClient", () => {
  it("sends the bearer token to the configured base URL", async () => {
    const fetch = fakeFetch(200, { items: [], total: 0, limit: 100, offset: 0, hasMore: false });
    const api = createApiClient({ baseUrl: "http://api.test/", getToken: async () => "tok", fetch });
    const list = await api.listTasks("pending");
    expect(list.total).toBe(0);
    const [request] = fetch.mock.calls[0]!;
    expect(request.url).toBe("http://api.test/api/tasks?status=pending&limit=100&offset=0");
    expect(request.headers.get("Authorization")).toBe("Bearer tok");
  });

  it("sends JSON bodies", async () => {
    const fetch = fakeFetch(201, { id: "1", title: "Milk" });
    const api = createApiClient({ baseUrl: "http://api.test", getToken: async () => "tok", fetch });
    await api.createTask({ title: "Milk" });
    const [request] = fetch.mock.calls[0]!;
    expect(request.method).toBe("POST");
    expect(await request.text()).toBe(JSON.stringify({ title: "Milk" }));
    expect(request.headers.get("Content-Type")).toBe("application/json");
  });

  it("turns problem details into an APIError with field messages", async () => {
    const fetch = fakeFetch(400, { title: "The request has invalid fields.", status: 400, errors: { title: ["The title cannot be empty."] } });
    const api = createApiClient({ baseUrl: "http://api.test", getToken: async () => "tok", fetch });
    const error = await api.createTask({ title: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).field("title")).toBe("The title cannot be empty.");
    expect((error as APIError).message).toBe("The request has invalid fields.");
  });

  it("reports 409 conflicts with the current version", async () => {
    const fetch = fakeFetch(409, { title: "Changed", detail: "The task was changed by someone else.", currentVersion: 3 });
    const api = createApiClient({ baseUrl: "http://api.test", getToken: async () => "tok", fetch });
    const error = (await api.updateTask("1", { title: "x", version: 1 }).catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(409);
    expect(error.problem.currentVersion).toBe(3);
    expect(error.message).toBe("The task was changed by someone else.");
  });

  it("says when the server cannot be reached", async () => {
    const api = createApiClient({ baseUrl: "http://api.test", getToken: async () => "tok", fetch: vi.fn(async () => { throw new TypeError("fetch failed"); }) });
    const error = (await api.listTasks().catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(0);
    expect(error.message).toContain("Is the api running?");
  });

  it("explains a 429 without a body", async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 429, headers: { "Retry-After": "12" } }));
    const api = createApiClient({ baseUrl: "http://api.test", getToken: async () => "tok", fetch });
    const error = (await api.deleteTask("1").catch((e: unknown) => e)) as APIError;
    expect(error.status).toBe(429);
    expect(error.message).toBe("Too many requests; try again in 12 s.");
  });
});

describe("cachedToken", () => {
  const tokenExpiringAt = (seconds: number) => `h.${btoa(JSON.stringify({ exp: seconds })).replace(/=+$/, "")}.s`;

  it("reuses a token until 30 s before it expires", async () => {
    let now = 1_000_000;
    const fetchToken = vi.fn(async () => tokenExpiringAt(now / 1000 + 120));
    const get = cachedToken(fetchToken, () => now);
    await get();
    await get();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    now += 100_000;
    await get();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("asks once for concurrent callers", async () => {
    const fetchToken = vi.fn(async () => tokenExpiringAt(Date.now() / 1000 + 600));
    const get = cachedToken(fetchToken);
    await Promise.all([get(), get(), get()]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});
